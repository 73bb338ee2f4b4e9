// SPDX-License-Identifier: GPL-2.0-or-later
/* A self-contained SVG line chart (see svg-plot.h). */
#include <errno.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "svg-plot.h"

#define WIDTH 960
#define PLOT_HEIGHT 460
#define LEFT 80
#define RIGHT 30
#define TOP 50
#define BOTTOM 60    /* below the plot area: ticks and the x label */
#define LEGEND_LINE 20

static const char *const palette[] = {
	"#1f77b4", "#d62728", "#2ca02c", "#ff7f0e", "#9467bd",
	"#8c564b", "#e377c2", "#17becf", "#bcbd22", "#7f7f7f",
};
#define NPALETTE (sizeof(palette) / sizeof(palette[0]))

struct frame {
	double x0, x1, y1; /* data ranges; y starts at 0 */
	double w, h;       /* plot area in pixels */
};

static double px(const struct frame *fr, double x)
{
	return LEFT + (x - fr->x0) / (fr->x1 - fr->x0) * fr->w;
}

static double py(const struct frame *fr, double y)
{
	return TOP + fr->h - y / fr->y1 * fr->h;
}

double svg_nice_step(double range, int max_ticks)
{
	double raw = range / (max_ticks > 0 ? max_ticks : 1);
	double mag = pow(10, floor(log10(raw)));

	if (raw <= mag)
		return mag;
	if (raw <= 2 * mag)
		return 2 * mag;
	if (raw <= 5 * mag)
		return 5 * mag;
	return 10 * mag;
}

/* Text with the XML special characters escaped. */
static void put_text(FILE *f, const char *s)
{
	for (; s && *s; s++) {
		switch (*s) {
		case '&': fputs("&amp;", f); break;
		case '<': fputs("&lt;", f); break;
		case '>': fputs("&gt;", f); break;
		case '"': fputs("&quot;", f); break;
		default: fputc(*s, f);
		}
	}
}

static void frame_from(struct frame *fr, const struct svg_plot *p)
{
	double ymax = 0;

	fr->x0 = p->n ? p->x[0] : 0;
	fr->x1 = p->n ? p->x[p->n - 1] : 1;
	if (fr->x0 > 0)
		fr->x0 = 0;
	if (fr->x1 <= fr->x0)
		fr->x1 = fr->x0 + 1;
	for (size_t s = 0; s < p->nseries; s++)
		for (size_t i = 0; i < p->n; i++)
			if (!isnan(p->series[s].y[i]) && p->series[s].y[i] > ymax)
				ymax = p->series[s].y[i];
	ymax = ymax > 0 ? ymax * 1.1 : 1;
	fr->y1 = ceil(ymax / svg_nice_step(ymax, 8)) * svg_nice_step(ymax, 8);
	fr->w = WIDTH - LEFT - RIGHT;
	fr->h = PLOT_HEIGHT;
}

static void axes(FILE *f, const struct frame *fr, const struct svg_plot *p)
{
	double xs = svg_nice_step(fr->x1 - fr->x0, 12), ys = svg_nice_step(fr->y1, 8);

	for (double y = 0; y <= fr->y1 + ys / 1000; y += ys)
		fprintf(f, "<line x1=\"%d\" y1=\"%.1f\" x2=\"%.1f\" y2=\"%.1f\" class=\"grid\"/>\n"
			"<text x=\"%d\" y=\"%.1f\" text-anchor=\"end\">%g</text>\n",
			LEFT, py(fr, y), LEFT + fr->w, py(fr, y), LEFT - 6, py(fr, y) + 4, y);
	for (double x = ceil(fr->x0 / xs) * xs; x <= fr->x1 + xs / 1000; x += xs)
		fprintf(f, "<line x1=\"%.1f\" y1=\"%.1f\" x2=\"%.1f\" y2=\"%.1f\" class=\"axis\"/>\n"
			"<text x=\"%.1f\" y=\"%.1f\" text-anchor=\"middle\">%g</text>\n",
			px(fr, x), TOP + fr->h, px(fr, x), TOP + fr->h + 5, px(fr, x),
			TOP + fr->h + 20, x);
	fprintf(f, "<rect x=\"%d\" y=\"%d\" width=\"%.1f\" height=\"%.1f\" class=\"frame\"/>\n",
		LEFT, TOP, fr->w, fr->h);
	fprintf(f, "<text x=\"%.1f\" y=\"%.1f\" text-anchor=\"middle\">", LEFT + fr->w / 2,
		TOP + fr->h + 44);
	put_text(f, p->x_label);
	fprintf(f, "</text>\n<text transform=\"translate(22 %.1f) rotate(-90)\" "
		"text-anchor=\"middle\">", TOP + fr->h / 2);
	put_text(f, p->y_label);
	fprintf(f, "</text>\n<text x=\"%.1f\" y=\"28\" text-anchor=\"middle\" class=\"title\">",
		LEFT + fr->w / 2);
	put_text(f, p->title);
	fputs("</text>\n", f);
}

