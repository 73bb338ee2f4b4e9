// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * pmd's log: one line per decision on stderr, "pmd: ACTION key value ...:
 * why" in text, or one JSON object per line (-j) with the same keys, each
 * field with its own type (numbers are JSON numbers).
 */
#include <inttypes.h>
#include <stdio.h>
#include <string.h>
#include <time.h>

#include "pmd.h"
#include "print.h"

static bool log_verbose;
static struct pmd_stats stats;	/* decisions by action, for the exporter */
static bool stats_changed;

void pmd_log_init(bool json, bool verbose)
{
	print_set_json(json);
	print_set_stream(stderr);
	log_verbose = verbose;
}

bool pmd_log_verbose(void)
{
	return log_verbose;
}

static double now_seconds(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_REALTIME, &ts);
	return ts.tv_sec + ts.tv_nsec / 1e9;
}

struct pmd_stats *pmd_log_stats(bool *changed)
{
	*changed = stats_changed;
	stats_changed = false;
	return &stats;
}

/* A line that reports, not a decision: not counted for the exporter. */
void pmd_log_begin_report(const char *action)
{
	print_open_object(NULL);
	if (print_is_json())
		print_double("time", NULL, now_seconds());
	print_string("action", "pmd: %s", action);
}

void pmd_log_begin(const char *action)
{
	pmd_stats_count(&stats, action);
	stats_changed = true;
	pmd_log_begin_report(action);
}

void pmd_log_str(const char *key, const char *val)
{
	print_text(" %s ", key);
	print_string(key, "%s", val);
}

void pmd_log_uint(const char *key, uint64_t val)
{
	print_text(" %s ", key);
	print_uint(key, "%" PRIu64, val);
}

void pmd_log_addr(const char *key, int family, const union mpk_in46 *ip)
{
	char buf[INET6_ADDRSTRLEN];

	pmd_log_str(key, pmd_in46_format(family, ip, buf, sizeof(buf)));
}

void pmd_log_words(const char *key, const char *words)
{
	const char *sep = " \t";
	const char *fmt = "%s";	/* then ",%s": commas between words in text */
	char word[256];

	print_text(" %s ", key);
	print_open_array(key);
	for (const char *p = words + strspn(words, sep); *p; p += strspn(p, sep)) {
		size_t n = strcspn(p, sep);

		snprintf(word, sizeof(word), "%.*s", (int)n, p);
		/* an array's items have no key, but print_string wants one */
		print_string(key, fmt, word);
		fmt = ",%s";
		p += n;
	}
	print_close_array();
}

void pmd_log_end(const char *why)
{
	if (why)
		print_string("why", ": %s", why);
	print_text("\n");
	print_close_object();
	fflush(stderr);
}

void pmd_log_error(const char *action, const char *why)
{
	pmd_log_begin("error");
	pmd_log_str("failed", action);
	pmd_log_end(why);
}

void pmd_log_no_sysctl(const char *sysctl, const char *why)
{
	pmd_log_begin("no-sysctl");
	pmd_log_str("sysctl", sysctl);
	pmd_log_end(why);
}
