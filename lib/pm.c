// SPDX-License-Identifier: LGPL-2.1-or-later
/* The mptcp_pm commands: in-kernel endpoints and limits. */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <linux/netlink.h>

#include "internal.h"
#include "nl.h"
#include "pm-internal.h"
#include "pm-parse.h"
#include "uapi/mptcp-pm-uapi.h"

MPK_EXPORT int mpk_pm_open(struct mpk_pm **out)
{
	struct mpk_pm *pm = calloc(1, sizeof(*pm));
	int ret;

	if (!pm)
		return -ENOMEM;
	ret = mpk_nl_open(&pm->nl, SOCK_CLOEXEC, MPK_MPTCP_PM_NAME, NULL);
	if (ret < 0) {
		free(pm);
		return ret;
	}
	*out = pm;
	return 0;
}

MPK_EXPORT void mpk_pm_close(struct mpk_pm *pm)
{
	if (!pm)
		return;
	mpk_nl_close(&pm->nl);
	free(pm);
}

MPK_EXPORT const char *mpk_pm_ext_ack(const struct mpk_pm *pm)
{
	return pm && pm->nl.ext_ack[0] ? pm->nl.ext_ack : NULL;
}

static bool family_ok(int family, bool required)
{
	if (family == AF_INET || family == AF_INET6)
		return true;
	return !required && family == AF_UNSPEC;
}

/* A command whose only argument is one address attribute. */
int mpk_pm_addr_cmd(struct mpk_pm *pm, uint8_t cmd, const struct mpk_endpoint *ep,
		    bool force_flags)
{
	struct nlmsghdr *nlh = mpk_pm_request(pm, cmd, 0);

	mpk_pm_put_addr(nlh, MPK_MPTCP_PM_ATTR_ADDR, ep, force_flags);
	return mpk_nl_talk(&pm->nl, nlh, NULL, NULL);
}

struct nlmsghdr *mpk_pm_request(struct mpk_pm *pm, uint8_t cmd, uint16_t flags)
{
	return mpk_nl_request(&pm->nl, cmd, flags);
}

MPK_EXPORT int mpk_pm_endpoint_add(struct mpk_pm *pm, const struct mpk_endpoint *ep)
{
	if (!pm || !ep || !family_ok(ep->family, true))
		return -EINVAL;
	return mpk_pm_addr_cmd(pm, MPK_MPTCP_PM_CMD_ADD_ADDR, ep, false);
}

MPK_EXPORT int mpk_pm_endpoint_delete(struct mpk_pm *pm, const struct mpk_endpoint *ep)
{
	struct mpk_endpoint del;

	if (!pm || !ep || !family_ok(ep->family, ep->id == 0))
		return -EINVAL;
	del = *ep;
	del.flags = 0;
	del.port = 0;
	del.ifindex = 0;
	return mpk_pm_addr_cmd(pm, MPK_MPTCP_PM_CMD_DEL_ADDR, &del, false);
}

MPK_EXPORT int mpk_pm_endpoint_set_flags(struct mpk_pm *pm, const struct mpk_endpoint *ep)
{
	struct mpk_endpoint set;

	if (!pm || !ep || !family_ok(ep->family, ep->id == 0))
		return -EINVAL;
	set = *ep;
	set.ifindex = 0;
	return mpk_pm_addr_cmd(pm, MPK_MPTCP_PM_CMD_SET_FLAGS, &set, true);
}

static int endpoint_reply_cb(const struct nlmsghdr *nlh, void *data)
{
	return mpk_pm_parse_endpoint(nlh, data);
}

MPK_EXPORT int mpk_pm_endpoint_get(struct mpk_pm *pm, uint8_t id, struct mpk_endpoint *out)
{
	struct mpk_endpoint key = { .id = id };
	struct nlmsghdr *nlh;
	int ret;

	if (!pm || !out || !id)
		return -EINVAL;
	nlh = mpk_pm_request(pm, MPK_MPTCP_PM_CMD_GET_ADDR, 0);
	mpk_pm_put_addr(nlh, MPK_MPTCP_PM_ATTR_ADDR, &key, false);
	memset(out, 0, sizeof(*out));
	ret = mpk_nl_talk(&pm->nl, nlh, endpoint_reply_cb, out);
	/* the kernel says EINVAL ("address not found") for a missing id */
	if (ret == -EINVAL && out->id == 0)
		ret = -ENOENT;
	return ret;
}

