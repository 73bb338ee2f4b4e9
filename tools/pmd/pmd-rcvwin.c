// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * The receive window the busiest connection of the namespace uses, for
 * rmem_max = auto (pmd-bufcap.c): a connection's rate (the bytes its
 * subflows received since the last measure, all of them together, since
 * the MPTCP-level window is shared) times the longest receive RTT among
 * its subflows (the slowest path's data must fit while the others wait).
 * Plain TCP sockets count with their receive space (what their reader took
 * in one RTT). Measured over at least RATE_MS: one 25 ms sample holds a
 * burst of GRO'd segments, not a rate.
 *
 * A lossy path needs far more: while a subflow recovers a loss (an RTO is
 * 200 ms or more), the other paths' data waits in the MPTCP-level window.
 * Measured with the rate alone: downloads over a path with 1 % and 3 %
 * loss got 0.82 and 0.61 of the kernel's throughput, and a window limited
 * by holes shrinks the rate, so the need never rose. So a lossy subflow
 * asks for the host's own ceiling, kept while loss goes on (pmd-bufcap.c
 * lowers after 10 s). A silent cut is not loss: nothing arrives on a dead
 * path, so it never looks lossy.
 *
 * Lossy means out-of-order arrivals in LOSSY_OF of the last LOSSY_IN
 * measures, not in one: congestion drops at a bottleneck (slow start's and
 * BBR's start-up overshoot, a probe) are out-of-order arrivals too, but
 * they come in episodes, and a ceiling raised for one stays in the
 * connection's buffer for good. Measured with "any out-of-order arrival":
 * the ceiling sat at the host's 32 MiB from 1 s into every download, and
 * its worst silent cut was 0.53 s instead of 0.18 s. Random loss of 1 %
 * at 50 Mbit/s is some 8 losses a measure, so it is seen within a second.
 */
#include <errno.h>
#include <stdbool.h>
#include <stdlib.h>
#include <netinet/tcp.h>

#include "diag.h"
#include "pmd.h"

#define RATE_MS 200
#define KEPT_MAX 4096		/* subflows remembered between measures */
#define LOSSY_WINDOW (1ull << 40)	/* above any ceiling: the host's */
#define LOSSY_IN 5		/* measures: 1 s */
#define LOSSY_OF 3

struct kept {
	uint64_t cookie;
	uint64_t bytes_received;
	uint32_t rcv_ooopack;
	uint8_t ooo_seen;	/* bit i: out of order in the measure i ago */
};

struct pmd_rcvwin {
	struct kept *kept;	/* sorted by cookie */
	uint8_t *ooo_seen;	/* the next ooo_seen of each subflow of the snapshot */
	size_t nkept;
	uint64_t at_ms;		/* when kept was taken; 0: never */
	uint64_t window;	/* the last measure */
};

int pmd_rcvwin_new(struct pmd_rcvwin **out)
{
	struct pmd_rcvwin *r = calloc(1, sizeof(*r));

	if (r) {
		r->kept = calloc(KEPT_MAX, sizeof(*r->kept));
		r->ooo_seen = calloc(KEPT_MAX, sizeof(*r->ooo_seen));
	}
	if (!r || !r->kept || !r->ooo_seen) {
		pmd_rcvwin_free(r);
		return -ENOMEM;
	}
	*out = r;
	return 0;
}

void pmd_rcvwin_free(struct pmd_rcvwin *r)
{
	if (!r)
		return;
	free(r->kept);
	free(r->ooo_seen);
	free(r);
}

static int by_cookie(const void *a, const void *b)
{
	const struct kept *x = a, *y = b;

	return x->cookie < y->cookie ? -1 : x->cookie > y->cookie;
}

static const struct kept *kept_of(const struct pmd_rcvwin *r, const struct diag_subflow *sf)
{
	struct kept key = { .cookie = sf->cookie };

	return bsearch(&key, r->kept, r->nkept, sizeof(key), by_cookie);
}

/* Bytes sf received since it was kept; 0 if it was not. */
static uint64_t received_since(const struct kept *k, const struct diag_subflow *sf)
{
	if (!k || sf->tcp.bytes_received < k->bytes_received)
		return 0;
	return sf->tcp.bytes_received - k->bytes_received;
}

static bool lossy(uint8_t ooo_seen)
{
	return __builtin_popcount(ooo_seen & ((1u << LOSSY_IN) - 1)) >= LOSSY_OF;
}

/* The window of the connection whose subflows are sf[0..n) (one token),
 * ooo_seen[0..n) their out-of-order history with this measure. */
static uint64_t conn_window(const struct pmd_rcvwin *r, const struct diag_subflow *sf,
			    const uint8_t *ooo_seen, size_t n, uint64_t elapsed_ms)
{
	uint64_t bytes = 0, rtt_us = 0;

	for (size_t i = 0; i < n; i++) {
		if (sf[i].tcp.state != TCP_ESTABLISHED)
			continue;
		if (lossy(ooo_seen[i]))
			return LOSSY_WINDOW;
		bytes += received_since(kept_of(r, &sf[i]), &sf[i]);
		if (sf[i].rcv_rtt_us > rtt_us)
			rtt_us = sf[i].rcv_rtt_us;
	}
	return bytes * rtt_us / (elapsed_ms * 1000);
}

/* Each subflow's out-of-order history, with whether it received out of
 * order since it was kept (a new subflow starts clean). */
static void note_ooo(struct pmd_rcvwin *r, const struct diag_snapshot *s)
{
	for (size_t i = 0; i < s->nsubflows && i < KEPT_MAX; i++) {
		const struct diag_subflow *sf = &s->subflows[i];
		const struct kept *k = kept_of(r, sf);

		r->ooo_seen[i] = k ? (uint8_t)(k->ooo_seen << 1 | (sf->rcv_ooopack > k->rcv_ooopack))
				   : 0;
	}
}

static void keep(struct pmd_rcvwin *r, const struct diag_snapshot *s, uint64_t now_ms)
{
	r->nkept = 0;
	for (size_t i = 0; i < s->nsubflows && r->nkept < KEPT_MAX; i++)
		r->kept[r->nkept++] = (struct kept){ s->subflows[i].cookie,
						     s->subflows[i].tcp.bytes_received,
						     s->subflows[i].rcv_ooopack, r->ooo_seen[i] };
	qsort(r->kept, r->nkept, sizeof(*r->kept), by_cookie);
	r->at_ms = now_ms;
}

uint64_t pmd_rcvwin_update(struct pmd_rcvwin *r, const struct diag_snapshot *s,
			   uint64_t now_ms)
{
	uint64_t window = s->plain_rcv_space_max;

	if (r->at_ms && now_ms - r->at_ms < RATE_MS)
		return r->window;
	note_ooo(r, s);
	if (r->at_ms) {
		/* diag_take sorts the subflows by token: one run per connection */
		for (size_t i = 0, n; i < s->nsubflows && i < KEPT_MAX; i += n) {
			uint64_t c;

			for (n = 1; i + n < s->nsubflows &&
				    s->subflows[i + n].token == s->subflows[i].token; n++)
				;
			if (i + n > KEPT_MAX)
				n = KEPT_MAX - i;
			c = conn_window(r, &s->subflows[i], &r->ooo_seen[i], n,
					now_ms - r->at_ms);
			if (c > window)
				window = c;
		}
	}
	keep(r, s, now_ms);
	return r->window = window;
}
