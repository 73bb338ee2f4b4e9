// SPDX-License-Identifier: GPL-2.0-or-later
/* The proxy's settings (tools/proxy/proxy-config.c) and SOCKS5 messages
 * (tools/proxy/proxy-socks.c), without sockets. */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <string.h>
#include <arpa/inet.h>
#include <netinet/tcp.h>
#include <cmocka.h>

#include "proxy.h"
#include "proxy-socks.h"

static struct sockaddr_storage sa(const char *addr)
{
	struct sockaddr_storage ss = { 0 };
	struct sockaddr_in *in = (struct sockaddr_in *)&ss;
	struct sockaddr_in6 *in6 = (struct sockaddr_in6 *)&ss;

	if (inet_pton(AF_INET, addr, &in->sin_addr) == 1)
		in->sin_family = AF_INET;
	else if (inet_pton(AF_INET6, addr, &in6->sin6_addr) == 1)
		in6->sin6_family = AF_INET6;
	return ss;
}

static void test_hostport(void **state)
{
	char h[64] = "keep", p[8];

	(void)state;
	assert_int_equal(proxy_parse_hostport("10.0.0.1:80", h, sizeof(h), p, sizeof(p)), 0);
	assert_string_equal(h, "10.0.0.1");
	assert_string_equal(p, "80");
	assert_int_equal(proxy_parse_hostport("[::1]:1080", h, sizeof(h), p, sizeof(p)), 0);
	assert_string_equal(h, "::1");
	assert_int_equal(proxy_parse_hostport("8080", h, sizeof(h), p, sizeof(p)), 0);
	assert_string_equal(h, "::1"); /* a port alone keeps the host */
	assert_string_equal(p, "8080");
	assert_int_equal(proxy_parse_hostport("::1:80", h, sizeof(h), p, sizeof(p)), -EINVAL);
	assert_int_equal(proxy_parse_hostport("h:65536", h, sizeof(h), p, sizeof(p)), -EINVAL);
	assert_int_equal(proxy_parse_hostport("h:", h, sizeof(h), p, sizeof(p)), -EINVAL);
	assert_int_equal(proxy_parse_hostport(":80", h, sizeof(h), p, sizeof(p)), -EINVAL);
	assert_int_equal(proxy_parse_hostport("[]:80", h, sizeof(h), p, sizeof(p)), -EINVAL);
}

static void test_cidr(void **state)
{
	struct proxy_cidr c;
	struct sockaddr_storage a;

	(void)state;
	assert_int_equal(proxy_parse_cidr("10.1.0.0/16", &c), 0);
	a = sa("10.1.200.3");
	assert_true(proxy_cidr_match(&c, (struct sockaddr *)&a));
	a = sa("10.2.0.1");
	assert_false(proxy_cidr_match(&c, (struct sockaddr *)&a));
	a = sa("::ffff:10.1.0.9"); /* a dual-stack listener's IPv4 client */
	assert_true(proxy_cidr_match(&c, (struct sockaddr *)&a));
	assert_int_equal(proxy_parse_cidr("192.168.1.128/25", &c), 0);
	a = sa("192.168.1.127");
	assert_false(proxy_cidr_match(&c, (struct sockaddr *)&a));
	assert_int_equal(proxy_parse_cidr("fd00::/8", &c), 0);
	a = sa("fd12::1");
	assert_true(proxy_cidr_match(&c, (struct sockaddr *)&a));
	assert_int_equal(proxy_parse_cidr("0.0.0.0/0", &c), 0);
	a = sa("8.8.8.8");
	assert_true(proxy_cidr_match(&c, (struct sockaddr *)&a));
	assert_int_equal(proxy_parse_cidr("10.0.0.0/33", &c), -EINVAL);
	assert_int_equal(proxy_parse_cidr("10.0.0/8", &c), -EINVAL);
	assert_int_equal(proxy_parse_cidr("/8", &c), -EINVAL);
}

