// SPDX-License-Identifier: GPL-2.0-or-later
/* lib/sockopt.c: the option table, the MPTCPKIT_SOCKOPTS parser (a bad item
 * changes nothing), and the TCP twin a forced socket is swapped for (plain
 * TCP sockets here, no MPTCP needed). */
#include <errno.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>
#include <cmocka.h>

#include "sockopt.h"

static void test_table(void **state)
{
	size_t n = mpk_sockopt_count();

	assert_true(n > 40 && n <= MPK_SOCKOPT_MAX);
	for (size_t i = 0; i < n; i++) {
		const struct mpk_sockopt *o = mpk_sockopt_at(i);

		assert_ptr_equal(mpk_sockopt_by_name(o->name), o);
		assert_ptr_equal(mpk_sockopt_find(o->level, o->optname), o);
		assert_true(o->kind != MPK_SOV_STRING || o->text);
	}
	assert_null(mpk_sockopt_at(n));
	assert_null(mpk_sockopt_find(IPPROTO_TCP, 9999));
	assert_null(mpk_sockopt_by_name("TCP_NO_SUCH"));
	assert_null(mpk_sockopt_by_name(""));
	assert_ptr_equal(mpk_sockopt_by_name("tcp_user_timeout"),
			 mpk_sockopt_find(IPPROTO_TCP, TCP_USER_TIMEOUT));
}

static void test_defaults(void **state)
{
	struct mpk_sockopt_policies ps;

	mpk_sockopt_policies_init(&ps);
	assert_int_equal(mpk_sockopt_policy_for(&ps, IPPROTO_TCP, TCP_QUICKACK), MPK_SOCKOPT_IGNORE);
	assert_int_equal(mpk_sockopt_policy_for(&ps, IPPROTO_TCP, TCP_MD5SIG), MPK_SOCKOPT_TCP);
	assert_int_equal(mpk_sockopt_policy_for(&ps, IPPROTO_TCP, TCP_ULP), MPK_SOCKOPT_TCP);
	assert_int_equal(mpk_sockopt_policy_for(&ps, IPPROTO_TCP, TCP_USER_TIMEOUT), MPK_SOCKOPT_TCP);
	/* Unknown options the kernel refuses keep their meaning on TCP. */
	assert_int_equal(mpk_sockopt_policy_for(&ps, IPPROTO_TCP, 9999), MPK_SOCKOPT_TCP);
	assert_string_equal(mpk_sockopt_policy_name(MPK_SOCKOPT_ERROR), "error");
}

static void test_parse(void **state)
{
	struct mpk_sockopt_policies ps, before;
	const char *bad = NULL;

	mpk_sockopt_policies_init(&ps);
	assert_int_equal(mpk_sockopt_policies_parse(&ps, "", &bad), 0);
	assert_int_equal(mpk_sockopt_policies_parse(&ps, " TCP_QUICKACK=error,,tcp_md5sig=ignore ,"
						    "TCP_QUICKACK=tcp", &bad), 0);
	assert_int_equal(mpk_sockopt_policy_for(&ps, IPPROTO_TCP, TCP_QUICKACK), MPK_SOCKOPT_TCP);
	assert_int_equal(mpk_sockopt_policy_for(&ps, IPPROTO_TCP, TCP_MD5SIG), MPK_SOCKOPT_IGNORE);

	static const char *const bads[] = {
		"TCP_QUICKACK", "TCP_QUICKACK=", "=tcp", "TCP_NOPE=tcp", "TCP_QUICKACK=TCP",
		"TCP_QUICKACK=tcpx", "TCP_QUICKACK==tcp",
	};
	for (size_t i = 0; i < sizeof(bads) / sizeof(bads[0]); i++) {
		char spec[128];

		snprintf(spec, sizeof(spec), "TCP_USER_TIMEOUT=error,%s", bads[i]);
		memcpy(&before, &ps, sizeof(ps));
		bad = NULL;
		assert_int_equal(mpk_sockopt_policies_parse(&ps, spec, &bad), -EINVAL);
		assert_ptr_equal(bad, spec + strlen("TCP_USER_TIMEOUT=error,"));
		assert_memory_equal(&before, &ps, sizeof(ps)); /* nothing applied */
	}
}

static int get_int(int fd, int level, int name)
{
	int v = -1;
	socklen_t len = sizeof(v);

	assert_int_equal(getsockopt(fd, level, name, &v, &len), 0);
	return v;
}

