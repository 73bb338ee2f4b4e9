// SPDX-License-Identifier: LGPL-2.1-or-later
/* MPTCP connection and subflow information. */
#include <errno.h>
#include <ifaddrs.h>
#include <stddef.h>
#include <string.h>
#include <netinet/in.h>
#include <netinet/tcp.h>

#include "internal.h"
#include "uapi/mptcp-uapi.h"

#define MIN(a, b) ((a) < (b) ? (a) : (b))

/* Copy what the kernel filled (klen bytes) into a zeroed structure. */
static void copy_sized(void *dst, size_t dstlen, const void *src, size_t klen)
{
	memset(dst, 0, dstlen);
	memcpy(dst, src, MIN(dstlen, klen));
}

static void addrs_from_uapi(struct mpk_subflow_info *s, const struct mpk_uapi_subflow_addrs *a)
{
	memcpy(&s->local, &a->ss_local, sizeof(s->local));
	memcpy(&s->remote, &a->ss_remote, sizeof(s->remote));
}

/* Name the interface that holds each subflow's local address. */
static void fill_interfaces(struct mpk_info *info)
{
	struct ifaddrs *list, *ifa;

	if (getifaddrs(&list) < 0)
		return;
	for (unsigned int i = 0; i < info->num_subflows; i++) {
		struct mpk_subflow_info *s = &info->subflow[i];

		for (ifa = list; ifa; ifa = ifa->ifa_next) {
			if (!ifa->ifa_addr || !mpk_same_host(ifa->ifa_addr, &s->local))
				continue;
			strncpy(s->ifname, ifa->ifa_name, IF_NAMESIZE - 1);
			s->ifindex = if_nametoindex(ifa->ifa_name);
			break;
		}
	}
	freeifaddrs(list);
}

int mpk_info_get_full(int fd, struct mpk_info *info)
{
	struct mpk_uapi_subflow_info sf[MPK_SUBFLOWS_MAX];
	struct mpk_uapi_tcp_info tcp[MPK_SUBFLOWS_MAX];
	struct mpk_uapi_full_info full = {
		.size_tcpinfo_user = sizeof(tcp[0]),
		.size_sfinfo_user = sizeof(sf[0]),
		.size_arrays_user = MPK_SUBFLOWS_MAX,
		.subflow_info = (uintptr_t)sf,
		.tcp_info = (uintptr_t)tcp,
	};
	socklen_t len = sizeof(full);
	size_t minfo_len;

	memset(sf, 0, sizeof(sf));
	memset(tcp, 0, sizeof(tcp));
	if (getsockopt(fd, SOL_MPTCP, MPK_MPTCP_FULL_INFO, &full, &len) < 0)
		return -errno;
	if (len < offsetof(struct mpk_uapi_full_info, mptcp_info))
		return -EPROTO;
	minfo_len = len - offsetof(struct mpk_uapi_full_info, mptcp_info);
	mpk_conn_from_uapi(&info->conn, &full.mptcp_info, minfo_len);
	info->source = MPK_INFO_FULL;
	info->num_subflows = MIN(full.num_subflows, MPK_SUBFLOWS_MAX);
	info->truncated = full.num_subflows > MPK_SUBFLOWS_MAX;
	for (unsigned int i = 0; i < info->num_subflows; i++) {
		struct mpk_uapi_subflow_info one;
		struct mpk_uapi_tcp_info t;

		/* The kernel wrote min(its size, ours) at our stride. */
		copy_sized(&one, sizeof(one), &sf[i], full.size_sfinfo_kernel);
		copy_sized(&t, sizeof(t), &tcp[i], full.size_tcpinfo_kernel);
		info->subflow[i].id = one.id;
		addrs_from_uapi(&info->subflow[i], &one.addrs);
		mpk_tcp_from_uapi(&info->subflow[i], &t);
	}
	return 0;
}

/* An MPTCP_TCPINFO or MPTCP_SUBFLOW_ADDRS array: number of elements
 * copied into out (zero-padded to elem bytes each), or -errno. */
