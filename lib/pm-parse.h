/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* Decoding and encoding mptcp_pm netlink messages; no I/O, so the unit
 * tests and the fuzzer can feed them any bytes. */
#ifndef MPK_PM_PARSE_H
#define MPK_PM_PARSE_H

#include <libmnl/libmnl.h>

#include "mptcpkit.h"

/* Each takes a whole message (nlh->nlmsg_len already checked against the
 * buffer by the caller, as mnl_nlmsg_ok() does) and returns 0 or -EBADMSG
 * (truncated, bad lengths) / -EPROTO (a required attribute is missing).
 * Unknown attributes are skipped. */
int mpk_pm_parse_endpoint(const struct nlmsghdr *nlh, struct mpk_endpoint *ep);
int mpk_pm_parse_limits(const struct nlmsghdr *nlh, struct mpk_limits *limits);
int mpk_pm_parse_event(const struct nlmsghdr *nlh, struct mpk_pm_event *ev);

/* Every message in buf[0..len), as received from a socket, decoded with
 * the function for kind ('e' endpoint, 'l' limits, 'v' event): the count
 * decoded, or -EBADMSG when a message is truncated. For the fuzzer. */
int mpk_pm_parse_buffer(const void *buf, size_t len, char kind);

/* Append a nested address attribute (MPTCP_PM_ATTR_ADDR or _ADDR_REMOTE):
 * family, address, and id, port, flags, ifindex when non-zero (flags
 * always when force_flags). */
void mpk_pm_put_addr(struct nlmsghdr *nlh, uint16_t type,
		     const struct mpk_endpoint *ep, bool force_flags);

#endif
