// SPDX-License-Identifier: GPL-2.0-or-later
/* mpk_info_get() and mpk_is_mptcp() on kernels older than 6.10, simulated
 * on this one: the test is linked with --wrap=getsockopt, and the wrapper
 * answers as those kernels do (measured on Debian's 6.1, tests/vm):
 * TCP_IS_MPTCP (6.10+) fails with EOPNOTSUPP on an MPTCP socket and with
 * ENOPROTOOPT on one that fell back (its TCP subflow answers);
 * MPTCP_FULL_INFO (6.5+) fails with EOPNOTSUPP. As 5.15 (no SOL_MPTCP
 * options at all, kernel_515) MPTCP_INFO fails the same way. An MPTCP
 * connection must still be MPTCP; a fallen-back one must still be TCP.
 * (tests/vm's matrix checks the same on a real 6.1.) */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>
#include <unistd.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <cmocka.h>

#include "mptcpkit.h"

#define SOL_MPTCP_ 284
#define MPTCP_FULL_INFO_ 4
#define TCP_IS_MPTCP_ 43

int __real_getsockopt(int fd, int level, int name, void *val, socklen_t *len);
int __wrap_getsockopt(int fd, int level, int name, void *val, socklen_t *len);

/* Answer as 5.15 does (true) or as 6.1 does (false). */
static bool kernel_515;

/* What TCP_IS_MPTCP says on this kernel: 1 for MPTCP, 0 for a fallback. */
static bool really_mptcp(int fd)
{
	socklen_t len = sizeof(int);
	int val = 0;

	return __real_getsockopt(fd, IPPROTO_TCP, TCP_IS_MPTCP_, &val, &len) == 0 && val;
}

int __wrap_getsockopt(int fd, int level, int name, void *val, socklen_t *len)
{
	bool older = (level == IPPROTO_TCP && name == TCP_IS_MPTCP_) ||
		     (level == SOL_MPTCP_ && (name == MPTCP_FULL_INFO_ || kernel_515));

	if (older) {
		errno = really_mptcp(fd) ? EOPNOTSUPP : ENOPROTOOPT;
		return -1;
	}
	return __real_getsockopt(fd, level, name, val, len);
}

static bool have_mptcp(void)
{
	return access("/proc/sys/net/mptcp/enabled", F_OK) == 0;
}

/* A connection over loopback: the client's and the server's descriptors. */
static void pair_open(int listen_flags, int *cfd, int *afd, int *lfd)
{
	char port[16];

	*lfd = mpk_listen("127.0.0.1", "0", AF_INET, 0, listen_flags, NULL);
	assert_true(*lfd >= 0);
	snprintf(port, sizeof(port), "%d", mpk_local_port(*lfd));
	*cfd = mpk_connect("127.0.0.1", port, AF_INET, 0, NULL);
	assert_true(*cfd >= 0);
	*afd = mpk_accept(*lfd, NULL, NULL, MPK_CLOEXEC, NULL);
	assert_true(*afd >= 0);
}

static void pair_close(int cfd, int afd, int lfd)
{
	close(cfd);
	close(afd);
	close(lfd);
}

static void mptcp_read_the_old_way(void **state)
{
	struct mpk_info info;
	int cfd, afd, lfd, fd;

	(void)state;
	if (!have_mptcp())
		skip();
	pair_open(0, &cfd, &afd, &lfd);
	for (fd = cfd; fd >= 0; fd = fd == cfd ? afd : -1) {
		assert_int_equal(mpk_info_get(fd, &info), 0);
		assert_true(info.mptcp);
		assert_int_equal(info.source, MPK_INFO_LEGACY);
		assert_int_equal(info.num_subflows, 1);
		assert_true(info.conn.token != 0);
	}
	pair_close(cfd, afd, lfd);
}

/* mpk_conn_state_get() (the proxy's half-close hold) before 6.5: MPTCP_INFO
 * and MPTCP_TCPINFO; the same answer as mpk_info_get(). A fallen-back or
 * TCP connection has no counters. */
static void conn_state_the_old_way(void **state)
{
	struct mpk_conn_info m;
	struct mpk_info info;
	unsigned int established = 9;
	int cfd, afd, lfd;

	(void)state;
	if (!have_mptcp())
		skip();
	pair_open(0, &cfd, &afd, &lfd);
	assert_int_equal(mpk_conn_state_get(cfd, &m, &established), 0);
	assert_int_equal(mpk_info_get(cfd, &info), 0);
	assert_int_equal(established, 1);
	assert_int_equal(m.token, info.conn.token);
	assert_int_equal(m.subflows_total, info.conn.subflows_total);
	assert_int_equal(mpk_conn_state_get(cfd, &m, NULL), 0);
	assert_int_equal(mpk_conn_state_get(cfd, NULL, NULL), -EINVAL);
	pair_close(cfd, afd, lfd);
	pair_open(MPK_TCP_ONLY, &cfd, &afd, &lfd);
	assert_true(mpk_conn_state_get(cfd, &m, &established) < 0);
	assert_true(mpk_conn_state_get(afd, &m, &established) < 0);
	pair_close(cfd, afd, lfd);
}

static void fallback_still_tcp(void **state)
{
	struct mpk_info info;
	int cfd, afd, lfd;

	(void)state;
	if (!have_mptcp())
		skip();
	/* A plain TCP server: the MPTCP client falls back. */
	pair_open(MPK_TCP_ONLY, &cfd, &afd, &lfd);
	assert_int_equal(mpk_info_get(cfd, &info), 0);
	assert_false(info.mptcp);
	assert_int_equal(info.source, MPK_INFO_TCP);
	assert_int_equal(info.num_subflows, 1);
	pair_close(cfd, afd, lfd);
}

/* 5.14-5.15 (Ubuntu 22.04, RHEL 9): no MPTCP_INFO; only the errno of
 * TCP_IS_MPTCP tells MPTCP from a fallback, and mpk_info_get() has
 * nothing to read. */
static void is_mptcp_on_515(void **state)
{
	struct mpk_info info;
	int cfd, afd, lfd;

	(void)state;
	if (!have_mptcp())
		skip();
	kernel_515 = true;
	pair_open(0, &cfd, &afd, &lfd);
	assert_int_equal(mpk_is_mptcp(cfd), 1);
	/* Nothing to describe it with: said, not called TCP. */
	assert_int_equal(mpk_info_get(cfd, &info), -EOPNOTSUPP);
	assert_int_equal(mpk_subflow_count(cfd), 1);
	assert_int_equal(mpk_is_mptcp(afd), 1);
	assert_int_equal(mpk_is_mptcp(lfd), 1);
	pair_close(cfd, afd, lfd);
	pair_open(MPK_TCP_ONLY, &cfd, &afd, &lfd);
	assert_int_equal(mpk_is_mptcp(cfd), 0);
	assert_int_equal(mpk_is_mptcp(afd), 0);
	assert_int_equal(mpk_info_get(cfd, &info), 0);
	assert_false(info.mptcp);
	pair_close(cfd, afd, lfd);
	kernel_515 = false;
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(mptcp_read_the_old_way),
		cmocka_unit_test(conn_state_the_old_way),
		cmocka_unit_test(fallback_still_tcp),
		cmocka_unit_test(is_mptcp_on_515),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
