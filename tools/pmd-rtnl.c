// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * Links and addresses over rtnetlink (libmnl). One socket subscribed to the
 * link and address groups, bound before the first dump so that no change
 * between the dump and the first read is lost; dumps use their own socket
 * so their replies never mix with notifications.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <libmnl/libmnl.h>
#include <linux/if_addr.h>
#include <linux/rtnetlink.h>

#include "pmd.h"

/* big enough for any rtnetlink message batch (libmnl's dump advice) */
#define NL_BUF_SIZE 32768

struct pmd_rtnl {
	struct mnl_socket *mon;
};

int pmd_rtnl_open(struct pmd_rtnl **out)
{
	struct pmd_rtnl *rt = calloc(1, sizeof(*rt));
	unsigned int groups = RTMGRP_LINK | RTMGRP_IPV4_IFADDR | RTMGRP_IPV6_IFADDR;
	int ret;

	if (!rt)
		return -ENOMEM;
	rt->mon = mnl_socket_open2(NETLINK_ROUTE, SOCK_NONBLOCK | SOCK_CLOEXEC);
	if (!rt->mon || mnl_socket_bind(rt->mon, groups, MNL_SOCKET_AUTOPID) < 0) {
		ret = -errno;
		pmd_rtnl_close(rt);
		return ret;
	}
	*out = rt;
	return 0;
}

void pmd_rtnl_close(struct pmd_rtnl *rt)
{
	if (!rt)
		return;
	if (rt->mon)
		mnl_socket_close(rt->mon);
	free(rt);
}

int pmd_rtnl_fd(const struct pmd_rtnl *rt)
{
	return mnl_socket_get_fd(rt->mon);
}

const struct pmd_link *pmd_net_link(const struct pmd_net *net,
				    unsigned int ifindex)
{
	for (int i = 0; i < net->nlinks; i++) {
		if (net->links[i].ifindex == ifindex)
			return &net->links[i];
	}
	return NULL;
}

static int link_attr(const struct nlattr *a, void *data)
{
	struct pmd_link *l = data;

	if (mnl_attr_get_type(a) == IFLA_IFNAME &&
	    mnl_attr_validate(a, MNL_TYPE_NUL_STRING) >= 0)
		snprintf(l->name, sizeof(l->name), "%s", mnl_attr_get_str(a));
	return MNL_CB_OK;
}

static int link_update(struct pmd_net *net, const struct nlmsghdr *nlh)
{
	const struct ifinfomsg *ifi = mnl_nlmsg_get_payload(nlh);
	struct pmd_link l = { .ifindex = ifi->ifi_index, .flags = ifi->ifi_flags };
	struct pmd_link *slot = (struct pmd_link *)pmd_net_link(net, l.ifindex);

	if (nlh->nlmsg_type == RTM_DELLINK) {
		if (slot)
			*slot = net->links[--net->nlinks];
		return 1;
	}
	mnl_attr_parse(nlh, sizeof(*ifi), link_attr, &l);
	if (!slot) {
		if (net->nlinks >= PMD_LINKS_MAX)
			return 0;
		slot = &net->links[net->nlinks++];
	} else if (slot->flags == l.flags && !strcmp(slot->name, l.name)) {
		return 0;	/* statistics only */
	}
	*slot = l;
	return 1;
}

struct addr_parse {
	struct pmd_addr *a;
	int len;
	bool have_local;
};

static int addr_attr(const struct nlattr *at, void *data)
{
	struct addr_parse *ap = data;
	int type = mnl_attr_get_type(at);

	if (type == IFA_FLAGS && mnl_attr_validate(at, MNL_TYPE_U32) >= 0)
		ap->a->ifa_flags = mnl_attr_get_u32(at);
	/* IFA_LOCAL is the address on point-to-point links; prefer it */
	if ((type == IFA_LOCAL || (type == IFA_ADDRESS && !ap->have_local)) &&
	    mnl_attr_get_payload_len(at) == (uint16_t)ap->len) {
		memcpy(&ap->a->ip.v6, mnl_attr_get_payload(at), ap->len);
		ap->have_local |= type == IFA_LOCAL;
	}
	return MNL_CB_OK;
}

static int addr_find(const struct pmd_net *net, const struct pmd_addr *a)
{
	for (int i = 0; i < net->naddrs; i++) {
		if (net->addrs[i].ifindex == a->ifindex &&
		    pmd_ip_equal(&net->addrs[i].ip, &a->ip))
			return i;
	}
	return -1;
}

