// SPDX-License-Identifier: GPL-2.0-or-later
/* mpk_info_get() on a kernel older than 6.5, simulated on this one: the
 * test is linked with --wrap=getsockopt, and the wrapper answers
 * MPTCP_FULL_INFO (6.5+) and TCP_IS_MPTCP (6.10+) as 6.1 does, with
 * EOPNOTSUPP, the same errno a fallen-back socket gives. An MPTCP
 * connection must still be MPTCP, read through the 5.16 options; a
 * fallen-back one must still be TCP. (tests/vm's matrix checks the same on
 * a real 6.1.) */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
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

int __wrap_getsockopt(int fd, int level, int name, void *val, socklen_t *len)
{
	if ((level == SOL_MPTCP_ && name == MPTCP_FULL_INFO_) ||
	    (level == IPPROTO_TCP && name == TCP_IS_MPTCP_)) {
		errno = EOPNOTSUPP;
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
	close(cfd);
	close(afd);
	close(lfd);
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
	close(cfd);
	close(afd);
	close(lfd);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(mptcp_read_the_old_way),
		cmocka_unit_test(fallback_still_tcp),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
