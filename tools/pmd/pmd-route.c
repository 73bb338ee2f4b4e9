// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * The interface a subflow's packets leave by, for the health checks: the
 * kernel's own output route for its two addresses and its mark
 * (RTM_GETROUTE with the source and RTA_MARK, so source-address and fwmark
 * rules count as they do for the subflow).
 *
 * Why not the local address's interface: on a server every subflow of a
 * connection may carry the one address the client connected to, whatever
 * path it takes. Measured (bench/pmd-paths.sh, pmd on both ends): the join
 * over path 2 had 10.0.1.2, path 1's address, on the server; when path 2
 * was cut, its stall was counted for path 1, and pmd --server removed
 * path 1's endpoint, the survivor's, so the connection stopped for 3 s.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <libmnl/libmnl.h>
#include <linux/rtnetlink.h>

#include "pmd.h"

struct pmd_route {
	struct mnl_socket *nl;
	unsigned int portid, seq;
	char buf[8192];		/* one route message and its attributes */
};

int pmd_route_open(struct pmd_route **out)
{
	struct pmd_route *r = calloc(1, sizeof(*r));
	int ret;

	if (!r)
		return -ENOMEM;
	r->nl = mnl_socket_open2(NETLINK_ROUTE, SOCK_CLOEXEC);
	if (!r->nl || mnl_socket_bind(r->nl, 0, MNL_SOCKET_AUTOPID) < 0) {
		ret = -errno;
		pmd_route_close(r);
		return ret;
	}
	r->portid = mnl_socket_get_portid(r->nl);
	*out = r;
	return 0;
}

void pmd_route_close(struct pmd_route *r)
{
	if (!r)
		return;
	if (r->nl)
		mnl_socket_close(r->nl);
	free(r);
}

static int on_attr(const struct nlattr *a, void *data)
{
	if (mnl_attr_get_type(a) == RTA_OIF && mnl_attr_validate(a, MNL_TYPE_U32) >= 0)
		*(unsigned int *)data = mnl_attr_get_u32(a);
	return MNL_CB_OK;
}

static int on_route(const struct nlmsghdr *nlh, void *data)
{
	return mnl_attr_parse(nlh, sizeof(struct rtmsg), on_attr, data);
}

unsigned int pmd_route_oif(struct pmd_route *r, int family, const union mpk_in46 *src,
			   const union mpk_in46 *dst, uint32_t mark)
{
	size_t len = family == AF_INET6 ? 16 : 4;
	struct nlmsghdr *nlh;
	unsigned int oif = 0;
	struct rtmsg *rtm;
	ssize_t n;

	/* a reply left by an interrupted call would answer this one */
	while (recv(mnl_socket_get_fd(r->nl), r->buf, sizeof(r->buf), MSG_DONTWAIT) > 0)
		;
	nlh = mnl_nlmsg_put_header(r->buf);
	nlh->nlmsg_type = RTM_GETROUTE;
	nlh->nlmsg_flags = NLM_F_REQUEST;
	nlh->nlmsg_seq = ++r->seq;
	rtm = mnl_nlmsg_put_extra_header(nlh, sizeof(*rtm));
	rtm->rtm_family = (unsigned char)family;
	rtm->rtm_dst_len = rtm->rtm_src_len = (unsigned char)(len * 8);
	mnl_attr_put(nlh, RTA_DST, len, dst);
	mnl_attr_put(nlh, RTA_SRC, len, src);
	if (mark)	/* fwmark rules: a multi-uplink host's usual policy routing */
		mnl_attr_put_u32(nlh, RTA_MARK, mark);
	if (mnl_socket_sendto(r->nl, nlh, nlh->nlmsg_len) < 0)
		return 0;
	n = mnl_socket_recvfrom(r->nl, r->buf, sizeof(r->buf));
	/* no route (an NLMSG_ERROR): 0, the caller's fallback */
	if (n < 0 || mnl_cb_run(r->buf, (size_t)n, r->seq, r->portid, on_route, &oif) < 0)
		return 0;
	return oif;
}
