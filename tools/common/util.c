// SPDX-License-Identifier: GPL-2.0-or-later
#include <errno.h> /* program_invocation_short_name */
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "util.h"

/* The command-side helpers of util.h; the rest is in common.c. */

int fail(const char *fmt, ...)
{
	va_list ap;

	fflush(stdout);
	/* "mptcpkit: ..." or, for the compatibility program, "mptcpize: ...". */
	fprintf(stderr, "%s: ", program_invocation_short_name);
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fputc('\n', stderr);
	return 1;
}

bool wants_help(int argc, char **argv)
{
	for (int i = 1; i < argc; i++) {
		if (strcmp(argv[i], "--") == 0)
			return false;
		if (strcmp(argv[i], "--help") == 0 || strcmp(argv[i], "-h") == 0)
			return true;
	}
	return false;
}
