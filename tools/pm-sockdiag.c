// SPDX-License-Identifier: GPL-2.0-or-later
/* A subflow's local port from sock_diag: MPTCP subflows are TCP sockets
 * whose ULP information carries the connection's token. */
#include <errno.h>
#include <string.h>
#include <time.h>
#include <arpa/inet.h>
#include <libmnl/libmnl.h>
#include <linux/inet_diag.h>
#include <linux/mptcp.h>
#include <linux/sock_diag.h>
#include <netinet/tcp.h>

#include "pm-sockdiag.h"

struct lookup {
	uint32_t token;
	int family;                  /* of the dump: AF_INET, or AF_INET6 */
	uint32_t laddr[4], raddr[4]; /* as inet_diag_sockid holds them */
	uint16_t rport;              /* network byte order */
	int matches;
	uint16_t lport;
};

/* The token in INET_DIAG_ULP_INFO { "mptcp", MPTCP { TOKEN_LOC } }, or 0. */
static uint32_t ulp_token(const struct nlattr *ulp)
{
	const struct nlattr *a, *b;
	bool mptcp = false;
	uint32_t token = 0;

	mnl_attr_for_each_nested(a, ulp) {
		if (mnl_attr_get_type(a) == INET_ULP_INFO_NAME &&
		    mnl_attr_validate(a, MNL_TYPE_NUL_STRING) == 0)
			mptcp = !strcmp(mnl_attr_get_str(a), "mptcp");
		if (mnl_attr_get_type(a) != INET_ULP_INFO_MPTCP ||
		    mnl_attr_validate(a, MNL_TYPE_NESTED) < 0)
			continue;
		mnl_attr_for_each_nested(b, a) {
			if (mnl_attr_get_type(b) == MPTCP_SUBFLOW_ATTR_TOKEN_LOC &&
			    mnl_attr_validate(b, MNL_TYPE_U32) == 0)
				token = mnl_attr_get_u32(b);
		}
	}
	return mptcp ? token : 0;
}

static int sock_cb(const struct nlmsghdr *nlh, void *data)
{
	const struct inet_diag_msg *msg = mnl_nlmsg_get_payload(nlh);
	struct lookup *l = data;
	const struct nlattr *attr;
	size_t n = l->family == AF_INET ? 4 : 16;

	if (mnl_nlmsg_get_payload_len(nlh) < sizeof(*msg) ||
	    msg->id.idiag_dport != l->rport ||
	    memcmp(msg->id.idiag_src, l->laddr, n) || memcmp(msg->id.idiag_dst, l->raddr, n))
		return MNL_CB_OK;
	mnl_attr_for_each(attr, nlh, sizeof(*msg)) {
		if (mnl_attr_get_type(attr) == INET_DIAG_ULP_INFO &&
		    mnl_attr_validate(attr, MNL_TYPE_NESTED) == 0 &&
		    ulp_token(attr) == l->token) {
			l->matches++;
			l->lport = ntohs(msg->id.idiag_sport);
		}
	}
	return MNL_CB_OK;
}

static int dump(struct mnl_socket *nl, struct lookup *l)
{
	char buf[32768]; /* MNL_SOCKET_DUMP_SIZE of newer libmnl */
	struct nlmsghdr *nlh = mnl_nlmsg_put_header(buf);
	struct inet_diag_req_v2 *req;
	unsigned int seq = (unsigned int)time(NULL);
	unsigned int portid = mnl_socket_get_portid(nl);
	int ret;

	nlh->nlmsg_type = SOCK_DIAG_BY_FAMILY;
	nlh->nlmsg_flags = NLM_F_REQUEST | NLM_F_DUMP;
	nlh->nlmsg_seq = seq;
	req = mnl_nlmsg_put_extra_header(nlh, sizeof(*req));
	req->sdiag_family = (uint8_t)l->family;
	req->sdiag_protocol = IPPROTO_TCP;
	req->idiag_ext = 1 << (INET_DIAG_INFO - 1); /* brings the ULP information */
	req->idiag_states = 1 << TCP_ESTABLISHED;
	if (mnl_socket_sendto(nl, nlh, nlh->nlmsg_len) < 0)
		return -errno;
	do {
		ssize_t n = mnl_socket_recvfrom(nl, buf, sizeof(buf));

		if (n < 0)
			return -errno;
		ret = mnl_cb_run(buf, (size_t)n, seq, portid, sock_cb, l);
	} while (ret > MNL_CB_STOP);
	return ret < 0 ? -errno : 0;
}

/* The addresses as the dump of family shows them (IPv4 in IPv6: mapped). */
static void set_addrs(struct lookup *l, int family, const struct mpk_endpoint *local,
		      const struct mpk_endpoint *remote)
{
	memset(l->laddr, 0, sizeof(l->laddr));
	memset(l->raddr, 0, sizeof(l->raddr));
	l->family = family;
	if (local->family == AF_INET6) {
		memcpy(l->laddr, &local->addr.v6, 16);
		memcpy(l->raddr, &remote->addr.v6, 16);
	} else if (family == AF_INET) {
		memcpy(l->laddr, &local->addr.v4, 4);
		memcpy(l->raddr, &remote->addr.v4, 4);
	} else {
		l->laddr[2] = l->raddr[2] = htonl(0xffff);
		memcpy(&l->laddr[3], &local->addr.v4, 4);
		memcpy(&l->raddr[3], &remote->addr.v4, 4);
	}
}

int pm_find_subflow_lport(uint32_t token, const struct mpk_endpoint *local,
			  const struct mpk_endpoint *remote, uint16_t *lport)
{
	struct lookup l = { .token = token, .rport = htons(remote->port) };
	struct mnl_socket *nl = mnl_socket_open2(NETLINK_SOCK_DIAG, SOCK_CLOEXEC);
	int ret;

	if (!nl)
		return -errno;
	ret = mnl_socket_bind(nl, 0, MNL_SOCKET_AUTOPID) < 0 ? -errno : 0;
	set_addrs(&l, local->family, local, remote);
	if (ret == 0)
		ret = dump(nl, &l);
	if (ret == 0 && local->family == AF_INET && l.matches == 0) {
		set_addrs(&l, AF_INET6, local, remote);
		ret = dump(nl, &l);
	}
	mnl_socket_close(nl);
	if (ret < 0)
		return ret;
	if (l.matches != 1)
		return l.matches ? -EEXIST : -ENOENT;
	*lport = l.lport;
	return 0;
}
