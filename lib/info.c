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

static void conn_from_uapi(struct mpk_conn_info *c, const struct mpk_uapi_mptcp_info *m,
			   size_t filled)
{
	c->subflows = m->mptcpi_subflows;
	c->add_addr_signal = m->mptcpi_add_addr_signal;
	c->add_addr_accepted = m->mptcpi_add_addr_accepted;
	c->subflows_max = m->mptcpi_subflows_max;
	c->add_addr_signal_max = m->mptcpi_add_addr_signal_max;
	c->add_addr_accepted_max = m->mptcpi_add_addr_accepted_max;
	c->flags = m->mptcpi_flags;
	c->fallback = m->mptcpi_flags & MPK_MPTCP_INFO_FLAG_FALLBACK;
	c->remote_key_received = m->mptcpi_flags & MPK_MPTCP_INFO_FLAG_REMOTE_KEY_RECEIVED;
	c->token = m->mptcpi_token;
	c->write_seq = m->mptcpi_write_seq;
	c->snd_una = m->mptcpi_snd_una;
	c->rcv_nxt = m->mptcpi_rcv_nxt;
	c->local_addr_used = m->mptcpi_local_addr_used;
	c->local_addr_max = m->mptcpi_local_addr_max;
	c->csum_enabled = m->mptcpi_csum_enabled;
	c->retransmits = m->mptcpi_retransmits;
	c->bytes_retrans = m->mptcpi_bytes_retrans;
	c->bytes_sent = m->mptcpi_bytes_sent;
	c->bytes_received = m->mptcpi_bytes_received;
	c->bytes_acked = m->mptcpi_bytes_acked;
	/* Before 6.8 the kernel counted only the extra subflows. */
	if (filled > offsetof(struct mpk_uapi_mptcp_info, mptcpi_subflows_total))
		c->subflows_total = m->mptcpi_subflows_total;
	else
		c->subflows_total = m->mptcpi_subflows + 1;
	c->last_data_sent_ms = m->mptcpi_last_data_sent;
	c->last_data_recv_ms = m->mptcpi_last_data_recv;
	c->last_ack_recv_ms = m->mptcpi_last_ack_recv;
}

static void tcp_from_uapi(struct mpk_subflow_info *s, const struct mpk_uapi_tcp_info *t)
{
	s->has_tcp_info = true;
	s->state = t->tcpi_state;
	s->ca_state = t->tcpi_ca_state;
	s->rtt_us = t->tcpi_rtt;
	s->rttvar_us = t->tcpi_rttvar;
	s->min_rtt_us = t->tcpi_min_rtt;
	s->snd_cwnd = t->tcpi_snd_cwnd;
	s->snd_ssthresh = t->tcpi_snd_ssthresh;
	s->snd_mss = t->tcpi_snd_mss;
	s->rcv_mss = t->tcpi_rcv_mss;
	s->unacked = t->tcpi_unacked;
	s->lost = t->tcpi_lost;
	s->retrans = t->tcpi_retrans;
	s->total_retrans = t->tcpi_total_retrans;
	s->last_data_sent_ms = t->tcpi_last_data_sent;
	s->last_data_recv_ms = t->tcpi_last_data_recv;
	s->pacing_rate = t->tcpi_pacing_rate;
	s->delivery_rate = t->tcpi_delivery_rate;
	s->bytes_acked = t->tcpi_bytes_acked;
	s->bytes_received = t->tcpi_bytes_received;
	s->bytes_sent = t->tcpi_bytes_sent;
	s->bytes_retrans = t->tcpi_bytes_retrans;
	s->segs_out = t->tcpi_segs_out;
	s->segs_in = t->tcpi_segs_in;
}

static void addrs_from_uapi(struct mpk_subflow_info *s, const struct mpk_uapi_subflow_addrs *a)
{
	memcpy(&s->local, &a->ss_local, sizeof(s->local));
	memcpy(&s->remote, &a->ss_remote, sizeof(s->remote));
}

static bool same_host(const struct sockaddr *a, const struct sockaddr_storage *b)
{
	const struct sockaddr_in6 *b6 = (const struct sockaddr_in6 *)b;
	const struct sockaddr_in *a4 = (const void *)a;

	if (a->sa_family == AF_INET && b->ss_family == AF_INET6 &&
	    IN6_IS_ADDR_V4MAPPED(&b6->sin6_addr))
		return memcmp(&a4->sin_addr, &b6->sin6_addr.s6_addr[12], 4) == 0;
	if (a->sa_family != b->ss_family)
		return false;
	if (a->sa_family == AF_INET)
		return a4->sin_addr.s_addr == ((const struct sockaddr_in *)b)->sin_addr.s_addr;
	return memcmp(&((const struct sockaddr_in6 *)(const void *)a)->sin6_addr,
		      &b6->sin6_addr, sizeof(struct in6_addr)) == 0;
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
			if (!ifa->ifa_addr || !same_host(ifa->ifa_addr, &s->local))
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
	conn_from_uapi(&info->conn, &full.mptcp_info, minfo_len);
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
		tcp_from_uapi(&info->subflow[i], &t);
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
	conn_from_uapi(&info->conn, &m, len);
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
			tcp_from_uapi(&info->subflow[i], &tcp[i]);
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
		tcp_from_uapi(s, &t);
	return 0;
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
	else if ((ret = mpk_info_get_full(fd, info)) < 0 && ret != -EOPNOTSUPP)
		ret = mpk_info_get_legacy(fd, info);
	if (ret == -EOPNOTSUPP) {
		/* It fell back between the two questions. */
		memset(info, 0, sizeof(*info));
		ret = info_get_tcp(fd, info);
	}
	if (ret == 0)
		fill_interfaces(info);
	return ret;
}
