// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * Which paths are backup (MP_PRIO), from what the paths measure (pure).
 * Paths that are not equal make MPTCP slower than TCP on the best path
 * (mptcp_net-next 381, 307, 592, 581): the scheduler waits on a subflow
 * whose RTT is many times the best one, the receiver's window fills with
 * out-of-order data, and the fast path idles. RFC 6356's first goal is
 * never to do worse than the best path, so by default (auto) a path whose
 * base RTT is above PREFER_DEMOTE x the best one's carries nothing while
 * the best path works: it is backup, joined and ready, and the kernel's
 * scheduler moves to it when the best path is gone (pmd's health checks
 * delete a dead path's endpoint; the paths are judged again then). It is
 * promoted again when its RTT comes below PREFER_PROMOTE x the best (a
 * gap between the two: no flapping). Paths whose RTTs are close are
 * aggregated. RTT: the least of the subflows' min_rtt on the path (TCP's
 * own, queueing left out), else the least probe round trip.
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
#define PREFER_PROMOTE 1.5
#define PREFER_SWITCH 0.8
#define PREFER_SLACK_US 2000	/* RTTs this close are equal (scheduling noise) */

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

/* The usable path with the lowest RTT, or -1. */
static int lowest(const struct pmd_prefer_path *p, int n)
{
	int best = -1;

	for (int i = 0; i < n; i++) {
		if (p[i].usable && p[i].rtt_us && (best < 0 || p[i].rtt_us < p[best].rtt_us))
			best = i;
	}
	return best;
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

static bool auto_backup(const struct pmd_prefer_path *p, uint32_t best_us)
{
	double limit = (p->backup ? PREFER_PROMOTE : PREFER_DEMOTE) * best_us + PREFER_SLACK_US;

	return p->rtt_us > limit;
}

int pmd_prefer_judge(enum pmd_prefer mode, struct pmd_prefer_path *p, int n)
{
	int best = lowest(p, n), primary, changed = 0;

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
			backup = i != best && auto_backup(&p[i], p[best].rtt_us);
		else
			backup = i != primary;
		if (backup != p[i].backup) {
			p[i].backup = backup;
			changed++;
		}
	}
	return changed;
}
