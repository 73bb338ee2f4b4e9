// SPDX-License-Identifier: GPL-2.0-or-later
/* What the demo reads in perf's fine time series: stalls and recovery. */
#include <stdlib.h>

#include "demo.h"

void demo_series_free(struct demo_series *s)
{
	free(s->t);
	free(s->total);
	for (int p = 0; p < DEMO_PATHS; p++)
		free(s->path[p]);
	*s = (struct demo_series){ 0 };
}

/* The time of the last sample step with progress. */
static double last_progress(const struct demo_series *s)
{
	for (size_t i = s->n; i-- > 1;) {
		if (s->total[i] - s->total[i - 1] >= DEMO_PROGRESS_BYTES)
			return s->t[i];
	}
	return 0;
}

/* A stall runs from the end of a sample step with progress (or 'from')
 * to the start of the next one. After the last progress the sender only
 * waits for the receiver's result: 'to' ends there at the latest. */
double demo_stall_after(const struct demo_series *s, double from, double to)
{
	double last = from, longest = 0;

	if (to > last_progress(s))
		to = last_progress(s);
	for (size_t i = 1; i < s->n && s->t[i - 1] < to; i++) {
		if (s->t[i] <= from)
			continue;
		if (s->total[i] - s->total[i - 1] >= DEMO_PROGRESS_BYTES) {
			if (s->t[i - 1] - last > longest)
				longest = s->t[i - 1] - last;
			last = s->t[i];
		}
	}
	if (to - last > longest)
		longest = to - last;
	return longest;
}

double demo_rate_back_after(const struct demo_series *s, double from, double mbit)
{
	size_t j = 0;

	for (size_t i = 1; i < s->n; i++) {
		if (s->t[i] <= from)
			continue;
		while (j < i && s->t[j] < from)
			j++;
		while (j + 1 < i && s->t[i] - s->t[j + 1] >= DEMO_WINDOW_S)
			j++;
		if (s->t[i] - s->t[j] < DEMO_WINDOW_S - 1e-9)
			continue;
		if ((s->total[i] - s->total[j]) * 8.0 / (s->t[i] - s->t[j]) >= mbit * 1e6)
			return s->t[j] - from;
	}
	return -1;
}

/* When path p first moves DEMO_PATH_BYTES in one step after 'from'. */
static double path_back(const struct demo_series *s, int p, double from)
{
	for (size_t i = 1; i < s->n; i++) {
		if (s->t[i] > from && s->path[p] &&
		    s->path[p][i] - s->path[p][i - 1] >= DEMO_PATH_BYTES)
			return s->t[i] - from;
	}
	return -1;
}

double demo_paths_back_after(const struct demo_series *s, double from)
{
	double latest = 0;

	for (int p = 0; p < DEMO_PATHS; p++) {
		double back = path_back(s, p, from);

		if (back < 0)
			return -1;
		if (back > latest)
			latest = back;
	}
	return latest;
}