static void test_local(void **state)
{
	static const char *const local[] = { "127.0.0.1", "127.9.9.9", "169.254.1.1", "0.0.0.0",
					      "::1", "fe80::1", "::", "::ffff:127.0.0.1" };
	static const char *const remote[] = { "10.0.0.1", "8.8.8.8", "2001:db8::1", "::ffff:10.0.0.1" };
	struct sockaddr_storage a;

	(void)state;
	for (size_t i = 0; i < sizeof(local) / sizeof(local[0]); i++) {
		a = sa(local[i]);
		assert_true(proxy_addr_is_local((struct sockaddr *)&a));
	}
	for (size_t i = 0; i < sizeof(remote) / sizeof(remote[0]); i++) {
		a = sa(remote[i]);
		assert_false(proxy_addr_is_local((struct sockaddr *)&a));
	}
}

static void test_config(void **state)
{
	struct proxy_config cfg;

	(void)state;
	proxy_config_init(&cfg);
	assert_string_equal(cfg.listen_host, "127.0.0.1");
	assert_int_equal(proxy_config_set(&cfg, "mode", "socks"), 0);
	assert_int_equal(proxy_config_set(&cfg, "listen", "1080"), 0);
	assert_int_equal(proxy_config_check(&cfg), 0);
	assert_int_equal(proxy_config_set(&cfg, "listen", "0.0.0.0:1080"), 0);
	assert_int_equal(proxy_config_check(&cfg), -EACCES);
	assert_int_equal(proxy_config_set(&cfg, "auth", "u:p:w"), 0);
	assert_string_equal(cfg.pass, "p:w");
	assert_int_equal(proxy_config_check(&cfg), 0);
	assert_int_equal(proxy_config_set(&cfg, "mode", "transparent"), 0);
	assert_int_equal(proxy_config_check(&cfg), -EDESTADDRREQ);
	assert_int_equal(proxy_config_set(&cfg, "via", "far:1080"), 0);
	assert_int_equal(proxy_config_check(&cfg), -EACCES); /* auth does not guard it */
	assert_int_equal(proxy_config_set(&cfg, "allow", "10.0.0.0/8"), 0);
	assert_int_equal(proxy_config_check(&cfg), 0);
	assert_int_equal(proxy_config_set(&cfg, "no-splice", NULL), 0);
	assert_true(cfg.no_splice);
	assert_int_equal(proxy_config_set(&cfg, "no-splice", "x"), -EINVAL);
	assert_int_equal(proxy_config_set(&cfg, "idle-timeout", "0"), -EINVAL);
	assert_int_equal(proxy_config_set(&cfg, "idle-timeout", "7"), 0);
	assert_int_equal(cfg.idle_timeout_ms, 7000);
	assert_int_equal(proxy_config_set(&cfg, "frob", "1"), -ENOENT);
	assert_int_equal(proxy_config_set(&cfg, "iif", "eth0;drop"), -EINVAL);
	assert_int_equal(proxy_config_takes_value("allow-local-dest"), 0);
	assert_int_equal(proxy_config_takes_value("to"), 1);
	assert_int_equal(proxy_config_takes_value("nope"), -ENOENT);
	assert_string_equal(proxy_end_name(PROXY_END_MAX_CONNS), "max-conns");
	assert_string_equal(proxy_end_name(PROXY_END_COUNT), "?");
}

