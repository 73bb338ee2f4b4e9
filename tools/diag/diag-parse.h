/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Decoding one sock_diag reply (struct inet_diag_msg and its attributes)
 * into the diag engine's structures. Pure functions on a message that
 * mnl_nlmsg_ok() accepted, so that a fuzzer can feed them anything.
 * Engine rule: 0 or -errno, never prints.
 */
#ifndef MPTCPKIT_DIAG_PARSE_H
#define MPTCPKIT_DIAG_PARSE_H

#include <linux/netlink.h>

#include "diag.h"

/* An MPTCP socket from mptcp_diag; 0, or -EBADMSG when truncated. */
int diag_parse_conn(const struct nlmsghdr *nlh, struct diag_conn *c);

/* A TCP socket from inet_diag; 0 for an MPTCP subflow, -ENOENT for a TCP
 * socket whose ULP is not mptcp (or that carries no ULP information),
 * -EBADMSG when truncated. */
int diag_parse_subflow(const struct nlmsghdr *nlh, struct diag_subflow *s);

#endif
