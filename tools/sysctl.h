/* SPDX-License-Identifier: GPL-2.0-or-later */
/* Reading and writing sysctls of the caller's network namespace from /proc/sys. */
#ifndef MPTCPKIT_SYSCTL_H
#define MPTCPKIT_SYSCTL_H

#include <stddef.h>

/* path is relative to /proc/sys with slashes ("net/mptcp/enabled"): the value
 * without its trailing newline into buf; 0 or -errno. */
int sysctl_read(const char *path, char *buf, size_t len);

/* The same for a whole number; 0 or -errno (-EINVAL when not a number). */
int sysctl_read_int(const char *path, int *val);

/* Write val (as "echo -n val >"); 0 or -errno. */
int sysctl_write(const char *path, const char *val);

/* net.ipv4.conf.IFNAME.rp_filter, or -1 when it cannot be read. */
int sysctl_rp_filter(const char *ifname);

#endif
