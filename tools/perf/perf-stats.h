/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * What `mptcpkit perf` measures: a time series sampled every ~50 ms of the
 * total progress and each subflow's bytes (from mpk_info_get()), the
 * subflows seen (added/closed events), per-interval figures and stalls.
 * Pure bookkeeping: fed struct mpk_info, no system calls, so it can be
 * unit-tested.
 */
#ifndef MPTCPKIT_PERF_STATS_H
#define MPTCPKIT_PERF_STATS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "mptcpkit.h"

#define PERF_TRACK_MAX 16  /* subflows tracked over a whole test */
#define PERF_EVENTS_MAX 64

struct perf_subflow {
	struct sockaddr_storage local;
	struct sockaddr_storage remote;
	uint32_t id;     /* kernel subflow id (MPTCP_FULL_INFO), else 0 */
	bool active;
	double added;    /* seconds since the start */
	double closed;   /* seconds since the start; < 0 while open */
	uint64_t last;   /* last kernel counter value */
	uint64_t bytes;  /* bytes acked (sender) or received (receiver) */
};

/* Cumulative figures at one moment. */
struct perf_sample {
	double t;
	uint64_t total;
	uint64_t sub[PERF_TRACK_MAX];
};

struct perf_event {
	double t;
	bool added;             /* else closed */
	unsigned int subflow;   /* index into perf_stats.sf */
};

struct perf_interval {
	double start, end;
	uint64_t bytes;
	uint64_t sub[PERF_TRACK_MAX];
	bool seen[PERF_TRACK_MAX]; /* the subflow existed during the interval */
};

struct perf_stats {
	bool sender;             /* counts bytes_acked, else bytes_received */
	bool by_id;              /* subflows keyed by id as well (FULL info) */
	unsigned int nsf;
	bool sf_truncated;       /* more subflows than PERF_TRACK_MAX */
	struct perf_subflow sf[PERF_TRACK_MAX];
	struct perf_sample *samples;
	size_t nsamples, cap_samples;
	struct perf_event events[PERF_EVENTS_MAX];
	unsigned int nevents;
	struct perf_interval *intervals;
	size_t nintervals, cap_intervals;
	size_t interval_first;   /* sample where the open interval starts */
	uint64_t total;
	/* progress already shown by the text output */
	unsigned int events_shown;
	size_t intervals_shown;
};

/* Start with one all-zero sample at t = 0. 0 or -ENOMEM. */
int perf_stats_init(struct perf_stats *st, bool sender);
void perf_stats_free(struct perf_stats *st);

/*
 * One sample at t seconds (at t = 0: the subflows there at the start). info may be NULL (nothing new from the kernel);
 * app_bytes is what the application wrote or read so far: the receiver's
 * total; the sender's total is the MPTCP (or TCP) bytes_acked when the
 * kernel gives it. 0 or -ENOMEM.
 */
int perf_stats_sample(struct perf_stats *st, double t, const struct mpk_info *info,
		      uint64_t app_bytes);

/* Close the interval that ends at the latest sample (if it has any length). */
int perf_stats_close_interval(struct perf_stats *st);

/* The longest time with about no progress (each sample step below 2% of
 * the mean step, and below at least 1500 bytes), up to the last progress:
 * its length and start in seconds (0 and 0 when there is none). */
void perf_stats_max_stall(const struct perf_stats *st, double *len, double *start);

#endif
