// SPDX-License-Identifier: LGPL-2.1-or-later
/* Decoding mptcp_pm replies and events defensively: every attribute's
 * length is checked, unknown ones are skipped, truncated messages refused. */
#include <errno.h>
#include <string.h>
#include <arpa/inet.h>
#include <linux/genetlink.h>

#include "nl.h"
#include "pm-parse.h"
#include "uapi/mptcp-pm-uapi.h"

/* The attributes after the genl header, checked whole. */
static int genl_attrs(const struct nlmsghdr *nlh)
{
	size_t hdr = MNL_NLMSG_HDRLEN + GENL_HDRLEN;

	if (nlh->nlmsg_len < hdr)
		return -EBADMSG;
	return mpk_nl_attrs_complete((const char *)nlh + hdr, nlh->nlmsg_len - hdr);
}

static const enum mnl_attr_data_type addr_attr_type[MPK_MPTCP_PM_ADDR_ATTR_MAX + 1] = {
	[MPK_MPTCP_PM_ADDR_ATTR_FAMILY] = MNL_TYPE_U16,
	[MPK_MPTCP_PM_ADDR_ATTR_ID] = MNL_TYPE_U8,
	[MPK_MPTCP_PM_ADDR_ATTR_ADDR4] = MNL_TYPE_U32,
	[MPK_MPTCP_PM_ADDR_ATTR_ADDR6] = MNL_TYPE_BINARY,
	[MPK_MPTCP_PM_ADDR_ATTR_PORT] = MNL_TYPE_U16,
	[MPK_MPTCP_PM_ADDR_ATTR_FLAGS] = MNL_TYPE_U32,
	[MPK_MPTCP_PM_ADDR_ATTR_IF_IDX] = MNL_TYPE_U32,
};

static int addr_attr_cb(const struct nlattr *attr, void *data)
{
	const struct nlattr **tb = data;
	int type = mnl_attr_get_type(attr);

	if (mnl_attr_type_valid(attr, MPK_MPTCP_PM_ADDR_ATTR_MAX) < 0 || type == 0)
		return MNL_CB_OK; /* newer kernel: skip */
	if (type == MPK_MPTCP_PM_ADDR_ATTR_ADDR6) {
		if (mnl_attr_validate2(attr, MNL_TYPE_BINARY, sizeof(struct in6_addr)) < 0)
			return MNL_CB_ERROR;
	} else if (mnl_attr_validate(attr, addr_attr_type[type]) < 0) {
		return MNL_CB_ERROR;
	}
	tb[type] = attr;
	return MNL_CB_OK;
}

static int addr_family(const struct nlattr **tb, struct mpk_endpoint *ep)
{
	if (!tb[MPK_MPTCP_PM_ADDR_ATTR_FAMILY])
		return 0; /* an id-only entry */
	ep->family = mnl_attr_get_u16(tb[MPK_MPTCP_PM_ADDR_ATTR_FAMILY]);
	if (ep->family == AF_INET && tb[MPK_MPTCP_PM_ADDR_ATTR_ADDR4])
		memcpy(&ep->addr.v4, mnl_attr_get_payload(tb[MPK_MPTCP_PM_ADDR_ATTR_ADDR4]), 4);
	else if (ep->family == AF_INET6 && tb[MPK_MPTCP_PM_ADDR_ATTR_ADDR6])
		memcpy(&ep->addr.v6, mnl_attr_get_payload(tb[MPK_MPTCP_PM_ADDR_ATTR_ADDR6]), 16);
	else
		return -EPROTO; /* a family without its address, or an unknown one */
	return 0;
}

/* One nested address attribute into ep. */
static int parse_addr(const struct nlattr *nest, struct mpk_endpoint *ep)
{
	const struct nlattr *tb[MPK_MPTCP_PM_ADDR_ATTR_MAX + 1] = { 0 };

	memset(ep, 0, sizeof(*ep));
	if (mnl_attr_validate(nest, MNL_TYPE_NESTED) < 0 ||
	    mpk_nl_attrs_complete(mnl_attr_get_payload(nest), mnl_attr_get_payload_len(nest)) < 0 ||
	    mnl_attr_parse_nested(nest, addr_attr_cb, tb) != MNL_CB_OK)
		return -EBADMSG;
	if (tb[MPK_MPTCP_PM_ADDR_ATTR_ID])
		ep->id = mnl_attr_get_u8(tb[MPK_MPTCP_PM_ADDR_ATTR_ID]);
	if (tb[MPK_MPTCP_PM_ADDR_ATTR_PORT])
		ep->port = mnl_attr_get_u16(tb[MPK_MPTCP_PM_ADDR_ATTR_PORT]);
	if (tb[MPK_MPTCP_PM_ADDR_ATTR_FLAGS])
		ep->flags = mnl_attr_get_u32(tb[MPK_MPTCP_PM_ADDR_ATTR_FLAGS]);
	if (tb[MPK_MPTCP_PM_ADDR_ATTR_IF_IDX])
		ep->ifindex = (int)mnl_attr_get_u32(tb[MPK_MPTCP_PM_ADDR_ATTR_IF_IDX]);
	return addr_family(tb, ep);
}

