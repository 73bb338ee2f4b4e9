// SPDX-License-Identifier: GPL-2.0-or-later
/* mptcpkit top: the connections of ss, refreshed, with rates per connection
 * and per subflow, sorted by rate; ncurses, or batch frames for scripts. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include <curses.h>

#include "commands.h"
#include "diag-cli.h"
#include "print.h"
#include "top-frame.h"
#include "top-rates.h"
#include "util.h"

#define MIN_COLS 60
#define MIN_LINES 5
#define WHAT (DIAG_CONNS | DIAG_SUBFLOWS | DIAG_FALLBACK)

static const char usage[] =
	"Usage: " PROG_NAME " [-j] top [--once | -n N] [-d SECONDS]\n"
	"The MPTCP connections of ss, refreshed every SECONDS (default 1), with\n"
	"the bytes per second each connection and each subflow sends (TX) and\n"
	"receives (RX), sorted by rate. q quits.\n"
	"  --once          print one frame and exit (rates over SECONDS)\n"
	"  -n N            print N frames and exit (no terminal needed)\n"
	"  -d SECONDS      time between frames, 0.1 to 60\n";

struct top_opts {
	long frames;     /* 0: interactive */
	double delay;
};

/* Snapshots one after the other, and the rates between them. */
struct top_state {
	struct diag *d;
	struct diag_snapshot prev, cur;
	struct timespec t_prev, t_cur;
};

static double elapsed(const struct timespec *a, const struct timespec *b)
{
	return (double)(b->tv_sec - a->tv_sec) + (b->tv_nsec - a->tv_nsec) / 1e9;
}

static int advance(struct top_state *t)
{
	diag_snapshot_free(&t->prev);
	t->prev = t->cur;
	t->t_prev = t->t_cur;
	clock_gettime(CLOCK_MONOTONIC, &t->t_cur);
	return diag_take(t->d, WHAT, &t->cur);
}

/* One frame through print.c (to wherever print's stream points). */
static int frame(struct top_state *t, const struct top_opts *o, bool interactive)
{
	struct top_rates r;
	int ret = top_rates_compute(&t->prev, &t->cur, elapsed(&t->t_prev, &t->t_cur), &r);

	if (ret == 0)
		ret = top_frame_print(&t->cur, &r, o->delay, interactive);
	top_rates_free(&r);
	return ret;
}

static void sleep_s(double s)
{
	struct timespec ts = { (time_t)s, (long)((s - (double)(time_t)s) * 1e9) };

	while (nanosleep(&ts, &ts) < 0 && errno == EINTR)
		;
}

static int batch(struct top_state *t, const struct top_opts *o)
{
	int ret = 0;

	for (long i = 0; i < o->frames && ret == 0; i++) {
		sleep_s(o->delay);
		ret = advance(t);
		if (ret == 0)
			ret = frame(t, o, false);
		if (ret == 0 && i + 1 < o->frames)
			print_text("\n");
		fflush(stdout);
	}
	return ret;
}

/* The frame printed into memory, then drawn line by line, cut to the
 * terminal's width and height. */
static int draw(struct top_state *t, const struct top_opts *o)
{
	char *text = NULL, *line;
	size_t len = 0;
	FILE *f = open_memstream(&text, &len);
	int ret, y = 0;

	if (!f)
		return -ENOMEM;
	print_set_stream(f);
	ret = frame(t, o, true);
	print_set_stream(NULL);
	fclose(f);
	erase();
	for (line = text; line && *line && y < LINES; y++) {
		char *nl = strchr(line, '\n');
		int n = nl ? (int)(nl - line) : (int)strlen(line);

		mvaddnstr(y, 0, line, n < COLS ? n : COLS);
		line = nl ? nl + 1 : NULL;
	}
	refresh();
	free(text);
	return ret;
}

/* Until q: a new snapshot each time getch() waits the delay out. */
static int run_screen(struct top_state *t, const struct top_opts *o)
{
	int ret = 0, ch = ERR;

	timeout((int)(o->delay * 1000));
	while (ret == 0) {
		if (COLS < MIN_COLS || LINES < MIN_LINES)
			return -ERANGE;
		if (ch == ERR)
			ret = advance(t);
		if (ret == 0)
			ret = draw(t, o);
		ch = getch();
		if (ch == 'q' || ch == 'Q')
			break;
	}
	return ret;
}

static int interactive(struct top_state *t, const struct top_opts *o)
{
	SCREEN *scr;
	int ret, cols, lines;

	if (!isatty(STDIN_FILENO) || !isatty(STDOUT_FILENO))
		return fail("top: not a terminal (use --once or -n N)");
	scr = newterm(NULL, stdout, stdin);
	if (!scr)
		return fail("top: cannot use this terminal (TERM=%s)", getenv("TERM") ?
			    getenv("TERM") : "");
	cbreak();
	noecho();
	curs_set(0);
	keypad(stdscr, TRUE);
	ret = run_screen(t, o);
	cols = COLS;
	lines = LINES;
	endwin();
	delscreen(scr);
	if (ret == -ERANGE)
		return fail("top: terminal too small (%dx%d, needs at least %dx%d)", cols, lines,
			    MIN_COLS, MIN_LINES);
	return ret < 0 ? diag_fail("top", ret) : 0;
}

static int parse_args(int argc, char **argv, struct top_opts *o)
{
	for (int i = 1; i < argc; i++) {
		const char *a = argv[i];
		char *end;

		if (!strcmp(a, "--once")) {
			o->frames = 1;
		} else if (!strcmp(a, "-j") || !strcmp(a, "--json")) {
			print_set_json(true);
		} else if (!strcmp(a, "-n") && i + 1 < argc) {
			if (parse_long(argv[++i], 1, 1000000, &o->frames) < 0)
				return fail("top: bad -n '%s': expected a number of frames", argv[i]);
		} else if (!strcmp(a, "-d") && i + 1 < argc) {
			o->delay = strtod(argv[++i], &end);
			if (*end || end == argv[i] || !(o->delay >= 0.1 && o->delay <= 60))
				return fail("top: bad -d '%s': expected 0.1 to 60 seconds", argv[i]);
		} else {
			return fail("top: unexpected '%s' (try '" PROG_NAME " top --help')", a);
		}
	}
	if (print_is_json() && !o->frames)
		return fail("top: -j needs --once or -n N");
	return 0;
}

int cmd_top(int argc, char **argv)
{
	struct top_opts o = { .frames = 0, .delay = 1 };
	struct top_state t = { .d = NULL };
	int ret;

	if (wants_help(argc, argv)) {
		fputs(usage, stdout);
		return 0;
	}
	if (parse_args(argc, argv, &o))
		return 1;
	if (mpk_feature_probe(MPK_FEATURE_DIAG) == 0)
		return diag_fail("top", -ENOENT);
	ret = diag_open(&t.d);
	if (ret == 0) {
		clock_gettime(CLOCK_MONOTONIC, &t.t_cur);
		ret = diag_take(t.d, WHAT, &t.cur);
	}
	if (ret < 0) {
		diag_close(t.d);
		return diag_fail("top", ret);
	}
	if (o.frames) {
		ret = batch(&t, &o);
		ret = ret < 0 ? diag_fail("top", ret) : 0;
	} else {
		ret = interactive(&t, &o);
	}
	diag_snapshot_free(&t.prev);
	diag_snapshot_free(&t.cur);
	diag_close(t.d);
	return ret;
}
