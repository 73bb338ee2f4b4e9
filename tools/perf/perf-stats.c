// SPDX-License-Identifier: GPL-2.0-or-later
/* Bookkeeping of a perf test: samples, subflows, events, intervals, stalls. */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "perf-stats.h"

#define STALL_MIN_BYTES 1500
#define STALL_MEAN_FRACTION 0.02

static int grow(void **arr, size_t *cap, size_t need, size_t elem)
{
	size_t n = *cap ? *cap : 256;
	void *p;

	if (need <= *cap)
		return 0;
	while (n < need)
		n *= 2;
	p = realloc(*arr, n * elem);
	if (!p)
		return -ENOMEM;
	*arr = p;
	*cap = n;
	return 0;
}

int perf_stats_init(struct perf_stats *st, bool sender)
{
	memset(st, 0, sizeof(*st));
	st->sender = sender;
	if (grow((void **)&st->samples, &st->cap_samples, 1, sizeof(*st->samples)) < 0)
		return -ENOMEM;
	memset(&st->samples[0], 0, sizeof(st->samples[0]));
	st->nsamples = 1;
	return 0;
}

void perf_stats_free(struct perf_stats *st)
{
	free(st->samples);
	free(st->intervals);
	st->samples = NULL;
	st->intervals = NULL;
}

static bool same_endpoint(const struct sockaddr_storage *a, const struct sockaddr_storage *b)
{
	const struct sockaddr_in *a4 = (const void *)a, *b4 = (const void *)b;
	const struct sockaddr_in6 *a6 = (const void *)a, *b6 = (const void *)b;

	if (a->ss_family != b->ss_family)
		return false;
	if (a->ss_family == AF_INET)
		return a4->sin_port == b4->sin_port && a4->sin_addr.s_addr == b4->sin_addr.s_addr;
	if (a->ss_family == AF_INET6)
		return a6->sin6_port == b6->sin6_port &&
		       !memcmp(&a6->sin6_addr, &b6->sin6_addr, sizeof(a6->sin6_addr));
	return false;
}

static void add_event(struct perf_stats *st, double t, bool added, unsigned int k)
{
	if (st->nevents < PERF_EVENTS_MAX)
		st->events[st->nevents++] = (struct perf_event){ t, added, k };
}

/* The active subflow this kernel entry is, or a new one; -1 when full. */
static int find_subflow(struct perf_stats *st, const struct mpk_subflow_info *s, double t)
{
	struct perf_subflow *p;

	for (unsigned int k = 0; k < st->nsf; k++) {
		p = &st->sf[k];
		if (p->active && (!st->by_id || p->id == s->id) &&
		    same_endpoint(&p->local, &s->local) && same_endpoint(&p->remote, &s->remote))
			return k;
	}
	if (st->nsf == PERF_TRACK_MAX) {
		st->sf_truncated = true;
		return -1;
	}
	p = &st->sf[st->nsf];
	memset(p, 0, sizeof(*p));
	p->local = s->local;
	p->remote = s->remote;
	p->id = s->id;
	p->active = true;
	p->added = t;
	p->closed = -1;
	/* A new subflow's counters start at zero: count all of them. */
	add_event(st, t, true, st->nsf);
	return st->nsf++;
}

static void update_subflows(struct perf_stats *st, double t, const struct mpk_info *info)
{
	bool seen[PERF_TRACK_MAX] = { false };

	st->by_id = info->source == MPK_INFO_FULL;
	for (unsigned int i = 0; i < info->num_subflows; i++) {
		const struct mpk_subflow_info *s = &info->subflow[i];
		int k = find_subflow(st, s, t);
		uint64_t counter;

		if (k < 0)
			continue;
		seen[k] = true;
		if (!s->has_tcp_info)
			continue;
		counter = st->sender ? s->bytes_acked : s->bytes_received;
		if (counter >= st->sf[k].last)
			st->sf[k].bytes += counter - st->sf[k].last;
		st->sf[k].last = counter;
	}
	for (unsigned int k = 0; k < st->nsf; k++) {
		if (st->sf[k].active && !seen[k]) {
			st->sf[k].active = false;
			st->sf[k].closed = t;
			add_event(st, t, false, k);
		}
	}
}

