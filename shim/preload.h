/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* What the two files of the preload shim share. */
#ifndef MPTCPKIT_PRELOAD_H
#define MPTCPKIT_PRELOAD_H

#include <stdbool.h>

#ifndef IPPROTO_MPTCP
#define IPPROTO_MPTCP 262
#endif

#define EXPORT __attribute__((visibility("default")))

/* MPTCPKIT_DEBUG is set: a line per decision on stderr. */
extern int preload_debug;

/* Read MPTCPKIT_SOCKOPTS and find the next setsockopt(); from the
 * constructor. */
void sockopt_shim_init(void);

/* fd is an MPTCP socket the program asked for itself (native true), or one
 * we forced (false): the policy applies only to forced ones. */
void sockopt_shim_native(int fd, bool native);

#endif
