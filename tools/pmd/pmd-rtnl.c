// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * Links and addresses over rtnetlink (libmnl). One socket subscribed to the
 * link and address groups, bound before the first dump so that no change
 * between the dump and the first read is lost; dumps use their own socket
 * so their replies never mix with notifications. The receive buffer is
 * large (bursts of link changes), and an overrun is answered with a full
 * dump: the picture is always the kernel's, never a guess.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <libmnl/libmnl.h>
#include <linux/if_addr.h>
#include <linux/rtnetlink.h>

#include "clock.h"
#include "pmd.h"

/* big enough for any rtnetlink message batch (libmnl's dump advice) */
#define NL_BUF_SIZE 32768
/* room for thousands of notifications between two reads */
#define NL_RCVBUF (4 << 20)

struct pmd_rtnl {
	struct mnl_socket *mon;
	unsigned int overruns;
	char buf[NL_BUF_SIZE];
};

/* MPTCPKIT_RTNL_RCVBUF=BYTES: a smaller buffer, so that a test can make
 * the kernel overrun it and see pmd start again from a dump. */
static int rcvbuf_size(void)
{
	const char *env = getenv("MPTCPKIT_RTNL_RCVBUF");
	int n = env ? atoi(env) : 0;

	return n > 0 ? n : NL_RCVBUF;
}

int pmd_rtnl_open(struct pmd_rtnl **out)
{
	struct pmd_rtnl *rt = calloc(1, sizeof(*rt));
	unsigned int groups = RTMGRP_LINK | RTMGRP_IPV4_IFADDR | RTMGRP_IPV6_IFADDR;
	int size = rcvbuf_size(), ret;

	if (!rt)
		return -ENOMEM;
	rt->mon = mnl_socket_open2(NETLINK_ROUTE, SOCK_NONBLOCK | SOCK_CLOEXEC);
	if (!rt->mon || mnl_socket_bind(rt->mon, groups, MNL_SOCKET_AUTOPID) < 0) {
		ret = -errno;
		pmd_rtnl_close(rt);
		return ret;
	}
	/* FORCE needs CAP_NET_ADMIN, which pmd has; the plain one is capped */
	if (setsockopt(mnl_socket_get_fd(rt->mon), SOL_SOCKET, SO_RCVBUFFORCE,
		       &size, sizeof(size)))
		setsockopt(mnl_socket_get_fd(rt->mon), SOL_SOCKET, SO_RCVBUF,
			   &size, sizeof(size));
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

unsigned int pmd_rtnl_overruns(const struct pmd_rtnl *rt)
{
	return rt->overruns;
}

static int link_attr(const struct nlattr *a, void *data)
{
	struct pmd_link *l = data;

	if (mnl_attr_get_type(a) == IFLA_IFNAME &&
	    mnl_attr_validate(a, MNL_TYPE_NUL_STRING) >= 0)
		snprintf(l->name, sizeof(l->name), "%s", mnl_attr_get_str(a));
	if (mnl_attr_get_type(a) == IFLA_OPERSTATE &&
	    mnl_attr_validate(a, MNL_TYPE_U8) >= 0)
		l->operstate = mnl_attr_get_u8(a);
	if (mnl_attr_get_type(a) == IFLA_LINKMODE &&
	    mnl_attr_validate(a, MNL_TYPE_U8) >= 0)
		l->link_mode = mnl_attr_get_u8(a);
	return MNL_CB_OK;
}

static int link_msg(struct pmd_net *net, const struct nlmsghdr *nlh, uint64_t now_ms)
{
	const struct ifinfomsg *ifi = mnl_nlmsg_get_payload(nlh);
	struct pmd_link l = { .ifindex = ifi->ifi_index, .flags = ifi->ifi_flags };

	if (mnl_nlmsg_get_payload_len(nlh) < sizeof(*ifi))
		return 0;
	mnl_attr_parse(nlh, sizeof(*ifi), link_attr, &l);
	return pmd_net_link_update(net, nlh->nlmsg_type == RTM_DELLINK, &l, now_ms);
}

struct addr_parse {
	struct pmd_addr *a;
	size_t len;
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
	    mnl_attr_get_payload_len(at) == ap->len) {
		memcpy(&ap->a->ip, mnl_attr_get_payload(at), ap->len);
		ap->have_local |= type == IFA_LOCAL;
	}
	return MNL_CB_OK;
}

