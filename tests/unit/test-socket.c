// SPDX-License-Identifier: GPL-2.0-or-later
/* Sockets, detection, connect/listen and info on loopback, and bad input. */
#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <stdio.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <string.h>
#include <unistd.h>
#include <netinet/in.h>
#include <cmocka.h>

#include "mptcpkit.h"
#include "internal.h"

static bool have_mptcp(void)
{
	return access("/proc/sys/net/mptcp/enabled", F_OK) == 0;
}

static void bad_input(void **state)
{
	struct mpk_connector *c;
	int pipefd[2], udp;

	assert_int_equal(mpk_connect(NULL, "80", AF_UNSPEC, 0, NULL), -MPK_EHOSTNOTFOUND);
	assert_int_equal(mpk_connect("", "80", AF_UNSPEC, 0, NULL), -MPK_EHOSTNOTFOUND);
	assert_int_equal(mpk_connect("127.0.0.1", "no-such-service-x", AF_UNSPEC, 0, NULL),
			 -MPK_ESERVICE);
	assert_int_equal(mpk_connect("127.0.0.1", NULL, AF_UNSPEC, 0, NULL), -MPK_ESERVICE);
	assert_int_equal(mpk_connect("127.0.0.1", "80", AF_UNIX, 0, NULL), -EAFNOSUPPORT);
	assert_int_equal(mpk_connect("127.0.0.1", "80", AF_UNSPEC, 0x4000000, NULL), -EINVAL);
	assert_int_equal(mpk_listen(NULL, "99999999", AF_UNSPEC, 0, 0, NULL), -MPK_ESERVICE);
	assert_int_equal(mpk_connect("127.0.0.1", "65536", AF_UNSPEC, 0, NULL), -MPK_ESERVICE);
	assert_int_equal(mpk_connect("127.0.0.1", "80x", AF_UNSPEC, 0, NULL), -MPK_ESERVICE);
	assert_int_equal(mpk_listen(NULL, "80", AF_PACKET, 0, 0, NULL), -EAFNOSUPPORT);
	assert_int_equal(mpk_connector_new(NULL, "80", AF_UNSPEC, 0, &c), -MPK_EHOSTNOTFOUND);
	assert_null(c);
	assert_int_equal(mpk_connector_new("127.0.0.1", "80", AF_UNSPEC, 0, NULL), -EINVAL);
	assert_int_equal(mpk_connector_step(NULL, NULL), -EINVAL);
	mpk_connector_free(NULL);
	assert_int_equal(mpk_socket(AF_UNIX, 0, NULL), -EAFNOSUPPORT);
	assert_int_equal(mpk_socket(AF_INET, 0x4000000, NULL), -EINVAL);
	assert_int_equal(mpk_probe(AF_UNIX, NULL), -EAFNOSUPPORT);

	assert_int_equal(mpk_is_mptcp(-1), -EBADF);
	assert_int_equal(mpk_is_mptcp(9999), -EBADF);
	assert_int_equal(pipe(pipefd), 0);
	assert_int_equal(mpk_is_mptcp(pipefd[0]), -ENOTSOCK);
	close(pipefd[0]);
	close(pipefd[1]);
	udp = socket(AF_INET, SOCK_DGRAM, 0);
	assert_int_equal(mpk_is_mptcp(udp), -EPROTOTYPE);
	close(udp);
	udp = socket(AF_UNIX, SOCK_STREAM, 0);
	assert_int_equal(mpk_is_mptcp(udp), -EAFNOSUPPORT);
	close(udp);
	assert_int_equal(mpk_info_get(-1, NULL), -EINVAL);
}

static void addr_format(void **state)
{
	struct sockaddr_in sin = { .sin_family = AF_INET, .sin_port = htons(80) };
	struct sockaddr_in6 sin6 = { .sin6_family = AF_INET6, .sin6_port = htons(443) };
	struct sockaddr sa = { .sa_family = AF_UNIX };
	char buf[MPK_ADDRSTRLEN];

	inet_pton(AF_INET, "10.0.0.1", &sin.sin_addr);
	assert_string_equal(mpk_addr_format((void *)&sin, buf, sizeof(buf)), "10.0.0.1:80");
	inet_pton(AF_INET6, "2001:db8::1", &sin6.sin6_addr);
	assert_string_equal(mpk_addr_format((void *)&sin6, buf, sizeof(buf)), "[2001:db8::1]:443");
	inet_pton(AF_INET6, "::ffff:192.0.2.7", &sin6.sin6_addr);
	assert_string_equal(mpk_addr_format((void *)&sin6, buf, sizeof(buf)), "192.0.2.7:443");
	assert_string_equal(mpk_addr_format(&sa, buf, sizeof(buf)), "?");
	assert_string_equal(mpk_addr_format(NULL, buf, sizeof(buf)), "?");
}

