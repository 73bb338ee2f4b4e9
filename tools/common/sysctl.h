/* SPDX-License-Identifier: GPL-2.0-or-later */
/* Reading and writing sysctls of the caller's network namespace (/proc/sys).
 * An engine: 0 or -errno, nothing printed. */
#ifndef MPTCPKIT_SYSCTL_H
#define MPTCPKIT_SYSCTL_H

#include <stddef.h>

/* path is relative to /proc/sys with slashes ("net/mptcp/enabled"): the value
 * without its trailing newline into buf; 0 or -errno. */
int sysctl_read(const char *path, char *buf, size_t len);

/* The same for a whole number; 0 or -errno (-EINVAL when not a number). */
int sysctl_read_int(const char *path, int *val);

/* Write val (as "echo -n val >"); 0 or -errno (-EIO: written in part). */
int sysctl_write(const char *path, const char *val);

/* The path manager's name: net.mptcp.path_manager, or on kernels before
 * it the older net.mptcp.pm_type as "kernel"/"userspace"; 0 or -errno. */
int sysctl_path_manager(char *buf, size_t len);

/* net.ipv4.conf.IFNAME.rp_filter, or -1 when it cannot be read. */
int sysctl_rp_filter(const char *ifname);

#endif
