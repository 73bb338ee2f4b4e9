// SPDX-License-Identifier: GPL-2.0-or-later
/* mptcpkit run [-d] [--mode preload|seccomp|auto] -- CMD [ARGS...] */
#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "commands.h"
#include "run.h"
#include "util.h"

static void run_usage(FILE *f)
{
	fprintf(f, "Usage: " PROG_NAME " run [-d] [--mode auto|preload|seccomp] [--] CMD [ARGS...]\n\n"
		   "Run CMD with its TCP sockets turned into MPTCP sockets (TCP when\n"
		   "MPTCP is refused, so CMD keeps working).\n\n"
		   "  -d, --debug  say which mode and why; a line per forced socket\n"
		   "  -m, --mode   preload: LD_PRELOAD a socket() shim (dynamic programs)\n"
		   "               seccomp: answer socket() from a supervisor (any program)\n"
		   "               auto (default): seccomp for static, Go and setuid\n"
		   "               programs, preload otherwise\n");
}

int exec_failure_code(int err)
{
	return err == ENOENT || err == ENOTDIR ? 127 : 126;
}

int exec_fail(const char *cmd, int err)
{
	fail("cannot run '%s': %s", cmd, strerror(err));
	return exec_failure_code(err);
}

static int parse_mode(const char *s, enum run_mode *mode)
{
	if (!strcmp(s, "auto"))
		*mode = RUN_AUTO;
	else if (!strcmp(s, "preload"))
		*mode = RUN_PRELOAD;
	else if (!strcmp(s, "seccomp"))
		*mode = RUN_SECCOMP;
	else
		return -EINVAL;
	return 0;
}

/* Options end at "--" or at the first word that is not one. */
static int parse_args(int argc, char **argv, bool *debug, enum run_mode *mode)
{
	int i = 1;

	for (; i < argc && argv[i][0] == '-'; i++) {
		const char *a = argv[i];

		if (!strcmp(a, "--"))
			return i + 1;
		if (!strcmp(a, "-h") || !strcmp(a, "--help"))
			return 0; /* only before CMD: CMD's own --help is CMD's */
		if (!strcmp(a, "-d") || !strcmp(a, "--debug")) {
			*debug = true;
		} else if ((!strcmp(a, "-m") || !strcmp(a, "--mode")) && i + 1 < argc) {
			if (parse_mode(argv[++i], mode) < 0)
				return -fail("run: unknown mode '%s' (auto, preload or seccomp)",
					     argv[i]);
		} else if (!strncmp(a, "--mode=", 7)) {
			if (parse_mode(a + 7, mode) < 0)
				return -fail("run: unknown mode '%s' (auto, preload or seccomp)",
					     a + 7);
		} else {
			return -fail("run: unknown option '%s' (try '" PROG_NAME " run --help')", a);
		}
	}
	return i;
}

static enum run_mode choose(const char *cmd, bool debug)
{
	struct exec_probe p;
	const char *why;
	enum run_mode mode;

	exec_probe(cmd, &p);
	mode = run_mode_choose(&p, &why);
	if (debug)
		fprintf(stderr, PROG_NAME ": run: %s mode: %s%s%s\n",
			mode == RUN_SECCOMP ? "seccomp" : "preload",
			p.path[0] ? p.path : cmd, p.path[0] ? " is " : ": ", why);
	return mode;
}

int run_main(int argc, char **argv, enum run_mode mode)
{
	bool debug = false;
	int first;

	first = parse_args(argc, argv, &debug, &mode);
	if (first < 0)
		return 1;
	if (first == 0) {
		run_usage(stdout);
		return 0;
	}
	if (first >= argc)
		return fail("run: no command given (usage: mptcpkit run [-d] [--mode MODE] -- CMD [ARGS...])");
	if (mode == RUN_AUTO)
		mode = choose(argv[first], debug);
	if (mode == RUN_SECCOMP)
		return run_seccomp(argv + first, debug);
	return run_preload(argv + first, debug);
}

int cmd_run(int argc, char **argv)
{
	return run_main(argc, argv, RUN_AUTO);
}
