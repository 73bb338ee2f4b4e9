/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Small helpers every part of tools/ uses, and the rules they follow.
 *
 * Errors, one rule per layer (as include/mptcpkit.h states the library's):
 *  - engines (the files of tools_engine_sources in meson.build: check's
 *    gathering, query and hints, connect's relay, lab-*, perf's protocol, stream
 *    and statistics, pmd-config, pmd-health, diag-*, common/sysctl.c,
 *    common/helpers.c, ...) return 0 (or a count, a
 *    descriptor) on success and a negative errno on failure. They never
 *    print, never exit, and keep no message of their own, except where the
 *    error is another program's words: lab_error() holds the detail of the
 *    last -EIO of lab_run*() (as mpk_pm_ext_ack() does for a kernel reply).
 *    A value that may be unknown says so in its own range (rp_filter -1).
 *  - command functions (cmd-*.c and their helpers: connect-session.c, lab-cli.c,
 *    pm-args.c, perf-client.c, perf-server.c, perf-report.c, ...) return
 *    the process exit code: 0, or 1 after printing one line
 *    "mptcpkit: what failed: why" through fail(). A helper that only
 *    parses returns 0 to go on, else that exit code; never a sentinel.
 *  - an engine's -errno becomes text once, where the command prints it
 *    (mpk_strerror(), or an engine's own *_strerror() when it adds words:
 *    lab_strerror(), perf_strerror()).
 *
 * The functions of common.c are engine-grade (no output); fail() and
 * wants_help() in util.c belong to commands.
 */
#ifndef MPTCPKIT_UTIL_H
#define MPTCPKIT_UTIL_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "mptcpkit.h"

#define PROG_NAME "mptcpkit"

/* Where `ip netns` keeps the namespace called NAME. */
#define NETNS_RUN_DIR "/run/netns"

/* The words for a kernel without the path manager's generic netlink family. */
#define NO_PM_FAMILY "no mptcp_pm netlink family"

/* Commands (util.c). */

/* "mptcpkit: <message>" on stderr; returns 1 so callers can 'return fail(...)'. */
int fail(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

/* argv has --help or -h at argv[1..] (before any "--"): true. */
bool wants_help(int argc, char **argv);

/* Every layer (common.c). */

/* A whole decimal number in [min, max]; 0 or -EINVAL. */
int parse_long(const char *s, long min, long max, long *out);

/* s without leading and trailing white space (s is changed in place). */
char *str_trim(char *s);

/* NETNS_RUN_DIR "/NAME" into buf; 0, or -ENAMETOOLONG. */
int netns_path(const char *name, char *buf, size_t len);

/* The address as text ("10.0.0.1", "dead::1"), or "" when family is
 * neither AF_INET nor AF_INET6. */
const char *in46_format(int family, const union mpk_in46 *addr, char *buf, size_t len);

/* The monotonic clock is in clock.h. */

#endif
