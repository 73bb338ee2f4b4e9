// SPDX-License-Identifier: GPL-2.0-or-later
/* The balancer's service and backends: parsed and checked, no I/O. */
#include <arpa/inet.h>
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "balancer.h"
#include "util.h"

static int perr(char *err, size_t errlen, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

static int perr(char *err, size_t errlen, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(err, errlen, fmt, ap);
	va_end(ap);
	return -EINVAL;
}

void balancer_spec_init(struct balancer_spec *s)
{
	memset(s, 0, sizeof(*s));
}

/* ADDR, ADDR:PORT, ADDR6 (bare), [ADDR6] or [ADDR6]:PORT; 0 or -EINVAL. */
static int parse_addr(const char *arg, struct balancer_addr *a)
{
	char buf[INET6_ADDRSTRLEN + 16], *host = buf, *colon;
	long port = 0;

	if (strlen(arg) >= sizeof(buf))
		return -EINVAL;
	strcpy(buf, arg);
	colon = strrchr(buf, ':');
	if (buf[0] == '[') {
		char *end = strchr(buf, ']');

		if (!end || (end[1] && end[1] != ':'))
			return -EINVAL;
		*end = '\0';
		host = buf + 1;
		colon = end[1] ? end + 1 : NULL;
	} else if (colon && strchr(buf, ':') != colon) {
		colon = NULL;	/* a bare IPv6 address */
	}
	if (colon) {
		*colon = '\0';
		if (parse_long(colon + 1, 1, 65535, &port))
			return -EINVAL;
	}
	a->family = strchr(host, ':') ? AF_INET6 : AF_INET;
	a->port = (uint16_t)port;
	return inet_pton(a->family, host, &a->ip) == 1 ? 0 : -EINVAL;
}

int balancer_set_service(struct balancer_spec *s, const char *arg, char *err, size_t errlen)
{
	if (parse_addr(arg, &s->service) || !s->service.port)
		return perr(err, errlen, "the service must be VIP:PORT or [VIP6]:PORT, not '%s'",
			    arg);
	return 0;
}

int balancer_add_backend(struct balancer_spec *s, const char *arg, char *err, size_t errlen)
{
	struct balancer_backend b = { 0 };
	char buf[128], *join;

	if (s->nbackends >= BALANCER_BACKENDS_MAX)
		return perr(err, errlen, "at most %d backends", BALANCER_BACKENDS_MAX);
	if (strlen(arg) >= sizeof(buf))
		return perr(err, errlen, "backend '%.40s...' is too long", arg);
	strcpy(buf, arg);
	join = strchr(buf, ',');
	if (join) {
		*join++ = '\0';
		if (strncmp(join, "join=", 5) || parse_addr(join + 5, &b.join) || !b.join.port)
			return perr(err, errlen, "backend '%s': after the address comes "
				    "',join=ADDR:PORT', not ',%s'", arg, join);
	}
	if (parse_addr(buf, &b.addr))
		return perr(err, errlen, "backend '%s' is not ADDR[:PORT][,join=ADDR:PORT]", arg);
	s->backend[s->nbackends++] = b;
	return 0;
}

static bool same(const struct balancer_addr *a, const struct balancer_addr *b)
{
	size_t n = a->family == AF_INET ? 4 : 16;

	return a->family == b->family && a->port == b->port && !memcmp(&a->ip, &b->ip, n);
}

/* The address:port a backend's connections go to. */
static struct balancer_addr target(const struct balancer_spec *s, int i)
{
	struct balancer_addr a = s->backend[i].addr;

	if (!a.port)
		a.port = s->service.port;
	return a;
}

static int check_backend(const struct balancer_spec *s, int i, char *err, size_t errlen)
{
	const struct balancer_backend *b = &s->backend[i];
	struct balancer_addr t = target(s, i);
	char x[64];

	if (b->addr.family != s->service.family ||
	    (b->join.family && b->join.family != s->service.family))
		return perr(err, errlen, "backend %d: IPv4 and IPv6 mixed (the service is %s)",
			    i + 1, s->service.family == AF_INET ? "IPv4" : "IPv6");
	if (b->join.family && same(&b->join, &s->service))
		return perr(err, errlen, "backend %d: its join address is the service's, %s: "
			    "joins would be balanced again", i + 1,
			    balancer_addr_format(&s->service, x, sizeof(x)));
	for (int j = 0; j < i; j++) {
		const struct balancer_backend *o = &s->backend[j];
		struct balancer_addr u = target(s, j);

		if (same(&t, &u))
			return perr(err, errlen, "backends %d and %d are the same, %s", j + 1,
				    i + 1, balancer_addr_format(&t, x, sizeof(x)));
		if (b->join.family && o->join.family && same(&b->join, &o->join))
			return perr(err, errlen, "backends %d and %d have the same join "
				    "address, %s: a port clash", j + 1, i + 1,
				    balancer_addr_format(&b->join, x, sizeof(x)));
	}
	return 0;
}

int balancer_spec_check(const struct balancer_spec *s, char *err, size_t errlen)
{
	if (!s->service.family)
		return perr(err, errlen, "no service (--service VIP:PORT)");
	if (!s->nbackends)
		return perr(err, errlen, "no backend (--backend ADDR[:PORT],join=ADDR:PORT)");
	for (int i = 0; i < s->nbackends; i++) {
		int ret = check_backend(s, i, err, errlen);

		if (ret)
			return ret;
	}
	return 0;
}

const char *balancer_addr_format(const struct balancer_addr *a, char *buf, size_t len)
{
	char ip[INET6_ADDRSTRLEN];

	in46_format(a->family, &a->ip, ip, sizeof(ip));
	if (!a->port)
		snprintf(buf, len, "%s", ip);
	else if (a->family == AF_INET6)
		snprintf(buf, len, "[%s]:%u", ip, a->port);
	else
		snprintf(buf, len, "%s:%u", ip, a->port);
	return buf;
}

void balancer_table_name(const struct balancer_spec *s, char *buf, size_t len)
{
	char ip[INET6_ADDRSTRLEN];

	in46_format(s->service.family, &s->service.ip, ip, sizeof(ip));
	for (char *c = ip; *c; c++) {
		if (*c == '.' || *c == ':')
			*c = '_';
	}
	snprintf(buf, len, "mptcpkit_lb_%s_%u", ip, s->service.port);
}

int balancer_spec_check_kind(const struct balancer_spec *s, enum balancer_kind kind,
			     char *err, size_t errlen)
{
	for (int i = 0; kind == BALANCER_NFT && i < s->nbackends; i++) {
		const struct balancer_addr *j = &s->backend[i].join;
		size_t n = j->family == AF_INET ? 4 : 16;

		if (j->family && !memcmp(&j->ip, &s->service.ip, n))
			return perr(err, errlen, "backend %d: a join address on the service "
				    "address needs direct routing (IPVS, --method dr); nft "
				    "translates it: give the backend's own address", i + 1);
	}
	if (kind == BALANCER_NFT && s->method == BALANCER_DR)
		return perr(err, errlen, "--method dr is IPVS's; nft translates addresses (NAT)");
	return 0;
}
