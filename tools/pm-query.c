// SPDX-License-Identifier: GPL-2.0-or-later
/* Limits and endpoints of the in-kernel path manager, over libmnl. */
#include <arpa/inet.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <libmnl/libmnl.h>
#include <linux/genetlink.h>
#include <linux/mptcp.h>

#include "pm-query.h"

struct pm_query {
	struct mnl_socket *nl;
	uint16_t family_id;
	unsigned int events_group;
	unsigned int seq;
	char buf[32768]; /* MNL_SOCKET_DUMP_SIZE: big enough for a dump batch */
};

static struct nlmsghdr *put_request(struct pm_query *q, uint16_t type, uint8_t cmd,
				    uint16_t flags)
{
	struct nlmsghdr *nlh = mnl_nlmsg_put_header(q->buf);
	struct genlmsghdr *genl;

	nlh->nlmsg_type = type;
	nlh->nlmsg_flags = NLM_F_REQUEST | flags;
	nlh->nlmsg_seq = ++q->seq;
	genl = mnl_nlmsg_put_extra_header(nlh, sizeof(*genl));
	genl->cmd = cmd;
	genl->version = type == GENL_ID_CTRL ? 1 : MPTCP_PM_VER;
	return nlh;
}

/* Send nlh and run cb over every answer until the request is done. */
static int transact(struct pm_query *q, struct nlmsghdr *nlh, mnl_cb_t cb, void *data)
{
	unsigned int portid = mnl_socket_get_portid(q->nl);
	unsigned int seq = nlh->nlmsg_seq;
	ssize_t n;
	int ret;

	if (mnl_socket_sendto(q->nl, nlh, nlh->nlmsg_len) < 0)
		return -errno;
	do {
		n = mnl_socket_recvfrom(q->nl, q->buf, sizeof(q->buf));
		if (n < 0)
			return -errno;
		ret = mnl_cb_run(q->buf, (size_t)n, seq, portid, cb, data);
	} while (ret > 0);
	return ret < 0 ? -errno : 0;
}

static void parse_groups(struct pm_query *q, const struct nlattr *groups)
{
	const struct nlattr *grp, *a;

	mnl_attr_for_each_nested(grp, groups) {
		const char *name = NULL;
		unsigned int id = 0;

		mnl_attr_for_each_nested(a, grp) {
			if (mnl_attr_get_type(a) == CTRL_ATTR_MCAST_GRP_NAME)
				name = mnl_attr_get_str(a);
			else if (mnl_attr_get_type(a) == CTRL_ATTR_MCAST_GRP_ID)
				id = mnl_attr_get_u32(a);
		}
		if (name && !strcmp(name, MPTCP_PM_EV_GRP_NAME))
			q->events_group = id;
	}
}

static int family_cb(const struct nlmsghdr *nlh, void *data)
{
	struct pm_query *q = data;
	const struct nlattr *a;

	mnl_attr_for_each(a, nlh, sizeof(struct genlmsghdr)) {
		if (mnl_attr_get_type(a) == CTRL_ATTR_FAMILY_ID)
			q->family_id = mnl_attr_get_u16(a);
		else if (mnl_attr_get_type(a) == CTRL_ATTR_MCAST_GROUPS)
			parse_groups(q, a);
	}
	return MNL_CB_OK;
}

int pm_query_open(struct pm_query **out)
{
	struct pm_query *q = calloc(1, sizeof(*q));
	struct nlmsghdr *nlh;
	int err;

	if (!q)
		return -ENOMEM;
	q->seq = (unsigned int)time(NULL);
	q->nl = mnl_socket_open(NETLINK_GENERIC);
	if (!q->nl || mnl_socket_bind(q->nl, 0, MNL_SOCKET_AUTOPID) < 0) {
		err = -errno;
		pm_query_close(q);
		return err;
	}
	nlh = put_request(q, GENL_ID_CTRL, CTRL_CMD_GETFAMILY, NLM_F_ACK);
	mnl_attr_put_strz(nlh, CTRL_ATTR_FAMILY_NAME, MPTCP_PM_NAME);
	err = transact(q, nlh, family_cb, q);
	if (!err && !q->family_id)
		err = -ENOENT;
	if (err) {
		pm_query_close(q);
		return err;
	}
	*out = q;
	return 0;
}

