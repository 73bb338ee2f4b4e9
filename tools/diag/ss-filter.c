// SPDX-License-Identifier: GPL-2.0-or-later
/* ss-like filter expressions: a lexer over the joined words, a recursive
 * descent parser into a node array, and a matcher. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <arpa/inet.h>

#include "diag-names.h"
#include "ss-filter.h"
#include "util.h"

#define TOKEN_MAX 128
#define DEPTH_MAX 32

struct parser {
	const char *p;            /* the rest of the input */
	char tok[TOKEN_MAX];      /* the current token ("" at the end) */
	struct ss_filter *f;
	char *err;
	size_t errlen;
	int depth;
};

static int perr(struct parser *ps, const char *what)
{
	if (ps->tok[0])
		snprintf(ps->err, ps->errlen, "%s at '%s'", what, ps->tok);
	else
		snprintf(ps->err, ps->errlen, "%s at the end", what);
	return -EINVAL;
}

/* The next token: "(", ")", an operator, or a word. */
static int next(struct parser *ps)
{
	const char *s = ps->p;
	size_t n = 0;

	while (*s == ' ' || *s == '\t' || *s == '\n')
		s++;
	if (*s == '(' || *s == ')')
		n = 1;
	else if (strchr("=!<>", *s) && *s)
		n = s[1] == '=' ? 2 : 1;
	else
		while (s[n] && !strchr(" \t\n()=!<>", s[n]))
			n++;
	if (n >= TOKEN_MAX) {
		snprintf(ps->err, ps->errlen, "a word longer than %d characters", TOKEN_MAX - 1);
		return -EINVAL;
	}
	memcpy(ps->tok, s, n);
	ps->tok[n] = '\0';
	ps->p = s + n;
	return 0;
}

static bool is(const struct parser *ps, const char *word)
{
	return !strcmp(ps->tok, word);
}

static int new_node(struct parser *ps, enum ss_node_kind kind, int left, int right)
{
	struct ss_filter *f = ps->f;

	if (f->n == SS_FILTER_NODES) {
		snprintf(ps->err, ps->errlen, "more than %d terms", SS_FILTER_NODES);
		return -EINVAL;
	}
	memset(&f->node[f->n], 0, sizeof(f->node[0]));
	f->node[f->n].kind = kind;
	f->node[f->n].left = left;
	f->node[f->n].right = right;
	return f->n++;
}

/* An optional comparison operator; port comparisons may order. */
static int parse_cmp(struct parser *ps, enum ss_cmp *cmp, bool ordered)
{
	static const struct { const char *a, *b; enum ss_cmp cmp; } ops[] = {
		{ "=", "eq", SSF_EQ }, { "==", "eq", SSF_EQ }, { "!=", "ne", SSF_NE },
		{ "<", "lt", SSF_LT }, { "<=", "le", SSF_LE }, { ">", "gt", SSF_GT },
		{ ">=", "ge", SSF_GE },
	};

	*cmp = SSF_EQ;
	for (size_t i = 0; i < sizeof(ops) / sizeof(ops[0]); i++) {
		if (!is(ps, ops[i].a) && !is(ps, ops[i].b))
			continue;
		if (!ordered && ops[i].cmp != SSF_EQ && ops[i].cmp != SSF_NE)
			return perr(ps, "addresses compare with = or != only");
		*cmp = ops[i].cmp;
		return next(ps);
	}
	return 0;
}

static int parse_port(const char *s, uint16_t *port)
{
	long n;

	if (parse_long(s, 0, 65535, &n) < 0)
		return -EINVAL;
	*port = (uint16_t)n;
	return 0;
}

/* "/LEN" at the end of s (removed), within the family's bits. */
static int split_prefix(char *s, int family, uint8_t *prefix)
{
	char *slash = strrchr(s, '/');
	long n, max = family == AF_INET ? 32 : 128;

	*prefix = (uint8_t)max;
	if (!slash)
		return 0;
	*slash = '\0';
	if (parse_long(slash + 1, 0, max, &n) < 0)
		return -EINVAL;
	*prefix = (uint8_t)n;
	return 0;
}

