// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * Which paths are backup (MP_PRIO), from what the paths measure (pure).
 * Paths that are not equal make MPTCP slower than TCP on the best path
 * (mptcp_net-next 381, 307, 592, 581): the scheduler waits on a subflow
 * whose RTT is many times the best one, the receiver's window fills with
 * out-of-order data, and the fast path idles. RFC 6356's first goal is
 * never to do worse than the best path. By default (auto) a path that
 * would not pay for that wait carries nothing while the best path works:
 * it is backup, joined and ready, and the kernel's scheduler moves to it
 * when the best path is gone (pmd's health checks delete a dead path's
 * endpoint; the paths are judged again then).
 * auto judges a path by its rate the way the data flows (pmd_flow: the
 * way most bytes move now), against the fastest path's: it is backup
 * below 1 / PREFER_RATE_DEMOTE of it, or 1 / PREFER_FAR_RATE_DEMOTE when
 * it is far (its base RTT above PREFER_DEMOTE x the best path's), and
 * active again above 1 / PREFER_RATE_PROMOTE (a gap between the two: no
 * flapping). A slow path holds the fast one back whatever its RTT: 2
 * Mbit/s beside 50 with the same RTT took MPTCP to 16 % of the fast path
 * alone (mptcp_net-next 381), because the data it is given arrives late
 * and holds the receiver's window. A far path must carry more to pay for
 * the wait it adds: in the lab's wifi-lte (issue 21) Wi-Fi lost a fifth
 * to a third of its rate beside LTE at 6 x its RTT, both ways, so LTE
 * pays in downloads (10 Mbit/s beside 30: the kernel made 1.13-1.17 x
 * Wi-Fi alone) and not in uploads (5 beside 30: 0.81-1.02 x). Each
 * direction has its own rate, so the same path can wait as backup while
 * this host sends and carry data while it receives. A path whose rate
 * that way is not known yet carries data until it is (0.6-1 s of a
 * transfer), unless it is far and its RTT too long to try (TRY_MAX_US: a
 * satellite). A backup path carries nothing, so its rate is the one
 * remembered from when it carried data, until pmd_rate forgets it and
 * the path is tried again.
 * RTT: the least of the subflows' min_rtt on the path (TCP's own,
 * queueing left out), else the least probe round trip.
 * The endpoint's backup flag holds for every connection on the path:
 * with traffic both ways at once the paths are judged for the way that
 * carries more than twice the other's bytes, and a direction holds
 * while both carry alike.
 *   aggregate    never backup (the kernel's behaviour)
 *   handover     only the best path is active; another takes over when it
 *                is clearly better (below PREFER_SWITCH x the active's RTT)
 *   interactive  only the path with the lowest RTT is active, now
 */
#include <errno.h>
#include <stdint.h>
#include <string.h>

#include "pmd.h"

#define PREFER_DEMOTE 2.0
#define PREFER_SWITCH 0.8
#define PREFER_SLACK_US 2000	/* RTTs this close are equal (scheduling noise) */
#define PREFER_RATE_DEMOTE 5
#define PREFER_FAR_RATE_DEMOTE 4
#define PREFER_RATE_PROMOTE 3

/* pmd_rate: a path's rate is the most it moved in a RATE_PERIOD_MS period
 * over the last 30-60 s of periods in which it moved data (idle time does
 * not age it: a backup path keeps the rate it had). The most, not the
 * mean: paths aggregated by the kernel carry in bursts, the fast one idle
 * while the receiver waits for the slow one's data (measured: 20 and 2
 * Mbit/s, 25 ms samples: the fast path idle in 15 of 30, the slow one in
 * every other), and short transfers fill a period only in part. Judged
 * once it has RATE_PERIODS such periods in a row that did not raise the
 * most by more than RATE_RISE (one period of a transfer's start says
 * little, and a path in slow start moves more each period: measured, a
 * path of 20 Mbit/s and 60 ms that began to carry a download of 8 MB
 * was judged at 6.5 Mbit/s); from then on it is known until forgotten.
 * A period with less than RATE_MIN_BYTES (keepalives, ACKs) does not
 * count. */
#define RATE_PERIOD_MS 200
#define RATE_MIN_BYTES 3000
#define RATE_PERIODS 3
#define RATE_RISE 8		/* a rise above 1 / RATE_RISE: still climbing */
#define RATE_WINDOW_MS 30000
/* A far path whose rate is not known is tried: it carries data until
 * pmd_rate knows it, RATE_PERIODS periods with data after its slow start,
 * 0.6-1 s when its data comes in every period. Over an RTT longer than a
 * period it comes in bursts an RTT apart, in slow start: a trial would
 * take several of those RTTs, and the fast path would wait on it all
 * along (measured, fibre-sat's satellite at 600 ms: 3.2 s, the first
 * download at 36 against 47 Mbit/s). Such a path waits as backup untried. */
#define TRY_MAX_US (RATE_PERIOD_MS * 1000)

static const char *const mode_names[] = {
	[PMD_PREFER_AUTO] = "auto", [PMD_PREFER_AGGREGATE] = "aggregate",
	[PMD_PREFER_HANDOVER] = "handover", [PMD_PREFER_INTERACTIVE] = "interactive",
};

const char *pmd_prefer_name(enum pmd_prefer m)
{
	return (unsigned int)m < sizeof(mode_names) / sizeof(mode_names[0]) ? mode_names[m] : "?";
}

int pmd_prefer_parse(const char *s, enum pmd_prefer *out)
{
	for (unsigned int i = 0; i < sizeof(mode_names) / sizeof(mode_names[0]); i++) {
		if (!strcmp(s, mode_names[i])) {
			*out = i;
			return 0;
		}
	}
	return -EINVAL;
}

/* A counted period's rate into the window (forgotten first when stale). */
static void rate_count(struct pmd_rate *r, uint64_t bps, uint64_t now_ms)
{
	if (r->last_ms && now_ms - r->last_ms > PMD_RATE_KEEP_MS) {
		r->max_bps[0] = r->max_bps[1] = 0;
		r->periods = 0;
		r->win_ms = 0;
	}
	if (!r->win_ms || now_ms - r->win_ms >= RATE_WINDOW_MS) {
		r->max_bps[1] = r->max_bps[0];
		r->max_bps[0] = 0;
		r->win_ms = now_ms;
	}
	if (r->periods < RATE_PERIODS) {
		uint64_t most = r->max_bps[0] > r->max_bps[1] ? r->max_bps[0] : r->max_bps[1];

		r->periods = bps > most + most / RATE_RISE ? 0 : r->periods + 1;
	}
	if (bps > r->max_bps[0])
		r->max_bps[0] = bps;
	r->last_ms = now_ms;
}

void pmd_rate_note(struct pmd_rate *r, uint64_t bytes, uint64_t now_ms)
{
	uint64_t len;

	if (!r->period_ms) {
		r->period_ms = now_ms;	/* the bytes before: no known interval */
		return;
	}
	r->bytes += bytes;
	len = now_ms - r->period_ms;
	if (len < RATE_PERIOD_MS)
		return;
	if (r->bytes >= RATE_MIN_BYTES)
		rate_count(r, r->bytes * 8 * 1000 / len, now_ms);
	r->period_ms = now_ms;
	r->bytes = 0;
}

uint64_t pmd_rate_bps(const struct pmd_rate *r, uint64_t now_ms)
{
	if (r->periods < RATE_PERIODS || now_ms - r->last_ms > PMD_RATE_KEEP_MS)
		return 0;
	return r->max_bps[0] > r->max_bps[1] ? r->max_bps[0] : r->max_bps[1];
}

/* The usable path with the lowest RTT, or -1; slow paths only when
 * with_slow. */
static int lowest(const struct pmd_prefer_path *p, int n, bool with_slow)
{
	int best = -1;

	for (int i = 0; i < n; i++) {
		if (!p[i].usable || !p[i].rtt_us || (p[i].slow && !with_slow))
			continue;
		if (best < 0 || p[i].rtt_us < p[best].rtt_us)
			best = i;
	}
	return best;
}

/* The highest known rate of the usable paths (a dead path's rate is no
 * measure). */
static uint64_t fastest(const struct pmd_prefer_path *p, int n)
{
	uint64_t top = 0;

	for (int i = 0; i < n; i++) {
		if (p[i].usable && p[i].rate_bps > top)
			top = p[i].rate_bps;
	}
	return top;
}

/* Is the path's known rate below 1 / demote of top (1 /
 * PREFER_RATE_PROMOTE while it is backup)? */
static bool below(const struct pmd_prefer_path *p, uint64_t top, unsigned int demote)
{
	unsigned int div = p->backup ? PREFER_RATE_PROMOTE : demote;

	return p->usable && p->rate_bps && p->rate_bps * div < top;
}

/* The active path of handover: the current one unless it went, or another
 * is clearly better. */
static int handover_primary(const struct pmd_prefer_path *p, int n, int best)
{
	for (int i = 0; i < n; i++) {
		if (p[i].usable && p[i].rtt_us && !p[i].backup)
			return (double)p[best].rtt_us < PREFER_SWITCH * p[i].rtt_us ? best : i;
	}
	return best;
}

/* auto: a far path must carry more than a close one to stay active; one
 * whose rate is not known is tried unless its RTT is above a rate period
 * (TRY_MAX_US). */
static bool auto_verdict(struct pmd_prefer_path *p, const struct pmd_prefer_path *best,
			 uint64_t top)
{
	if (p == best)
		return false;
	p->far = p->rtt_us > PREFER_DEMOTE * best->rtt_us + PREFER_SLACK_US;
	if (!p->far)
		return p->slow;
	if (!p->rate_bps)
		return p->rtt_us > TRY_MAX_US;
	return below(p, top, PREFER_FAR_RATE_DEMOTE);
}

int pmd_prefer_judge(enum pmd_prefer mode, struct pmd_prefer_path *p, int n)
{
	uint64_t top = fastest(p, n);
	int best, primary, changed = 0;

	for (int i = 0; i < n; i++) {
		p[i].slow = mode == PMD_PREFER_AUTO && below(&p[i], top, PREFER_RATE_DEMOTE);
		p[i].far = false;
	}
	best = lowest(p, n, false);
	if (best < 0)
		best = lowest(p, n, true);
	if (mode == PMD_PREFER_HANDOVER && best >= 0)
		primary = handover_primary(p, n, best);
	else
		primary = best;
	for (int i = 0; i < n; i++) {
		bool backup = p[i].backup;

		p[i].best = best;
		if (mode == PMD_PREFER_AGGREGATE || best < 0)
			backup = false;	/* nothing known, or no path works: all in */
		else if (!p[i].usable || !p[i].rtt_us)
			backup = p[i].backup;	/* a dead path's endpoint goes anyway */
		else if (mode == PMD_PREFER_AUTO)
			backup = auto_verdict(&p[i], &p[best], top);
		else
			backup = i != primary;
		if (backup != p[i].backup) {
			p[i].backup = backup;
			changed++;
		}
	}
	return changed;
}

/* pmd_flow: bytes per sample smoothed 1/4 new (about 100 ms at 25 ms
 * samples: a transfer that starts turns it within a few samples); the
 * other way must carry more than FLOW_TURN x as much, and more than a
 * segment per sample (acknowledgments carry no data, keepalives little). */
#define FLOW_TURN 2
#define FLOW_MIN_BYTES 1500

bool pmd_flow_note(struct pmd_flow *f, const uint64_t bytes[PMD_DIRS])
{
	enum pmd_dir other = f->dir == PMD_DIR_SEND ? PMD_DIR_RECV : PMD_DIR_SEND;

	for (int d = 0; d < PMD_DIRS; d++)
		f->avg[d] = (3 * f->avg[d] + bytes[d]) / 4;
	if (f->avg[other] <= FLOW_MIN_BYTES || f->avg[other] <= FLOW_TURN * f->avg[f->dir])
		return false;
	f->dir = other;
	return true;
}

const char *pmd_dir_name(enum pmd_dir d)
{
	return d == PMD_DIR_SEND ? "send" : "receive";
}
