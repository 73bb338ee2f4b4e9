// SPDX-License-Identifier: GPL-2.0-or-later
/* The proxy's settings: defaults, one setter for flags and config file. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <arpa/inet.h>

#include "proxy.h"
#include "util.h"

static const char *const mode_names[PROXY_MODE_COUNT] = {
	[PROXY_FORWARD] = "forward",
	[PROXY_REVERSE] = "reverse",
	[PROXY_SOCKS] = "socks",
	[PROXY_TRANSPARENT] = "transparent",
};

static const char *const end_names[PROXY_END_COUNT] = {
	[PROXY_END_CLOSED] = "closed",
	[PROXY_END_RESET] = "reset",
	[PROXY_END_IDLE] = "idle-timeout",
	[PROXY_END_CONNECT_FAILED] = "connect-failed",
	[PROXY_END_CONNECT_TIMEOUT] = "connect-timeout",
	[PROXY_END_HANDSHAKE_TIMEOUT] = "handshake-timeout",
	[PROXY_END_BAD_HANDSHAKE] = "bad-handshake",
	[PROXY_END_AUTH_FAILED] = "auth-failed",
	[PROXY_END_CLIENT_NOT_ALLOWED] = "client-not-allowed",
	[PROXY_END_DEST_NOT_ALLOWED] = "dest-not-allowed",
	[PROXY_END_UNSUPPORTED] = "unsupported",
	[PROXY_END_RESOLVE_FAILED] = "resolve-failed",
	[PROXY_END_MAX_CONNS] = "max-conns",
	[PROXY_END_NO_ORIGDST] = "no-original-dst",
	[PROXY_END_UPSTREAM_REFUSED] = "upstream-refused",
	[PROXY_END_DRAINED] = "drained",
};

const char *proxy_end_name(enum proxy_end end)
{
	return (unsigned int)end < PROXY_END_COUNT ? end_names[end] : "?";
}

const char *proxy_mode_name(enum proxy_mode mode)
{
	return (unsigned int)mode < PROXY_MODE_COUNT ? mode_names[mode] : "?";
}

enum proxy_mode proxy_mode_from_name(const char *name, bool *ok)
{
	for (unsigned int i = 0; i < PROXY_MODE_COUNT; i++) {
		if (!strcmp(name, mode_names[i])) {
			*ok = true;
			return (enum proxy_mode)i;
		}
	}
	*ok = false;
	return PROXY_FORWARD;
}

void proxy_config_init(struct proxy_config *cfg)
{
	memset(cfg, 0, sizeof(*cfg));
	strcpy(cfg->listen_host, "127.0.0.1");
	cfg->max_conns = 1024;
	cfg->workers = 1;
	cfg->idle_timeout_ms = 300 * 1000;
	cfg->connect_timeout_ms = 10 * 1000;
	cfg->handshake_timeout_ms = 10 * 1000;
	cfg->drain_timeout_ms = 10 * 1000;
	cfg->halfclose_hold_ms = 1000;
}

static int copy_str(char *dst, size_t len, const char *src, size_t n)
{
	if (n == 0 || n >= len)
		return -EINVAL;
	memcpy(dst, src, n);
	dst[n] = '\0';
	return 0;
}

int proxy_parse_hostport(const char *s, char *host, size_t hostlen, char *port, size_t portlen)
{
	const char *colon = strrchr(s, ':');
	const char *p = colon ? colon + 1 : s;
	long v;

	if (parse_long(p, 0, 65535, &v) || copy_str(port, portlen, p, strlen(p)))
		return -EINVAL;
	if (!colon)
		return 0;
	if (s[0] == '[') {
		if (colon < s + 2 || colon[-1] != ']')
			return -EINVAL;
		return copy_str(host, hostlen, s + 1, (size_t)(colon - s - 2));
	}
	if (memchr(s, ':', (size_t)(colon - s)))
		return -EINVAL; /* bare IPv6 needs brackets */
	return copy_str(host, hostlen, s, (size_t)(colon - s));
}

int proxy_parse_cidr(const char *s, struct proxy_cidr *out)
{
	char addr[INET6_ADDRSTRLEN];
	const char *slash = strchr(s, '/');
	size_t n = slash ? (size_t)(slash - s) : strlen(s);
	long prefix;

	if (copy_str(addr, sizeof(addr), s, n))
		return -EINVAL;
	memset(out, 0, sizeof(*out));
	if (inet_pton(AF_INET, addr, &out->addr.v4) == 1)
		out->family = AF_INET;
	else if (inet_pton(AF_INET6, addr, &out->addr.v6) == 1)
		out->family = AF_INET6;
	else
		return -EINVAL;
	prefix = out->family == AF_INET ? 32 : 128;
	if (slash && parse_long(slash + 1, 0, prefix, &prefix))
		return -EINVAL;
	out->prefix = (unsigned int)prefix;
	return 0;
}

