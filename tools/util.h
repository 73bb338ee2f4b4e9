/* SPDX-License-Identifier: GPL-2.0-or-later */
/* Small helpers every subcommand uses. */
#ifndef MPTCPKIT_UTIL_H
#define MPTCPKIT_UTIL_H

#include <stdbool.h>

#define PROG_NAME "mptcpkit"

/* "mptcpkit: <message>" on stderr; returns 1 so callers can 'return fail(...)'. */
int fail(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

/* A whole decimal number in [min, max]; 0 or -EINVAL. */
int parse_long(const char *s, long min, long max, long *out);

/* argv has --help or -h at argv[1..]: true. */
bool wants_help(int argc, char **argv);

#endif
