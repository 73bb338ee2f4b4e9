/* SPDX-License-Identifier: GPL-2.0-or-later */
/* Naming the interface of each subflow in a diag snapshot: the device it is
 * bound to, else the one holding its local address. Part of the diag
 * engine. Engine rule: 0 or -errno, never prints. */
#ifndef MPTCPKIT_DIAG_IFNAME_H
#define MPTCPKIT_DIAG_IFNAME_H

#include "diag.h"

/* Fill tcp.ifindex and tcp.ifname of every subflow; 0 or -errno (the
 * snapshot is usable without names either way). */
int diag_name_interfaces(struct diag_snapshot *s);

#endif
