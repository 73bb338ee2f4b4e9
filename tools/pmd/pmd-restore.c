// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * The restore that always happens: a client connection (this side opened
 * it, and the peer speaks MPTCP) should have a subflow from every usable
 * path of its family. One that has none from a path for RESTORE_GRACE_MS
 * (a join in progress counts as one) is reported, whatever made it lose
 * the subflow and however long ago: the kernel never re-creates it by
 * itself. Paths are the caller's indices of the moment: when one goes, a
 * report may come one grace period early or late. After RESTORE_TRIES reports for the same connection and path
 * (the peer refuses joins there, or a limit) it is left alone.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <linux/mptcp.h>

#include "diag.h"
#include "pmd.h"

#define RESTORE_GRACE_MS 500
#define RESTORE_TRIES 3
#define TOKENS_MAX 1024

struct restore_entry {
	uint32_t token;
	bool seen;		/* in the current snapshot */
	int family;
	uint64_t missing_since[PMD_ADDRS_MAX];	/* per path index; 0: not missing */
	uint8_t tries[PMD_ADDRS_MAX];
};

struct pmd_restore {
	struct restore_entry *e;
	int n;
};

int pmd_restore_open(struct pmd_restore **out)
{
	struct pmd_restore *r = calloc(1, sizeof(*r));

	if (!r || !(r->e = calloc(TOKENS_MAX, sizeof(*r->e)))) {
		free(r);
		return -ENOMEM;
	}
	*out = r;
	return 0;
}

void pmd_restore_close(struct pmd_restore *r)
{
	if (!r)
		return;
	free(r->e);
	free(r);
}

static struct restore_entry *entry_for(struct pmd_restore *r, uint32_t token)
{
	for (int i = 0; i < r->n; i++) {
		if (r->e[i].token == token)
			return &r->e[i];
	}
	if (r->n >= TOKENS_MAX)
		return NULL;
	r->e[r->n] = (struct restore_entry){ .token = token };
	return &r->e[r->n++];
}

static bool is_client_mptcp(const struct diag_subflow *sf)
{
	return (sf->mptcp_flags & (MPTCP_SUBFLOW_FLAG_MCAP_LOC | MPTCP_SUBFLOW_FLAG_JOIN_LOC)) &&
	       (sf->mptcp_flags & (MPTCP_SUBFLOW_FLAG_MCAP_REM | MPTCP_SUBFLOW_FLAG_JOIN_REM));
}

/* Does connection token have a subflow (in any state) from path k? */
static bool has_subflow_from(const struct diag_snapshot *s, uint32_t token,
			     const struct pmd_restore_paths *paths, int k)
{
	for (size_t i = 0; i < s->nsubflows; i++) {
		const struct diag_subflow *sf = &s->subflows[i];

		if (sf->token == token && paths->local_is(paths->data, k, &sf->tcp.local))
			return true;
	}
	return false;
}

static void check_entry(struct restore_entry *e, const struct diag_snapshot *s,
			const struct pmd_restore_paths *paths, uint64_t now)
{
	for (int k = 0; k < paths->n && k < PMD_ADDRS_MAX; k++) {
		if (!paths->usable(paths->data, k, e->family) ||
		    has_subflow_from(s, e->token, paths, k)) {
			e->missing_since[k] = 0;
			continue;
		}
		if (!e->missing_since[k]) {
			e->missing_since[k] = now;
			continue;
		}
		if (now - e->missing_since[k] < RESTORE_GRACE_MS || e->tries[k] >= RESTORE_TRIES)
			continue;
		e->tries[k]++;
		e->missing_since[k] = now;
		paths->need(paths->data, k, e->token, e->tries[k] == RESTORE_TRIES);
	}
}

void pmd_restore_scan(struct pmd_restore *r, const struct diag_snapshot *s,
		      const struct pmd_restore_paths *paths, uint64_t now)
{
	for (int i = 0; i < r->n; i++)
		r->e[i].seen = false;
	for (size_t i = 0; i < s->nsubflows; i++) {
		const struct diag_subflow *sf = &s->subflows[i];
		struct restore_entry *e;
		union mpk_in46 local;

		if (!sf->token || !is_client_mptcp(sf) || !(e = entry_for(r, sf->token)))
			continue;
		e->seen = true;
		e->family = pmd_sockaddr_in46(&sf->tcp.local, &local);
	}
	for (int i = r->n - 1; i >= 0; i--) {
		if (!r->e[i].seen)
			r->e[i] = r->e[--r->n];	/* the connection is gone */
		else
			check_entry(&r->e[i], s, paths, now);
	}
}