static int addr_update(struct pmd_net *net, const struct nlmsghdr *nlh)
{
	const struct ifaddrmsg *ifa = mnl_nlmsg_get_payload(nlh);
	struct pmd_addr a = { .ifindex = ifa->ifa_index, .scope = ifa->ifa_scope,
			      .ifa_flags = ifa->ifa_flags };
	struct addr_parse ap = { .a = &a };
	int i;

	if (ifa->ifa_family != AF_INET && ifa->ifa_family != AF_INET6)
		return 0;
	a.ip.family = ifa->ifa_family;
	ap.len = a.ip.family == AF_INET ? 4 : 16;
	mnl_attr_parse(nlh, sizeof(*ifa), addr_attr, &ap);
	i = addr_find(net, &a);
	if (nlh->nlmsg_type == RTM_DELADDR) {
		if (i < 0)
			return 0;
		net->addrs[i] = net->addrs[--net->naddrs];
		return 1;
	}
	if (i < 0) {
		if (net->naddrs >= PMD_ADDRS_MAX)
			return 0;
		i = net->naddrs++;
	} else if (net->addrs[i].ifa_flags == a.ifa_flags &&
		   net->addrs[i].scope == a.scope) {
		return 0;
	}
	net->addrs[i] = a;
	return 1;
}

struct msg_ctx {
	struct pmd_net *net;
	int changed;
};

static int on_msg(const struct nlmsghdr *nlh, void *data)
{
	struct msg_ctx *ctx = data;

	switch (nlh->nlmsg_type) {
	case RTM_NEWLINK:
	case RTM_DELLINK:
		ctx->changed |= link_update(ctx->net, nlh);
		break;
	case RTM_NEWADDR:
	case RTM_DELADDR:
		ctx->changed |= addr_update(ctx->net, nlh);
		break;
	}
	return MNL_CB_OK;
}

/* One dump request (links or addresses) on its own socket. */
static int dump_one(struct pmd_net *net, int type)
{
	static char buf[NL_BUF_SIZE];
	struct msg_ctx ctx = { .net = net };
	struct mnl_socket *nl = mnl_socket_open2(NETLINK_ROUTE, SOCK_CLOEXEC);
	struct nlmsghdr *nlh = mnl_nlmsg_put_header(buf);
	struct rtgenmsg *g;
	unsigned int seq = time(NULL), portid;
	int ret = 0;
	ssize_t n;

	if (!nl || mnl_socket_bind(nl, 0, MNL_SOCKET_AUTOPID) < 0) {
		ret = -errno;
		goto out;
	}
	nlh->nlmsg_type = type;
	nlh->nlmsg_flags = NLM_F_REQUEST | NLM_F_DUMP;
	nlh->nlmsg_seq = seq;
	g = mnl_nlmsg_put_extra_header(nlh, sizeof(*g));
	g->rtgen_family = AF_UNSPEC;
	portid = mnl_socket_get_portid(nl);
	if (mnl_socket_sendto(nl, nlh, nlh->nlmsg_len) < 0) {
		ret = -errno;
		goto out;
	}
	do {
		n = mnl_socket_recvfrom(nl, buf, sizeof(buf));
		ret = n < 0 ? -1 : mnl_cb_run(buf, n, seq, portid, on_msg, &ctx);
	} while (ret > 0);
	if (ret < 0)
		ret = -errno;
out:
	if (nl)
		mnl_socket_close(nl);
	return ret;
}

int pmd_rtnl_dump(struct pmd_rtnl *rt, struct pmd_net *net)
{
	int ret;

	memset(net, 0, sizeof(*net));
	ret = dump_one(net, RTM_GETLINK);
	return ret ? ret : dump_one(net, RTM_GETADDR);
}

int pmd_rtnl_read(struct pmd_rtnl *rt, struct pmd_net *net)
{
	static char buf[NL_BUF_SIZE];
	struct msg_ctx ctx = { .net = net };
	ssize_t n;
	int ret;

	for (;;) {
		n = mnl_socket_recvfrom(rt->mon, buf, sizeof(buf));
		if (n < 0 && errno == EAGAIN)
			return ctx.changed;
		if (n < 0 && errno == ENOBUFS) {
			/* notifications were lost: start again from a dump */
			ret = pmd_rtnl_dump(rt, net);
			if (ret)
				return ret;
			ctx.changed = 1;
			continue;
		}
		if (n < 0)
			return -errno;
		if (mnl_cb_run(buf, n, 0, 0, on_msg, &ctx) < 0)
			return -errno;
	}
}
