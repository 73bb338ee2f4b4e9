// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * mptcpize: the command line of Debian's mptcpize (mptcpd), on mptcpkit's
 * run/enable/disable. 'mptcpize run [-d] CMD' picks the mode like
 * 'mptcpkit run' (seccomp for static and Go programs), so it reaches more
 * programs and keeps them working when MPTCP is refused.
 */
#include <stdio.h>
#include <string.h>

#include "commands.h"
#include "run.h"
#include "util.h"

static void usage(FILE *f)
{
	fprintf(f, "Usage: mptcpize [options] <command>\n\n"
		   "Force programs that were not written for MPTCP onto MPTCP.\n\n"
		   "Commands:\n"
		   "  run [-d] CMD [ARGS...]  run CMD with MPTCP instead of TCP\n"
		   "  enable UNIT             force the systemd service UNIT (a drop-in)\n"
		   "  disable UNIT            undo 'enable UNIT'\n\n"
		   "Options:\n"
		   "  -h, --help              this text\n\n"
		   "This is mptcpkit's mptcpize: see mptcpize(1) and mptcpkit(1).\n");
}

int main(int argc, char **argv)
{
	if (argc < 2) {
		usage(stderr);
		return 1;
	}
	if (!strcmp(argv[1], "-h") || !strcmp(argv[1], "--help") || !strcmp(argv[1], "help")) {
		usage(stdout);
		return 0;
	}
	if (!strcmp(argv[1], "run"))
		return run_main(argc - 1, argv + 1, RUN_AUTO);
	if (!strcmp(argv[1], "enable"))
		return cmd_enable(argc - 1, argv + 1);
	if (!strcmp(argv[1], "disable"))
		return cmd_disable(argc - 1, argv + 1);
	return fail("unknown command '%s' (try 'mptcpize --help')", argv[1]);
}
