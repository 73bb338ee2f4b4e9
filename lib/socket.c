// SPDX-License-Identifier: LGPL-2.1-or-later
/* MPTCP sockets with fallback to TCP, and the reason for it. */
#include <errno.h>
#include <stdatomic.h>
#include <unistd.h>
#include <netinet/in.h>

#include "internal.h"

/*
 * Per family, the errno of a refusal that cannot change while the process
 * runs (no MPTCP in the kernel). Other refusals, such as the per-namespace
 * sysctl, can change at any time, so socket(IPPROTO_MPTCP) is tried again:
 * that attempt is the cheapest probe there is.
 */
static _Atomic int refused_for_good[2];

static int family_slot(int family)
{
	return family == AF_INET6;
}

static bool refusal_is_permanent(int err)
{
	return err == EINVAL || err == EPROTONOSUPPORT;
}

void mpk_socket_forget(void)
{
	atomic_store(&refused_for_good[0], 0);
	atomic_store(&refused_for_good[1], 0);
}

int mpk_flags_check(int flags)
{
	if (flags & ~(MPK_NONBLOCK | MPK_CLOEXEC | MPK_TCP_ONLY | MPK_REUSEPORT))
		return -EINVAL;
	return 0;
}

/* socket(IPPROTO_MPTCP), or -errno remembering permanent refusals. */
static int mptcp_socket(int family, int type)
{
	int slot = family_slot(family);
	int known = atomic_load(&refused_for_good[slot]);
	int fd;

	if (known)
		return -known;
	fd = socket(family, type, IPPROTO_MPTCP);
	if (fd >= 0)
		return fd;
	if (refusal_is_permanent(errno))
		atomic_store(&refused_for_good[slot], errno);
	return -errno;
}

MPK_EXPORT int mpk_socket(int family, int flags, struct mpk_status *status)
{
	int type = SOCK_STREAM | (flags & (MPK_NONBLOCK | MPK_CLOEXEC));
	int fd, err = 0;

	if (mpk_flags_check(flags))
		return -EINVAL;
	if (family != AF_INET && family != AF_INET6)
		return -EAFNOSUPPORT;

	if (!(flags & MPK_TCP_ONLY)) {
		fd = mptcp_socket(family, type);
		if (fd >= 0) {
			mpk_status_set(status, MPK_REASON_AVAILABLE, 0);
			return fd;
		}
		err = -fd;
	}
	fd = socket(family, type, IPPROTO_TCP);
	if (fd < 0)
		return -errno;
	/* With MPK_TCP_ONLY the caller chose TCP: "blocked" with error 0. */
	mpk_status_set(status, err ? mpk_reason_from_errno(err) : MPK_REASON_BLOCKED, err);
	return fd;
}

MPK_EXPORT int mpk_probe(int family, struct mpk_status *status)
{
	int fd;

	if (family != AF_INET && family != AF_INET6)
		return -EAFNOSUPPORT;
	fd = mptcp_socket(family, SOCK_STREAM | SOCK_CLOEXEC);
	if (fd < 0) {
		mpk_status_set(status, mpk_reason_from_errno(-fd), -fd);
		return fd;
	}
	close(fd);
	mpk_status_set(status, MPK_REASON_AVAILABLE, 0);
	return 0;
}
