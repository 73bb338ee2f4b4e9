// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * wmem_max / rmem_max = auto: the ceilings of net.ipv4.tcp_wmem and
 * tcp_rmem sized to the paths.
 *
 * Why a ceiling at all (pmd-tune.c has the measurements): what a dead
 * subflow held is sent again behind everything the surviving subflow has
 * queued, and the MPTCP retransmission queue is as large as the subflows'
 * send buffers together. With the kernel's 4 MiB send ceiling a silent cut
 * of an upload took up to 1 s to recover on 2 x 50 Mbit/s; with 256 KiB at
 * most 0.23 s. A download is the same on the sender, whose queue pmd on
 * the receiver cannot touch, but the sender only queues what the
 * receiver's MPTCP-level window allows, and that window follows the
 * receive buffer: with tcp_rmem's ceiling at 512 KiB instead of 32 MiB the
 * worst cut of 10 went from 0.55 to 0.16 s, with the same bytes moved.
 *
 * Why not a fixed one: a socket carries at most about its buffer per round
 * trip, so a small fixed ceiling would cap a long fat path. auto follows
 * what the busiest socket needs now (pmd-watch.c measures it: bytes in
 * flight for sending; for receiving, the rate of a connection times its
 * receive RTT) and keeps the ceiling at PMD_BUFCAP_HEADROOM times it, a
 * queue of a few round trips, never below the floor and never above the
 * ceiling found at start.
 *
 * It cannot starve a socket: while the ceiling binds, a socket has about
 * 0.5-0.9 of it in flight (the rest is skb overhead), so the need (4x) is
 * above the ceiling and it rises, to the least need of PMD_BUFCAP_RAISE_MS,
 * until it no longer binds. It comes down only after the need stayed below
 * half of it for PMD_BUFCAP_LOWER_MS, since buffers already grown do not
 * shrink.
 */
#include "pmd.h"

#define PMD_BUFCAP_HEADROOM 4
#define PMD_BUFCAP_STEP 65536	/* values in whole 64 KiB */
#define PMD_BUFCAP_LOWER_MS 10000
/* Startup overshoots (BBR's startup gain, slow start) are not a need: a
 * buffer grown for them stays grown for the connection's life. Measured:
 * the first cuts of a transfer were the slow ones. */
#define PMD_BUFCAP_RAISE_MS 250

void pmd_bufcap_init(struct pmd_bufcap *c, long floor, long ceiling)
{
	c->floor = floor;
	c->ceiling = ceiling;
	c->cur = ceiling < floor ? ceiling : floor;
	c->low_since_ms = c->high_since_ms = 0;
}

static long need_for(const struct pmd_bufcap *c, uint64_t bytes)
{
	uint64_t need = bytes * PMD_BUFCAP_HEADROOM;

	need = (need + PMD_BUFCAP_STEP - 1) / PMD_BUFCAP_STEP * PMD_BUFCAP_STEP;
	if (need < (uint64_t)c->floor)
		need = c->floor;
	return need > (uint64_t)c->ceiling ? c->ceiling : (long)need;
}

/* Above a quarter more than now for PMD_BUFCAP_RAISE_MS, every sample:
 * the least of them, else 0. */
static long sustained_high(struct pmd_bufcap *c, long need, uint64_t now_ms)
{
	if (need <= c->cur + c->cur / 4 && !(need > c->cur && need == c->ceiling)) {
		c->high_since_ms = 0;
		return 0;
	}
	if (!c->high_since_ms || need < c->high_least)
		c->high_least = need;
	if (!c->high_since_ms)
		c->high_since_ms = now_ms ? now_ms : 1;
	if (now_ms - c->high_since_ms < PMD_BUFCAP_RAISE_MS)
		return 0;
	c->high_since_ms = 0;
	return c->high_least;
}

long pmd_bufcap_next(struct pmd_bufcap *c, uint64_t bytes, uint64_t now_ms)
{
	long need = need_for(c, bytes), high = sustained_high(c, need, now_ms);

	if (high) {
		c->low_since_ms = 0;
		return c->cur = high;
	}
	/* An idle path's need is the floor, which is half of a ceiling of
	 * twice the floor: that one must come down too (it did not, and test
	 * 95 failed whenever a transfer had left the ceiling at exactly 2 x
	 * the floor, 1 MiB for tcp_rmem). */
	if (need >= c->cur || (need >= c->cur / 2 && need > c->floor)) {
		c->low_since_ms = 0;
		return 0;
	}
	if (!c->low_since_ms) {
		c->low_since_ms = now_ms ? now_ms : 1;
		return 0;
	}
	if (now_ms - c->low_since_ms < PMD_BUFCAP_LOWER_MS)
		return 0;
	c->low_since_ms = 0;
	return c->cur = need;
}
