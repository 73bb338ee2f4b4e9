// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * What perf prints. The same functions make the text and the JSON: in text
 * mode the header, events and intervals are printed as they happen; in JSON
 * mode the same functions run again at the end, inside one document.
 */
#include <inttypes.h>
#include <stdio.h>

#include "perf.h"
#include "print.h"

const char *perf_reason(const struct perf_test *t)
{
	/* A client that asked for TCP: not a failure of MPTCP. */
	if (t->tcp_only)
		return "tcp-only";
	return mpk_reason_name(t->status.reason);
}

void perf_report_header(const struct perf_test *t)
{
	print_uint("schema", NULL, PERF_SCHEMA);
	print_string("role", "%s", t->client ? "client" : "server");
	print_string("local", " %s", t->local);
	print_string("remote", " -> %s", t->remote);
	print_bool("mptcp", "  mptcp %s", t->status.mptcp);
	print_string("reason", " (%s)", perf_reason(t));
	print_string("direction", "  %s", t->sender ? "send" : "receive");
	print_double("duration", " %g s", t->hello.duration_ms / 1000.0);
	print_bool("reverse", NULL, t->hello.flags & PERF_FLAG_REVERSE);
	print_uint("seed", NULL, t->hello.seed);
	print_double("interval", NULL, t->interval);
	print_double("sample_interval", "\n", PERF_SAMPLE_S);
}

static void print_endpoints(const struct perf_subflow *sf)
{
	char l[MPK_ADDRSTRLEN], r[MPK_ADDRSTRLEN];

	print_string("local", " %s", mpk_addr_format((const void *)&sf->local, l, sizeof(l)));
	print_string("remote", " -> %s", mpk_addr_format((const void *)&sf->remote, r, sizeof(r)));
}

void perf_report_event(const struct perf_stats *st, const struct perf_event *e)
{
	print_open_object(NULL);
	print_double("time", "%7.2f s", e->t);
	print_string("event", "  subflow %s", e->added ? "added" : "closed");
	print_uint("subflow", " #%" PRIu64, e->subflow);
	print_endpoints(&st->sf[e->subflow]);
	print_text("\n");
	print_close_object();
}

static double rate(uint64_t bytes, double seconds)
{
	return seconds > 0 ? bytes * 8.0 / seconds : 0;
}

void perf_report_interval(const struct perf_stats *st, const struct perf_interval *iv)
{
	double secs = iv->end - iv->start;

	print_open_object(NULL);
	print_double("start", "%7.2f", iv->start);
	print_double("end", "-%.2f s", iv->end);
	print_uint("bytes", NULL, iv->bytes);
	print_double("bits_per_second", NULL, rate(iv->bytes, secs));
	print_double(NULL, " %9.2f Mbit/s", rate(iv->bytes, secs) / 1e6);
	print_open_array("subflows");
	for (unsigned int k = 0; k < st->nsf; k++) {
		if (!iv->seen[k])
			continue;
		print_open_object(NULL);
		print_uint("subflow", "   #%" PRIu64, k);
		print_uint("bytes", NULL, iv->sub[k]);
		print_double("bits_per_second", NULL, rate(iv->sub[k], secs));
		print_double(NULL, " %.2f", rate(iv->sub[k], secs) / 1e6);
		print_close_object();
	}
	print_close_array();
	print_text("\n");
	print_close_object();
}

void perf_report_start(const struct perf_test *t)
{
	if (!print_is_json())
		perf_report_header(t);
}

void perf_report_progress(struct perf_stats *st)
{
	if (print_is_json())
		return;
	for (; st->events_shown < st->nevents; st->events_shown++)
		perf_report_event(st, &st->events[st->events_shown]);
	for (; st->intervals_shown < st->nintervals; st->intervals_shown++)
		perf_report_interval(st, &st->intervals[st->intervals_shown]);
	fflush(stdout);
}