/* ADDR[/LEN][:PORT], [ADDR6][/LEN][:PORT], ADDR6[/LEN], *[:PORT] or :PORT. */
static int parse_hostport(char *s, struct ss_node *nd)
{
	char *port = NULL, *host = s, *end;

	if (*s == '[') {
		end = strchr(s, ']');
		if (!end || (end[1] && end[1] != ':' && end[1] != '/'))
			return -EINVAL;
		*end = '\0';
		host = s + 1;
		if (end[1] == '/') {   /* [ADDR6]/LEN[:PORT]: the prefix goes back on host */
			port = strchr(end + 2, ':');
			if (port)
				*port++ = '\0';
			memmove(end, end + 1, strlen(end + 1) + 1);
		} else if (end[1] == ':') {
			port = end + 2;
		}
	} else if (strchr(s, ':') == strrchr(s, ':') && strchr(s, ':')) {
		port = strchr(s, ':');   /* one colon: IPv4 (or nothing) and a port */
		*port++ = '\0';
	}
	if (port && (parse_port(port, &nd->port) < 0))
		return -EINVAL;
	nd->has_port = port != NULL;
	nd->family = strchr(host, ':') ? AF_INET6 : AF_INET;
	if (!*host || !strcmp(host, "*")) {
		nd->family = AF_UNSPEC;
		nd->prefix = 0;
		return port ? 0 : -EINVAL;
	}
	if (split_prefix(host, nd->family, &nd->prefix) < 0)
		return -EINVAL;
	return inet_pton(nd->family, host, &nd->addr) == 1 ? 0 : -EINVAL;
}

static int parse_primary(struct parser *ps)
{
	bool port = is(ps, "sport") || is(ps, "dport");
	bool addr = is(ps, "src") || is(ps, "dst");
	enum ss_node_kind kind = is(ps, "sport") ? SSF_SPORT : is(ps, "dport") ? SSF_DPORT :
				 is(ps, "src") ? SSF_SRC : is(ps, "dst") ? SSF_DST : SSF_STATE;
	char value[TOKEN_MAX];
	struct ss_node *nd;
	enum ss_cmp cmp;
	int i = -1, ret = 0;

	if (!port && !addr && !is(ps, "state"))
		return perr(ps, "expected sport, dport, src, dst, state, not or (");
	if ((ret = next(ps)) < 0 || (ret = parse_cmp(ps, &cmp, port)) < 0)
		return ret;
	if (kind == SSF_STATE && cmp != SSF_EQ)
		return perr(ps, "state takes a name, not a comparison");
	if (!ps->tok[0] || is(ps, "(") || is(ps, ")"))
		return perr(ps, "expected a value");
	if ((i = new_node(ps, kind, -1, -1)) < 0)
		return i;
	nd = &ps->f->node[i];
	nd->cmp = cmp;
	snprintf(value, sizeof(value), "%s", ps->tok);
	if (port)
		ret = parse_port(value[0] == ':' ? value + 1 : value, &nd->port);
	else if (addr)
		ret = parse_hostport(value, nd);
	else
		ret = diag_state_parse(value, &nd->state);
	if (ret < 0)
		return perr(ps, port ? "expected a port number" : addr ?
			    "expected an address ADDR[/LEN][:PORT]" :
			    "expected a state (established, syn-sent, ..., listening)");
	return (ret = next(ps)) < 0 ? ret : i;
}

static int parse_expr(struct parser *ps);

static int parse_factor(struct parser *ps)
{
	int i = -1, ret = 0;

	if (is(ps, "not") || is(ps, "!")) {
		if ((ret = next(ps)) < 0 || (i = parse_factor(ps)) < 0)
			return ret < 0 ? ret : i;
		return new_node(ps, SSF_NOT, i, -1);
	}
	if (!is(ps, "("))
		return parse_primary(ps);
	if (++ps->depth > DEPTH_MAX)
		return perr(ps, "parentheses nested too deep");
	if ((ret = next(ps)) < 0 || (i = parse_expr(ps)) < 0)
		return ret < 0 ? ret : i;
	if (!is(ps, ")"))
		return perr(ps, "expected )");
	ps->depth--;
	return (ret = next(ps)) < 0 ? ret : i;
}

/* Does the current token start another factor (implicit "and")? */
static bool starts_factor(const struct parser *ps)
{
	return ps->tok[0] && !is(ps, ")") && !is(ps, "or") && !is(ps, "||");
}

static int parse_term(struct parser *ps)
{
	int left = parse_factor(ps), right, ret;

	while (left >= 0 && starts_factor(ps)) {
		if ((is(ps, "and") || is(ps, "&&")) && (ret = next(ps)) < 0)
			return ret;
		if ((right = parse_factor(ps)) < 0)
			return right;
		left = new_node(ps, SSF_AND, left, right);
	}
	return left;
}

static int parse_expr(struct parser *ps)
{
	int left = parse_term(ps), right, ret;

	while (left >= 0 && (is(ps, "or") || is(ps, "||"))) {
		if ((ret = next(ps)) < 0 || (right = parse_term(ps)) < 0)
			return ret < 0 ? ret : right;
		left = new_node(ps, SSF_OR, left, right);
	}
	return left;
}

