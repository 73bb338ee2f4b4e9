// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * wmem_max = auto: the ceiling of net.ipv4.tcp_wmem sized to the paths.
 *
 * Why a ceiling at all (pmd-tune.c has the measurements): what a dead
 * subflow held is sent again behind everything the surviving subflow has
 * queued, and the MPTCP retransmission queue is as large as the subflows'
 * send buffers together. With the kernel's 4 MiB ceiling a silent cut took
 * up to 1 s to recover on 2 x 50 Mbit/s; with 256 KiB at most 0.19 s.
 *
 * Why not a fixed one: a subflow carries at most about its send buffer per
 * round trip, so a small fixed ceiling would cap a long fat path. auto
 * follows the most bytes in flight on one TCP socket of the namespace
 * (unacked x MSS, subflows and plain TCP alike, since the sysctl is theirs
 * too: a path's bandwidth-delay product, once the socket fills it) and
 * keeps the ceiling at PMD_WMEM_HEADROOM times it: a queue of a few round
 * trips, never less than PMD_WMEM_FLOOR and never above the ceiling found
 * at start.
 *
 * It cannot starve a socket: while the ceiling binds, a socket has about
 * 0.6-0.9 of it in flight (the rest is skb overhead), so the need (4x) is
 * above the ceiling: it rises by at least a quarter per sample until it no
 * longer binds. It comes down only after the need stayed below half of it
 * for PMD_WMEM_LOWER_MS, since send buffers already grown do not shrink
 * anyway.
 */
#include "pmd.h"

#define PMD_WMEM_HEADROOM 4
#define PMD_WMEM_STEP 65536	/* values in whole 64 KiB */
#define PMD_WMEM_LOWER_MS 10000

void pmd_wmem_init(struct pmd_wmem *w, long ceiling)
{
	w->ceiling = ceiling;
	w->cur = ceiling < PMD_WMEM_FLOOR ? ceiling : PMD_WMEM_FLOOR;
	w->low_since_ms = 0;
}

static long need_for(const struct pmd_wmem *w, uint64_t in_flight)
{
	uint64_t need = in_flight * PMD_WMEM_HEADROOM;

	need = (need + PMD_WMEM_STEP - 1) / PMD_WMEM_STEP * PMD_WMEM_STEP;
	if (need < PMD_WMEM_FLOOR)
		need = PMD_WMEM_FLOOR;
	return need > (uint64_t)w->ceiling ? w->ceiling : (long)need;
}

long pmd_wmem_next(struct pmd_wmem *w, uint64_t in_flight, uint64_t now_ms)
{
	long need = need_for(w, in_flight);

	if (need > w->cur + w->cur / 4 || (need > w->cur && need == w->ceiling)) {
		w->low_since_ms = 0;
		return w->cur = need;
	}
	if (need >= w->cur / 2) {
		w->low_since_ms = 0;
		return 0;
	}
	if (!w->low_since_ms) {
		w->low_since_ms = now_ms ? now_ms : 1;
		return 0;
	}
	if (now_ms - w->low_since_ms < PMD_WMEM_LOWER_MS)
		return 0;
	w->low_since_ms = 0;
	return w->cur = need;
}
