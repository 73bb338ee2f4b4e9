/* SPDX-License-Identifier: GPL-2.0-or-later */
/* mptcpkit perf: the pieces shared by its files (see cmd-perf.c). */
#ifndef MPTCPKIT_PERF_H
#define MPTCPKIT_PERF_H

#include <signal.h>
#include <stdbool.h>
#include <stdint.h>

#include "mptcpkit.h"
#include "perf-proto.h"
#include "perf-stats.h"

#define PERF_PORT_DEFAULT "5301"
#define PERF_SAMPLE_S 0.05       /* the fine time series' step */
#define PERF_IDLE_TIMEOUT_S 10.0 /* no progress for this long: the peer is gone */
#define PERF_SCHEMA 1            /* the JSON document's version */
#define PERF_DURATION_MAX_S 3600 /* longest test */
#define PERF_MARKS_MAX 8         /* --mark options */

/* A moment the caller knows of (e.g. "path 1 cut"), drawn on the plot. */
struct perf_mark {
	double t;
	const char *label;
};

struct perf_opts {
	bool server;
	bool once;        /* server: one test, then exit */
	bool tcp;         /* client: plain TCP */
	bool reverse;     /* client: the server sends */
	const char *host;
	const char *port;
	const char *plot; /* client: SVG file */
	const char *cc;   /* client: TCP_CONGESTION, NULL: the namespace's default */
	struct perf_mark marks[PERF_MARKS_MAX]; /* client: drawn on the plot */
	unsigned int nmarks;
	double seconds;
	double interval;
};

/* One test on one connection, seen from either end. */
struct perf_test {
	int fd;
	bool client;
	bool sender;
	bool tcp_only;                /* plain TCP was asked for */
	double interval;
	struct perf_hello hello;      /* flags, duration, seed */
	struct mpk_status status;     /* MPTCP or why not */
	char local[MPK_ADDRSTRLEN];
	char remote[MPK_ADDRSTRLEN];
	/* results */
	struct perf_stats stats;
	uint64_t app_bytes;           /* written (sender) or read (receiver) */
	struct perf_result result;    /* the receiver's figures */
	double seconds;               /* from start to end of the transfer */
};

/* Fill local/remote/status for a connected socket. */
void perf_test_describe(struct perf_test *t, const struct mpk_status *status);

/* Run the transfer after the control exchange; 0 or -errno (-EINTR when
 * *stop was set, -ETIMEDOUT when the peer stopped responding). */
int perf_test_run(struct perf_test *t, volatile sig_atomic_t *stop);

/* Whether the receiver got the whole stream intact. */
bool perf_test_verified(const struct perf_test *t);

/* Output: the header (text: at once), progress lines (text), the summary
 * (text) or the whole JSON document. */
void perf_report_start(const struct perf_test *t);
void perf_report_progress(struct perf_stats *st);
void perf_report_end(const struct perf_test *t);

/* The reason's name, "tcp-only" when the client asked for TCP. */
const char *perf_reason(const struct perf_test *t);

/* The pieces, each one text line or one JSON object (perf-report.c). */
void perf_report_header(const struct perf_test *t);
void perf_report_event(const struct perf_stats *st, const struct perf_event *e);
void perf_report_interval(const struct perf_stats *st, const struct perf_interval *iv);

/* The SVG plot of a finished test; 0 or -errno. */
int perf_plot_write(const struct perf_test *t, const struct perf_opts *o);

/* Text for a perf error (adds -ETIMEDOUT and -ECONNRESET wording). */
const char *perf_strerror(int err);

int perf_server(const struct perf_opts *o);
int perf_client(const struct perf_opts *o);

#endif
