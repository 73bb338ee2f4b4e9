// SPDX-License-Identifier: GPL-2.0-or-later
/* The diag engine's decoder (tools/diag/diag-parse.c) on sock_diag replies
 * captured from a kernel (tests/fuzz/corpus-diag, capture-diag.sh), and on
 * truncated ones. */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>
#include <netinet/tcp.h>

#include "diag-parse.h"

static size_t load(const char *name, void *buf, size_t max)
{
	char path[512];
	FILE *f;
	size_t n;

	snprintf(path, sizeof(path), "%s/%s", DIAG_CORPUS_DIR, name);
	f = fopen(path, "rb");
	assert_non_null(f);
	n = fread(buf, 1, max, f);
	fclose(f);
	return n;
}

static void mptcp_sockets(void **state)
{
	uint32_t buf[1024];
	struct diag_conn c;
	size_t n = load("client/mptcp-00.bin", buf, sizeof(buf));

	assert_true(n >= 16);
	assert_int_equal(diag_parse_conn((struct nlmsghdr *)buf, &c), 0);
	assert_false(c.listener);
	assert_int_equal(c.state, TCP_ESTABLISHED);
	assert_int_not_equal(c.info.token, 0);
	assert_int_not_equal(c.cookie, 0);
	n = load("server/listen-00.bin", buf, sizeof(buf));
	assert_int_equal(diag_parse_conn((struct nlmsghdr *)buf, &c), 0);
	assert_true(c.listener);
}

/* Of the client's captured TCP sockets, the MPTCP subflows carry a token
 * and the tcp_info fields pmd's health checks read. */
static void subflows(void **state)
{
	static const char *const files[] = {
		"client/tcp-00.bin", "client/tcp-01.bin", "client/tcp-02.bin",
		"client/tcp-03.bin", "client/tcp-04.bin",
	};
	uint32_t buf[1024];
	struct diag_subflow sf;
	int found = 0;

	for (size_t i = 0; i < sizeof(files) / sizeof(files[0]); i++) {
		load(files[i], buf, sizeof(buf));
		if (diag_parse_subflow((struct nlmsghdr *)buf, &sf) != 0)
			continue;
		found++;
		assert_int_not_equal(sf.token, 0);
		assert_true(sf.tcp.has_tcp_info);
		assert_true(sf.rto_us >= 200000);   /* TCP's minimum RTO */
		assert_true(sf.tcp.snd_cwnd > 0);
		assert_int_equal(sf.tcp.state, TCP_ESTABLISHED);
	}
	assert_true(found >= 2);
}

static void truncated(void **state)
{
	uint32_t buf[1024];
	struct nlmsghdr *nlh = (struct nlmsghdr *)buf;
	struct diag_subflow sf;
	struct diag_conn c;

	load("client/mptcp-00.bin", buf, sizeof(buf));
	nlh->nlmsg_len = 16 + 40;   /* shorter than struct inet_diag_msg */
	assert_int_equal(diag_parse_conn(nlh, &c), -EBADMSG);
	assert_int_equal(diag_parse_subflow(nlh, &sf), -EBADMSG);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(mptcp_sockets),
		cmocka_unit_test(subflows),
		cmocka_unit_test(truncated),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