void pm_query_close(struct pm_query *q)
{
	if (!q)
		return;
	if (q->nl)
		mnl_socket_close(q->nl);
	free(q);
}

unsigned int pm_query_events_group(const struct pm_query *q)
{
	return q->events_group;
}

static int limits_cb(const struct nlmsghdr *nlh, void *data)
{
	struct check_limits *limits = data;
	const struct nlattr *a;

	mnl_attr_for_each(a, nlh, sizeof(struct genlmsghdr)) {
		if (mnl_attr_get_type(a) == MPTCP_PM_ATTR_SUBFLOWS)
			limits->subflows = mnl_attr_get_u32(a);
		else if (mnl_attr_get_type(a) == MPTCP_PM_ATTR_RCV_ADD_ADDRS)
			limits->add_addr_accepted = mnl_attr_get_u32(a);
	}
	return MNL_CB_OK;
}

int pm_query_limits(struct pm_query *q, struct check_limits *limits)
{
	memset(limits, 0, sizeof(*limits));
	return transact(q, put_request(q, q->family_id, MPTCP_PM_CMD_GET_LIMITS, NLM_F_ACK),
			limits_cb, limits);
}

struct endpoint_list {
	struct check_endpoint *eps;
	size_t max, n;
};

static void parse_address(const struct nlattr *a, struct check_endpoint *ep)
{
	switch (mnl_attr_get_type(a)) {
	case MPTCP_PM_ADDR_ATTR_FAMILY:
		ep->family = mnl_attr_get_u16(a);
		break;
	case MPTCP_PM_ADDR_ATTR_ID:
		ep->id = mnl_attr_get_u8(a);
		break;
	case MPTCP_PM_ADDR_ATTR_ADDR4:
		inet_ntop(AF_INET, mnl_attr_get_payload(a), ep->addr, sizeof(ep->addr));
		break;
	case MPTCP_PM_ADDR_ATTR_ADDR6:
		inet_ntop(AF_INET6, mnl_attr_get_payload(a), ep->addr, sizeof(ep->addr));
		break;
	case MPTCP_PM_ADDR_ATTR_PORT:
		ep->port = mnl_attr_get_u16(a);
		break;
	case MPTCP_PM_ADDR_ATTR_FLAGS:
		ep->flags = mnl_attr_get_u32(a);
		break;
	case MPTCP_PM_ADDR_ATTR_IF_IDX:
		ep->ifindex = (int)mnl_attr_get_u32(a);
		break;
	}
}

static int endpoint_cb(const struct nlmsghdr *nlh, void *data)
{
	struct endpoint_list *list = data;
	const struct nlattr *a, *inner;
	struct check_endpoint *ep;

	if (list->n == list->max)
		return MNL_CB_OK;
	ep = &list->eps[list->n];
	memset(ep, 0, sizeof(*ep));
	ep->rp_filter = -1;
	mnl_attr_for_each(a, nlh, sizeof(struct genlmsghdr)) {
		if (mnl_attr_get_type(a) != MPTCP_PM_ATTR_ADDR)
			continue;
		mnl_attr_for_each_nested(inner, a)
			parse_address(inner, ep);
		list->n++;
		break;
	}
	return MNL_CB_OK;
}

int pm_query_endpoints(struct pm_query *q, struct check_endpoint *eps, size_t max, size_t *n)
{
	struct endpoint_list list = { eps, max, 0 };
	int err = transact(q, put_request(q, q->family_id, MPTCP_PM_CMD_GET_ADDR, NLM_F_DUMP),
			   endpoint_cb, &list);

	*n = list.n;
	return err;
}

int pm_group_listeners(unsigned int group)
{
	FILE *f;
	char line[256];
	int count = 0;

	if (group == 0 || group > 32)
		return -1;
	f = fopen("/proc/net/netlink", "re");
	if (!f)
		return -1;
	while (fgets(line, sizeof(line), f)) {
		unsigned long long sk;
		unsigned int proto, pid, groups;

		/* sk Eth Pid Groups ...: Groups is the first 32 bits in hex */
		if (sscanf(line, "%llx %u %u %x", &sk, &proto, &pid, &groups) != 4)
			continue;
		if (proto == NETLINK_GENERIC && (groups & (1u << (group - 1))))
			count++;
	}
	fclose(f);
	return count;
}