static void tcp_only(void **state)
{
	struct mpk_status st;
	int fd = mpk_socket(AF_INET, MPK_TCP_ONLY | MPK_CLOEXEC, &st);

	assert_true(fd >= 0);
	assert_false(st.mptcp);
	assert_int_equal(st.error, 0);
	assert_int_equal(mpk_is_mptcp(fd), 0);
	assert_true(fcntl(fd, F_GETFD) & FD_CLOEXEC);
	close(fd);
}

/* Listener, connected client and accepted socket on loopback. */
struct trio {
	int lfd, cfd, afd;
	struct mpk_status ls, cs, as;
};

static void trio_open(struct trio *t, const char *host, int family, int flags)
{
	char port[16];

	t->lfd = mpk_listen(host, "0", family, 0, flags, &t->ls);
	assert_true(t->lfd >= 0);
	snprintf(port, sizeof(port), "%d", mpk_local_port(t->lfd));
	t->cfd = mpk_connect(host ? host : "localhost", port, family, flags, &t->cs);
	assert_true(t->cfd >= 0);
	t->afd = mpk_accept(t->lfd, NULL, NULL, MPK_CLOEXEC, &t->as);
	assert_true(t->afd >= 0);
}

static void trio_close(struct trio *t)
{
	close(t->afd);
	close(t->cfd);
	close(t->lfd);
}

static void loopback_mptcp(void **state)
{
	struct trio t;

	if (!have_mptcp())
		skip();
	trio_open(&t, "127.0.0.1", AF_INET, 0);
	assert_true(t.ls.mptcp);
	assert_int_equal(t.cs.reason, MPK_REASON_AVAILABLE);
	assert_int_equal(t.as.reason, MPK_REASON_AVAILABLE);
	assert_int_equal(mpk_is_mptcp(t.cfd), 1);
	assert_int_equal(mpk_is_mptcp(t.afd), 1);
	trio_close(&t);

	trio_open(&t, "::1", AF_INET6, 0);
	assert_int_equal(t.cs.reason, MPK_REASON_AVAILABLE);
	assert_int_equal(t.as.reason, MPK_REASON_AVAILABLE);
	trio_close(&t);
}

static void loopback_tcp_peer_falls_back(void **state)
{
	struct trio t;

	if (!have_mptcp())
		skip();
	/* An MPTCP listener, a plain TCP client: both ends are TCP. */
	t.lfd = mpk_listen("127.0.0.1", "0", AF_INET, 0, 0, &t.ls);
	assert_true(t.lfd >= 0);
	{
		char port[16];

		snprintf(port, sizeof(port), "%d", mpk_local_port(t.lfd));
		t.cfd = mpk_connect("127.0.0.1", port, AF_INET, MPK_TCP_ONLY, &t.cs);
	}
	assert_true(t.cfd >= 0);
	t.afd = mpk_accept(t.lfd, NULL, NULL, 0, &t.as);
	assert_true(t.afd >= 0);
	assert_int_equal(t.as.reason, MPK_REASON_FALLBACK);
	assert_false(t.as.mptcp);
	trio_close(&t);
}

static void dual_stack_wildcard(void **state)
{
	struct trio t;

	trio_open(&t, NULL, AF_UNSPEC, 0);
	close(t.cfd);
	close(t.afd);
	{
		char port[16];

		snprintf(port, sizeof(port), "%d", mpk_local_port(t.lfd));
		t.cfd = mpk_connect("127.0.0.1", port, AF_INET, 0, NULL);
		assert_true(t.cfd >= 0);
		t.afd = mpk_accept(t.lfd, NULL, NULL, 0, NULL);
		assert_true(t.afd >= 0);
	}
	trio_close(&t);
}

/* Steps the connector until it connects or fails (at most 10 s). */
static int connector_finish(struct mpk_connector *c, struct mpk_status *st)
{
	int fd = -EINPROGRESS;

	for (int i = 0; i < 100; i++) {
		struct pollfd p = { .events = POLLOUT };

		fd = mpk_connector_step(c, st);
		if (fd != -EINPROGRESS)
			break;
		p.fd = mpk_connector_fd(c);
		poll(&p, 1, 100);
	}
	return fd;
}

