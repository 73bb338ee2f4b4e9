// SPDX-License-Identifier: GPL-2.0-or-later
/* pmd's path health judge (tools/pmd/pmd-health.c): sequences of evidence, as
 * a silent cut, a lossy path, a late ACK or a return would produce them. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <cmocka.h>

#include <netinet/tcp.h>

#include "diag.h"
#include "pmd.h"

static struct pmd_health_config cfg = {
	.enabled = true, .interval_ms = 50, .dead_ms = 200, .dead_probes = 3,
	.alive_probes = 2, .stall_ms = 400,
};

/* One sample period: the probe sent, answered or not. */
static struct pmd_evidence probe_round(bool answered, bool progress)
{
	return (struct pmd_evidence){ .progress = progress, .subflows = 1,
				      .sent = 1, .answers = answered, .answering = true };
}

/* A pseudo-random loss, the same in every run. */
static bool lost(unsigned int *seed, int percent)
{
	return (int)(rand_r(seed) % 100) < percent;
}

/* A path silenced from the start: dead; returns the time reached. */
static uint64_t dead_path(struct pmd_path_health *h)
{
	uint64_t t = 0;

	pmd_health_init(h, t);
	for (int i = 0; i < 6; i++, t += 50) {
		struct pmd_evidence ev = probe_round(false, false);

		pmd_health_judge(&cfg, h, &ev, t);
	}
	assert_int_equal(h->state, PMD_PATH_DEAD);
	return t;
}

static void test_silent_cut_is_dead_within_dead_ms(void **state)
{
	struct pmd_path_health h;
	uint64_t t = 1000, dead_at = 0;

	pmd_health_init(&h, t);
	for (int i = 0; i < 10; i++, t += 50) {
		struct pmd_evidence ev = probe_round(true, true);

		assert_int_equal(pmd_health_judge(&cfg, &h, &ev, t), PMD_VERDICT_NONE);
	}
	uint64_t cut = t;

	for (int i = 0; i < 20 && !dead_at; i++, t += 50) {
		struct pmd_evidence ev = probe_round(false, false);

		if (pmd_health_judge(&cfg, &h, &ev, t) == PMD_VERDICT_DEAD)
			dead_at = t;
	}
	assert_true(dead_at != 0);
	assert_true(dead_at - cut <= cfg.dead_ms + cfg.interval_ms);
	assert_int_equal(h.state, PMD_PATH_DEAD);
}

/* Silence after SAMPLES rounds of evidence like EV; the time of the dead
 * verdict after the cut (0: none within 1 s). */
static uint64_t dead_after_cut(struct pmd_evidence ev, int samples)
{
	struct pmd_path_health h;
	uint64_t t = 1000, cut;

	pmd_health_init(&h, t);
	for (int i = 0; i < samples; i++, t += 50)
		assert_int_equal(pmd_health_judge(&cfg, &h, &ev, t), PMD_VERDICT_NONE);
	cut = t;
	ev.progress = false;
	ev.answers = 0;
	for (; t <= cut + 1000; t += 50) {
		if (pmd_health_judge(&cfg, &h, &ev, t) == PMD_VERDICT_DEAD)
			return t - cut;
	}
	return 0;
}

/* A download fills the path's queue: probes come back at 100 ms on a 20 ms
 * path. Its segments stop at the cut: the verdict comes after dead_ms (4 x
 * 20 ms is less), not after 4 x the queued 100 ms (issue 21's DSL path). */
static void test_busy_path_timed_by_its_base_rtt(void **state)
{
	struct pmd_evidence ev = probe_round(true, true);
	uint64_t d;

	(void)state;
	ev.rtt_ms = 100;
	ev.base_rtt_ms = 20;
	d = dead_after_cut(ev, 10);
	assert_true(d != 0);
	assert_true(d <= cfg.dead_ms + cfg.interval_ms);
}

/* An idle path's probes wait behind others' queues: it keeps four of its
 * smoothed round trips. */
static void test_idle_path_keeps_its_smoothed_rtt(void **state)
{
	struct pmd_evidence ev = probe_round(true, false);
	uint64_t d;

	(void)state;
	ev.rtt_ms = 100;
	ev.base_rtt_ms = 20;
	d = dead_after_cut(ev, 10);
	assert_true(d + cfg.interval_ms >= 4 * ev.rtt_ms);	/* from the last answer */
}

static void test_busy_lossy_path_never_dies(void **state)
{
	struct pmd_path_health h;
	unsigned int seed = 42;
	uint64_t t = 0;

	pmd_health_init(&h, t);
	/* 3 % loss each way: probes often lost, but segments keep arriving */
	for (int i = 0; i < 20000; i++, t += 50) {
		bool answered = !lost(&seed, 3) && !lost(&seed, 3);
		struct pmd_evidence ev = probe_round(answered, true);

		assert_int_not_equal(pmd_health_judge(&cfg, &h, &ev, t), PMD_VERDICT_DEAD);
	}
}

