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
 * by holes shrinks the rate, so the need never rose. So a subflow that
 * received segments out of order since the last measure (loss, not a
 * silent cut: nothing arrives on a dead path) asks for the host's own
 * ceiling, kept while loss goes on (pmd-bufcap.c lowers after 10 s).
 *
 * That is also why rmem_max is not auto by default: congestion drops at a
 * bottleneck (BBR's start-up, its probing) are out-of-order arrivals too,
 * so on a loaded path auto mostly sits at the host's ceiling (measured:
 * up 1 s after a download started); a fixed value helps silent cuts of
 * downloads and costs lossy ones (524288: worst cut 0.55 -> 0.16 s, but
 * 0.82 and 0.61 of the kernel's throughput at 1 % and 3 % loss).
 */
#include <errno.h>
#include <stdlib.h>
#include <netinet/tcp.h>

#include "diag.h"
#include "pmd.h"

#define RATE_MS 200
#define KEPT_MAX 4096		/* subflows remembered between measures */
#define LOSSY_WINDOW (1ull << 40)	/* above any ceiling: the host's */

struct kept {
	uint64_t cookie;
	uint64_t bytes_received;
	uint32_t rcv_ooopack;
};

struct pmd_rcvwin {
	struct kept *kept;	/* sorted by cookie */
	size_t nkept;
	uint64_t at_ms;		/* when kept was taken; 0: never */
	uint64_t window;	/* the last measure */
};

int pmd_rcvwin_new(struct pmd_rcvwin **out)
{
	struct pmd_rcvwin *r = calloc(1, sizeof(*r));

	if (r)
		r->kept = calloc(KEPT_MAX, sizeof(*r->kept));
	if (!r || !r->kept) {
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

/* The window of the connection whose subflows are sf[0..n) (one token). */
static uint64_t conn_window(const struct pmd_rcvwin *r, const struct diag_subflow *sf,
			    size_t n, uint64_t elapsed_ms)
{
	uint64_t bytes = 0, rtt_us = 0;

	for (size_t i = 0; i < n; i++) {
		const struct kept *k;

		if (sf[i].tcp.state != TCP_ESTABLISHED)
			continue;
		k = kept_of(r, &sf[i]);
		if (k && sf[i].rcv_ooopack > k->rcv_ooopack)
			return LOSSY_WINDOW;
		bytes += received_since(k, &sf[i]);
		if (sf[i].rcv_rtt_us > rtt_us)
			rtt_us = sf[i].rcv_rtt_us;
	}
	return bytes * rtt_us / (elapsed_ms * 1000);
}

static void keep(struct pmd_rcvwin *r, const struct diag_snapshot *s, uint64_t now_ms)
{
	r->nkept = 0;
	for (size_t i = 0; i < s->nsubflows && r->nkept < KEPT_MAX; i++)
		r->kept[r->nkept++] = (struct kept){ s->subflows[i].cookie,
						     s->subflows[i].tcp.bytes_received,
						     s->subflows[i].rcv_ooopack };
	qsort(r->kept, r->nkept, sizeof(*r->kept), by_cookie);
	r->at_ms = now_ms;
}

uint64_t pmd_rcvwin_update(struct pmd_rcvwin *r, const struct diag_snapshot *s,
			   uint64_t now_ms)
{
	uint64_t window = s->plain_rcv_space_max;

	if (r->at_ms && now_ms - r->at_ms < RATE_MS)
		return r->window;
	if (r->at_ms) {
		/* diag_take sorts the subflows by token: one run per connection */
		for (size_t i = 0, n; i < s->nsubflows; i += n) {
			uint64_t c;

			for (n = 1; i + n < s->nsubflows &&
				    s->subflows[i + n].token == s->subflows[i].token; n++)
				;
			c = conn_window(r, &s->subflows[i], n, now_ms - r->at_ms);
			if (c > window)
				window = c;
		}
	}
	keep(r, s, now_ms);
	return r->window = window;
}