static void nonblocking_connector(void **state)
{
	struct mpk_connector *c;
	struct mpk_status st;
	char port[16];
	int lfd, fd;

	lfd = mpk_listen("127.0.0.1", "0", AF_INET, 0, 0, NULL);
	assert_true(lfd >= 0);
	snprintf(port, sizeof(port), "%d", mpk_local_port(lfd));
	assert_int_equal(mpk_connector_new("127.0.0.1", port, AF_INET, 0, &c), 0);
	fd = connector_finish(c, &st);
	assert_true(fd >= 0);
	assert_true(fcntl(fd, F_GETFL) & O_NONBLOCK);
	assert_int_equal(mpk_connector_fd(c), -1);
	if (have_mptcp())
		assert_int_equal(st.reason, MPK_REASON_AVAILABLE);
	mpk_connector_free(c);
	close(fd);
	close(lfd);
}

/* Addresses resolved beforehand: a closed port first, then the listener. */
static void connector_from_addrs(void **state)
{
	struct sockaddr_storage addrs[2] = { 0 };
	struct sockaddr_in *a = (struct sockaddr_in *)&addrs[0];
	struct mpk_connector *c;
	struct mpk_status st;
	int lfd, closed, fd = -1;

	/* A port nobody listens on: bound, then closed, never listened. */
	closed = mpk_listen("127.0.0.1", "0", AF_INET, 0, MPK_TCP_ONLY, NULL);
	lfd = mpk_listen("127.0.0.1", "0", AF_INET, 0, 0, NULL);
	assert_true(closed >= 0 && lfd >= 0);
	a->sin_family = AF_INET;
	a->sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	a->sin_port = htons((uint16_t)mpk_local_port(closed));
	close(closed);
	addrs[1] = addrs[0];
	((struct sockaddr_in *)&addrs[1])->sin_port = htons((uint16_t)mpk_local_port(lfd));
	assert_int_equal(mpk_connector_new_addrs(addrs, 2, 0, &c), 0);
	memset(addrs, 0, sizeof(addrs)); /* copied: the connector needs them no more */
	assert_null(mpk_connector_addr(c));
	fd = connector_finish(c, &st);
	assert_true(fd >= 0);
	assert_true(fcntl(fd, F_GETFL) & O_NONBLOCK);
	assert_int_equal(ntohs(((const struct sockaddr_in *)mpk_connector_addr(c))->sin_port),
			 mpk_local_port(lfd));
	if (have_mptcp())
		assert_int_equal(st.reason, MPK_REASON_AVAILABLE);
	mpk_connector_free(c);
	close(fd);
	close(lfd);
}

static void connector_from_addrs_bad_input(void **state)
{
	struct sockaddr_storage ss = { .ss_family = AF_UNIX };
	struct mpk_connector *c;

	assert_int_equal(mpk_connector_new_addrs(&ss, 1, 0, &c), -EAFNOSUPPORT);
	assert_null(c);
	assert_int_equal(mpk_connector_new_addrs(&ss, 0, 0, &c), -EINVAL);
	assert_int_equal(mpk_connector_new_addrs(NULL, 1, 0, &c), -EINVAL);
	ss.ss_family = AF_INET;
	assert_int_equal(mpk_connector_new_addrs(&ss, 1, 0x4000000, &c), -EINVAL);
	assert_int_equal(mpk_connector_new_addrs(&ss, 1, 0, NULL), -EINVAL);
	assert_null(mpk_connector_addr(NULL));
}

/* MPK_REUSEPORT: a second listener on the same port, which without it is
 * refused. */
static void reuseport_listeners(void **state)
{
	char port[16];
	int a, b;

	a = mpk_listen("127.0.0.1", "0", AF_INET, 0, MPK_REUSEPORT, NULL);
	assert_true(a >= 0);
	snprintf(port, sizeof(port), "%d", mpk_local_port(a));
	assert_int_equal(mpk_listen("127.0.0.1", port, AF_INET, 0, 0, NULL), -EADDRINUSE);
	b = mpk_listen("127.0.0.1", port, AF_INET, 0, MPK_REUSEPORT, NULL);
	assert_true(b >= 0);
	assert_int_equal(mpk_local_port(b), mpk_local_port(a));
	close(a);
	close(b);
}

static void connection_refused(void **state)
{
	char port[16];
	int lfd, port_nr;

	/* A port nobody listens on: bind one, then close it. */
	lfd = mpk_listen("127.0.0.1", "0", AF_INET, 0, 0, NULL);
	port_nr = mpk_local_port(lfd);
	close(lfd);
	snprintf(port, sizeof(port), "%d", port_nr);
	assert_int_equal(mpk_connect("127.0.0.1", port, AF_INET, 0, NULL), -ECONNREFUSED);
}

