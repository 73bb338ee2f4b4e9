/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Read-only queries of the in-kernel path manager for `check`: limits and
 * endpoints (through the library's mpk_pm_* API, in its own types), and
 * whether any program listens to the path-manager events. An engine: 0 or
 * -errno, nothing printed.
 */
#ifndef MPTCPKIT_CHECK_QUERY_H
#define MPTCPKIT_CHECK_QUERY_H

#include <stddef.h>

#include "check-state.h"

struct check_query;

/* Open a netlink socket and resolve the family; 0 or -errno (-ENOENT when
 * the kernel has no mptcp_pm family). */
int check_query_open(struct check_query **out);
void check_query_close(struct check_query *q);

/* The id of the "mptcp_pm_events" multicast group; 0 if unknown. */
unsigned int check_query_events_group(const struct check_query *q);

int check_query_limits(struct check_query *q, struct mpk_limits *limits);

/* Dump the endpoints into eps[].ep (at most max; the rest of each entry
 * is cleared, rp_filter -1); *n is set; 0 or -errno. */
int check_query_endpoints(struct check_query *q, struct check_endpoint *eps, size_t max, size_t *n);

/* How many generic netlink sockets of this network namespace are subscribed
 * to multicast group 'group' (from /proc/net/netlink), or -1 when that
 * cannot be told (group beyond the 32 the file shows, or no file). */
int check_group_listeners(unsigned int group);

#endif
