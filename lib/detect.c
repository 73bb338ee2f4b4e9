// SPDX-License-Identifier: LGPL-2.1-or-later
/* Does a live connection run MPTCP, or did it fall back to TCP? */
#include <errno.h>
#include <stddef.h>
#include <netinet/in.h>
#include <netinet/tcp.h>

#include "internal.h"
#include "uapi/mptcp-uapi.h"

static int sockopt_int(int fd, int level, int name, int *val)
{
	socklen_t len = sizeof(*val);

	*val = 0;
	if (getsockopt(fd, level, name, val, &len) < 0)
		return -errno;
	return 0;
}

/* 0 when fd is an IPv4/IPv6 stream socket of TCP or MPTCP; *protocol set. */
static int check_stream_socket(int fd, int *protocol)
{
	int val, err;

	if (fd < 0)
		return -EBADF;
	err = sockopt_int(fd, SOL_SOCKET, SO_DOMAIN, &val);
	if (err)
		return err;
	if (val != AF_INET && val != AF_INET6)
		return -EAFNOSUPPORT;
	err = sockopt_int(fd, SOL_SOCKET, SO_TYPE, &val);
	if (err)
		return err;
	if (val != SOCK_STREAM)
		return -EPROTOTYPE;
	err = sockopt_int(fd, SOL_SOCKET, SO_PROTOCOL, protocol);
	if (err)
		return err;
	if (*protocol != IPPROTO_TCP && *protocol != IPPROTO_MPTCP)
		return -EPROTONOSUPPORT;
	return 0;
}

MPK_EXPORT int mpk_is_mptcp(int fd)
{
	struct mpk_uapi_mptcp_info info;
	socklen_t len = sizeof(info);
	int protocol, val, err, asked;

	if (fd < 0)
		return -EBADF;
	/* 6.10+: asks the socket directly, and works on accepted sockets.
	 * Only TCP and MPTCP sockets answer SOL_TCP's option 43, so when it
	 * answers, the socket checks below are not needed: one call. */
	asked = sockopt_int(fd, SOL_TCP, MPK_TCP_IS_MPTCP, &val);
	if (asked == 0)
		return val != 0;

	err = check_stream_socket(fd, &protocol);
	if (err)
		return err;
	if (protocol == IPPROTO_TCP)
		return 0;

	/* Before 6.10 the option's errno answers it: an MPTCP socket handles
	 * SOL_TCP itself and refuses unknown options (EOPNOTSUPP), one that
	 * fell back hands them to its TCP subflow (ENOPROTOOPT). Measured on
	 * Debian's 6.1; 5.14-5.15 (no MPTCP_INFO) answer the same way. */
	if (asked == -EOPNOTSUPP)
		return 1;

	/* 5.16+: MPTCP_INFO works on MPTCP and fails on a fallen-back socket. */
	if (getsockopt(fd, SOL_MPTCP, MPK_MPTCP_INFO, &info, &len) == 0)
		return !(info.mptcpi_flags & MPK_MPTCP_INFO_FLAG_FALLBACK);
	if (errno == EOPNOTSUPP || errno == ENOPROTOOPT)
		return 0;
	/* Nothing else to ask: SO_PROTOCOL says MPTCP was requested. */
	return 1;
}

MPK_EXPORT int mpk_conn_status(int fd, struct mpk_status *status)
{
	int ret = mpk_is_mptcp(fd);

	if (ret < 0)
		return ret;
	mpk_status_set(status, ret ? MPK_REASON_AVAILABLE : MPK_REASON_FALLBACK, 0);
	return 0;
}

/* The count in a struct mptcp_info of len bytes: subflows_total (6.8+) when
 * the kernel filled it, else the extra subflows and the first one. */
static int subflows_in(const struct mpk_uapi_mptcp_info *info, socklen_t len)
{
	size_t total_end = offsetof(struct mpk_uapi_mptcp_info, mptcpi_subflows_total) + 1;

	if (len >= total_end && info->mptcpi_subflows_total)
		return info->mptcpi_subflows_total;
	return info->mptcpi_subflows + 1;
}

MPK_EXPORT int mpk_subflow_count(int fd)
{
	struct mpk_uapi_mptcp_info info = { 0 };
	socklen_t len = sizeof(info);

	if (fd < 0)
		return -EBADF;
	/* The common case, a live MPTCP connection (5.16+): one call. */
	if (getsockopt(fd, SOL_MPTCP, MPK_MPTCP_INFO, &info, &len) == 0 && len >= 1)
		return info.mptcpi_flags & MPK_MPTCP_INFO_FLAG_FALLBACK ? 0 : subflows_in(&info, len);
	/* Fallen back, plain TCP, not a TCP socket at all, or a kernel
	 * without MPTCP_INFO: let the full check say which. */
	return mpk_is_mptcp(fd);
}
