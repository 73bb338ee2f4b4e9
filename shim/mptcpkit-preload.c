// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * libmptcpkit-preload.so: LD_PRELOAD this to turn a program's TCP sockets
 * into MPTCP sockets. socket() is overridden; everything else is the TCP
 * socket API already. When the kernel refuses MPTCP (for any reason: no
 * MPTCP, net.mptcp.enabled=0, an LSM or seccomp filter) the program gets
 * the TCP socket it asked for, so it keeps working.
 *
 * setsockopt() is overridden too, for the options MPTCP lacks (sockopt-
 * shim.c): the call goes to the kernel first, so accepted options cost
 * nothing more; only a refusal on a forced socket applies the policy.
 *
 * Self-contained on purpose: no libmptcpkit (only lib/sockopt.c, compiled
 * in), no stdio (dprintf only), so it can be preloaded into anything.
 */
#include <dlfcn.h>
#include <errno.h>
#include <netinet/in.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/syscall.h>
#include <unistd.h>

#ifndef IPPROTO_MPTCP
#define IPPROTO_MPTCP 262
#endif

#include "preload.h"

typedef int (*socket_fn)(int, int, int);

static socket_fn next_socket;
int preload_debug;

/* The socket() of the next object (libc, or another preloaded library). */
static int call_next(int family, int type, int protocol)
{
	socket_fn fn = __atomic_load_n(&next_socket, __ATOMIC_ACQUIRE);

	if (fn)
		return fn(family, type, protocol);
	return (int)syscall(SYS_socket, family, type, protocol);
}

__attribute__((constructor)) static void preload_init(void)
{
	const char *d = getenv("MPTCPKIT_DEBUG");

	preload_debug = d && *d && strcmp(d, "0") != 0;
	sockopt_shim_init();
	__atomic_store_n(&next_socket, (socket_fn)dlsym(RTLD_NEXT, "socket"),
			 __ATOMIC_RELEASE);
}

static int is_tcp_request(int family, int type, int protocol)
{
	return (family == AF_INET || family == AF_INET6) &&
	       (type & 0xf) == SOCK_STREAM &&
	       (protocol == 0 || protocol == IPPROTO_TCP);
}

/* The same names libmptcpkit uses for why MPTCP was not had. */
static const char *reason_name(int err)
{
	switch (err) {
	case EINVAL: return "kernel-too-old";
	case EPROTONOSUPPORT: return "not-compiled";
	case ENOPROTOOPT: return "disabled";
	default: return "blocked";
	}
}

static void debug_line(int family, int fd, int mptcp_err)
{
	const char *fam = family == AF_INET ? "AF_INET" : "AF_INET6";

	if (!mptcp_err)
		dprintf(STDERR_FILENO, "mptcpkit-preload: socket(%s) = %d: mptcp\n",
			fam, fd);
	else
		dprintf(STDERR_FILENO,
			"mptcpkit-preload: socket(%s) = %d: tcp (fallback: %s: %s)\n",
			fam, fd, reason_name(mptcp_err), strerror(mptcp_err));
}

EXPORT int socket(int family, int type, int protocol)
{
	int saved_errno = errno, mptcp_err = 0, fd;

	if (!is_tcp_request(family, type, protocol)) {
		fd = call_next(family, type, protocol);
		if (fd >= 0 && protocol == IPPROTO_MPTCP)
			sockopt_shim_native(fd, true);
		return fd;
	}

	fd = call_next(family, type, IPPROTO_MPTCP);
	if (fd < 0) {
		mptcp_err = errno;
		fd = call_next(family, type, protocol);
		if (fd < 0)
			return fd;
		errno = saved_errno; /* the program sees a plain success */
	}
	sockopt_shim_native(fd, false);
	if (preload_debug)
		debug_line(family, fd, mptcp_err);
	return fd;
}
