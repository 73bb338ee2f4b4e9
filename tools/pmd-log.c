// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * pmd's log: one line per action on stderr, "pmd: ACTION key value ...:
 * why" in text, or one JSON object per line (-j) with the same keys.
 */
#include <errno.h>
#include <stdarg.h>
#include <stdlib.h>
#include <stdio.h>
#include <string.h>
#include <time.h>

#include "pmd.h"
#include "print.h"

static bool log_verbose;

void pmd_log_init(bool json, bool verbose)
{
	print_set_json(json);
	print_set_stream(stderr);
	log_verbose = verbose;
}

static double now_seconds(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_REALTIME, &ts);
	return ts.tv_sec + ts.tv_nsec / 1e9;
}

/* Whole decimal numbers (ids, limits, tokens) go into JSON as numbers. */
static bool as_integer(const char *val, long long *out)
{
	char *end;

	if (!*val || (val[0] == '0' && val[1]) || (*val != '-' && (*val < '0' || *val > '9')))
		return false;
	errno = 0;
	*out = strtoll(val, &end, 10);
	return !errno && !*end;
}

static void log_value(const char *key, const char *val)
{
	long long n;

	if (print_is_json() && as_integer(val, &n))
		print_int(key, NULL, n);
	else
		print_string(key, "%s", val);
}

static void log_va(const char *action, va_list ap)
{
	const char *key, *val;

	print_open_object(NULL);
	if (print_is_json())
		print_double("time", NULL, now_seconds());
	print_string("action", "pmd: %s", action);
	while ((key = va_arg(ap, const char *))) {
		val = va_arg(ap, const char *);
		if (!val)
			break;
		if (!strcmp(key, "why")) {
			print_string(key, ": %s", val);
		} else {
			print_text(" %s ", key);
			log_value(key, val);
		}
	}
	print_text("\n");
	print_close_object();
	fflush(stderr);
}

void pmd_log(const char *action, ...)
{
	va_list ap;

	va_start(ap, action);
	log_va(action, ap);
	va_end(ap);
}

void pmd_debug(const char *action, ...)
{
	va_list ap;

	if (!log_verbose)
		return;
	va_start(ap, action);
	log_va(action, ap);
	va_end(ap);
}
