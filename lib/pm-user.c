// SPDX-License-Identifier: LGPL-2.1-or-later
/* The userspace path manager's commands, one connection (token) at a time. */
#include <errno.h>

#include "internal.h"
#include "pm-internal.h"
#include "pm-parse.h"
#include "uapi/mptcp-pm-uapi.h"

static bool has_addr(const struct mpk_endpoint *ep)
{
	return ep && (ep->family == AF_INET || ep->family == AF_INET6);
}

/* token, then the local address (and the remote one when given). */
static int token_cmd(struct mpk_pm *pm, uint8_t cmd, uint32_t token,
		     const struct mpk_endpoint *local,
		     const struct mpk_endpoint *remote, bool force_flags)
{
	struct nlmsghdr *nlh = mpk_pm_request(pm, cmd, 0);

	mnl_attr_put_u32(nlh, MPK_MPTCP_PM_ATTR_TOKEN, token);
	mpk_pm_put_addr(nlh, MPK_MPTCP_PM_ATTR_ADDR, local, force_flags);
	if (remote)
		mpk_pm_put_addr(nlh, MPK_MPTCP_PM_ATTR_ADDR_REMOTE, remote, false);
	return mpk_nl_talk(&pm->nl, nlh, NULL, NULL);
}

MPK_EXPORT int mpk_pm_announce(struct mpk_pm *pm, uint32_t token, const struct mpk_endpoint *ep)
{
	struct mpk_endpoint a;

	if (!pm || !has_addr(ep) || !ep->id)
		return -EINVAL;
	a = *ep;
	a.flags |= MPK_EP_SIGNAL; /* the kernel requires it on announce */
	return token_cmd(pm, MPK_MPTCP_PM_CMD_ANNOUNCE, token, &a, NULL, false);
}

MPK_EXPORT int mpk_pm_remove(struct mpk_pm *pm, uint32_t token, uint8_t id)
{
	struct nlmsghdr *nlh;

	if (!pm)
		return -EINVAL;
	nlh = mpk_pm_request(pm, MPK_MPTCP_PM_CMD_REMOVE, 0);
	mnl_attr_put_u32(nlh, MPK_MPTCP_PM_ATTR_TOKEN, token);
	mnl_attr_put_u8(nlh, MPK_MPTCP_PM_ATTR_LOC_ID, id);
	return mpk_nl_talk(&pm->nl, nlh, NULL, NULL);
}

static bool remote_ok(const struct mpk_endpoint *local, const struct mpk_endpoint *remote)
{
	if (!has_addr(remote) || !remote->port)
		return false;
	return !has_addr(local) || local->family == remote->family;
}

MPK_EXPORT int mpk_pm_subflow_create(struct mpk_pm *pm, uint32_t token,
				     const struct mpk_endpoint *local,
				     const struct mpk_endpoint *remote)
{
	if (!pm || !local || !remote_ok(local, remote) || (!local->id && !has_addr(local)))
		return -EINVAL;
	return token_cmd(pm, MPK_MPTCP_PM_CMD_SUBFLOW_CREATE, token, local, remote, false);
}

MPK_EXPORT int mpk_pm_subflow_destroy(struct mpk_pm *pm, uint32_t token,
				      const struct mpk_endpoint *local,
				      const struct mpk_endpoint *remote)
{
	if (!pm || !has_addr(local) || !remote_ok(local, remote))
		return -EINVAL;
	return token_cmd(pm, MPK_MPTCP_PM_CMD_SUBFLOW_DESTROY, token, local, remote, false);
}

MPK_EXPORT int mpk_pm_subflow_set_backup(struct mpk_pm *pm, uint32_t token,
					 const struct mpk_endpoint *local,
					 const struct mpk_endpoint *remote, bool backup)
{
	struct mpk_endpoint l;

	if (!pm || !has_addr(local) || !remote_ok(local, remote))
		return -EINVAL;
	l = *local;
	l.flags = backup ? MPK_EP_BACKUP : 0;
	return token_cmd(pm, MPK_MPTCP_PM_CMD_SET_FLAGS, token, &l, remote, true);
}
