// SPDX-License-Identifier: GPL-2.0-or-later
/* sock_diag replies into struct diag_conn / struct diag_subflow. */
#include <errno.h>
#include <string.h>
#include <arpa/inet.h>
#include <libmnl/libmnl.h>
#include <linux/inet_diag.h>
#include <linux/mptcp.h>
#include <netinet/tcp.h>

#include "diag-parse.h"
#include "internal.h"
#include "uapi/mptcp-uapi.h"

#define MIN(a, b) ((a) < (b) ? (a) : (b))

static const struct inet_diag_msg *diag_msg(const struct nlmsghdr *nlh)
{
	if (mnl_nlmsg_get_payload_len(nlh) < sizeof(struct inet_diag_msg))
		return NULL;
	return mnl_nlmsg_get_payload(nlh);
}

/* One end of the socket id as a sockaddr (addresses and port as the kernel
 * holds them: network byte order). */
static void sockid_addr(struct sockaddr_storage *ss, int family, const __be32 *addr,
			__be16 port)
{
	memset(ss, 0, sizeof(*ss));
	if (family == AF_INET) {
		struct sockaddr_in *sin = (struct sockaddr_in *)ss;

		sin->sin_family = AF_INET;
		sin->sin_port = port;
		memcpy(&sin->sin_addr, addr, 4);
	} else if (family == AF_INET6) {
		struct sockaddr_in6 *sin6 = (struct sockaddr_in6 *)ss;

		sin6->sin6_family = AF_INET6;
		sin6->sin6_port = port;
		memcpy(&sin6->sin6_addr, addr, 16);
	}
}

static uint64_t sockid_cookie(const struct inet_diag_sockid *id)
{
	return (uint64_t)id->idiag_cookie[0] | (uint64_t)id->idiag_cookie[1] << 32;
}

/* The kernel's structure, possibly shorter or longer than ours, into a
 * zeroed copy of ours; returns the bytes the kernel filled. */
static size_t attr_copy(void *dst, size_t dstlen, const struct nlattr *a)
{
	size_t len = mnl_attr_get_payload_len(a);

	memset(dst, 0, dstlen);
	memcpy(dst, mnl_attr_get_payload(a), MIN(len, dstlen));
	return len;
}

int diag_parse_conn(const struct nlmsghdr *nlh, struct diag_conn *c)
{
	const struct inet_diag_msg *m = diag_msg(nlh);
	const struct nlattr *a;

	if (!m)
		return -EBADMSG;
	memset(c, 0, sizeof(*c));
	c->family = m->idiag_family;
	sockid_addr(&c->local, m->idiag_family, m->id.idiag_src, m->id.idiag_sport);
	sockid_addr(&c->remote, m->idiag_family, m->id.idiag_dst, m->id.idiag_dport);
	c->state = m->idiag_state;
	c->listener = m->idiag_state == TCP_LISTEN;
	c->cookie = sockid_cookie(&m->id);
	c->inode = m->idiag_inode;
	c->uid = m->idiag_uid;
	mnl_attr_for_each(a, nlh, sizeof(*m)) {
		struct mpk_uapi_mptcp_info info;
		size_t filled;

		if (mnl_attr_get_type(a) != INET_DIAG_INFO)
			continue;
		filled = attr_copy(&info, sizeof(info), a);
		mpk_conn_from_uapi(&c->info, &info, filled);
	}
	c->fallback = c->info.fallback;
	return 0;
}

static void subflow_attr(struct diag_subflow *s, const struct nlattr *b)
{
	switch (mnl_attr_get_type(b)) {
	case MPTCP_SUBFLOW_ATTR_TOKEN_LOC:
		if (mnl_attr_validate(b, MNL_TYPE_U32) == 0)
			s->token = mnl_attr_get_u32(b);
		break;
	case MPTCP_SUBFLOW_ATTR_TOKEN_REM:
		if (mnl_attr_validate(b, MNL_TYPE_U32) == 0)
			s->token_remote = mnl_attr_get_u32(b);
		break;
	case MPTCP_SUBFLOW_ATTR_FLAGS:
		if (mnl_attr_validate(b, MNL_TYPE_U32) == 0)
			s->mptcp_flags = mnl_attr_get_u32(b);
		break;
	case MPTCP_SUBFLOW_ATTR_ID_LOC:
		if (mnl_attr_validate(b, MNL_TYPE_U8) == 0)
			s->local_id = mnl_attr_get_u8(b);
		break;
	case MPTCP_SUBFLOW_ATTR_ID_REM:
		if (mnl_attr_validate(b, MNL_TYPE_U8) == 0)
			s->remote_id = mnl_attr_get_u8(b);
		break;
	}
}