static void test_idle_lossy_path_stays_alive(void **state)
{
	struct pmd_path_health h;
	unsigned int seed = 7;
	uint64_t t = 0;
	int deaths = 0;

	pmd_health_init(&h, t);
	/* no traffic, 1 % loss each way, ten minutes of probes */
	for (int i = 0; i < 12000; i++, t += 50) {
		bool answered = !lost(&seed, 1) && !lost(&seed, 1);
		struct pmd_evidence ev = probe_round(answered, false);

		deaths += pmd_health_judge(&cfg, &h, &ev, t) == PMD_VERDICT_DEAD;
	}
	assert_int_equal(deaths, 0);
}

static void test_one_late_ack_is_not_death(void **state)
{
	struct pmd_path_health h;
	struct pmd_evidence ev = { .subflows = 1, .unacked = 10, .rtos = 1 };
	uint64_t t = 0;

	pmd_health_init(&h, t);
	/* a sender with no answering probe target: one RTO, 300 ms without ACK */
	for (int i = 0; i < 6; i++, t += 50) {
		ev.last_ack_ms = 50 * (i + 1);
		assert_int_equal(pmd_health_judge(&cfg, &h, &ev, t + 50), PMD_VERDICT_NONE);
	}
	assert_int_equal(h.state, PMD_PATH_ALIVE);
}

static void test_two_rtos_without_probes_are_death(void **state)
{
	struct pmd_path_health h;
	struct pmd_evidence ev = { .subflows = 1, .unacked = 10, .rtos = 2,
				   .last_ack_ms = 700 };

	pmd_health_init(&h, 0);
	assert_int_equal(pmd_health_judge(&cfg, &h, &ev, 250), PMD_VERDICT_DEAD);
}

static void test_return_needs_answers_in_a_row(void **state)
{
	struct pmd_path_health h;
	struct pmd_evidence ev;
	uint64_t t;

	t = dead_path(&h);
	ev = probe_round(true, false);
	assert_int_equal(pmd_health_judge(&cfg, &h, &ev, t += 50), PMD_VERDICT_NONE);
	ev = probe_round(false, false);
	assert_int_equal(pmd_health_judge(&cfg, &h, &ev, t += 50), PMD_VERDICT_NONE);
	ev = probe_round(true, false);
	assert_int_equal(pmd_health_judge(&cfg, &h, &ev, t += 50), PMD_VERDICT_NONE);
	ev = probe_round(true, false);
	assert_int_equal(pmd_health_judge(&cfg, &h, &ev, t += 50), PMD_VERDICT_ALIVE);
}

static void test_received_segments_revive_at_once(void **state)
{
	struct pmd_path_health h;
	struct pmd_evidence ev;
	uint64_t t;

	t = dead_path(&h);
	ev = probe_round(false, true);
	assert_int_equal(pmd_health_judge(&cfg, &h, &ev, t), PMD_VERDICT_ALIVE);
}

static void test_stall_said_once(void **state)
{
	struct pmd_path_health h;
	struct pmd_evidence ev = probe_round(true, false);

	pmd_health_init(&h, 0);
	ev.unacked = 20;
	ev.rtos = 2;
	ev.last_ack_ms = 450;
	assert_int_equal(pmd_health_judge(&cfg, &h, &ev, 50), PMD_VERDICT_STALLED);
	ev.last_ack_ms = 500;
	assert_int_equal(pmd_health_judge(&cfg, &h, &ev, 100), PMD_VERDICT_NONE);
	ev.last_ack_ms = 10;	/* ACKs again */
	assert_int_equal(pmd_health_judge(&cfg, &h, &ev, 150), PMD_VERDICT_NONE);
	ev.last_ack_ms = 450;
	assert_int_equal(pmd_health_judge(&cfg, &h, &ev, 200), PMD_VERDICT_STALLED);
}

static void test_unanswering_target_never_kills(void **state)
{
	struct pmd_path_health h;
	uint64_t t = 0;

	pmd_health_init(&h, t);
	/* ICMP filtered by the peer: probes sent, never answered, never had */
	for (int i = 0; i < 1000; i++, t += 50) {
		struct pmd_evidence ev = { .subflows = 1, .sent = 1 };

		assert_int_equal(pmd_health_judge(&cfg, &h, &ev, t), PMD_VERDICT_NONE);
	}
}

/* wmem_max = auto (tools/pmd/pmd-bufcap.c): starts at the floor, follows 4 x the
 * bytes in flight up once they stayed up for 250 ms (to the least of that
 * time), down only after 10 s of less, never above the ceiling. */