static void test_socks_server_side(void **state)
{
	static const uint8_t greet[] = { 5, 2, 0, 2 };
	static const uint8_t up[] = { 1, 1, 'u', 2, 'p', 'w' };
	static const uint8_t req6[] = { 5, 1, 0, 4, 0x20, 1, 0xd, 0xb8, 0, 0, 0, 0,
					0, 0, 0, 0, 0, 0, 0, 1, 0x1f, 0x90 };
	static const uint8_t reqd[] = { 5, 1, 0, 3, 3, 'a', '.', 'b', 0, 80 };
	static const uint8_t badatyp[] = { 5, 1, 0, 9, 1, 2, 3, 4, 0, 80 };
	struct socks_greeting g;
	struct socks_userpass u;
	struct socks_request r;

	(void)state;
	assert_int_equal(socks_parse_greeting(greet, 3, &g), 0);
	assert_int_equal(socks_parse_greeting(greet, 4, &g), 4);
	assert_true(g.none && g.userpass);
	assert_int_equal(socks_parse_userpass(up, 5, &u), 0);
	assert_int_equal(socks_parse_userpass(up, 6, &u), 6);
	assert_string_equal(u.user, "u");
	assert_string_equal(u.pass, "pw");
	for (size_t i = 0; i < sizeof(req6); i++)
		assert_int_equal(socks_parse_request(req6, i, &r), 0);
	assert_int_equal(socks_parse_request(req6, sizeof(req6), &r), (int)sizeof(req6));
	assert_int_equal(r.atyp, SOCKS_ATYP_IPV6);
	assert_int_equal(r.port, 8080);
	assert_int_equal(socks_parse_request(reqd, sizeof(reqd), &r), (int)sizeof(reqd));
	assert_string_equal(r.host, "a.b");
	assert_int_equal(r.port, 80);
	assert_int_equal(socks_parse_request(badatyp, sizeof(badatyp), &r), -EAFNOSUPPORT);
	assert_int_equal(socks_parse_greeting((const uint8_t *)"\4\1\0", 3, &g), -EPROTO);
	assert_int_equal(socks_rep_from_errno(-ECONNREFUSED), SOCKS_REP_REFUSED);
	assert_int_equal(socks_rep_from_errno(ETIMEDOUT), SOCKS_REP_HOST_UNREACH);
}

static void test_socks_client_side(void **state)
{
	struct sockaddr_storage dst = sa("10.0.0.7");
	struct socks_request r;
	uint8_t out[SOCKS_MSG_MAX];
	int n;

	(void)state;
	((struct sockaddr_in *)&dst)->sin_port = htons(443);
	n = socks_build_connect(out, (struct sockaddr *)&dst);
	assert_int_equal(n, 10);
	assert_int_equal(socks_parse_request(out, (size_t)n, &r), n);
	assert_int_equal(r.code, SOCKS_CMD_CONNECT);
	assert_int_equal(r.port, 443);
	assert_memory_equal(&r.addr.v4, &((struct sockaddr_in *)&dst)->sin_addr, 4);
	n = socks_build_reply(out, SOCKS_REP_OK, (struct sockaddr *)&dst);
	assert_int_equal(socks_parse_reply(out, (size_t)n, &r), n);
	assert_int_equal(r.code, SOCKS_REP_OK);
	assert_int_equal(socks_build_userpass(out, "", "x"), -EINVAL);
	assert_int_equal(socks_build_userpass(out, "me", "pw"), 7);
}

/* A half-close onto an MPTCP leg waits while the leg's own path manager
 * still opens subflows (proxy-relay.c). */
static void test_joins_pending(void **state)
{
	struct mpk_conn_info m = { .subflows_total = 1, .subflows_max = 2,
				   .local_addr_max = 1 };

	(void)state;
	assert_true(proxy_joins_pending(&m, 1));	/* an endpoint left */
	m.local_addr_used = 1;
	m.subflows = 1;
	m.subflows_total = 2;
	assert_true(proxy_joins_pending(&m, 1));	/* the join not established */
	assert_false(proxy_joins_pending(&m, 2));	/* all there */
	m = (struct mpk_conn_info){ .subflows_total = 1, .subflows_max = 0,
				    .local_addr_max = 1 };
	assert_false(proxy_joins_pending(&m, 1));	/* limit 0 */
	m.subflows_max = 2;
	m.fallback = true;
	assert_false(proxy_joins_pending(&m, 1));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_hostport),
		cmocka_unit_test(test_cidr),
		cmocka_unit_test(test_local),
		cmocka_unit_test(test_config),
		cmocka_unit_test(test_socks_server_side),
		cmocka_unit_test(test_socks_client_side),
		cmocka_unit_test(test_joins_pending),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