static int get_subflow_array(int fd, int optname, void *out, size_t elem, bool *truncated)
{
	union {
		struct mpk_uapi_subflow_data head;
		char raw[sizeof(struct mpk_uapi_subflow_data) +
			 MPK_SUBFLOWS_MAX * sizeof(struct mpk_uapi_subflow_addrs)];
	} buf;
	size_t hsize = sizeof(buf.head);
	socklen_t len;
	unsigned int n;

	_Static_assert(sizeof(struct mpk_uapi_tcp_info) <= sizeof(struct mpk_uapi_subflow_addrs),
		       "buffer sized for the larger element");
	memset(&buf, 0, sizeof(buf));
	buf.head.size_subflow_data = hsize;
	buf.head.size_user = elem;
	len = hsize + MPK_SUBFLOWS_MAX * elem;
	if (getsockopt(fd, SOL_MPTCP, optname, &buf, &len) < 0)
		return -errno;
	if (len < hsize || buf.head.size_subflow_data < hsize)
		return -EPROTO;
	n = MIN(buf.head.num_subflows, (len - hsize) / elem);
	*truncated = buf.head.num_subflows > n;
	for (unsigned int i = 0; i < n; i++)
		copy_sized((char *)out + i * elem, elem, buf.raw + hsize + i * elem,
			   buf.head.size_kernel);
	return n;
}

int mpk_info_get_legacy(int fd, struct mpk_info *info)
{
	struct mpk_uapi_mptcp_info m;
	struct mpk_uapi_subflow_addrs addrs[MPK_SUBFLOWS_MAX];
	struct mpk_uapi_tcp_info tcp[MPK_SUBFLOWS_MAX];
	socklen_t len = sizeof(m);
	bool trunc_a = false, trunc_t = false;
	int na, nt;

	memset(&m, 0, sizeof(m));
	if (getsockopt(fd, SOL_MPTCP, MPK_MPTCP_INFO, &m, &len) < 0)
		return -errno;
	mpk_conn_from_uapi(&info->conn, &m, len);
	na = get_subflow_array(fd, MPK_MPTCP_SUBFLOW_ADDRS, addrs, sizeof(addrs[0]), &trunc_a);
	if (na < 0)
		return na;
	nt = get_subflow_array(fd, MPK_MPTCP_TCPINFO, tcp, sizeof(tcp[0]), &trunc_t);
	info->source = MPK_INFO_LEGACY;
	info->num_subflows = na;
	info->truncated = trunc_a;
	/* Two calls: a subflow may come or go between them. Match by index
	 * and leave TCP info out where the counts disagree. */
	for (int i = 0; i < na; i++) {
		addrs_from_uapi(&info->subflow[i], &addrs[i]);
		if (nt == na)
			mpk_tcp_from_uapi(&info->subflow[i], &tcp[i]);
	}
	return 0;
}

/* A connection that is not MPTCP: its own addresses and TCP_INFO. */
static int info_get_tcp(int fd, struct mpk_info *info)
{
	struct mpk_subflow_info *s = &info->subflow[0];
	struct mpk_uapi_tcp_info t;
	socklen_t len = sizeof(s->local);

	if (getsockname(fd, (struct sockaddr *)&s->local, &len) < 0)
		return -errno;
	len = sizeof(s->remote);
	if (getpeername(fd, (struct sockaddr *)&s->remote, &len) < 0)
		return -errno;
	info->source = MPK_INFO_TCP;
	info->num_subflows = 1;
	memset(&t, 0, sizeof(t));
	len = sizeof(t);
	if (getsockopt(fd, SOL_TCP, TCP_INFO, &t, &len) == 0)
		mpk_tcp_from_uapi(s, &t);
	return 0;
}

/* Established subflows among n tcp_info states (one byte each). */
static unsigned int count_established(const uint8_t *state, unsigned int n)
{
	unsigned int k = 0;

	for (unsigned int i = 0; i < n; i++)
		k += state[i] == TCP_ESTABLISHED;
	return k;
}

