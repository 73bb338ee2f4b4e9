// SPDX-License-Identifier: GPL-2.0-or-later
/* perf --plot: each subflow's throughput and the total over time, as SVG. */
#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>

#include "perf.h"
#include "svg-plot.h"

#define LABEL_LEN (2 * MPK_ADDRSTRLEN + 16)

struct plot_data {
	size_t n;
	double *x;
	double *y[PERF_TRACK_MAX + 1]; /* [0] total, [1 + k] subflow k */
	char labels[PERF_TRACK_MAX + 1][LABEL_LEN];
	struct svg_marker markers[PERF_EVENTS_MAX + PERF_MARKS_MAX];
	unsigned int nmarkers;
	char mlabels[PERF_EVENTS_MAX][24];
};

/* Samples per point: about 40 points over the test, at most one
 * interval, at least 0.25 s: MPTCP delivers in bursts (data waits for
 * the slower subflow), and shorter bins turn them into noise. */
static size_t bin_step(const struct perf_test *t)
{
	const struct perf_stats *st = &t->stats;
	double span = st->samples[st->nsamples - 1].t, bin = span / 40;

	if (bin > t->interval)
		bin = t->interval;
	if (bin < 0.25)
		bin = 0.25;
	return (size_t)fmax(1, round(bin / PERF_SAMPLE_S));
}

static double mbit(uint64_t bytes, double secs)
{
	return secs > 0 ? bytes * 8.0 / secs / 1e6 : 0;
}

static void fill_point(struct plot_data *d, const struct perf_stats *st, size_t p,
		       const struct perf_sample *a, const struct perf_sample *b)
{
	double secs = b->t - a->t;

	d->x[p] = (a->t + b->t) / 2;
	d->y[0][p] = mbit(b->total - a->total, secs);
	for (unsigned int k = 0; k < st->nsf; k++) {
		const struct perf_subflow *sf = &st->sf[k];
		bool alive = sf->added <= b->t && (sf->closed < 0 || sf->closed >= a->t);

		d->y[1 + k][p] = alive ? mbit(b->sub[k] - a->sub[k], secs) : NAN;
	}
}

static int fill_points(struct plot_data *d, const struct perf_test *t)
{
	const struct perf_stats *st = &t->stats;
	size_t step = bin_step(t), p = 0;

	d->n = (st->nsamples - 1 + step - 1) / step;
	d->x = calloc(d->n ? d->n : 1, sizeof(double));
	for (unsigned int s = 0; s <= st->nsf; s++)
		if (!(d->y[s] = calloc(d->n ? d->n : 1, sizeof(double))))
			return -ENOMEM;
	if (!d->x)
		return -ENOMEM;
	for (size_t i = 0; i + 1 < st->nsamples; i += step, p++) {
		size_t j = i + step < st->nsamples ? i + step : st->nsamples - 1;

		fill_point(d, st, p, &st->samples[i], &st->samples[j]);
	}
	d->n = p;
	return 0;
}

static void fill_labels(struct plot_data *d, const struct perf_test *t,
			const struct perf_opts *o)
{
	const struct perf_stats *st = &t->stats;
	char l[MPK_ADDRSTRLEN], r[MPK_ADDRSTRLEN];

	snprintf(d->labels[0], LABEL_LEN, "total");
	for (unsigned int k = 0; k < st->nsf; k++)
		snprintf(d->labels[1 + k], LABEL_LEN, "#%u %s -> %s", k,
			 mpk_addr_format((const void *)&st->sf[k].local, l, sizeof(l)),
			 mpk_addr_format((const void *)&st->sf[k].remote, r, sizeof(r)));
	for (unsigned int e = 0; e < st->nevents; e++) {
		snprintf(d->mlabels[e], sizeof(d->mlabels[e]), "#%u %s", st->events[e].subflow,
			 st->events[e].added ? "added" : "closed");
		d->markers[e] = (struct svg_marker){ st->events[e].t, d->mlabels[e] };
	}
	d->nmarkers = st->nevents;
	for (unsigned int m = 0; m < o->nmarks; m++)
		d->markers[d->nmarkers++] = (struct svg_marker){ o->marks[m].t, o->marks[m].label };
}

static int write_file(const struct plot_data *d, const struct perf_test *t, const char *path)
{
	struct svg_series series[PERF_TRACK_MAX + 1];
	char title[2 * MPK_ADDRSTRLEN + 64];
	struct svg_plot p = {
		.title = title, .x_label = "time (s)", .y_label = "throughput (Mbit/s)",
		.x = d->x, .n = d->n, .series = series, .nseries = t->stats.nsf + 1,
		.markers = d->markers, .nmarkers = d->nmarkers,
	};
	FILE *f;
	int ret;

	snprintf(title, sizeof(title), "mptcpkit perf: %s -> %s (%s, %s)", t->local, t->remote,
		 t->status.mptcp ? "MPTCP" : "TCP", t->sender ? "sender" : "receiver");
	series[0] = (struct svg_series){ d->labels[0], d->y[0], "#000000", true };
	for (unsigned int k = 0; k < t->stats.nsf; k++)
		series[1 + k] = (struct svg_series){ d->labels[1 + k], d->y[1 + k], NULL, false };
	f = fopen(path, "w");
	if (!f)
		return -errno;
	ret = svg_plot_write(f, &p);
	if (fclose(f) != 0 && ret == 0)
		ret = -errno;
	return ret;
}

int perf_plot_write(const struct perf_test *t, const struct perf_opts *o)
{
	struct plot_data *d = calloc(1, sizeof(*d));
	int ret = -ENOMEM;

	if (!d)
		return ret;
	ret = fill_points(d, t);
	if (ret == 0) {
		fill_labels(d, t, o);
		ret = write_file(d, t, o->plot);
	}
	free(d->x);
	for (unsigned int s = 0; s <= PERF_TRACK_MAX; s++)
		free(d->y[s]);
	free(d);
	return ret;
}
