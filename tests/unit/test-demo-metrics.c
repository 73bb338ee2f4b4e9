// SPDX-License-Identifier: GPL-2.0-or-later
/* The demo's reading of perf: its JSON, stalls after a cut, recovery. */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>
#include <cmocka.h>

#include "demo.h"

/* 0.05 s steps; total and path k bytes from per-step increments. */
static void series(struct demo_series *s, size_t n, const uint64_t *step1, const uint64_t *step2)
{
	s->n = n;
	s->t = calloc(n, sizeof(double));
	s->total = calloc(n, sizeof(uint64_t));
	s->path[0] = calloc(n, sizeof(uint64_t));
	s->path[1] = calloc(n, sizeof(uint64_t));
	for (size_t i = 1; i < n; i++) {
		s->t[i] = i * 0.05;
		s->path[0][i] = s->path[0][i - 1] + step1[i];
		s->path[1][i] = s->path[1][i - 1] + step2[i];
		s->total[i] = s->path[0][i] + s->path[1][i];
	}
}

/* Path 1 dead from step 10 to 29, path 2 silent from step 10 to 17
 * (stall of 8 steps = 0.40 s), path 1 back at step 30. */
static void cut_and_restore(void **state)
{
	uint64_t a[40] = { 0 }, b[40] = { 0 };
	struct demo_series s;

	for (int i = 1; i < 40; i++) {
		a[i] = i < 10 || i >= 30 ? 300000 : 0;
		b[i] = i < 10 || i >= 18 ? 300000 : 0;
	}
	a[20] = 1400;	/* a lone retransmission is not traffic */
	series(&s, 40, a, b);
	assert_true(demo_stall_after(&s, 0.45, 1.95) > 0.39);
	assert_true(demo_stall_after(&s, 0.45, 1.95) < 0.41);
	assert_true(demo_paths_back_after(&s, 1.2) > 0.29);
	assert_true(demo_paths_back_after(&s, 1.2) < 0.31);
	demo_series_free(&s);
}

static void never_back(void **state)
{
	uint64_t a[20] = { 0 }, b[20] = { 0 };
	struct demo_series s;

	for (int i = 1; i < 20; i++) {
		a[i] = i < 5 ? 300000 : 0;
		b[i] = 300000;
	}
	series(&s, 20, a, b);
	assert_true(demo_paths_back_after(&s, 0.5) < 0);
	assert_true(demo_stall_after(&s, 0.3, 0.95) < 0.01);
	demo_series_free(&s);
}

/* After the last progress the sender only drains: no stall; a stall
 * before 'to' that ends after it counts up to 'to'. */
static void stall_at_the_end(void **state)
{
	uint64_t a[20] = { 0 }, b[20] = { 0 };
	struct demo_series s;

	for (int i = 1; i < 20; i++)
		a[i] = i < 10 || i == 15 ? 300000 : 0;
	series(&s, 20, a, b);
	assert_true(demo_stall_after(&s, 0.2, 0.95) > 0.24);
	assert_true(demo_stall_after(&s, 0.2, 0.95) < 0.26);
	assert_true(demo_stall_after(&s, 0.2, 0.6) > 0.14);
	assert_true(demo_stall_after(&s, 0.2, 0.6) < 0.16);
	demo_series_free(&s);
}

/* Cut at 0.95 s: nothing for 0.5 s, then 9.6 Mbit/s for 0.5 s, then
 * 46.4 Mbit/s from 1.95 s: back at 90% of 47.8 Mbit/s 1.00 s after the cut. */
static void rate_back(void **state)
{
	uint64_t a[60] = { 0 }, b[60] = { 0 };
	struct demo_series s;

	for (int i = 1; i < 60; i++)
		a[i] = i < 20 ? 300000 : i < 30 ? 0 : i < 40 ? 60000 : 290000;
	series(&s, 60, a, b);
	assert_true(demo_rate_back_after(&s, 0.95, 0.9 * 47.8) > 0.99);
	assert_true(demo_rate_back_after(&s, 0.95, 0.9 * 47.8) < 1.01);
	assert_true(demo_rate_back_after(&s, 0.95, 50) < 0);
	assert_true(demo_rate_back_after(&s, 0.0, 40) < 0.01);
	demo_series_free(&s);
}