static int addr_msg(struct pmd_net *net, const struct nlmsghdr *nlh)
{
	const struct ifaddrmsg *ifa = mnl_nlmsg_get_payload(nlh);
	struct pmd_addr a = { .ifindex = ifa->ifa_index, .scope = ifa->ifa_scope,
			      .ifa_flags = ifa->ifa_flags, .family = ifa->ifa_family };
	struct addr_parse ap = { .a = &a };

	if (mnl_nlmsg_get_payload_len(nlh) < sizeof(*ifa) ||
	    (a.family != AF_INET && a.family != AF_INET6))
		return 0;
	ap.len = a.family == AF_INET ? 4 : 16;
	mnl_attr_parse(nlh, sizeof(*ifa), addr_attr, &ap);
	return pmd_net_addr_update(net, nlh->nlmsg_type == RTM_DELADDR, &a);
}

struct msg_ctx {
	struct pmd_net *net;
	int changed;
	uint64_t now_ms;	/* 0 in a dump: a link found up was up before */
};

/* Anything else the groups bring (or a kernel adds) is ignored. */
static int on_msg(const struct nlmsghdr *nlh, void *data)
{
	struct msg_ctx *ctx = data;

	switch (nlh->nlmsg_type) {
	case RTM_NEWLINK:
	case RTM_DELLINK:
		ctx->changed |= link_msg(ctx->net, nlh, ctx->now_ms);
		break;
	case RTM_NEWADDR:
	case RTM_DELADDR:
		ctx->changed |= addr_msg(ctx->net, nlh);
		break;
	}
	return MNL_CB_OK;
}

static int dump_request(struct mnl_socket *nl, char *buf, int type, unsigned int seq)
{
	struct nlmsghdr *nlh = mnl_nlmsg_put_header(buf);
	struct rtgenmsg *g;

	nlh->nlmsg_type = type;
	nlh->nlmsg_flags = NLM_F_REQUEST | NLM_F_DUMP;
	nlh->nlmsg_seq = seq;
	g = mnl_nlmsg_put_extra_header(nlh, sizeof(*g));
	g->rtgen_family = AF_UNSPEC;
	return mnl_socket_sendto(nl, nlh, nlh->nlmsg_len) < 0 ? -errno : 0;
}

/* One dump request (links or addresses) on its own socket. */
static int dump_one(struct pmd_rtnl *rt, struct pmd_net *net, int type)
{
	struct msg_ctx ctx = { .net = net };
	struct mnl_socket *nl = mnl_socket_open2(NETLINK_ROUTE, SOCK_CLOEXEC);
	unsigned int seq = time(NULL), portid;
	int ret = 0;
	ssize_t n;

	if (!nl || mnl_socket_bind(nl, 0, MNL_SOCKET_AUTOPID) < 0) {
		ret = -errno;
		goto out;
	}
	portid = mnl_socket_get_portid(nl);
	ret = dump_request(nl, rt->buf, type, seq);
	while (!ret) {
		n = mnl_socket_recvfrom(nl, rt->buf, sizeof(rt->buf));
		if (n < 0) {
			ret = -errno;
			break;
		}
		ret = mnl_cb_run(rt->buf, n, seq, portid, on_msg, &ctx);
		if (ret == MNL_CB_STOP)	/* NLMSG_DONE */
			break;
		ret = ret < 0 ? -errno : 0;
	}
out:
	if (nl)
		mnl_socket_close(nl);
	return ret;
}

int pmd_rtnl_dump(struct pmd_rtnl *rt, struct pmd_net *net)
{
	int ret;

	memset(net, 0, sizeof(*net));
	ret = dump_one(rt, net, RTM_GETLINK);
	return ret ? ret : dump_one(rt, net, RTM_GETADDR);
}

/* Bounded: under an endless flood, the dump after it is right anyway. */
static void drain(struct pmd_rtnl *rt)
{
	for (int i = 0; i < 4096; i++) {
		if (mnl_socket_recvfrom(rt->mon, rt->buf, sizeof(rt->buf)) < 0 && errno != ENOBUFS)
			return;
	}
}

int pmd_rtnl_read(struct pmd_rtnl *rt, struct pmd_net *net)
{
	struct msg_ctx ctx = { .net = net };
	ssize_t n;
	int ret;

	for (;;) {
		n = mnl_socket_recvfrom(rt->mon, rt->buf, sizeof(rt->buf));
		if (n < 0 && errno == EAGAIN)
			return ctx.changed;
		if (n < 0 && errno == ENOBUFS) {
			/* notifications were lost: drop the older ones still
			 * queued (applied after the dump they would bring back
			 * what is gone), then start again from a dump; what
			 * comes after it is newer, and each message says a
			 * whole state, so applying it is right */
			rt->overruns++;
			drain(rt);
			ret = pmd_rtnl_dump(rt, net);
			if (ret)
				return ret;
			ctx.changed = 1;
			continue;
		}
		if (n < 0)
			return -errno;
		/* a malformed batch is skipped, never fatal */
		ctx.now_ms = clock_mono_ms();
		mnl_cb_run(rt->buf, n, 0, 0, on_msg, &ctx);
	}
}
