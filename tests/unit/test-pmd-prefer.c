// SPDX-License-Identifier: GPL-2.0-or-later
/* pmd's path preference (tools/pmd/pmd-prefer.c): which paths are backup
 * for the RTTs and rates of the lab's profiles, the gap between demotion
 * and promotion, each mode, how a path's rate is measured and which way
 * the data flows. */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include "pmd.h"

static void two(struct pmd_prefer_path p[2], uint32_t a_us, uint32_t b_us)
{
	p[0] = (struct pmd_prefer_path){ .usable = true, .rtt_us = a_us };
	p[1] = (struct pmd_prefer_path){ .usable = true, .rtt_us = b_us };
}

static void rates(struct pmd_prefer_path p[2], uint64_t a_bps, uint64_t b_bps)
{
	p[0].rate_bps = a_bps;
	p[1].rate_bps = b_bps;
}

static void test_auto_on_the_profiles(void **state)
{
	struct pmd_prefer_path p[2];

	(void)state;
	two(p, 9000, 52000);		/* wifi-lte, rates not known yet: LTE is tried */
	assert_int_equal(pmd_prefer_judge(PMD_PREFER_AUTO, p, 2), 0);
	assert_false(p[1].backup);
	assert_true(p[1].far);
	assert_int_equal(p[1].best, 0);
	rates(p, 28000000, 4600000);	/* uploads: 4.6 Mbit/s beside 28, under a quarter */
	assert_int_equal(pmd_prefer_judge(PMD_PREFER_AUTO, p, 2), 1);
	assert_false(p[0].backup);
	assert_true(p[1].backup);
	assert_true(p[1].far);		/* "by": "rtt" in pmd -j */
	two(p, 9000, 52000);		/* downloads: 9.7 beside 28, over a quarter */
	rates(p, 28000000, 9700000);
	assert_int_equal(pmd_prefer_judge(PMD_PREFER_AUTO, p, 2), 0);
	assert_false(p[1].backup);
	two(p, 25000, 45000);		/* dsl-4g: within 2 x, aggregated */
	rates(p, 4800000, 9400000);
	assert_int_equal(pmd_prefer_judge(PMD_PREFER_AUTO, p, 2), 0);
	assert_false(p[0].backup || p[1].backup);
	assert_false(p[1].far);
	two(p, 600000, 10000);		/* satellite on path 1: too far to try, it waits */
	assert_int_equal(pmd_prefer_judge(PMD_PREFER_AUTO, p, 2), 1);
	assert_true(p[0].backup);
	assert_false(p[1].backup);
	two(p, 10000, 201000);		/* over a rate period: untried */
	pmd_prefer_judge(PMD_PREFER_AUTO, p, 2);
	assert_true(p[1].backup);
	two(p, 10000, 199000);		/* within: tried */
	pmd_prefer_judge(PMD_PREFER_AUTO, p, 2);
	assert_false(p[1].backup);
	two(p, 100, 150);		/* equal, no delay: noise is no reason */
	assert_int_equal(pmd_prefer_judge(PMD_PREFER_AUTO, p, 2), 0);
}

static void test_auto_far_path_hysteresis(void **state)
{
	struct pmd_prefer_path p[2];

	(void)state;
	two(p, 10000, 60000);
	rates(p, 40000000, 9000000);	/* under a quarter: waits */
	pmd_prefer_judge(PMD_PREFER_AUTO, p, 2);
	assert_true(p[1].backup);
	p[1].rate_bps = 12000000;	/* 0.3: above a quarter, under a third: stays */
	assert_int_equal(pmd_prefer_judge(PMD_PREFER_AUTO, p, 2), 0);
	assert_true(p[1].backup);
	p[1].rate_bps = 14000000;	/* above a third: active */
	assert_int_equal(pmd_prefer_judge(PMD_PREFER_AUTO, p, 2), 1);
	assert_false(p[1].backup);
	p[1].rate_bps = 10500000;	/* 0.26 while active: stays */
	assert_int_equal(pmd_prefer_judge(PMD_PREFER_AUTO, p, 2), 0);
	p[1].rate_bps = 9000000;	/* waits again */
	assert_int_equal(pmd_prefer_judge(PMD_PREFER_AUTO, p, 2), 1);
	p[1].rate_bps = 0;		/* not known this way (the data turned): tried */
	assert_int_equal(pmd_prefer_judge(PMD_PREFER_AUTO, p, 2), 1);
	assert_false(p[1].backup);
	two(p, 10000, 60000);		/* 0.22 close in RTT: kept (a fifth); far: waits */
	rates(p, 40000000, 8800000);
	p[1].rtt_us = 20000;
	assert_int_equal(pmd_prefer_judge(PMD_PREFER_AUTO, p, 2), 0);
	p[1].rtt_us = 60000;
	assert_int_equal(pmd_prefer_judge(PMD_PREFER_AUTO, p, 2), 1);
	assert_true(p[1].backup && p[1].far);
}