/* The address of an IPv4 or IPv6 socket address, IPv4-mapped as IPv4. */
static int sockaddr_in46(const struct sockaddr *sa, union mpk_in46 *a)
{
	const struct sockaddr_in6 *in6 = (const struct sockaddr_in6 *)sa;

	memset(a, 0, sizeof(*a));
	if (sa->sa_family == AF_INET) {
		a->v4 = ((const struct sockaddr_in *)sa)->sin_addr;
		return AF_INET;
	}
	if (sa->sa_family != AF_INET6)
		return AF_UNSPEC;
	if (IN6_IS_ADDR_V4MAPPED(&in6->sin6_addr)) {
		memcpy(&a->v4, in6->sin6_addr.s6_addr + 12, 4);
		return AF_INET;
	}
	a->v6 = in6->sin6_addr;
	return AF_INET6;
}

bool proxy_cidr_match(const struct proxy_cidr *c, const struct sockaddr *sa)
{
	union mpk_in46 a;
	const uint8_t *x = (const uint8_t *)&a, *y = (const uint8_t *)&c->addr;
	unsigned int bits = c->prefix, i = 0;

	if (sockaddr_in46(sa, &a) != c->family)
		return false;
	for (; bits >= 8; bits -= 8, i++)
		if (x[i] != y[i])
			return false;
	return bits == 0 || ((x[i] ^ y[i]) & (0xff00 >> bits)) == 0;
}

bool proxy_addr_is_local(const struct sockaddr *sa)
{
	union mpk_in46 a;
	int family = sockaddr_in46(sa, &a);
	uint32_t v4 = ntohl(a.v4.s_addr);

	if (family == AF_INET)
		return (v4 >> 24) == 127 || (v4 >> 16) == 0xa9fe || v4 == 0;
	if (family == AF_INET6)
		return IN6_IS_ADDR_LOOPBACK(&a.v6) || IN6_IS_ADDR_LINKLOCAL(&a.v6) ||
		       IN6_IS_ADDR_UNSPECIFIED(&a.v6);
	return true;
}

bool proxy_host_is_loopback(const char *host)
{
	struct in_addr v4;
	struct in6_addr v6;

	if (!strcmp(host, "localhost"))
		return true;
	if (inet_pton(AF_INET, host, &v4) == 1)
		return (ntohl(v4.s_addr) >> 24) == 127;
	return inet_pton(AF_INET6, host, &v6) == 1 && IN6_IS_ADDR_LOOPBACK(&v6);
}

/* "USER:PASS" into cfg. */
static int set_auth(struct proxy_config *cfg, const char *s)
{
	const char *colon = strchr(s, ':');

	if (!colon || copy_str(cfg->user, sizeof(cfg->user), s, (size_t)(colon - s)) ||
	    copy_str(cfg->pass, sizeof(cfg->pass), colon + 1, strlen(colon + 1)))
		return -EINVAL;
	cfg->auth = true;
	return 0;
}

/* The first line of the file is USER:PASS: the secret stays off the
 * command line. */
static int set_auth_file(struct proxy_config *cfg, const char *path)
{
	char line[600];
	FILE *f = fopen(path, "re");
	int err;

	if (!f)
		return -errno;
	if (!fgets(line, sizeof(line), f)) {
		fclose(f);
		return -EINVAL;
	}
	fclose(f);
	line[strcspn(line, "\r\n")] = '\0';
	err = set_auth(cfg, line);
	explicit_bzero(line, sizeof(line));
	return err;
}

static int set_seconds(int *ms, const char *s)
{
	long v;

	if (parse_long(s, 1, 86400, &v))
		return -EINVAL;
	*ms = (int)(v * 1000);
	return 0;
}

static int set_allow(struct proxy_config *cfg, const char *s)
{
	if (cfg->n_allow == PROXY_ALLOW_MAX)
		return -E2BIG;
	if (proxy_parse_cidr(s, &cfg->allow[cfg->n_allow]))
		return -EINVAL;
	cfg->n_allow++;
	return 0;
}

static int set_mode(struct proxy_config *cfg, const char *s)
{
	bool ok;

	cfg->mode = proxy_mode_from_name(s, &ok);
	cfg->mode_set = ok;
	return ok ? 0 : -EINVAL;
}

static int set_listen(struct proxy_config *cfg, const char *s)
{
	return proxy_parse_hostport(s, cfg->listen_host, sizeof(cfg->listen_host),
				    cfg->listen_port, sizeof(cfg->listen_port));
}

static int set_to(struct proxy_config *cfg, const char *s)
{
	char port[8] = "";

	cfg->to_host[0] = '\0';
	if (proxy_parse_hostport(s, cfg->to_host, sizeof(cfg->to_host), port, sizeof(port)) ||
	    !cfg->to_host[0] || !strcmp(port, "0"))
		return -EINVAL;
	strcpy(cfg->to_port, port);
	return 0;
}

static int set_max_conns(struct proxy_config *cfg, const char *s)
{
	long v;

	if (parse_long(s, 1, 1000000, &v))
		return -EINVAL;
	cfg->max_conns = (int)v;
	return 0;
}

static int set_iif(struct proxy_config *cfg, const char *s)
{
	if (strspn(s, "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789_.-") != strlen(s))
		return -EINVAL;
	return copy_str(cfg->rules_iif, sizeof(cfg->rules_iif), s, strlen(s));
}