struct top_attrs {
	const struct nlattr *tb[MPK_MPTCP_PM_ATTR_MAX + 1];
};

static int top_attr_cb(const struct nlattr *attr, void *data)
{
	struct top_attrs *t = data;
	int type = mnl_attr_get_type(attr);

	if (mnl_attr_type_valid(attr, MPK_MPTCP_PM_ATTR_MAX) < 0 || type == 0)
		return MNL_CB_OK;
	switch (type) {
	case MPK_MPTCP_PM_ATTR_ADDR:
	case MPK_MPTCP_PM_ATTR_ADDR_REMOTE:
		if (mnl_attr_validate(attr, MNL_TYPE_NESTED) < 0)
			return MNL_CB_ERROR;
		break;
	case MPK_MPTCP_PM_ATTR_LOC_ID:
		if (mnl_attr_validate(attr, MNL_TYPE_U8) < 0)
			return MNL_CB_ERROR;
		break;
	default:
		if (mnl_attr_validate(attr, MNL_TYPE_U32) < 0)
			return MNL_CB_ERROR;
	}
	t->tb[type] = attr;
	return MNL_CB_OK;
}

static int parse_top(const struct nlmsghdr *nlh, struct top_attrs *t)
{
	memset(t, 0, sizeof(*t));
	if (genl_attrs(nlh) < 0 ||
	    mnl_attr_parse(nlh, GENL_HDRLEN, top_attr_cb, t) != MNL_CB_OK)
		return -EBADMSG;
	return 0;
}

int mpk_pm_parse_endpoint(const struct nlmsghdr *nlh, struct mpk_endpoint *ep)
{
	struct top_attrs t;
	int ret = parse_top(nlh, &t);

	if (ret < 0)
		return ret;
	if (!t.tb[MPK_MPTCP_PM_ATTR_ADDR])
		return -EPROTO;
	return parse_addr(t.tb[MPK_MPTCP_PM_ATTR_ADDR], ep);
}

int mpk_pm_parse_limits(const struct nlmsghdr *nlh, struct mpk_limits *limits)
{
	struct top_attrs t;
	int ret = parse_top(nlh, &t);

	if (ret < 0)
		return ret;
	if (!t.tb[MPK_MPTCP_PM_ATTR_SUBFLOWS] || !t.tb[MPK_MPTCP_PM_ATTR_RCV_ADD_ADDRS])
		return -EPROTO;
	limits->subflows = mnl_attr_get_u32(t.tb[MPK_MPTCP_PM_ATTR_SUBFLOWS]);
	limits->add_addr_accepted = mnl_attr_get_u32(t.tb[MPK_MPTCP_PM_ATTR_RCV_ADD_ADDRS]);
	return 0;
}

void mpk_pm_put_addr(struct nlmsghdr *nlh, uint16_t type,
		     const struct mpk_endpoint *ep, bool force_flags)
{
	struct nlattr *nest = mnl_attr_nest_start(nlh, type | NLA_F_NESTED);

	if (ep->family == AF_INET || ep->family == AF_INET6)
		mnl_attr_put_u16(nlh, MPK_MPTCP_PM_ADDR_ATTR_FAMILY, ep->family);
	if (ep->family == AF_INET)
		mnl_attr_put(nlh, MPK_MPTCP_PM_ADDR_ATTR_ADDR4, 4, &ep->addr.v4);
	else if (ep->family == AF_INET6)
		mnl_attr_put(nlh, MPK_MPTCP_PM_ADDR_ATTR_ADDR6, 16, &ep->addr.v6);
	if (ep->id)
		mnl_attr_put_u8(nlh, MPK_MPTCP_PM_ADDR_ATTR_ID, ep->id);
	if (ep->port)
		mnl_attr_put_u16(nlh, MPK_MPTCP_PM_ADDR_ATTR_PORT, ep->port);
	if (ep->flags || force_flags)
		mnl_attr_put_u32(nlh, MPK_MPTCP_PM_ADDR_ATTR_FLAGS, ep->flags);
	if (ep->ifindex)
		mnl_attr_put_u32(nlh, MPK_MPTCP_PM_ADDR_ATTR_IF_IDX, (uint32_t)ep->ifindex);
	mnl_attr_nest_end(nlh, nest);
}

static int parse_one(const struct nlmsghdr *nlh, char kind)
{
	union {
		struct mpk_endpoint ep;
		struct mpk_limits limits;
		struct mpk_pm_event ev;
	} u;

	switch (kind) {
	case 'e':
		return mpk_pm_parse_endpoint(nlh, &u.ep);
	case 'l':
		return mpk_pm_parse_limits(nlh, &u.limits);
	default:
		return mpk_pm_parse_event(nlh, &u.ev);
	}
}

int mpk_pm_parse_buffer(const void *buf, size_t len, char kind)
{
	const struct nlmsghdr *nlh = buf;
	int left = (int)len;
	int count = 0;

	if (len > INT32_MAX)
		return -EINVAL;
	while (mpk_nl_msg_ok(nlh, left)) {
		if (nlh->nlmsg_type >= NLMSG_MIN_TYPE && parse_one(nlh, kind) == 0)
			count++;
		nlh = mnl_nlmsg_next(nlh, &left);
	}
	return left > 0 ? -EBADMSG : count;
}
