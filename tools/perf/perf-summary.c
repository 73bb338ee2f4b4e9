// SPDX-License-Identifier: GPL-2.0-or-later
/* The end of a perf test: the summary in text, or the whole JSON document. */
#include <inttypes.h>
#include <stdio.h>

#include "perf.h"
#include "print.h"

static void print_subflow(const struct perf_stats *st, unsigned int k, uint64_t sum)
{
	const struct perf_subflow *sf = &st->sf[k];
	char l[MPK_ADDRSTRLEN], r[MPK_ADDRSTRLEN];

	print_open_object(NULL);
	print_uint("subflow", "subflow #%" PRIu64, k);
	print_uint("id", st->by_id ? " id %" PRIu64 : NULL, sf->id);
	print_string("local", " %s", mpk_addr_format((const void *)&sf->local, l, sizeof(l)));
	print_string("remote", " -> %s", mpk_addr_format((const void *)&sf->remote, r, sizeof(r)));
	print_uint("bytes", "  bytes %" PRIu64, sf->bytes);
	print_double("percent", " (%.1f %%)", sum ? 100.0 * sf->bytes / sum : 0);
	print_double("added", "  added %.2f s", sf->added);
	if (sf->closed < 0)
		print_null("closed", "\n");
	else
		print_double("closed", "  closed %.2f s\n", sf->closed);
	print_close_object();
}

static void print_subflows(const struct perf_stats *st)
{
	uint64_t sum = 0;

	for (unsigned int k = 0; k < st->nsf; k++)
		sum += st->sf[k].bytes;
	print_open_array("subflows");
	for (unsigned int k = 0; k < st->nsf; k++)
		print_subflow(st, k, sum);
	print_close_array();
	print_bool("subflows_truncated", NULL, st->sf_truncated);
}

static void print_totals(const struct perf_test *t)
{
	double bps = t->seconds > 0 ? t->result.bytes * 8.0 / t->seconds : 0;
	double stall, stall_start;

	perf_stats_max_stall(&t->stats, &stall, &stall_start);
	print_uint("bytes", "bytes %" PRIu64, t->result.bytes);
	print_double("seconds", "  seconds %.3f", t->seconds);
	print_double("bits_per_second", NULL, bps);
	print_double(NULL, "  %.2f Mbit/s", bps / 1e6);
	print_bool("verified", "  verified %s", perf_test_verified(t));
	print_uint("mismatches", "  mismatches %" PRIu64 "\n", t->result.mismatches);
	print_uint("bytes_sent", NULL, t->sender ? t->app_bytes : t->result.bytes);
	/* text only: the JSON has them in the header */
	print_bool(NULL, "mptcp %s", t->status.mptcp);
	print_string(NULL, " (%s)\n", perf_reason(t));
	print_double("max_stall", "max_stall %.2f s", stall);
	print_double("max_stall_start", " at %.2f s\n", stall_start);
}

static void print_samples(const struct perf_stats *st)
{
	print_open_array("samples");
	for (size_t i = 0; i < st->nsamples; i++) {
		const struct perf_sample *s = &st->samples[i];

		print_open_object(NULL);
		print_double("t", NULL, s->t);
		print_uint("bytes", NULL, s->total);
		print_open_array("subflow_bytes");
		for (unsigned int k = 0; k < st->nsf; k++)
			print_uint("bytes", NULL, s->sub[k]);
		print_close_array();
		print_close_object();
	}
	print_close_array();
}

void perf_report_end(const struct perf_test *t)
{
	const struct perf_stats *st = &t->stats;

	if (!print_is_json()) {
		print_text("--- %s summary (%s)\n", t->client ? "client" : "server",
			   t->sender ? "sender" : "receiver");
		print_totals(t);
		print_subflows(st);
		fflush(stdout);
		return;
	}
	print_open_object(NULL);
	perf_report_header(t);
	print_totals(t);
	print_subflows(st);
	print_open_array("events");
	for (unsigned int i = 0; i < st->nevents; i++)
		perf_report_event(st, &st->events[i]);
	print_close_array();
	print_open_array("intervals");
	for (size_t i = 0; i < st->nintervals; i++)
		perf_report_interval(st, &st->intervals[i]);
	print_close_array();
	print_samples(st);
	print_close_object();
}