static void set_int(int fd, int level, int name, int v)
{
	assert_int_equal(setsockopt(fd, level, name, &v, sizeof(v)), 0);
}

static void test_twin_copies(void **state)
{
	int fd = socket(AF_INET, SOCK_STREAM | SOCK_NONBLOCK, 0), twin;

	assert_true(fd >= 0);
	set_int(fd, SOL_SOCKET, SO_KEEPALIVE, 1);
	set_int(fd, SOL_SOCKET, SO_RCVBUF, 100000);
	set_int(fd, IPPROTO_TCP, TCP_NODELAY, 1);
	set_int(fd, IPPROTO_TCP, TCP_KEEPIDLE, 77);
	assert_int_equal(setsockopt(fd, IPPROTO_TCP, TCP_CONGESTION, "reno", 4), 0);
	twin = mpk_sock_tcp_twin(fd);
	assert_true(twin >= 0);
	assert_int_equal(get_int(twin, SOL_SOCKET, SO_KEEPALIVE), 1);
	assert_int_equal(get_int(twin, SOL_SOCKET, SO_RCVBUF), get_int(fd, SOL_SOCKET, SO_RCVBUF));
	assert_int_equal(get_int(twin, IPPROTO_TCP, TCP_NODELAY), 1);
	assert_int_equal(get_int(twin, IPPROTO_TCP, TCP_KEEPIDLE), 77);
	assert_int_equal(get_int(twin, SOL_SOCKET, SO_PROTOCOL), IPPROTO_TCP);
	assert_true(fcntl(twin, F_GETFL) & O_NONBLOCK);
	assert_true(fcntl(twin, F_GETFD) & FD_CLOEXEC);
	close(twin);
	close(fd);
}

/* A fresh socket's twin changes nothing: every copied option equals a fresh
 * TCP socket's (SO_SNDBUF/SO_RCVBUF would lock autotuning if set), also
 * when the original is MPTCP (where the kernel has MPTCP). */
static void twin_of_fresh(int family, int protocol)
{
	int fd = socket(family, SOCK_STREAM, protocol), twin, fresh;

	if (fd < 0 && protocol == IPPROTO_MPTCP)
		return;
	twin = mpk_sock_tcp_twin(fd);
	fresh = socket(family, SOCK_STREAM, 0);
	assert_true(fd >= 0 && twin >= 0 && fresh >= 0);
	for (size_t i = 0; i < mpk_sockopt_count(); i++) {
		const struct mpk_sockopt *o = mpk_sockopt_at(i);
		char a[256], b[256];
		socklen_t alen = sizeof(a), blen = sizeof(b);

		if (!o->copy || getsockopt(fresh, o->level, o->optname, a, &alen) < 0)
			continue;
		assert_int_equal(getsockopt(twin, o->level, o->optname, b, &blen), 0);
		assert_int_equal(alen, blen);
		assert_memory_equal(a, b, alen);
	}
	close(fd);
	close(twin);
	close(fresh);
}

static void test_twin_of_fresh_is_fresh(void **state)
{
	twin_of_fresh(AF_INET, 0);
	twin_of_fresh(AF_INET6, 0);
	twin_of_fresh(AF_INET, IPPROTO_MPTCP);
	twin_of_fresh(AF_INET6, IPPROTO_MPTCP);
}

static void test_swappable_and_bound(void **state)
{
	struct sockaddr_in a = { .sin_family = AF_INET, .sin_addr.s_addr = htonl(INADDR_LOOPBACK) };
	struct sockaddr_storage ss;
	socklen_t len;
	int fd = socket(AF_INET, SOCK_STREAM, 0);

	assert_int_equal(mpk_sock_swappable(fd), 0);
	assert_int_equal(mpk_sock_bound(fd, &ss, &len), 0);
	assert_int_equal(bind(fd, (struct sockaddr *)&a, sizeof(a)), 0);
	assert_int_equal(mpk_sock_swappable(fd), 0);
	assert_int_equal(mpk_sock_bound(fd, &ss, &len), 1);
	assert_int_equal(listen(fd, 1), 0);
	assert_int_equal(mpk_sock_swappable(fd), -EISCONN);
	close(fd);
	assert_true(mpk_sock_swappable(fd) < 0); /* EBADF */
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_table),
		cmocka_unit_test(test_defaults),
		cmocka_unit_test(test_parse),
		cmocka_unit_test(test_twin_copies),
		cmocka_unit_test(test_twin_of_fresh_is_fresh),
		cmocka_unit_test(test_swappable_and_bound),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