static void test_the_best_path_gone(void **state)
{
	struct pmd_prefer_path p[2];

	(void)state;
	two(p, 10000, 60000);
	rates(p, 28000000, 4600000);
	pmd_prefer_judge(PMD_PREFER_AUTO, p, 2);
	assert_true(p[1].backup);
	p[0].usable = false;		/* dead: the slow one carries everything */
	pmd_prefer_judge(PMD_PREFER_AUTO, p, 2);
	assert_false(p[1].backup);
	assert_false(p[0].backup);
	assert_int_equal(p[1].best, 1);
}

static void test_unknown_rtt_is_left_alone(void **state)
{
	struct pmd_prefer_path p[2];

	(void)state;
	two(p, 10000, 0);
	assert_int_equal(pmd_prefer_judge(PMD_PREFER_AUTO, p, 2), 0);
	assert_false(p[1].backup);
	two(p, 0, 0);
	assert_int_equal(pmd_prefer_judge(PMD_PREFER_HANDOVER, p, 2), 0);
}

static void test_auto_demotes_a_much_slower_path(void **state)
{
	struct pmd_prefer_path p[2];

	(void)state;
	two(p, 20000, 20000);		/* slow-second: same RTT, 50 and 2 Mbit/s */
	rates(p, 47000000, 1900000);
	assert_int_equal(pmd_prefer_judge(PMD_PREFER_AUTO, p, 2), 1);
	assert_false(p[0].backup);
	assert_true(p[1].backup);
	assert_true(p[1].slow);
	assert_int_equal(p[1].best, 0);
	two(p, 20000, 2000);		/* issue 381: the slow path has the lower RTT */
	rates(p, 95000000, 1900000);
	assert_int_equal(pmd_prefer_judge(PMD_PREFER_AUTO, p, 2), 1);
	assert_false(p[0].backup);
	assert_true(p[1].backup);
	assert_int_equal(p[0].best, 0);
	two(p, 25000, 45000);		/* dsl-4g down: 20 and 50 Mbit/s, aggregated */
	rates(p, 19000000, 47000000);
	assert_int_equal(pmd_prefer_judge(PMD_PREFER_AUTO, p, 2), 0);
	two(p, 20000, 20000);		/* a rate not known yet is no reason */
	rates(p, 47000000, 0);
	assert_int_equal(pmd_prefer_judge(PMD_PREFER_AUTO, p, 2), 0);
}

static void test_rate_hysteresis(void **state)
{
	struct pmd_prefer_path p[2];

	(void)state;
	two(p, 20000, 20000);
	rates(p, 40000000, 5000000);
	pmd_prefer_judge(PMD_PREFER_AUTO, p, 2);
	assert_true(p[1].backup);
	p[0].rate_bps = 20000000;	/* 1/4: above 1/5, below 1/3: stays */
	assert_int_equal(pmd_prefer_judge(PMD_PREFER_AUTO, p, 2), 0);
	assert_true(p[1].backup);
	p[0].rate_bps = 12000000;	/* the fast path got slower: tried again */
	assert_int_equal(pmd_prefer_judge(PMD_PREFER_AUTO, p, 2), 1);
	assert_false(p[1].backup);
	p[0].rate_bps = 20000000;	/* 1/4 while active: not demoted */
	assert_int_equal(pmd_prefer_judge(PMD_PREFER_AUTO, p, 2), 0);
}

