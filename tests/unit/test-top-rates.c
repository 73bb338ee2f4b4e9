// SPDX-License-Identifier: GPL-2.0-or-later
/* The rates of 'mptcpkit top' (tools/diag/top-rates.c) between made-up snapshots. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include "top-rates.h"

static void rates_by_cookie(void **state)
{
	struct diag_conn before_c[2] = {
		{ .cookie = 7, .info = { .bytes_sent = 1000, .bytes_received = 10 } },
		{ .cookie = 3, .info = { .bytes_sent = 50 } },
	};
	/* another order, one connection gone, one new */
	struct diag_conn now_c[2] = {
		{ .cookie = 9, .info = { .bytes_sent = 999999 } },
		{ .cookie = 7, .info = { .bytes_sent = 3000, .bytes_received = 10 } },
	};
	struct diag_subflow before_s[1] = { { .cookie = 70, .tcp = { .bytes_received = 100 } } };
	struct diag_subflow now_s[2] = {
		{ .cookie = 71, .tcp = { .bytes_sent = 5 } },
		{ .cookie = 70, .tcp = { .bytes_received = 500 } },
	};
	struct diag_snapshot before = { .conns = before_c, .nconns = 2,
					.subflows = before_s, .nsubflows = 1 };
	struct diag_snapshot now = { .conns = now_c, .nconns = 2,
				     .subflows = now_s, .nsubflows = 2 };
	struct top_rates r;

	assert_int_equal(top_rates_compute(&before, &now, 2.0, &r), 0);
	assert_true(r.conn[0].tx == 0);          /* new: no rate yet */
	assert_true(r.conn[1].tx == 1000.0);     /* (3000 - 1000) / 2 s */
	assert_true(r.conn[1].rx == 0);
	assert_true(r.subflow[0].tx == 0);
	assert_true(r.subflow[1].rx == 200.0);
	top_rates_free(&r);
}

static void empty_and_backwards(void **state)
{
	struct diag_conn before_c[1] = { { .cookie = 1, .info = { .bytes_sent = 900 } } };
	struct diag_conn now_c[1] = { { .cookie = 1, .info = { .bytes_sent = 100 } } };
	struct diag_snapshot empty = { 0 }, before = { .conns = before_c, .nconns = 1 };
	struct diag_snapshot now = { .conns = now_c, .nconns = 1 };
	struct top_rates r;

	assert_int_equal(top_rates_compute(&empty, &now, 1.0, &r), 0);
	assert_true(r.conn[0].tx == 0);
	top_rates_free(&r);
	/* a counter that went back (a reused cookie): no negative rate */
	assert_int_equal(top_rates_compute(&before, &now, 1.0, &r), 0);
	assert_true(r.conn[0].tx == 0);
	top_rates_free(&r);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(rates_by_cookie),
		cmocka_unit_test(empty_and_backwards),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