static char *join_words(int argc, char **argv)
{
	size_t len = 1;
	char *s;

	for (int i = 0; i < argc; i++)
		len += strlen(argv[i]) + 1;
	s = malloc(len);
	if (!s)
		return NULL;
	s[0] = '\0';
	for (int i = 0; i < argc; i++) {
		strcat(s, argv[i]);
		strcat(s, " ");
	}
	return s;
}

int ss_filter_parse(int argc, char **argv, struct ss_filter *f, char *err, size_t errlen)
{
	struct parser ps = { .f = f, .err = err, .errlen = errlen };
	char *text = join_words(argc, argv);
	int ret;

	f->n = 0;
	f->root = -1;
	if (!text)
		return -ENOMEM;
	ps.p = text;
	ret = next(&ps);
	if (ret == 0 && ps.tok[0]) {
		ret = parse_expr(&ps);
		if (ret >= 0 && ps.tok[0])
			ret = perr(&ps, "unexpected word");
		if (ret >= 0)
			f->root = ret;
	}
	free(text);
	return ret < 0 ? ret : 0;
}

/* An address as IPv4 when it is IPv4-mapped, so that both forms match. */
static int host_of(const struct sockaddr_storage *ss, union mpk_in46 *a, uint16_t *port)
{
	const struct sockaddr_in6 *s6 = (const struct sockaddr_in6 *)ss;
	const struct sockaddr_in *s4 = (const struct sockaddr_in *)ss;

	memset(a, 0, sizeof(*a));
	if (ss->ss_family == AF_INET) {
		a->v4 = s4->sin_addr;
		*port = ntohs(s4->sin_port);
		return AF_INET;
	}
	*port = ntohs(s6->sin6_port);
	if (IN6_IS_ADDR_V4MAPPED(&s6->sin6_addr)) {
		memcpy(&a->v4, &s6->sin6_addr.s6_addr[12], 4);
		return AF_INET;
	}
	a->v6 = s6->sin6_addr;
	return AF_INET6;
}

static bool prefix_equal(const void *a, const void *b, unsigned int bits)
{
	const uint8_t *x = a, *y = b;
	unsigned int bytes = bits / 8, rest = bits % 8;

	if (memcmp(x, y, bytes))
		return false;
	return !rest || ((x[bytes] ^ y[bytes]) & (0xff << (8 - rest))) == 0;
}

static bool compare(enum ss_cmp cmp, long a, long b)
{
	switch (cmp) {
	case SSF_EQ: return a == b;
	case SSF_NE: return a != b;
	case SSF_LT: return a < b;
	case SSF_LE: return a <= b;
	case SSF_GT: return a > b;
	case SSF_GE: return a >= b;
	}
	return false;
}

static bool addr_matches(const struct ss_node *nd, const struct sockaddr_storage *ss)
{
	union mpk_in46 a;
	uint16_t port;
	int family = host_of(ss, &a, &port);
	bool eq = (nd->family == AF_UNSPEC ||
		   (nd->family == family && prefix_equal(&a, &nd->addr, nd->prefix))) &&
		  (!nd->has_port || nd->port == port);

	return nd->cmp == SSF_NE ? !eq : eq;
}

static uint16_t port_of(const struct sockaddr_storage *ss)
{
	union mpk_in46 a;
	uint16_t port;

	host_of(ss, &a, &port);
	return port;
}

static bool eval(const struct ss_filter *f, int i, const struct sockaddr_storage *l,
		 const struct sockaddr_storage *r, uint8_t state)
{
	const struct ss_node *nd = &f->node[i];

	switch (nd->kind) {
	case SSF_AND: return eval(f, nd->left, l, r, state) && eval(f, nd->right, l, r, state);
	case SSF_OR: return eval(f, nd->left, l, r, state) || eval(f, nd->right, l, r, state);
	case SSF_NOT: return !eval(f, nd->left, l, r, state);
	case SSF_SPORT: return compare(nd->cmp, port_of(l), nd->port);
	case SSF_DPORT: return compare(nd->cmp, port_of(r), nd->port);
	case SSF_SRC: return addr_matches(nd, l);
	case SSF_DST: return addr_matches(nd, r);
	case SSF_STATE: return state == nd->state;
	}
	return false;
}

bool ss_filter_match(const struct ss_filter *f, const struct sockaddr_storage *local,
		     const struct sockaddr_storage *remote, uint8_t state)
{
	return f->root < 0 || eval(f, f->root, local, remote, state);
}