static void parses_perf_json(void **state)
{
	const char *doc = "{\"schema\":1,\"mptcp\":true,\"bytes\":1000,\"bits_per_second\":8e7,"
		"\"verified\":true,\"subflows\":[{\"subflow\":0,\"local\":\"10.0.1.1:4000\"},"
		"{\"subflow\":1,\"local\":\"10.0.2.1:4001\"},{\"subflow\":2,\"local\":\"10.0.1.1:4002\"}],"
		"\"samples\":[{\"t\":0,\"bytes\":0,\"subflow_bytes\":[]},"
		"{\"t\":0.05,\"bytes\":600,\"subflow_bytes\":[100,200,300]}]}";
	struct demo_result r;

	memset(&r, 0, sizeof(r));
	assert_int_equal(demo_parse_perf(doc, &r), 0);
	assert_true(r.mptcp);
	assert_true(r.verified);
	assert_int_equal(r.subflows, 3);
	assert_true(r.mbps > 79.9 && r.mbps < 80.1);
	assert_int_equal(r.s.n, 2);
	assert_int_equal(r.s.total[1], 600);
	assert_int_equal(r.s.path[0][1], 400);	/* subflows 0 and 2 */
	assert_int_equal(r.s.path[1][1], 200);
	demo_series_free(&r.s);
	assert_int_equal(demo_parse_perf("{\"bytes\":1}", &r), -EINVAL);
	assert_int_equal(demo_parse_perf("not json", &r), -EINVAL);
}

/* Rows are named by their kind, and judged by it: the cut columns and the
 * fallback note follow the kind, never the name's spelling. */
static void row_kinds(void **state)
{
	static const char *const names[DEMO_ROWS] = { "tcp", "tcp2", "mptcp", "mptcp-cut",
						      "mptcp-pmd-cut", "tcp-uplink", "proxy",
						      "proxy-cut", "tcp-path1", "tcp-path2",
						      "mptcp-kernel", "mptcp-pmd" };
	static const bool mptcp[DEMO_ROWS] = { false, false, true, true, true, false, false, false,
					       false, false, true, true };
	static const bool cut[DEMO_ROWS] = { false, false, false, true, true, false, false, true,
					     false, false, false, false };
	static const bool proxy[DEMO_ROWS] = { false, false, false, false, false, true, true, true,
					       false, false, false, false };
	static const bool via[DEMO_ROWS] = { false, false, false, false, false, false, true, true,
					     false, false, false, false };
	static const bool profile[DEMO_ROWS] = { false, false, false, false, false, false, false,
						 false, true, true, true, true };

	(void)state;
	for (int k = 0; k < DEMO_ROWS; k++) {
		assert_string_equal(demo_kind_name(k), names[k]);
		assert_int_equal(demo_kind_is_mptcp(k), mptcp[k]);
		assert_int_equal(demo_kind_has_cut(k), cut[k]);
		assert_int_equal(demo_kind_is_proxy(k), proxy[k]);
		assert_int_equal(demo_kind_via_proxy(k), via[k]);
		assert_int_equal(demo_kind_is_profile(k), profile[k]);
	}
	assert_string_equal(demo_kind_name(DEMO_ROWS), "unknown");
}

/* demo --proxy reads the router proxy's -j log: the biggest connection
 * logged after the ones counted before the test; other lines ignored. */
static void proxy_log(void **state)
{
	char path[] = "/tmp/test-demo-proxy-XXXXXX";
	int fd = mkstemp(path);
	FILE *f = fdopen(fd, "w");
	bool mptcp = false;
	int subflows = 0;

	(void)state;
	assert_non_null(f);
	fputs("{\"event\":\"listening\",\"port\":1081}\n"
	      "{\"event\":\"conn\",\"bytes_up\":900,\"bytes_down\":0,"
	      "\"upstream_mptcp\":true,\"upstream_subflows\":3}\n"
	      "not json, \"conn\"\n"
	      "{\"event\":\"conn\",\"bytes_up\":10,\"bytes_down\":5000,"
	      "\"upstream_mptcp\":true,\"upstream_subflows\":2}\n"
	      "{\"event\":\"conn\",\"bytes_up\":10,\"bytes_down\":10,"
	      "\"upstream_mptcp\":false,\"upstream_subflows\":1}\n", f);
	fclose(f);
	assert_int_equal(demo_proxy_conns(path), 3);
	assert_int_equal(demo_proxy_leg(path, 1, &mptcp, &subflows), 0);
	assert_true(mptcp);
	assert_int_equal(subflows, 2);
	assert_int_equal(demo_proxy_leg(path, 0, &mptcp, &subflows), 0);
	assert_int_equal(subflows, 2);	/* 5010 bytes beat 900 */
	unlink(path);
	assert_int_equal(demo_proxy_conns(path), 0);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(cut_and_restore),
		cmocka_unit_test(never_back),
		cmocka_unit_test(stall_at_the_end),
		cmocka_unit_test(rate_back),
		cmocka_unit_test(parses_perf_json),
		cmocka_unit_test(row_kinds),
		cmocka_unit_test(proxy_log),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