static void test_rate_slow_path_alone(void **state)
{
	struct pmd_prefer_path p[2];

	(void)state;
	two(p, 20000, 20000);
	rates(p, 47000000, 1900000);
	pmd_prefer_judge(PMD_PREFER_AUTO, p, 2);
	p[0].usable = false;		/* the fast path died: the slow one carries */
	pmd_prefer_judge(PMD_PREFER_AUTO, p, 2);
	assert_false(p[1].backup);
	assert_false(p[1].slow);
	two(p, 20000, 20000);		/* only auto acts on rates */
	rates(p, 47000000, 1900000);
	assert_int_equal(pmd_prefer_judge(PMD_PREFER_AGGREGATE, p, 2), 0);
	assert_false(p[1].slow);
}

/* ms of samples every 25 ms, bytes per sample (0: idle), from *t. */
static void feed(struct pmd_rate *r, uint64_t *t, unsigned int ms, uint64_t bytes)
{
	for (unsigned int i = 0; i < ms / 25; i++) {
		*t += 25;
		pmd_rate_note(r, bytes, *t);
	}
}

static void test_rate_measure(void **state)
{
	struct pmd_rate r = { 0 };
	uint64_t t = 1000;

	(void)state;
	feed(&r, &t, 400, 6250);	/* 2 Mbit/s: 6250 bytes per 25 ms */
	assert_int_equal(pmd_rate_bps(&r, t), 0);	/* too few periods yet */
	feed(&r, &t, 600, 6250);
	assert_int_equal(pmd_rate_bps(&r, t), 2000000);
	for (int i = 0; i < 40; i++) {	/* in bursts, idle half the time: its peak */
		feed(&r, &t, 25, 12500);
		feed(&r, &t, 25, 0);
	}
	/* (a period may hold one burst more: 2.25 Mbit/s) */
	assert_in_range(pmd_rate_bps(&r, t), 2000000, 2250000);
	feed(&r, &t, 60000, 0);		/* idle (or backup): kept */
	feed(&r, &t, 60000, 10);	/* keepalives: no measure, kept */
	assert_in_range(pmd_rate_bps(&r, t), 2000000, 2250000);
	t += PMD_RATE_KEEP_MS + 1;	/* forgotten: the path is tried again */
	assert_int_equal(pmd_rate_bps(&r, t), 0);
	feed(&r, &t, 1000, 156250);	/* 50 Mbit/s now: known again */
	assert_int_equal(pmd_rate_bps(&r, t), 50000000);
	for (int i = 0; i < 100; i++) {	/* short transfers: 100 KB per 200 ms */
		feed(&r, &t, 25, 100000);
		feed(&r, &t, 175, 0);
	}
	assert_int_equal(pmd_rate_bps(&r, t), 50000000);	/* 20 s of them: kept */
	for (int i = 0; i < 250; i++) {
		feed(&r, &t, 25, 100000);
		feed(&r, &t, 175, 0);
	}
	assert_int_equal(pmd_rate_bps(&r, t), 4000000);	/* 70 s: what they carry */
}

static void test_rate_after_slow_start(void **state)
{
	struct pmd_rate r = { 0 };
	uint64_t t = 1000;

	(void)state;
	pmd_rate_note(&r, 0, t);	/* periods from here: one per 200 ms fed */
	for (uint64_t b = 3125; b <= 25000; b *= 2)	/* 1, 2, 4, 8 Mbit/s */
		feed(&r, &t, 200, b);
	feed(&r, &t, 400, 25000);
	assert_int_equal(pmd_rate_bps(&r, t), 0);	/* climbing, then 2 periods */
	feed(&r, &t, 200, 26000);	/* a little more (within 1/8): the third */
	assert_int_equal(pmd_rate_bps(&r, t), 8320000);
	feed(&r, &t, 200, 50000);	/* known now: a rise keeps it known */
	assert_int_equal(pmd_rate_bps(&r, t), 16000000);
}

