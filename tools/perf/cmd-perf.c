// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * mptcpkit perf: a throughput tester in the manner of iperf3, per subflow.
 *
 *   mptcpkit [-j] perf -s [-p PORT] [-1] [-i SECONDS]
 *   mptcpkit [-j] perf -c HOST [-p PORT] [-t SECONDS] [--tcp] [-R]
 *                      [-i SECONDS] [--plot FILE.svg]
 *
 * One connection per test: a control exchange (perf-proto.h), the payload
 * (a seeded pseudo-random stream the receiver verifies, perf-stream.h),
 * the receiver's result. Both ends sample the kernel's per-subflow
 * counters every 50 ms (perf-stats.h) and print the same report.
 *
 * JSON (-j, before or after "perf"): one document per test, on one line,
 * at the end of the test (the client prints one; the server one per test
 * it serves). Nothing is printed on stdout before it. On failure there is
 * no document: one line on stderr and exit status 1. Schema 1:
 * {
 *   "schema": 1,
 *   "role": "client" | "server",
 *   "local": "ADDR:PORT", "remote": "ADDR:PORT",   (IPv6 as "[ADDR]:PORT")
 *   "mptcp": bool,              the connection runs MPTCP
 *   "reason": "available" | "fallback" | "disabled" | "blocked" | ...
 *             | "tcp-only" (the client asked for --tcp),
 *   "direction": "send" | "receive",   what this end did
 *   "duration": seconds asked for, "reverse": bool, "seed": uint,
 *   "interval": seconds between intervals, "sample_interval": 0.05,
 *   "bytes": payload bytes the receiver got,
 *   "seconds": this end's time from start to end of the transfer,
 *   "bits_per_second": bytes * 8 / seconds,
 *   "verified": bool (every byte arrived, none differs),
 *   "mismatches": bytes that differed, "bytes_sent": bytes the sender wrote,
 *   "max_stall": longest time (s) with about no progress (under 2% of the
 *                mean rate per 50 ms sample), "max_stall_start": when (s),
 *   "subflows": [ { "subflow": index, "id": kernel subflow id (0 when the
 *                   kernel does not tell), "local", "remote",
 *                   "bytes": acked (sender) or received (receiver) by
 *                   this subflow, "percent": share of all subflows' bytes,
 *                   "added": s, "closed": s or null } ],
 *   "subflows_truncated": bool (more than 16 subflows; the rest ignored),
 *   "events": [ { "time": s, "event": "added" | "closed",
 *                 "subflow": index, "local", "remote" } ],
 *   "intervals": [ { "start": s, "end": s, "bytes", "bits_per_second",
 *                    "subflows": [ { "subflow", "bytes",
 *                                    "bits_per_second" } ] } ],
 *   "samples": [ { "t": s, "bytes": cumulative total,
 *                  "subflow_bytes": [ cumulative bytes per subflow index ]
 *                } ]   every ~50 ms from t = 0
 * }
 * Times are seconds since the start of the transfer on this end. The
 * total progress ("bytes" in intervals and samples) is what the receiver
 * read, or on the sender the bytes the peer acknowledged (MPTCP-level
 * when the kernel tells it). A subflow index keeps its meaning for the
 * whole test; a subflow that closes and comes back is a new index.
 */
#include <errno.h>
#include <stdio.h>
#include <getopt.h>
#include <stdlib.h>
#include <string.h>

#include "commands.h"
#include "feature-text.h"
#include "perf.h"
#include "print.h"
#include "util.h"

static void usage(FILE *f)
{
	fputs("Usage: " PROG_NAME " perf -s [-p PORT] [-1] [-i SECONDS]\n"
	      "       " PROG_NAME " perf -c HOST [-p PORT] [-t SECONDS] [--tcp] [-R]\n"
	      "                     [--cc ALGO] [-i SECONDS] [--plot FILE.svg]\n\n"
	      "Measure throughput over one MPTCP (or TCP) connection, per subflow.\n\n"
	      "  -s, --server        serve tests (until SIGINT/SIGTERM)\n"
	      "  -1, --one-off       serve one test, then exit\n"
	      "  -c, --client HOST   run a test against a server\n"
	      "  -p, --port PORT     port (default " PERF_PORT_DEFAULT ")\n"
	      "  -t, --time SECONDS  how long to send (default 10)\n"
	      "      --tcp           plain TCP instead of MPTCP\n"
	      "  -R, --reverse       the server sends, the client receives\n"
	      "      --cc ALGO       TCP congestion control of the client's socket (and\n"
	      "                      of every subflow): what it sends, so uploads\n"
	      "  -i, --interval S    seconds between progress lines (default 1)\n"
	      "      --plot FILE     write an SVG plot of each subflow's throughput\n"
	      "      --mark S:LABEL  mark a moment on the plot (seconds from the start)\n"
	      "  -j, --json          one JSON document at the end\n", f);
}

static int parse_seconds(const char *s, double min, double max, double *out)
{
	char *end;
	double v;

	if (!s || !*s)
		return -EINVAL;
	v = strtod(s, &end);
	if (*end || !(v >= min && v <= max))
		return -EINVAL;
	*out = v;
	return 0;
}