/* One polyline per run of values without a gap. */
static void series(FILE *f, const struct frame *fr, const struct svg_plot *p, size_t s,
		   const char *color)
{
	const struct svg_series *sr = &p->series[s];
	bool open = false;

	for (size_t i = 0; i < p->n; i++) {
		if (isnan(sr->y[i])) {
			if (open)
				fputs("\"/>\n", f);
			open = false;
			continue;
		}
		if (!open)
			fprintf(f, "<polyline class=\"series\" data-series=\"%zu\" stroke=\"%s\" "
				"stroke-width=\"%s\" points=\"", s, color, sr->thick ? "2.5" : "1.5");
		fprintf(f, "%.1f,%.1f ", px(fr, p->x[i]), py(fr, sr->y[i]));
		open = true;
	}
	if (open)
		fputs("\"/>\n", f);
}

/* A series' own colour, or the palette's next one after the others'. */
static const char *color_of(const struct svg_plot *p, size_t s)
{
	size_t k = 0;

	if (p->series[s].color)
		return p->series[s].color;
	for (size_t i = 0; i < s; i++)
		k += !p->series[i].color;
	return palette[k % NPALETTE];
}

static void legend(FILE *f, const struct svg_plot *p)
{
	for (size_t s = 0; s < p->nseries; s++) {
		double y = TOP + PLOT_HEIGHT + BOTTOM + 10 + s * LEGEND_LINE;

		fprintf(f, "<line x1=\"%d\" y1=\"%.1f\" x2=\"%d\" y2=\"%.1f\" stroke=\"%s\" "
			"stroke-width=\"3\"/>\n<text x=\"%d\" y=\"%.1f\">", LEFT, y, LEFT + 30, y,
			color_of(p, s), LEFT + 38, y + 4);
		put_text(f, p->series[s].label);
		fputs("</text>\n", f);
	}
}

/* Marker labels are 10px text: about 6px a character (generous, so that
 * estimates err towards a gap). */
#define MLABEL_CHAR_W 6.0
#define MLABEL_LINE 12
#define MLABEL_LINES ((PLOT_HEIGHT - MLABEL_LINE) / MLABEL_LINE)

struct span {
	double x0, x1;
	int line;
};

static double label_width(const char *s)
{
	return MLABEL_CHAR_W * (double)strlen(s ? s : "");
}

/* The first line on which [x0, x1] meets none of the labels placed so far
 * (labels that would collide move to the next line); when every line is
 * taken, the one whose labels end furthest left. */
static int free_line(const struct span *placed, size_t n, double x0, double x1)
{
	double end[MLABEL_LINES];
	int best = 0;

	for (int l = 0; l < MLABEL_LINES; l++)
		end[l] = -1e9;
	for (size_t i = 0; i < n; i++) {
		if (placed[i].x0 <= x1 + 2 && x0 <= placed[i].x1 + 2)
			end[placed[i].line] = fmax(end[placed[i].line], placed[i].x1);
	}
	for (int l = 0; l < MLABEL_LINES; l++) {
		if (end[l] == -1e9)
			return l;
		if (end[l] < end[best])
			best = l;
	}
	return best;
}

/* Vertical lines, each with its label at the top, never over another. */
static void markers(FILE *f, const struct frame *fr, const struct svg_plot *p)
{
	struct span *placed = calloc(p->nmarkers ? p->nmarkers : 1, sizeof(*placed));

	for (size_t m = 0; m < p->nmarkers; m++) {
		double x = px(fr, p->markers[m].x);
		double x0 = x + 3, x1 = x0 + label_width(p->markers[m].label);
		int line = placed ? free_line(placed, m, x0, x1) : (int)(m % MLABEL_LINES);

		if (placed)
			placed[m] = (struct span){ x0, x1, line };
		fprintf(f, "<line x1=\"%.1f\" y1=\"%d\" x2=\"%.1f\" y2=\"%.1f\" class=\"marker\"/>\n"
			"<text x=\"%.1f\" y=\"%d\" class=\"mlabel\">", x, TOP, x, TOP + fr->h,
			x0, TOP + MLABEL_LINE + MLABEL_LINE * line);
		put_text(f, p->markers[m].label);
		fputs("</text>\n", f);
	}
	free(placed);
}

int svg_plot_write(FILE *f, const struct svg_plot *p)
{
	struct frame fr;
	int height = TOP + PLOT_HEIGHT + BOTTOM + 20 + (int)p->nseries * LEGEND_LINE;

	frame_from(&fr, p);
	fprintf(f, "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n"
		"<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"%d\" height=\"%d\" "
		"viewBox=\"0 0 %d %d\" font-family=\"sans-serif\" font-size=\"12\">\n"
		"<style>.grid{stroke:#e0e0e0}.axis{stroke:#000}.frame{fill:none;stroke:#000}"
		".series{fill:none;stroke-linejoin:round}.marker{stroke:#888;stroke-dasharray:4 3}"
		".mlabel{font-size:10px;fill:#555}.title{font-size:15px;font-weight:bold}</style>\n"
		"<rect width=\"100%%\" height=\"100%%\" fill=\"#fff\"/>\n",
		WIDTH, height, WIDTH, height);
	axes(f, &fr, p);
	markers(f, &fr, p);
	for (size_t s = 0; s < p->nseries; s++)
		series(f, &fr, p, s, color_of(p, s));
	legend(f, p);
	fputs("</svg>\n", f);
	return ferror(f) ? -EIO : 0;
}