/* 6.5+: one call. Each subflow's tcp_info is cut to its first byte, its
 * state (the kernel copies min(its size, ours)), and no address is asked
 * for: a zero element size copies nothing. */
static int conn_state_full(int fd, struct mpk_conn_info *conn, unsigned int *established)
{
	uint8_t state[MPK_SUBFLOWS_MAX] = { 0 };
	struct mpk_uapi_full_info full = {
		.size_tcpinfo_user = 1,
		.size_arrays_user = MPK_SUBFLOWS_MAX,
		.tcp_info = (uintptr_t)state,
	};
	socklen_t len = sizeof(full);

	if (getsockopt(fd, SOL_MPTCP, MPK_MPTCP_FULL_INFO, &full, &len) < 0)
		return -errno;
	if (len < offsetof(struct mpk_uapi_full_info, mptcp_info))
		return -EPROTO;
	mpk_conn_from_uapi(conn, &full.mptcp_info,
			   len - offsetof(struct mpk_uapi_full_info, mptcp_info));
	*established = count_established(state, MIN(full.num_subflows, MPK_SUBFLOWS_MAX));
	return 0;
}

/* 5.16-6.4: MPTCP_INFO, then MPTCP_TCPINFO cut to the state byte. */
static int conn_state_legacy(int fd, struct mpk_conn_info *conn, unsigned int *established)
{
	struct mpk_uapi_mptcp_info m;
	socklen_t len = sizeof(m);
	struct mpk_uapi_tcp_info tcp[MPK_SUBFLOWS_MAX];
	uint8_t state[MPK_SUBFLOWS_MAX];
	bool truncated;
	int n;

	memset(&m, 0, sizeof(m));
	if (getsockopt(fd, SOL_MPTCP, MPK_MPTCP_INFO, &m, &len) < 0)
		return -errno;
	mpk_conn_from_uapi(conn, &m, len);
	n = get_subflow_array(fd, MPK_MPTCP_TCPINFO, tcp, sizeof(tcp[0]), &truncated);
	if (n < 0)
		return n;
	for (int i = 0; i < n; i++)
		state[i] = tcp[i].tcpi_state;
	*established = count_established(state, n);
	return 0;
}

MPK_EXPORT int mpk_conn_state_get(int fd, struct mpk_conn_info *conn,
				  unsigned int *established)
{
	unsigned int dummy;
	int ret;

	if (!conn)
		return -EINVAL;
	if (!established)
		established = &dummy;
	memset(conn, 0, sizeof(*conn));
	*established = 0;
	ret = conn_state_full(fd, conn, established);
	/* before 6.5 an unknown option answers EOPNOTSUPP, as a fallback does */
	if (ret == -EOPNOTSUPP || ret == -ENOPROTOOPT)
		ret = conn_state_legacy(fd, conn, established);
	return ret;
}

MPK_EXPORT int mpk_info_get(int fd, struct mpk_info *info)
{
	int ret;

	if (!info)
		return -EINVAL;
	memset(info, 0, sizeof(*info));
	ret = mpk_is_mptcp(fd);
	if (ret < 0)
		return ret;
	info->mptcp = ret;
	if (!info->mptcp)
		ret = info_get_tcp(fd, info);
	else if ((ret = mpk_info_get_full(fd, info)) < 0)
		/* Before 6.5 an unknown SOL_MPTCP option answers EOPNOTSUPP,
		 * the errno of a fallback: only the 5.16 options can tell. */
		ret = mpk_info_get_legacy(fd, info);
	if ((ret == -EOPNOTSUPP || ret == -ENOPROTOOPT) && info->mptcp) {
		/* Still MPTCP: a kernel before 5.16, which describes none of
		 * it (5.14, 5.15). Else it fell back between the questions. */
		if (mpk_is_mptcp(fd) == 1)
			return -EOPNOTSUPP;
		memset(info, 0, sizeof(*info));
		ret = info_get_tcp(fd, info);
	}
	if (ret == 0)
		fill_interfaces(info);
	return ret;
}
