// SPDX-License-Identifier: GPL-2.0-or-later
/* The exporter's page (tools/diag/exporter-metrics.c) on made-up snapshots. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>
#include <netinet/tcp.h>

#include "exporter-metrics.h"

static void snake_case_names(void **state)
{
	static const char *const cases[][2] = {
		{ "MPCapableSYNRX", "mp_capable_syn_rx" },
		{ "MPCapableSYNTXDrop", "mp_capable_syn_tx_drop" },
		{ "MPCapableSYNACKRX", "mp_capable_synack_rx" },
		{ "MPJoinSynAckHMacFailure", "mp_join_syn_ack_hmac_failure" },
		{ "MPTCPRetrans", "mptcp_retrans" },
		{ "DSSNotMatching", "dss_not_matching" },
		{ "MD5SigFallback", "md5_sig_fallback" },
		{ "AddAddrTx", "add_addr_tx" },
		{ "Odd-Name.1", "odd_name_1" },
	};
	char buf[96];

	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		metrics_snake_case(cases[i][0], buf, sizeof(buf));
		assert_string_equal(buf, cases[i][1]);
	}
}

static char *render(const struct metrics_input *in)
{
	char *page;
	size_t len;

	assert_int_equal(metrics_render(in, &page, &len), 0);
	assert_int_equal(strlen(page), len);
	return page;
}

static void connections_subflows_counters(void **state)
{
	static struct netstat counters = {
		.c = { { "MPCapableSYNTX", 7 }, { "MPCurrEstab", 2 }, { "NewOne", 1 } }, .n = 3,
	};
	struct diag_conn conns[3] = {
		{ .state = TCP_ESTABLISHED, .info.token = 1 },
		{ .state = TCP_ESTABLISHED, .fallback = true, .fallback_accepted = true },
		{ .state = TCP_LISTEN, .listener = true },
	};
	struct diag_subflow sfs[3] = {
		{ .token = 1, .tcp = { .ifname = "c1", .bytes_sent = 10, .bytes_received = 1 } },
		{ .token = 1, .tcp = { .ifname = "c\"2", .bytes_sent = 5 } },
		{ .token = 1, .tcp = { .ifname = "c1", .bytes_sent = 20 } },
	};
	struct diag_snapshot snap = { .conns = conns, .nconns = 3, .subflows = sfs, .nsubflows = 3 };
	struct metrics_input in = { .snap = &snap, .counters = &counters };
	char *page = render(&in);

	assert_non_null(strstr(page, "\nmptcp_connections{state=\"established\"} 2\n"));
	assert_non_null(strstr(page, "\nmptcp_connections_fallback{cause=\"peer_tcp\"} 1\n"));
	assert_non_null(strstr(page, "\nmptcp_listeners 1\n"));
	assert_non_null(strstr(page, "\nmptcp_subflows{interface=\"c1\"} 2\n"));
	assert_non_null(strstr(page, "\nmptcp_subflow_sent_bytes{interface=\"c1\"} 30\n"));
	assert_non_null(strstr(page, "\nmptcp_subflows{interface=\"c\\\"2\"} 1\n"));
	assert_non_null(strstr(page, "\n# TYPE mptcp_ext_mp_capable_syn_tx_total counter\n"
				     "mptcp_ext_mp_capable_syn_tx_total 7\n"));
	assert_non_null(strstr(page, "\n# TYPE mptcp_ext_mp_curr_estab gauge\nmptcp_ext_mp_curr_estab 2\n"));
	assert_non_null(strstr(page, "\nmptcp_ext_new_one_total 1\n"));
	free(page);
}

static void sources_that_failed(void **state)
{
	struct metrics_input in = { .snap = NULL, .counters = NULL };
	char *page = render(&in);

	assert_non_null(strstr(page, "\nmptcp_diag_up 0\n"));
	assert_non_null(strstr(page, "\nmptcp_counters_up 0\n"));
	assert_null(strstr(page, "mptcp_connections"));
	free(page);
}

/* Backend mode: the joins by result, labelled with the join address;
 * nothing of them outside backend mode. */
static void pmd_joins(void **state)
{
	struct pmd_stats pmd = { .pid = 1, .joins = { .join = "10.2.1.2:7000", .received = 9,
						      .accepted = 8, .unknown_token = 1 } };
	struct metrics_input in = { .pmd = &pmd };
	char *page = render(&in);

	assert_non_null(strstr(page, "\n# TYPE mptcpkit_pmd_joins_total counter\n"));
	assert_non_null(strstr(page, "\nmptcpkit_pmd_joins_total{join=\"10.2.1.2:7000\","
				     "result=\"received\"} 9\n"));
	assert_non_null(strstr(page, "result=\"accepted\"} 8\n"));
	assert_non_null(strstr(page, "result=\"unknown_token\"} 1\n"));
	assert_non_null(strstr(page, "result=\"rejected\"} 0\n"));
	free(page);
	pmd.joins.join[0] = '\0';
	page = render(&in);
	assert_null(strstr(page, "mptcpkit_pmd_joins_total"));
	free(page);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(snake_case_names),
		cmocka_unit_test(connections_subflows_counters),
		cmocka_unit_test(sources_that_failed),
		cmocka_unit_test(pmd_joins),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