static void info_paths_agree(void **state)
{
	struct mpk_info full, legacy, any;
	struct trio t;
	char a[MPK_ADDRSTRLEN], b[MPK_ADDRSTRLEN];

	if (!have_mptcp())
		skip();
	trio_open(&t, "127.0.0.1", AF_INET, 0);
	assert_int_equal(write(t.cfd, "hello", 5), 5);
	memset(&full, 0, sizeof(full));
	memset(&legacy, 0, sizeof(legacy));
	assert_int_equal(mpk_info_get(t.cfd, &any), 0);
	assert_true(any.mptcp);
	assert_int_equal(any.source, MPK_INFO_FULL);
	assert_int_equal(mpk_info_get_full(t.cfd, &full), 0);
	assert_int_equal(mpk_info_get_legacy(t.cfd, &legacy), 0);
	assert_int_equal(full.num_subflows, 1);
	assert_int_equal(legacy.num_subflows, 1);
	assert_int_equal(full.conn.subflows_total, 1);
	assert_int_equal(full.conn.token, legacy.conn.token);
	assert_string_equal(mpk_addr_format((void *)&full.subflow[0].local, a, sizeof(a)),
			    mpk_addr_format((void *)&legacy.subflow[0].local, b, sizeof(b)));
	assert_string_equal(mpk_addr_format((void *)&full.subflow[0].remote, a, sizeof(a)),
			    mpk_addr_format((void *)&legacy.subflow[0].remote, b, sizeof(b)));
	assert_true(full.subflow[0].has_tcp_info);
	assert_true(legacy.subflow[0].has_tcp_info);
	assert_int_equal(full.subflow[0].state, 1 /* TCP_ESTABLISHED */);
	assert_string_equal(any.subflow[0].ifname, "lo");
	trio_close(&t);
}

/* mpk_conn_state_get() (6.5+: one MPTCP_FULL_INFO, no addresses) says what
 * mpk_info_get() says of the counters and the established subflows. */
static void conn_state_agrees(void **state)
{
	struct mpk_conn_info m;
	struct mpk_info info;
	unsigned int established = 0;
	struct trio t;

	if (!have_mptcp())
		skip();
	trio_open(&t, "127.0.0.1", AF_INET, 0);
	assert_int_equal(write(t.cfd, "hello", 5), 5);
	assert_int_equal(mpk_info_get(t.cfd, &info), 0);
	assert_int_equal(mpk_conn_state_get(t.cfd, &m, &established), 0);
	assert_int_equal(established, 1);
	assert_int_equal(m.token, info.conn.token);
	assert_int_equal(m.subflows_total, info.conn.subflows_total);
	assert_int_equal(m.subflows_max, info.conn.subflows_max);
	assert_int_equal(m.local_addr_max, info.conn.local_addr_max);
	assert_int_equal(mpk_conn_state_get(-1, &m, NULL), -EBADF);
	trio_close(&t);
}

static void info_of_plain_tcp(void **state)
{
	struct mpk_info info;
	char port[16];
	int lfd, cfd;

	lfd = mpk_listen("127.0.0.1", "0", AF_INET, 0, MPK_TCP_ONLY, NULL);
	snprintf(port, sizeof(port), "%d", mpk_local_port(lfd));
	cfd = mpk_connect("127.0.0.1", port, AF_INET, MPK_TCP_ONLY, NULL);
	assert_true(cfd >= 0);
	assert_int_equal(mpk_info_get(cfd, &info), 0);
	assert_false(info.mptcp);
	assert_int_equal(info.source, MPK_INFO_TCP);
	assert_int_equal(info.num_subflows, 1);
	assert_true(info.subflow[0].has_tcp_info);
	close(cfd);
	close(lfd);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(bad_input),
		cmocka_unit_test(addr_format),
		cmocka_unit_test(tcp_only),
		cmocka_unit_test(loopback_mptcp),
		cmocka_unit_test(loopback_tcp_peer_falls_back),
		cmocka_unit_test(dual_stack_wildcard),
		cmocka_unit_test(nonblocking_connector),
		cmocka_unit_test(connector_from_addrs),
		cmocka_unit_test(connector_from_addrs_bad_input),
		cmocka_unit_test(reuseport_listeners),
		cmocka_unit_test(connection_refused),
		cmocka_unit_test(info_paths_agree),
		cmocka_unit_test(conn_state_agrees),
		cmocka_unit_test(info_of_plain_tcp),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