/* INET_DIAG_ULP_INFO { NAME "mptcp", MPTCP { TOKEN_LOC, ... } }: true when
 * the ULP is mptcp. */
static bool parse_ulp(struct diag_subflow *s, const struct nlattr *ulp)
{
	const struct nlattr *a, *b;
	bool mptcp = false;

	if (mnl_attr_validate(ulp, MNL_TYPE_NESTED) < 0)
		return false;
	mnl_attr_for_each_nested(a, ulp) {
		if (mnl_attr_get_type(a) == INET_ULP_INFO_NAME &&
		    mnl_attr_validate(a, MNL_TYPE_NUL_STRING) == 0)
			mptcp = !strcmp(mnl_attr_get_str(a), "mptcp");
		if (mnl_attr_get_type(a) != INET_ULP_INFO_MPTCP ||
		    mnl_attr_validate(a, MNL_TYPE_NESTED) < 0)
			continue;
		mnl_attr_for_each_nested(b, a)
			subflow_attr(s, b);
	}
	s->backup = s->mptcp_flags & (MPTCP_SUBFLOW_FLAG_BKUP_REM | MPTCP_SUBFLOW_FLAG_BKUP_LOC);
	return mptcp;
}

static void parse_tcp_info(struct diag_subflow *s, const struct nlattr *a)
{
	struct mpk_uapi_tcp_info t;

	attr_copy(&t, sizeof(t), a);
	mpk_tcp_from_uapi(&s->tcp, &t);
	s->last_ack_recv_ms = t.tcpi_last_ack_recv;
	s->rto_us = t.tcpi_rto;
	s->rcv_rtt_us = t.tcpi_rcv_rtt;
	s->rcv_space = t.tcpi_rcv_space;
	s->rcv_ooopack = t.tcpi_rcv_ooopack;
	s->retransmits = t.tcpi_retransmits;
	s->backoff = t.tcpi_backoff;
	s->probes = t.tcpi_probes;
}

int diag_parse_subflow(const struct nlmsghdr *nlh, struct diag_subflow *s)
{
	const struct inet_diag_msg *m = diag_msg(nlh);
	const struct nlattr *a;
	bool mptcp = false;

	if (!m)
		return -EBADMSG;
	memset(s, 0, sizeof(*s));
	sockid_addr(&s->tcp.local, m->idiag_family, m->id.idiag_src, m->id.idiag_sport);
	sockid_addr(&s->tcp.remote, m->idiag_family, m->id.idiag_dst, m->id.idiag_dport);
	s->tcp.state = m->idiag_state;
	s->tcp.ifindex = s->bound_ifindex = m->id.idiag_if;
	s->cookie = sockid_cookie(&m->id);
	mnl_attr_for_each(a, nlh, sizeof(*m)) {
		if (mnl_attr_get_type(a) == INET_DIAG_ULP_INFO)
			mptcp = parse_ulp(s, a) || mptcp;
		else if (mnl_attr_get_type(a) == INET_DIAG_INFO)
			parse_tcp_info(s, a);
		else if (mnl_attr_get_type(a) == INET_DIAG_MARK &&
			 mnl_attr_get_payload_len(a) >= sizeof(uint32_t))
			s->mark = mnl_attr_get_u32(a);
	}
	/* tcp_info's state is the same as idiag_state; keep the message's
	 * when the kernel gave no tcp_info. */
	s->tcp.state = m->idiag_state;
	return mptcp ? 0 : -ENOENT;
}