static void test_wmem_auto_follows_the_paths(void **state)
{
	struct pmd_bufcap w;

	(void)state;
	pmd_bufcap_init(&w, PMD_WMEM_FLOOR, 4194304);
	assert_int_equal(w.cur, PMD_WMEM_FLOOR);
	assert_int_equal(pmd_bufcap_next(&w, 40000, 1000), 0);	/* 160 KB: the floor */
	assert_int_equal(pmd_bufcap_next(&w, 300000, 1025), 0);	/* up: wait */
	assert_int_equal(pmd_bufcap_next(&w, 200000, 1150), 0);
	assert_int_equal(pmd_bufcap_next(&w, 250000, 1275), 13 * 65536);	/* 800000 in 64 KiB */
	assert_int_equal(pmd_bufcap_next(&w, 190000, 1300), 0);	/* within a quarter */
	assert_int_equal(pmd_bufcap_next(&w, 3000000, 1325), 0);
	assert_int_equal(pmd_bufcap_next(&w, 3000000, 1600), 4194304);	/* the ceiling */
	assert_int_equal(pmd_bufcap_next(&w, 10000, 2000), 0);	/* less: wait */
	assert_int_equal(pmd_bufcap_next(&w, 10000, 11000), 0);
	assert_int_equal(pmd_bufcap_next(&w, 10000, 12001), PMD_WMEM_FLOOR);
}

/* A start-up burst (BBR's startup, slow start) shorter than 250 ms does not
 * raise it: a buffer grown for it would stay grown. */
static void test_wmem_auto_ignores_a_burst(void **state)
{
	struct pmd_bufcap w;
	uint64_t t = 0;

	(void)state;
	pmd_bufcap_init(&w, PMD_WMEM_FLOOR, 4194304);
	for (int i = 0; i < 8; i++)	/* 200 ms of a burst */
		assert_int_equal(pmd_bufcap_next(&w, 1 << 20, t += 25), 0);
	for (int i = 0; i < 40; i++)	/* then what the path needs */
		assert_int_equal(pmd_bufcap_next(&w, 30000, t += 25), 0);
	assert_int_equal(w.cur, PMD_WMEM_FLOOR);
}

/* A socket that the ceiling holds back shows at least half of it in
 * flight: the ceiling then rises until it no longer binds. */
static void test_wmem_auto_never_holds_a_socket_back(void **state)
{
	struct pmd_bufcap w;
	uint64_t t = 0;

	(void)state;
	pmd_bufcap_init(&w, PMD_WMEM_FLOOR, 64 << 20);
	for (int i = 0; i < 80; i++) {	/* 2 s */
		uint64_t in_flight = (uint64_t)w.cur * 6 / 10, path_bdp = 8 << 20;

		pmd_bufcap_next(&w, in_flight < path_bdp ? in_flight : path_bdp, t += 25);
	}
	assert_true(w.cur >= 4 * (8 << 20) * 6 / 10);
}

/* Raised to exactly twice the floor, it comes down once idle: the idle
 * need (the floor) is half of it, which must not count as a need (the
 * cause of test 95's flakes). */
static void test_auto_comes_down_from_twice_the_floor(void **state)
{
	struct pmd_bufcap r;
	uint64_t t = 0;

	(void)state;
	pmd_bufcap_init(&r, PMD_RMEM_FLOOR, 32 << 20);
	for (int i = 0; i < 20; i++)	/* 4 x 262144 = twice the floor */
		pmd_bufcap_next(&r, 262144, t += 25);
	assert_int_equal(r.cur, 2 * PMD_RMEM_FLOOR);
	for (int i = 0; i < 440; i++)	/* 11 s idle */
		pmd_bufcap_next(&r, 0, t += 25);
	assert_int_equal(r.cur, PMD_RMEM_FLOOR);
}

/* A ceiling below the floor is kept: auto never raises it. */
static void test_wmem_auto_below_the_floor(void **state)
{
	struct pmd_bufcap w;

	(void)state;
	pmd_bufcap_init(&w, PMD_WMEM_FLOOR, 131072);
	assert_int_equal(w.cur, 131072);
	assert_int_equal(pmd_bufcap_next(&w, 1 << 20, 25), 0);
}

/* pmd-rcvwin.c: a connection's window is its subflows' rate together times
 * the longest receive RTT; out-of-order arrivals in 3 of 5 measures (loss)
 * ask for the most, an episode of them (a congestion drop) does not. */
