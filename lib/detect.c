// SPDX-License-Identifier: LGPL-2.1-or-later
/* Does a live connection run MPTCP, or did it fall back to TCP? */
#include <errno.h>
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
	int protocol, val, err;

	err = check_stream_socket(fd, &protocol);
	if (err)
		return err;

	/* 6.10+: asks the socket directly, and works on accepted sockets. */
	if (sockopt_int(fd, SOL_TCP, MPK_TCP_IS_MPTCP, &val) == 0)
		return val != 0;

	/* Older kernels said EOPNOTSUPP (MPTCP) or ENOPROTOOPT (TCP) above. */
	if (protocol == IPPROTO_TCP)
		return 0;

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
