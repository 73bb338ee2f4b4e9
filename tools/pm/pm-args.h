/* SPDX-License-Identifier: GPL-2.0-or-later */
/* Arguments and errors shared by the path-management subcommands
 * (endpoint, limits, monitor, announce, remove, subflow), in the grammar of
 * iproute2's `ip mptcp`. */
#ifndef MPTCPKIT_PM_ARGS_H
#define MPTCPKIT_PM_ARGS_H

#include <stdbool.h>
#include <stdint.h>

#include "mptcpkit.h"

/* Each parser returns 0, or prints the one-line error and returns 1
 * (so that a command can 'return pm_parse_x(...)'). what names the
 * argument in the message. */
int pm_parse_addr(const char *s, struct mpk_endpoint *ep);
int pm_parse_id(const char *s, uint8_t *id);
int pm_parse_port(const char *s, uint16_t *port);
int pm_parse_dev(const char *s, int *ifindex);
int pm_parse_token(const char *s, uint32_t *token);

/* The value after keyword argv[*i]: advances *i, or fails ("missing
 * value after 'id'") and returns NULL. */
const char *pm_next_value(int argc, char **argv, int *i);

/* One action of a command (endpoint add, limits set): the words after it. */
struct pm_verb {
	const char *verb;
	int (*fn)(struct mpk_pm *pm, int argc, char **argv); /* an exit code */
};

/* cmd VERB [WORDS...] (argv[0] is cmd; no verb means "show"): --help
 * prints usage, else the handle is opened and the verb's function run.
 * Returns the exit code. */
int pm_run_verb(const struct pm_verb *verbs, size_t n, const char *usage,
		int argc, char **argv);

/* Open the command handle; on failure prints why and returns NULL. */
struct mpk_pm *pm_open_or_fail(void);

/* Print "mptcpkit: <what>: <why>" for a negative library error, naming
 * CAP_NET_ADMIN for -EPERM, a missing family or command, and the kernel's
 * own message when it sent one. Returns 1. */
int pm_fail(const struct mpk_pm *pm, const char *what, int err);

/* pm_fail(), but when the kernel lacks feature f (probed), say which Linux
 * version brings it instead. */
int pm_fail_needs(const struct mpk_pm *pm, const char *what, int err, enum mpk_feature f);

/* Endpoint flags this kernel has: 0, or 1 after "what: <flag> needs Linux V". */
int pm_require_flags(const char *what, uint32_t flags);

/* One endpoint, as `ip mptcp endpoint show` prints it:
 * "ADDR [port P] id ID [flags...] [dev IF] " plus a newline. */
void pm_print_endpoint(const struct mpk_endpoint *ep);

#endif