static void test_rcv_window(void **state)
{
	struct diag_subflow sf[3] = {
		{ .token = 7, .cookie = 1, .rcv_rtt_us = 2000, .tcp = { .state = TCP_ESTABLISHED } },
		{ .token = 7, .cookie = 2, .rcv_rtt_us = 5000, .tcp = { .state = TCP_ESTABLISHED } },
		{ .token = 9, .cookie = 3, .rcv_rtt_us = 1000, .tcp = { .state = TCP_ESTABLISHED } },
	};
	struct diag_snapshot s = { .subflows = sf, .nsubflows = 3 };
	struct pmd_rcvwin *r;

	(void)state;
	assert_int_equal(pmd_rcvwin_new(&r), 0);
	assert_int_equal(pmd_rcvwin_update(r, &s, 1000), 0);	/* the first: kept */
	sf[0].tcp.bytes_received = 600000;	/* 3 MB/s */
	sf[1].tcp.bytes_received = 600000;	/* together 6 MB/s, 5 ms */
	sf[2].tcp.bytes_received = 2000000;	/* 10 MB/s, 1 ms */
	assert_int_equal(pmd_rcvwin_update(r, &s, 1100), 0);	/* too soon: the last */
	assert_int_equal(pmd_rcvwin_update(r, &s, 1200), 30000);
	s.plain_rcv_space_max = 50000;	/* a plain TCP reader */
	assert_int_equal(pmd_rcvwin_update(r, &s, 1400), 50000);
	sf[1].rcv_ooopack = 3;	/* one episode, then none */
	assert_int_equal(pmd_rcvwin_update(r, &s, 1600), 50000);
	assert_int_equal(pmd_rcvwin_update(r, &s, 1800), 50000);
	sf[1].rcv_ooopack = 5;	/* the second in 5 measures */
	assert_int_equal(pmd_rcvwin_update(r, &s, 2000), 50000);
	sf[1].rcv_ooopack = 9;	/* the third: lossy */
	assert_true(pmd_rcvwin_update(r, &s, 2200) > ((uint64_t)1 << 32));
	assert_true(pmd_rcvwin_update(r, &s, 2400) > ((uint64_t)1 << 32));
	assert_int_equal(pmd_rcvwin_update(r, &s, 2600), 50000);	/* 2 of the last 5 */
	pmd_rcvwin_free(r);
}

/* A subflow that closes at once is made again after 100, 200, 400 ...
 * ms, never more than the most; one that lived long enough starts again
 * from the least. */
static void test_recreate_backoff(void **state)
{
	uint32_t d = 0, sum = 0;
	const uint32_t want[] = { 100, 200, 400, 800, 1600, 3200, 3200, 3200 };

	(void)state;
	for (unsigned int i = 0; i < sizeof(want) / sizeof(want[0]); i++) {
		d = pmd_backoff_delay(d, 0);
		assert_int_equal(d, want[i]);
		sum += d;
	}
	/* eight refused joins take 12.7 s, not 60 ms */
	assert_int_equal(sum, 12700);
	assert_int_equal(pmd_backoff_delay(d, PMD_BACKOFF_STABLE_MS - 1), PMD_BACKOFF_MAX_MS);
	assert_int_equal(pmd_backoff_delay(d, PMD_BACKOFF_STABLE_MS), PMD_BACKOFF_MIN_MS);
	assert_int_equal(pmd_backoff_delay(UINT32_MAX, 0), PMD_BACKOFF_MAX_MS);
	assert_int_equal(pmd_backoff_delay(PMD_BACKOFF_MAX_MS - 1, 0), PMD_BACKOFF_MAX_MS);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_silent_cut_is_dead_within_dead_ms),
		cmocka_unit_test(test_busy_path_timed_by_its_base_rtt),
		cmocka_unit_test(test_idle_path_keeps_its_smoothed_rtt),
		cmocka_unit_test(test_busy_lossy_path_never_dies),
		cmocka_unit_test(test_idle_lossy_path_stays_alive),
		cmocka_unit_test(test_one_late_ack_is_not_death),
		cmocka_unit_test(test_two_rtos_without_probes_are_death),
		cmocka_unit_test(test_return_needs_answers_in_a_row),
		cmocka_unit_test(test_received_segments_revive_at_once),
		cmocka_unit_test(test_stall_said_once),
		cmocka_unit_test(test_unanswering_target_never_kills),
		cmocka_unit_test(test_wmem_auto_follows_the_paths),
		cmocka_unit_test(test_wmem_auto_ignores_a_burst),
		cmocka_unit_test(test_rcv_window),
		cmocka_unit_test(test_wmem_auto_never_holds_a_socket_back),
		cmocka_unit_test(test_wmem_auto_below_the_floor),
		cmocka_unit_test(test_auto_comes_down_from_twice_the_floor),
		cmocka_unit_test(test_recreate_backoff),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
