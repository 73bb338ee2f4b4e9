/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* sockopt-probe.c and sockopt-swap.c: system calls made without libc's
 * wrappers. */
#ifndef MPTCPKIT_SOCKOPT_RAW_H
#define MPTCPKIT_SOCKOPT_RAW_H

#include <sys/socket.h>
#include <sys/syscall.h>
#include <unistd.h>

#ifndef IPPROTO_MPTCP
#define IPPROTO_MPTCP 262
#endif

/* Straight to the kernel: inside the preload shim, socket() and
 * setsockopt() are the shim's own, which would force the TCP twin back
 * onto MPTCP. */
static inline int raw_socket(int family, int type, int protocol)
{
	return (int)syscall(SYS_socket, family, type, protocol);
}

static inline int raw_setsockopt(int fd, int level, int optname, const void *val, socklen_t len)
{
	return (int)syscall(SYS_setsockopt, fd, level, optname, val, len);
}

#endif