enum { OPT_TCP = 256, OPT_PLOT, OPT_MARK, OPT_CC };

static const struct option long_opts[] = {
	{ "server", no_argument, NULL, 's' },
	{ "one-off", no_argument, NULL, '1' },
	{ "client", required_argument, NULL, 'c' },
	{ "port", required_argument, NULL, 'p' },
	{ "time", required_argument, NULL, 't' },
	{ "tcp", no_argument, NULL, OPT_TCP },
	{ "reverse", no_argument, NULL, 'R' },
	{ "interval", required_argument, NULL, 'i' },
	{ "plot", required_argument, NULL, OPT_PLOT },
	{ "mark", required_argument, NULL, OPT_MARK },
	{ "cc", required_argument, NULL, OPT_CC },
	{ NULL, 0, NULL, 0 }, /* -j, --json: taken out by main */
};

/* --mark SECONDS:LABEL; 0 or an exit code after fail(). */
static int take_mark(struct perf_opts *o, const char *arg)
{
	const char *colon = strchr(arg, ':');
	char secs[32];

	if (o->nmarks == PERF_MARKS_MAX)
		return fail("perf: at most %d --mark options", PERF_MARKS_MAX);
	if (!colon || !colon[1] || (size_t)(colon - arg) >= sizeof(secs))
		return fail("perf: bad mark '%s' (SECONDS:LABEL)", arg);
	snprintf(secs, sizeof(secs), "%.*s", (int)(colon - arg), arg);
	if (parse_seconds(secs, 0, PERF_DURATION_MAX_S, &o->marks[o->nmarks].t) < 0)
		return fail("perf: bad mark time '%s' (seconds, 0-%d)", secs, PERF_DURATION_MAX_S);
	o->marks[o->nmarks++].label = colon + 1;
	return 0;
}

/* One option; 0 or an exit code after fail(). */
static int take_option(struct perf_opts *o, int c, const char *arg, bool *client_only)
{
	long port;

	switch (c) {
	case 's': o->server = true; return 0;
	case '1': o->once = true; return 0;
	case 'c': o->host = arg; return 0;
	case 'R': o->reverse = true; *client_only = true; return 0;
	case OPT_TCP: o->tcp = true; *client_only = true; return 0;
	case OPT_PLOT: o->plot = arg; *client_only = true; return 0;
	case OPT_MARK: *client_only = true; return take_mark(o, arg);
	case OPT_CC: o->cc = arg; *client_only = true; return 0;
	case 'p':
		if (parse_long(arg, 1, 65535, &port) < 0)
			return fail("perf: bad port '%s' (1-65535)", arg);
		o->port = arg;
		return 0;
	case 't':
		*client_only = true;
		/* at most an hour: the 50 ms time series is kept in memory */
		if (parse_seconds(arg, 0.1, PERF_DURATION_MAX_S, &o->seconds) < 0)
			return fail("perf: bad time '%s' (seconds, 0.1-%d)", arg, PERF_DURATION_MAX_S);
		return 0;
	case 'i':
		if (parse_seconds(arg, 0.1, 3600, &o->interval) < 0)
			return fail("perf: bad interval '%s' (seconds, 0.1-3600)", arg);
		return 0;
	}
	return 1;
}

static int parse(int argc, char **argv, struct perf_opts *o)
{
	bool client_only = false;
	int c, ret;

	*o = (struct perf_opts){ .port = PERF_PORT_DEFAULT, .seconds = 10, .interval = 1 };
	optind = 1;
	opterr = 0;
	while ((c = getopt_long(argc, argv, ":s1c:p:t:Ri:", long_opts, NULL)) != -1) {
		if (c == '?')
			return fail("perf: unknown option '%s' (try --help)", argv[optind - 1]);
		if (c == ':')
			return fail("perf: option '%s' needs a value", argv[optind - 1]);
		ret = take_option(o, c, optarg, &client_only);
		if (ret != 0)
			return ret;
	}
	if (optind < argc)
		return fail("perf: unexpected argument '%s'", argv[optind]);
	if (o->server == !!o->host)
		return fail("perf: give either -s (server) or -c HOST (client)");
	if (o->server && client_only)
		return fail("perf: -t, -R, --tcp, --cc, --plot and --mark are client options");
	if (o->host && o->once)
		return fail("perf: -1 is a server option");
	return 0;
}

int cmd_perf(int argc, char **argv)
{
	struct perf_opts o;
	int ret;

	if (wants_help(argc, argv)) {
		usage(stdout);
		return 0;
	}
	ret = parse(argc, argv, &o);
	if (ret != 0)
		return ret;
	/* before 5.16 the subflows cannot be asked: the totals stay right, the
	 * per-subflow figures would be the first subflow's alone */
	if (mpk_feature_probe(MPK_FEATURE_MPTCP_INFO) == 0) {
		char text[200];

		fprintf(stderr, PROG_NAME ": perf: no per-subflow figures: %s\n",
			feature_needs(MPK_FEATURE_MPTCP_INFO, false, text, sizeof(text)));
	}
	return o.server ? perf_server(&o) : perf_client(&o);
}
