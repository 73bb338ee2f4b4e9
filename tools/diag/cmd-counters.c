// SPDX-License-Identifier: GPL-2.0-or-later
/* mptcpkit counters: the kernel's MPTcpExt counters, and what the non-zero
 * ones mean. */
#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <string.h>
#include <time.h>

#include "commands.h"
#include "counters-text.h"
#include "netstat.h"
#include "print.h"
#include "util.h"

static const char usage[] =
	"Usage: " PROG_NAME " [-j] counters [-a] [--since FILE | --interval S] [--file FILE]\n"
	"The MPTcpExt counters of this network namespace (" NETSTAT_PATH "), the\n"
	"non-zero ones with what they count, then what they mean: MP_CAPABLE SYNs\n"
	"not answered, joins not completed, fallbacks by cause, ADD_ADDRs dropped,\n"
	"subflows reset, DSS checksum errors. Counters this program does not know\n"
	"are shown raw.\n"
	"  -a, --all          also the counters that are zero\n"
	"  --since FILE       only what changed since FILE, an earlier copy of\n"
	"                     " NETSTAT_PATH " (cp " NETSTAT_PATH " FILE)\n"
	"  --interval S       only what changes during S seconds (1-3600)\n"
	"  --file FILE        the counters of FILE (a copy of " NETSTAT_PATH ",\n"
	"                     e.g. from a bug report) instead of this host's\n";

struct counters_opts {
	bool all;
	const char *since;
	const char *file;
	long interval;
};

static int parse_args(int argc, char **argv, struct counters_opts *o)
{
	for (int i = 1; i < argc; i++) {
		const char *a = argv[i];

		if (!strcmp(a, "-a") || !strcmp(a, "--all")) {
			o->all = true;
		} else if (!strcmp(a, "-j") || !strcmp(a, "--json")) {
			print_set_json(true);
		} else if (!strcmp(a, "--since") && i + 1 < argc) {
			o->since = argv[++i];
		} else if (!strcmp(a, "--file") && i + 1 < argc) {
			o->file = argv[++i];
		} else if (!strcmp(a, "--interval") && i + 1 < argc) {
			if (parse_long(argv[++i], 1, 3600, &o->interval) < 0)
				return fail("counters: bad interval '%s': expected 1-3600 seconds",
					    argv[i]);
		} else if (!strcmp(a, "--since") || !strcmp(a, "--interval") ||
			   !strcmp(a, "--file")) {
			return fail("counters: %s needs a value", a);
		} else {
			return fail("counters: unexpected '%s' (try '" PROG_NAME
				    " counters --help')", a);
		}
	}
	if (o->since && o->interval)
		return fail("counters: --since and --interval do not go together");
	if (o->file && o->interval)
		return fail("counters: --file and --interval do not go together");
	return 0;
}

static int read_or_fail(const char *path, struct netstat *s)
{
	int err = netstat_read(path, s);

	if (err == -ENODATA)
		return fail("counters: %s has no MPTcpExt counters%s", path,
			    strcmp(path, NETSTAT_PATH) ? "" : " (a kernel without MPTCP?)");
	if (err == -EBADMSG)
		return fail("counters: %s: MPTcpExt lines that do not parse", path);
	if (err < 0)
		return fail("counters: %s: %s", path, strerror(-err));
	return 0;
}

static void sleep_seconds(long s)
{
	struct timespec ts = { .tv_sec = s };

	while (nanosleep(&ts, &ts) < 0 && errno == EINTR)
		;
}

int cmd_counters(int argc, char **argv)
{
	static struct netstat now, before, delta;
	struct counters_opts o = { .all = false };
	const struct netstat *shown = &now;
	const char *path;

	if (wants_help(argc, argv)) {
		fputs(usage, stdout);
		return 0;
	}
	if (parse_args(argc, argv, &o))
		return 1;
	if (o.since && read_or_fail(o.since, &before))
		return 1;
	if (o.interval && read_or_fail(NETSTAT_PATH, &before))
		return 1;
	if (o.interval)
		sleep_seconds(o.interval);
	path = o.file ? o.file : NETSTAT_PATH;
	if (read_or_fail(path, &now))
		return 1;
	if (o.since || o.interval) {
		netstat_delta(&now, &before, &delta);
		shown = &delta;
	}
	print_open_object(NULL);
	print_string("file", NULL, path);
	if (o.file)
		print_text("MPTcpExt counters of %s", o.file);
	if (o.since)
		print_string("since", o.file ? ", since %s" : "MPTcpExt counters since %s", o.since);
	else if (o.interval)
		print_int("interval", "MPTcpExt counters during %" PRId64 " s", o.interval);
	else if (!o.file)
		print_text("MPTcpExt counters since boot (or since this namespace was made)");
	print_text("%s:\n", o.all ? "" : ", not zero");
	counters_print(shown, o.all);
	print_text("\n");
	counters_print_notes(shown, "notes", "What they say");
	print_close_object();
	return 0;
}