static int set_allow_local_dest(struct proxy_config *cfg, const char *s)
{
	(void)s;
	cfg->allow_local_dest = true;
	return 0;
}

static int set_no_splice(struct proxy_config *cfg, const char *s)
{
	(void)s;
	cfg->no_splice = true;
	return 0;
}

static int set_tproxy(struct proxy_config *cfg, const char *s)
{
	(void)s;
	cfg->tproxy = true;
	return 0;
}

/* More processes than cores only add switches; 64 is far above that. */
static int set_workers(struct proxy_config *cfg, const char *s)
{
	long v;

	if (parse_long(s, 1, 64, &v))
		return -EINVAL;
	cfg->workers = (int)v;
	return 0;
}

static int set_idle(struct proxy_config *cfg, const char *s)
{
	return set_seconds(&cfg->idle_timeout_ms, s);
}

static int set_connect_timeout(struct proxy_config *cfg, const char *s)
{
	return set_seconds(&cfg->connect_timeout_ms, s);
}

static int set_handshake_timeout(struct proxy_config *cfg, const char *s)
{
	return set_seconds(&cfg->handshake_timeout_ms, s);
}

static int set_drain_timeout(struct proxy_config *cfg, const char *s)
{
	return set_seconds(&cfg->drain_timeout_ms, s);
}

/* Milliseconds, 0 (off) to 10 s: a hold is for the joins of a leg that has
 * just connected, a few round trips even on a satellite path. */
static int set_halfclose_hold(struct proxy_config *cfg, const char *s)
{
	long v;

	if (parse_long(s, 0, 10000, &v))
		return -EINVAL;
	cfg->halfclose_hold_ms = (int)v;
	return 0;
}

/* Every setting: the flags and the config file share these names. */
static const struct {
	const char *name;
	bool value;
	int (*set)(struct proxy_config *cfg, const char *value);
} settings[] = {
	{ "mode", true, set_mode },
	{ "listen", true, set_listen },
	{ "to", true, set_to },
	{ "via", true, set_to },
	{ "auth", true, set_auth },
	{ "auth-file", true, set_auth_file },
	{ "allow", true, set_allow },
	{ "allow-local-dest", false, set_allow_local_dest },
	{ "max-conns", true, set_max_conns },
	{ "idle-timeout", true, set_idle },
	{ "connect-timeout", true, set_connect_timeout },
	{ "handshake-timeout", true, set_handshake_timeout },
	{ "drain-timeout", true, set_drain_timeout },
	{ "halfclose-hold", true, set_halfclose_hold },
	{ "no-splice", false, set_no_splice },
	{ "iif", true, set_iif },
	{ "tproxy", false, set_tproxy },
	{ "workers", true, set_workers },
};

static int find_setting(const char *name)
{
	for (size_t i = 0; i < sizeof(settings) / sizeof(settings[0]); i++)
		if (!strcmp(name, settings[i].name))
			return (int)i;
	return -ENOENT;
}

int proxy_config_takes_value(const char *name)
{
	int i = find_setting(name);

	return i < 0 ? i : settings[i].value;
}

int proxy_config_set(struct proxy_config *cfg, const char *name, const char *value)
{
	int i = find_setting(name);

	if (i < 0)
		return i;
	if (settings[i].value != (value != NULL))
		return -EINVAL;
	return settings[i].set(cfg, value);
}

/* One "name value" line; blank and # lines are fine. */
static int load_line(struct proxy_config *cfg, char *s)
{
	char *value;

	s += strspn(s, " \t");
	s[strcspn(s, "\r\n")] = '\0';
	if (!*s || *s == '#')
		return 0;
	value = s + strcspn(s, " \t");
	if (*value) {
		*value++ = '\0';
		value += strspn(value, " \t");
	}
	return proxy_config_set(cfg, s, *value ? value : NULL);
}

int proxy_config_load(struct proxy_config *cfg, const char *path, int *line)
{
	char buf[1024];
	FILE *f = fopen(path, "re");
	int err = 0;

	*line = 0;
	if (!f)
		return -errno;
	while (!err && fgets(buf, sizeof(buf), f)) {
		++*line;
		err = load_line(cfg, buf);
	}
	explicit_bzero(buf, sizeof(buf));
	fclose(f);
	return err;
}

int proxy_config_check(const struct proxy_config *cfg)
{
	if (!cfg->listen_port[0])
		return -EINVAL;
	if (cfg->mode != PROXY_SOCKS && !cfg->to_host[0])
		return -EDESTADDRREQ;
	if (cfg->workers > 1 && cfg->tproxy)
		return -EOPNOTSUPP; /* its IP_TRANSPARENT listener is one socket */
	if (proxy_host_is_loopback(cfg->listen_host) || cfg->n_allow > 0)
		return 0;
	/* Redirected clients cannot authenticate: only --allow guards them. */
	if (cfg->mode == PROXY_TRANSPARENT || (cfg->mode == PROXY_SOCKS && !cfg->auth))
		return -EACCES;
	return 0;
}