struct dump_ctx {
	mpk_endpoint_cb cb;
	void *data;
	int stop;
};

static int dump_reply_cb(const struct nlmsghdr *nlh, void *data)
{
	struct dump_ctx *ctx = data;
	struct mpk_endpoint ep;
	int ret = mpk_pm_parse_endpoint(nlh, &ep);

	if (ret < 0)
		return ret;
	ctx->stop = ctx->cb(&ep, ctx->data);
	return ctx->stop ? 1 : 0;
}

MPK_EXPORT int mpk_pm_endpoint_dump(struct mpk_pm *pm, mpk_endpoint_cb cb, void *data)
{
	struct dump_ctx ctx = { .cb = cb, .data = data };
	struct nlmsghdr *nlh;
	int ret;

	if (!pm || !cb)
		return -EINVAL;
	nlh = mpk_pm_request(pm, MPK_MPTCP_PM_CMD_GET_ADDR, NLM_F_DUMP);
	ret = mpk_nl_talk(&pm->nl, nlh, dump_reply_cb, &ctx);
	return ret < 0 ? ret : ctx.stop;
}

struct list_ctx {
	struct mpk_endpoint *eps;
	size_t count;
};

static int list_cb(const struct mpk_endpoint *ep, void *data)
{
	struct list_ctx *l = data;
	struct mpk_endpoint *more = realloc(l->eps, (l->count + 1) * sizeof(*ep));

	if (!more)
		return -ENOMEM;
	l->eps = more;
	l->eps[l->count++] = *ep;
	return 0;
}

MPK_EXPORT int mpk_pm_endpoint_list(struct mpk_pm *pm, struct mpk_endpoint **out, size_t *count)
{
	struct list_ctx l = { 0 };
	int ret = mpk_pm_endpoint_dump(pm, list_cb, &l);

	if (ret != 0) {
		free(l.eps);
		return ret < 0 ? ret : -EIO;
	}
	*out = l.eps;
	*count = l.count;
	return 0;
}

MPK_EXPORT int mpk_pm_endpoint_flush(struct mpk_pm *pm)
{
	struct mpk_endpoint none = { .family = AF_UNSPEC };

	if (!pm)
		return -EINVAL;
	/* the kernel's policy wants the (empty) address attribute */
	return mpk_pm_addr_cmd(pm, MPK_MPTCP_PM_CMD_FLUSH_ADDRS, &none, false);
}

static int limits_reply_cb(const struct nlmsghdr *nlh, void *data)
{
	return mpk_pm_parse_limits(nlh, data);
}

MPK_EXPORT int mpk_pm_limits_get(struct mpk_pm *pm, struct mpk_limits *out)
{
	struct nlmsghdr *nlh;

	if (!pm || !out)
		return -EINVAL;
	nlh = mpk_pm_request(pm, MPK_MPTCP_PM_CMD_GET_LIMITS, 0);
	return mpk_nl_talk(&pm->nl, nlh, limits_reply_cb, out);
}

MPK_EXPORT int mpk_pm_limits_set(struct mpk_pm *pm, const struct mpk_limits *limits)
{
	struct nlmsghdr *nlh;

	if (!pm || !limits)
		return -EINVAL;
	nlh = mpk_pm_request(pm, MPK_MPTCP_PM_CMD_SET_LIMITS, 0);
	if (limits->add_addr_accepted != MPK_LIMIT_KEEP)
		mnl_attr_put_u32(nlh, MPK_MPTCP_PM_ATTR_RCV_ADD_ADDRS, limits->add_addr_accepted);
	if (limits->subflows != MPK_LIMIT_KEEP)
		mnl_attr_put_u32(nlh, MPK_MPTCP_PM_ATTR_SUBFLOWS, limits->subflows);
	return mpk_nl_talk(&pm->nl, nlh, NULL, NULL);
}
