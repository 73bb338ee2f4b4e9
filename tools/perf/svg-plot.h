/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * A small self-contained SVG line chart: several series over one x axis,
 * axes with ticks and labels, a legend, vertical event markers.
 */
#ifndef MPTCPKIT_SVG_PLOT_H
#define MPTCPKIT_SVG_PLOT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>

struct svg_series {
	const char *label;
	const double *y;     /* n values, one per x; NAN leaves a gap */
	const char *color;   /* NULL: the next colour of the palette */
	bool thick;          /* drawn wider (a total) */
};

struct svg_marker {
	double x;
	const char *label;
};

struct svg_plot {
	const char *title;
	const char *x_label;
	const char *y_label;
	const double *x;     /* n increasing values */
	size_t n;
	const struct svg_series *series;
	size_t nseries;
	const struct svg_marker *markers;
	size_t nmarkers;
};

/* Write the chart; 0 or -EIO. */
int svg_plot_write(FILE *f, const struct svg_plot *p);

/* A tick step of 1, 2 or 5 times a power of ten giving at most max_ticks
 * steps over range (range > 0). */
double svg_nice_step(double range, int max_ticks);

#endif