/* n samples of sent and received bytes. */
static bool flow(struct pmd_flow *f, int n, uint64_t sent, uint64_t received)
{
	const uint64_t b[PMD_DIRS] = { sent, received };
	bool turned = false;

	for (int i = 0; i < n; i++)
		turned |= pmd_flow_note(f, b);
	return turned;
}

static void test_flow_direction(void **state)
{
	struct pmd_flow f = { 0 };

	(void)state;
	assert_int_equal(f.dir, PMD_DIR_SEND);
	assert_false(flow(&f, 100, 0, 1000));	/* keepalives, a trickle: no turn */
	assert_int_equal(f.dir, PMD_DIR_SEND);
	assert_true(flow(&f, 1, 0, 90000));	/* a download (28 Mbit/s, 25 ms): */
	assert_int_equal(f.dir, PMD_DIR_RECV);	/* from idle, its first sample */
	assert_string_equal(pmd_dir_name(f.dir), "receive");
	assert_false(flow(&f, 20, 0, 90000));
	assert_false(flow(&f, 1, 150000, 90000));	/* a burst sent meanwhile: holds */
	assert_false(flow(&f, 1, 0, 90000));
	assert_int_equal(f.dir, PMD_DIR_RECV);
	assert_false(flow(&f, 400, 60000, 50000));	/* both ways alike: holds */
	assert_int_equal(f.dir, PMD_DIR_RECV);
	assert_true(flow(&f, 400, 60000, 20000));	/* three times as much sent */
	assert_int_equal(f.dir, PMD_DIR_SEND);
	assert_false(flow(&f, 400, 0, 0));	/* idle: the last way holds */
	assert_int_equal(f.dir, PMD_DIR_SEND);
	assert_string_equal(pmd_dir_name(f.dir), "send");
}

static void test_modes(void **state)
{
	struct pmd_prefer_path p[2];

	(void)state;
	two(p, 25000, 45000);
	pmd_prefer_judge(PMD_PREFER_HANDOVER, p, 2);
	assert_false(p[0].backup);
	assert_true(p[1].backup);
	p[1].rtt_us = 22000;		/* a little better: handover stays */
	assert_int_equal(pmd_prefer_judge(PMD_PREFER_HANDOVER, p, 2), 0);
	p[1].rtt_us = 15000;		/* clearly better: it switches */
	assert_int_equal(pmd_prefer_judge(PMD_PREFER_HANDOVER, p, 2), 2);
	assert_true(p[0].backup);
	assert_false(p[1].backup);
	two(p, 25000, 24000);		/* interactive: the lowest now */
	pmd_prefer_judge(PMD_PREFER_INTERACTIVE, p, 2);
	assert_true(p[0].backup);
	two(p, 10000, 600000);
	p[1].backup = true;
	assert_int_equal(pmd_prefer_judge(PMD_PREFER_AGGREGATE, p, 2), 1);
	assert_false(p[1].backup);
}

static void test_names(void **state)
{
	enum pmd_prefer m;

	(void)state;
	assert_int_equal(pmd_prefer_parse("handover", &m), 0);
	assert_int_equal(m, PMD_PREFER_HANDOVER);
	assert_string_equal(pmd_prefer_name(PMD_PREFER_AUTO), "auto");
	assert_int_equal(pmd_prefer_parse("fast", &m), -EINVAL);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_auto_on_the_profiles),
		cmocka_unit_test(test_auto_far_path_hysteresis),
		cmocka_unit_test(test_the_best_path_gone),
		cmocka_unit_test(test_unknown_rtt_is_left_alone),
		cmocka_unit_test(test_auto_demotes_a_much_slower_path),
		cmocka_unit_test(test_rate_hysteresis),
		cmocka_unit_test(test_rate_slow_path_alone),
		cmocka_unit_test(test_rate_measure),
		cmocka_unit_test(test_rate_after_slow_start),
		cmocka_unit_test(test_flow_direction),
		cmocka_unit_test(test_modes),
		cmocka_unit_test(test_names),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