/* The sender's progress: acked bytes, as the kernel counts them; one
 * source for the whole test, so the total never jumps between them. */
static uint64_t sender_progress(const struct mpk_info *info, uint64_t app_bytes)
{
	if (!info)
		return 0; /* nothing new: the total stays */
	if (info->mptcp)
		/* MPTCP-level bytes_acked came with MPTCP_FULL_INFO (6.5) */
		return info->source == MPK_INFO_FULL ? info->conn.bytes_acked : app_bytes;
	if (info->num_subflows && info->subflow[0].has_tcp_info)
		return info->subflow[0].bytes_acked;
	return app_bytes;
}

int perf_stats_sample(struct perf_stats *st, double t, const struct mpk_info *info,
		      uint64_t app_bytes)
{
	struct perf_sample *s;
	uint64_t total;

	if (grow((void **)&st->samples, &st->cap_samples, st->nsamples + 1,
		 sizeof(*st->samples)) < 0)
		return -ENOMEM;
	if (info)
		update_subflows(st, t, info);
	total = st->sender ? sender_progress(info, app_bytes) : app_bytes;
	if (total > st->total)
		st->total = total;
	/* A sample at the start replaces the empty one. */
	s = st->nsamples == 1 && t <= 0 ? &st->samples[0] : &st->samples[st->nsamples++];
	memset(s, 0, sizeof(*s));
	s->t = t;
	s->total = st->total;
	for (unsigned int k = 0; k < st->nsf; k++)
		s->sub[k] = st->sf[k].bytes;
	return 0;
}

int perf_stats_close_interval(struct perf_stats *st)
{
	const struct perf_sample *a = &st->samples[st->interval_first];
	const struct perf_sample *b = &st->samples[st->nsamples - 1];
	struct perf_interval *iv;

	if (b->t <= a->t)
		return 0;
	if (grow((void **)&st->intervals, &st->cap_intervals, st->nintervals + 1,
		 sizeof(*st->intervals)) < 0)
		return -ENOMEM;
	iv = &st->intervals[st->nintervals++];
	memset(iv, 0, sizeof(*iv));
	iv->start = a->t;
	iv->end = b->t;
	iv->bytes = b->total - a->total;
	for (unsigned int k = 0; k < st->nsf; k++) {
		const struct perf_subflow *p = &st->sf[k];

		iv->sub[k] = b->sub[k] - a->sub[k];
		iv->seen[k] = p->added <= b->t && (p->closed < 0 || p->closed >= a->t);
	}
	st->interval_first = st->nsamples - 1;
	return 0;
}

/* The last sample that made progress. */
static size_t last_progress(const struct perf_stats *st)
{
	size_t i = st->nsamples - 1;

	while (i > 0 && st->samples[i].total == st->samples[i - 1].total)
		i--;
	return i;
}

void perf_stats_max_stall(const struct perf_stats *st, double *len, double *start)
{
	size_t end = last_progress(st), run_from = 0;
	double threshold, best = 0, best_start = 0;
	bool in_run = false;

	*len = *start = 0;
	if (end == 0)
		return;
	threshold = STALL_MEAN_FRACTION * (double)st->samples[end].total / (double)end;
	if (threshold < STALL_MIN_BYTES)
		threshold = STALL_MIN_BYTES;
	for (size_t i = 1; i <= end; i++) {
		bool stalled = (double)(st->samples[i].total - st->samples[i - 1].total) < threshold;

		if (stalled && !in_run)
			run_from = i - 1;
		in_run = stalled;
		if (stalled && st->samples[i].t - st->samples[run_from].t > best) {
			best = st->samples[i].t - st->samples[run_from].t;
			best_start = st->samples[run_from].t;
		}
	}
	*len = best;
	*start = best_start;
}
