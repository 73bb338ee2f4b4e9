// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * The preload shim's setsockopt(): when the kernel refuses an option on a
 * socket we forced onto MPTCP, apply its policy (lib/sockopt.h): swap in a
 * TCP socket under the same number (tcp), pretend success (ignore), or pass
 * the error on (error). The kernel is asked first, so what MPTCP accepts,
 * and every call on other sockets, costs one function call more.
 */
#include <dlfcn.h>
#include <errno.h>
#include <fcntl.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "preload.h"
#include "sockopt.h"

typedef int (*setsockopt_fn)(int, int, int, const void *, socklen_t);

static setsockopt_fn next_setsockopt;
static struct mpk_sockopt_policies policies;

/* The MPTCP sockets the program asked for itself, by number (a bit each).
 * Numbers beyond the map count as forced. */
#define NATIVE_MAX 65536
static uint8_t native_map[NATIVE_MAX / 8];

void sockopt_shim_native(int fd, bool native)
{
	uint8_t bit;

	if (fd < 0 || fd >= NATIVE_MAX)
		return;
	bit = (uint8_t)(1u << (fd % 8));
	if (native)
		__atomic_fetch_or(&native_map[fd / 8], bit, __ATOMIC_RELAXED);
	else
		__atomic_fetch_and(&native_map[fd / 8], (uint8_t)~bit, __ATOMIC_RELAXED);
}

static bool is_native(int fd)
{
	return fd >= 0 && fd < NATIVE_MAX &&
	       (__atomic_load_n(&native_map[fd / 8], __ATOMIC_RELAXED) & (1u << (fd % 8)));
}

void sockopt_shim_init(void)
{
	const char *spec = getenv("MPTCPKIT_SOCKOPTS"), *bad = NULL;

	mpk_sockopt_policies_init(&policies);
	if (spec && mpk_sockopt_policies_parse(&policies, spec, &bad) < 0 && preload_debug)
		dprintf(STDERR_FILENO, "mptcpkit-preload: MPTCPKIT_SOCKOPTS: bad item '%.*s': "
			"using the defaults\n", (int)strcspn(bad, ", "), bad);
	__atomic_store_n(&next_setsockopt, (setsockopt_fn)dlsym(RTLD_NEXT, "setsockopt"),
			 __ATOMIC_RELEASE);
}

static int call_next(int fd, int level, int optname, const void *val, socklen_t len)
{
	setsockopt_fn fn = __atomic_load_n(&next_setsockopt, __ATOMIC_ACQUIRE);

	if (fn)
		return fn(fd, level, optname, val, len);
	return (int)syscall(SYS_setsockopt, fd, level, optname, val, len);
}

static bool is_forced(int fd)
{
	int proto = 0;
	socklen_t len = sizeof(proto);

	return getsockopt(fd, SOL_SOCKET, SO_PROTOCOL, &proto, &len) == 0 &&
	       proto == IPPROTO_MPTCP && !is_native(fd);
}

static void debug_line(int fd, int level, int optname, const char *what, int err)
{
	const struct mpk_sockopt *o = mpk_sockopt_find(level, optname);

	if (!preload_debug)
		return;
	if (o)
		dprintf(STDERR_FILENO, "mptcpkit-preload: setsockopt(%d, %s): %s%s%s\n", fd,
			o->name, what, err ? ": " : "", err ? strerror(err) : "");
	else
		dprintf(STDERR_FILENO, "mptcpkit-preload: setsockopt(%d, level %d, option %d): "
			"%s%s%s\n", fd, level, optname, what, err ? ": " : "",
			err ? strerror(err) : "");
}

/* Put a TCP twin of fd, with the option applied, under fd's number; 0 or
 * -1 with errno (fd unchanged unless the rebinding failed). */
static int swap(int fd, int level, int optname, const void *val, socklen_t len)
{
	struct sockaddr_storage ss;
	socklen_t sslen;
	int nfd = mpk_sock_tcp_twin(fd), bound, cloexec, err;

	if (nfd < 0)
		return errno = -nfd, -1;
	bound = mpk_sock_bound(fd, &ss, &sslen);
	cloexec = fcntl(fd, F_GETFD);
	if (call_next(nfd, level, optname, val, len) < 0 || cloexec < 0 ||
	    dup3(nfd, fd, (cloexec & FD_CLOEXEC) ? O_CLOEXEC : 0) < 0) {
		err = errno;
		close(nfd);
		return errno = err, -1;
	}
	close(nfd);
	/* The old socket held the port until dup3() closed it. */
	if (bound == 1 && bind(fd, (struct sockaddr *)&ss, sslen) < 0)
		return -1;
	return 0;
}

static int apply_policy(int fd, int level, int optname, const void *val, socklen_t len,
			int err, int saved_errno)
{
	switch (mpk_sockopt_policy_for(&policies, level, optname)) {
	case MPK_SOCKOPT_IGNORE:
		debug_line(fd, level, optname, "ignore: not applied, socket stays MPTCP", 0);
		errno = saved_errno;
		return 0;
	case MPK_SOCKOPT_ERROR:
		debug_line(fd, level, optname, "error: passed on", err);
		return errno = err, -1;
	case MPK_SOCKOPT_TCP:
		break;
	}
	if (mpk_sock_swappable(fd) < 0) {
		debug_line(fd, level, optname, "tcp: connected or listening, error passed on", err);
		return errno = err, -1;
	}
	if (swap(fd, level, optname, val, len) < 0) {
		err = errno;
		debug_line(fd, level, optname, "tcp: no TCP socket with it (the program gets the error)", err);
		return errno = err, -1;
	}
	debug_line(fd, level, optname, "tcp: now a TCP socket with it", 0);
	errno = saved_errno;
	return 0;
}

EXPORT int setsockopt(int fd, int level, int optname, const void *val, socklen_t len)
{
	int saved_errno = errno, ret = call_next(fd, level, optname, val, len), err = errno;

	if (ret == 0 || !mpk_sockopt_refused(err) || !is_forced(fd)) {
		errno = err;
		return ret;
	}
	return apply_policy(fd, level, optname, val, len, err, saved_errno);
}
