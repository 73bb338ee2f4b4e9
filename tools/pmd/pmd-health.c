// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * Is a path alive? Judged from evidence only (no I/O, so the unit tests
 * replay any sequence):
 *  - a sign of life is a segment received on one of the path's subflows, or
 *    an answer to a probe sent over it;
 *  - a path is dead when it has been silent for dead_ms (or four of its
 *    round trips, if longer: silence_allowed) although it was
 *    expected to speak: dead_probes probes lost to a target that answered
 *    before, or, with no answering target, data outstanding on a subflow
 *    that has had two retransmission timeouts in a row (one late ACK, or
 *    one RTO on a lossy path, is never enough);
 *  - a dead path is alive again after alive_probes answers in a row, or as
 *    soon as a subflow on it receives again; with no answering target, it
 *    is tried again after PASSIVE_RETRY_MS.
 * Random loss of a few percent never kills a busy path: its subflows keep
 * receiving, and every received segment is a sign of life.
 */
#include "pmd.h"

/* A path found dead by passive evidence alone cannot be seen to come back
 * (its endpoint is gone, and no probe target answers): try it again. */
#define PASSIVE_RETRY_MS 10000

void pmd_health_init(struct pmd_path_health *h, uint64_t now_ms)
{
	*h = (struct pmd_path_health){ .state = PMD_PATH_ALIVE,
				       .last_alive_ms = now_ms,
				       .changed_ms = now_ms };
}

/* A slow path (cellular, satellite) gets four of its round trips. Which
 * round trip: a path whose subflows were receiving segments until the
 * silence is timed by its base round trip, queueing left out. Its data
 * arrived at the link's rate even behind the queue it built itself, so a
 * silence there is the path stopping; the smoothed probe round trip
 * includes that queue (a cellular link's can hold hundreds of ms: four of
 * them would be a second), and every millisecond of the wait is data the
 * sender puts on the other paths beyond the hole, which it sends again
 * once it learns. In the lab's profiles the queues stay short: the
 * verdict came 0.19 s after the cut either way (issue 21, RESULTS.md).
 * An idle path's probes may wait behind others' queues that grow: its
 * smoothed round trip counts. */
static uint64_t silence_allowed(const struct pmd_health_config *cfg,
				const struct pmd_path_health *h,
				const struct pmd_evidence *ev)
{
	uint32_t rtt = h->busy && ev->base_rtt_ms ? ev->base_rtt_ms : ev->rtt_ms;

	return 4 * (uint64_t)rtt > cfg->dead_ms ? 4 * (uint64_t)rtt : cfg->dead_ms;
}

static bool silence_expected_to_end(const struct pmd_health_config *cfg,
				    const struct pmd_path_health *h,
				    const struct pmd_evidence *ev)
{
	if (ev->answering)
		return h->lost >= cfg->dead_probes;
	return ev->unacked > 0 && ev->rtos >= 2 && ev->last_ack_ms >= cfg->dead_ms;
}

static enum pmd_verdict set_state(struct pmd_path_health *h, enum pmd_path_state s,
				  uint64_t now_ms)
{
	h->state = s;
	h->changed_ms = now_ms;
	h->answers_in_row = 0;
	h->stalled = false;
	return s == PMD_PATH_DEAD ? PMD_VERDICT_DEAD : PMD_VERDICT_ALIVE;
}

/* Alive, and the path answers, but a subflow waits for an ACK for longer
 * than any loss recovery should take, after two RTOs in a row: it sits in
 * RTO backoff after an outage, and a new subflow is faster than waiting.
 * (One RTO is what a lossy path has now and then: never enough; measured,
 * a 3 % lossy path had one with a 428 ms old ACK.) Said once per stall. */
static enum pmd_verdict judge_stall(const struct pmd_health_config *cfg,
				    struct pmd_path_health *h,
				    const struct pmd_evidence *ev)
{
	bool stuck = ev->answers > 0 && ev->unacked > 0 && ev->rtos >= 2 &&
		     ev->last_ack_ms >= cfg->stall_ms;

	if (!stuck) {
		if (ev->last_ack_ms < cfg->stall_ms)
			h->stalled = false;
		return PMD_VERDICT_NONE;
	}
	if (h->stalled)
		return PMD_VERDICT_NONE;
	h->stalled = true;
	return PMD_VERDICT_STALLED;
}

enum pmd_verdict pmd_health_judge(const struct pmd_health_config *cfg,
				  struct pmd_path_health *h,
				  const struct pmd_evidence *ev, uint64_t now_ms)
{
	bool sign = ev->progress || ev->answers > 0;
	uint64_t dead_ms;

	if (sign) {
		h->last_alive_ms = now_ms;
		h->lost = 0;
		h->busy = ev->progress;
	} else {
		h->lost += ev->sent;
	}
	dead_ms = silence_allowed(cfg, h, ev);
	if (h->state == PMD_PATH_ALIVE) {
		if (!sign && now_ms - h->last_alive_ms >= dead_ms &&
		    silence_expected_to_end(cfg, h, ev))
			return set_state(h, PMD_PATH_DEAD, now_ms);
		return judge_stall(cfg, h, ev);
	}
	if (ev->progress)
		return set_state(h, PMD_PATH_ALIVE, now_ms);
	if (ev->answers > 0)
		h->answers_in_row += ev->answers;
	else if (ev->sent > 0)
		h->answers_in_row = 0;
	if (h->answers_in_row >= cfg->alive_probes ||
	    (!ev->answering && now_ms - h->changed_ms >= PASSIVE_RETRY_MS))
		return set_state(h, PMD_PATH_ALIVE, now_ms);
	return PMD_VERDICT_NONE;
}

/* A peer at its subflow limit refuses each join at once: made again at
 * once, 7 were refused within 60 ms (bench/upm-damage.md). So the wait
 * doubles from the least to the most; a subflow that lived long enough
 * starts a new series. */
uint32_t pmd_backoff_delay(uint32_t prev_ms, uint64_t lived_ms)
{
	if (!prev_ms || lived_ms >= PMD_BACKOFF_STABLE_MS)
		return PMD_BACKOFF_MIN_MS;
	return prev_ms >= PMD_BACKOFF_MAX_MS / 2 ? PMD_BACKOFF_MAX_MS : 2 * prev_ms;
}
