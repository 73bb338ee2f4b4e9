/* SPDX-License-Identifier: GPL-2.0-or-later */
/* One connection of `connect` or `listen`: report it, relay, show its subflows. */
#ifndef MPTCPKIT_CONNECT_SESSION_H
#define MPTCPKIT_CONNECT_SESSION_H

#include <stdbool.h>

#include "mptcpkit.h"

struct session_opts {
	int family;       /* AF_UNSPEC, AF_INET, AF_INET6 (-4, -6) */
	bool verbose;     /* -v: a line on connecting, and the subflows at the end */
	bool info;        /* --info: the subflows at the end */
	int idle_timeout; /* -w: seconds without I/O before giving up; 0 never */
	bool eof_now;     /* -N: shut the sending side down at end of input */
	bool no_input;    /* -d: do not read standard input */
	bool help;        /* --help: usage was printed, nothing else to do */
	int first;        /* the index of the first operand */
};

/* Parse the options connect and listen share (-4 -6 -v --info -w -N -d; main
 * takes -j out) and
 * those in 'extra' (getopt letters) through 'on_extra' (0, or 1 to refuse
 * the option). --help prints usage and sets o->help. Returns 0 to go on
 * (unless o->help), or the exit code 1 after printing the error. */
int session_parse(int argc, char **argv, const char *usage, const char *extra,
		  int (*on_extra)(int opt, const char *arg, void *data), void *data,
		  struct session_opts *o);

/* Report the connection (JSON line with -j, text with -v), copy
 * stdin/stdout through it until both directions are done, then show its
 * subflows if asked. Closes fd. Returns the exit code (0 or 1, after a
 * message). */
int session_run(const char *cmd, int fd, const struct mpk_status *st,
		const struct session_opts *o);

#endif
