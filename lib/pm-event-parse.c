// SPDX-License-Identifier: LGPL-2.1-or-later
/* Decoding one mptcp_pm event message into struct mpk_pm_event. */
#include <errno.h>
#include <string.h>
#include <arpa/inet.h>
#include <linux/genetlink.h>

#include "nl.h"
#include "pm-parse.h"
#include "uapi/mptcp-pm-uapi.h"

/* The exact payload size of each known event attribute. */
static const uint8_t event_attr_len[MPK_MPTCP_ATTR_MAX + 1] = {
	[MPK_MPTCP_ATTR_TOKEN] = 4,
	[MPK_MPTCP_ATTR_FAMILY] = 2,
	[MPK_MPTCP_ATTR_LOC_ID] = 1,
	[MPK_MPTCP_ATTR_REM_ID] = 1,
	[MPK_MPTCP_ATTR_SADDR4] = 4,
	[MPK_MPTCP_ATTR_SADDR6] = 16,
	[MPK_MPTCP_ATTR_DADDR4] = 4,
	[MPK_MPTCP_ATTR_DADDR6] = 16,
	[MPK_MPTCP_ATTR_SPORT] = 2,
	[MPK_MPTCP_ATTR_DPORT] = 2,
	[MPK_MPTCP_ATTR_BACKUP] = 1,
	[MPK_MPTCP_ATTR_ERROR] = 1,
	[MPK_MPTCP_ATTR_FLAGS] = 2,
	[MPK_MPTCP_ATTR_TIMEOUT] = 4,
	[MPK_MPTCP_ATTR_IF_IDX] = 4,
	[MPK_MPTCP_ATTR_RESET_REASON] = 4,
	[MPK_MPTCP_ATTR_RESET_FLAGS] = 4,
	[MPK_MPTCP_ATTR_SERVER_SIDE] = 1,
};

static void store_scalar(struct mpk_pm_event *ev, int type, const struct nlattr *attr)
{
	switch (type) {
	case MPK_MPTCP_ATTR_TOKEN: ev->token = mnl_attr_get_u32(attr); break;
	case MPK_MPTCP_ATTR_FAMILY: ev->family = mnl_attr_get_u16(attr); break;
	case MPK_MPTCP_ATTR_LOC_ID: ev->loc_id = mnl_attr_get_u8(attr); break;
	case MPK_MPTCP_ATTR_REM_ID: ev->rem_id = mnl_attr_get_u8(attr); break;
	case MPK_MPTCP_ATTR_SPORT: ev->sport = ntohs(mnl_attr_get_u16(attr)); break;
	case MPK_MPTCP_ATTR_DPORT: ev->dport = ntohs(mnl_attr_get_u16(attr)); break;
	case MPK_MPTCP_ATTR_BACKUP: ev->backup = mnl_attr_get_u8(attr) != 0; break;
	case MPK_MPTCP_ATTR_ERROR: ev->error = mnl_attr_get_u8(attr); break;
	case MPK_MPTCP_ATTR_FLAGS: ev->flags = mnl_attr_get_u16(attr); break;
	case MPK_MPTCP_ATTR_TIMEOUT: ev->timeout = mnl_attr_get_u32(attr); break;
	case MPK_MPTCP_ATTR_IF_IDX: ev->ifindex = (int)mnl_attr_get_u32(attr); break;
	case MPK_MPTCP_ATTR_RESET_REASON: ev->reset_reason = mnl_attr_get_u32(attr); break;
	case MPK_MPTCP_ATTR_RESET_FLAGS: ev->reset_flags = mnl_attr_get_u32(attr); break;
	case MPK_MPTCP_ATTR_SERVER_SIDE: ev->server_side = mnl_attr_get_u8(attr) != 0; break;
	}
}

static int event_attr_cb(const struct nlattr *attr, void *data)
{
	struct mpk_pm_event *ev = data;
	int type = mnl_attr_get_type(attr);
	const void *p = mnl_attr_get_payload(attr);

	if (mnl_attr_type_valid(attr, MPK_MPTCP_ATTR_MAX) < 0 || type == 0)
		return MNL_CB_OK; /* newer kernel: skip */
	if (mnl_attr_get_payload_len(attr) != event_attr_len[type])
		return MNL_CB_ERROR;
	ev->present |= 1u << type;
	if (type == MPK_MPTCP_ATTR_SADDR4)
		memcpy(&ev->saddr.v4, p, 4);
	else if (type == MPK_MPTCP_ATTR_SADDR6)
		memcpy(&ev->saddr.v6, p, 16);
	else if (type == MPK_MPTCP_ATTR_DADDR4)
		memcpy(&ev->daddr.v4, p, 4);
	else if (type == MPK_MPTCP_ATTR_DADDR6)
		memcpy(&ev->daddr.v6, p, 16);
	else
		store_scalar(ev, type, attr);
	return MNL_CB_OK;
}

/* ANNOUNCED carries no family attribute: the address attribute tells.
 * An address of the other family than the one stated is a lie. */
static int check_family(struct mpk_pm_event *ev)
{
	uint32_t v4 = (1u << MPK_MPTCP_ATTR_SADDR4) | (1u << MPK_MPTCP_ATTR_DADDR4);
	uint32_t v6 = (1u << MPK_MPTCP_ATTR_SADDR6) | (1u << MPK_MPTCP_ATTR_DADDR6);

	if (!(ev->present & MPK_PM_EV_FAMILY)) {
		if ((ev->present & v4) && (ev->present & v6))
			return -EPROTO;
		ev->family = (ev->present & v4) ? AF_INET : (ev->present & v6) ? AF_INET6 : AF_UNSPEC;
		return 0;
	}
	if ((ev->present & v4) && ev->family != AF_INET)
		return -EPROTO;
	if ((ev->present & v6) && ev->family != AF_INET6)
		return -EPROTO;
	return 0;
}

int mpk_pm_parse_event(const struct nlmsghdr *nlh, struct mpk_pm_event *ev)
{
	const struct genlmsghdr *genl = mnl_nlmsg_get_payload(nlh);
	size_t hdr = MNL_NLMSG_HDRLEN + GENL_HDRLEN;

	memset(ev, 0, sizeof(*ev));
	if (nlh->nlmsg_len < hdr ||
	    mpk_nl_attrs_complete((const char *)nlh + hdr, nlh->nlmsg_len - hdr) < 0)
		return -EBADMSG;
	ev->type = genl->cmd;
	if (mnl_attr_parse(nlh, GENL_HDRLEN, event_attr_cb, ev) != MNL_CB_OK) {
		memset(ev, 0, sizeof(*ev));
		return -EBADMSG;
	}
	if (ev->flags & MPK_MPTCP_PM_EV_FLAG_SERVER_SIDE)
		ev->server_side = true;
	return check_family(ev);
}
