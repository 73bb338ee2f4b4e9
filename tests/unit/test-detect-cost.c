// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * What detection costs: the number of getsockopt() calls mpk_is_mptcp() and
 * mpk_subflow_count() make on a live connection. A proxy asks for every
 * connection, so the common case must be one call. The library's calls to
 * getsockopt() land in the counting definition below (the executable's
 * symbol wins), which passes them on to the kernel.
 */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <unistd.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <sys/socket.h>
#include <sys/syscall.h>
#include <cmocka.h>

#include "mptcpkit.h"

static int calls;

int getsockopt(int fd, int level, int name, void *val, socklen_t *len)
{
	calls++;
	return (int)syscall(SYS_getsockopt, fd, level, name, val, len);
}

static bool have_mptcp(void)
{
	return access("/proc/sys/net/mptcp/enabled", F_OK) == 0;
}

static bool has_tcp_is_mptcp(int fd)
{
	int val;
	socklen_t len = sizeof(val);

	return syscall(SYS_getsockopt, fd, SOL_TCP, 43 /* TCP_IS_MPTCP */, &val, &len) == 0;
}

/* A connected pair on loopback: client MPTCP unless tcp_only. */
static void pair(bool tcp_only, int *lfd, int *cfd, int *afd)
{
	char port[16];

	*lfd = mpk_listen("127.0.0.1", "0", AF_INET, 0, 0, NULL);
	assert_true(*lfd >= 0);
	snprintf(port, sizeof(port), "%d", mpk_local_port(*lfd));
	*cfd = mpk_connect("127.0.0.1", port, AF_INET, tcp_only ? MPK_TCP_ONLY : 0, NULL);
	assert_true(*cfd >= 0);
	*afd = mpk_accept(*lfd, NULL, NULL, 0, NULL);
	assert_true(*afd >= 0);
}

static void close3(int a, int b, int c)
{
	close(a);
	close(b);
	close(c);
}

static void one_call_on_mptcp(void **state)
{
	int lfd, cfd, afd;

	if (!have_mptcp())
		skip();
	pair(false, &lfd, &cfd, &afd);
	calls = 0;
	assert_int_equal(mpk_subflow_count(cfd), 1);
	assert_int_equal(calls, 1);
	calls = 0;
	assert_int_equal(mpk_subflow_count(afd), 1);
	assert_int_equal(calls, 1);
	calls = 0;
	assert_int_equal(mpk_is_mptcp(afd), 1);
	/* TCP_IS_MPTCP (6.10+) answers at once; older kernels ask more. */
	if (has_tcp_is_mptcp(afd))
		assert_int_equal(calls, 1);
	else
		assert_true(calls >= 1 && calls <= 5);
	close3(lfd, cfd, afd);
}

static void not_mptcp_is_zero(void **state)
{
	int lfd, cfd, afd;

	pair(true, &lfd, &cfd, &afd);
	assert_int_equal(mpk_subflow_count(cfd), 0);  /* plain TCP */
	assert_int_equal(mpk_subflow_count(afd), 0);  /* fell back */
	assert_int_equal(mpk_is_mptcp(cfd), 0);
	assert_int_equal(mpk_is_mptcp(afd), 0);
	close3(lfd, cfd, afd);
}

static void bad_descriptors(void **state)
{
	int pipefd[2], udp;

	assert_int_equal(mpk_subflow_count(-1), -EBADF);
	assert_int_equal(mpk_subflow_count(9999), -EBADF);
	assert_int_equal(pipe(pipefd), 0);
	assert_int_equal(mpk_subflow_count(pipefd[0]), -ENOTSOCK);
	close(pipefd[0]);
	close(pipefd[1]);
	udp = socket(AF_INET, SOCK_DGRAM, 0);
	assert_int_equal(mpk_subflow_count(udp), -EPROTOTYPE);
	assert_int_equal(mpk_is_mptcp(udp), -EPROTOTYPE);
	close(udp);
	udp = socket(AF_UNIX, SOCK_STREAM, 0);
	assert_int_equal(mpk_subflow_count(udp), -EAFNOSUPPORT);
	close(udp);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(one_call_on_mptcp),
		cmocka_unit_test(not_mptcp_is_zero),
		cmocka_unit_test(bad_descriptors),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
