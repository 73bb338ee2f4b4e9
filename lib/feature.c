// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * The one table of kernel features: name, what it is, the Linux version
 * that brought it, what stands in for it, and how to probe for it. Every
 * message "X needs Linux V" in the library's users comes from here.
 */
#include <errno.h>
#include <string.h>

#include "internal.h"
#include "feature.h"
#include "uapi/mptcp-uapi.h"
#include "uapi/mptcp-pm-uapi.h"

static const struct mpk_feature_row table[MPK_FEATURE_COUNT] = {
	[MPK_FEATURE_MPTCP] = { "mptcp", "MPTCP sockets", "5.6", NULL,
		MPK_PROBE_SOCKET, 0 },
	[MPK_FEATURE_PM_NETLINK] = { "pm-netlink", "the mptcp_pm netlink family", "5.7", NULL,
		MPK_PROBE_GENL_FAMILY, 0 },
	[MPK_FEATURE_DIAG] = { "diag", "mptcp_diag (MPTCP sockets in sock_diag)", "5.9", NULL,
		MPK_PROBE_DIAG, 0 },
	[MPK_FEATURE_PM_EVENTS] = { "pm-events", "path-manager events", "5.12", NULL,
		MPK_PROBE_GENL_GROUP, 0 },
	[MPK_FEATURE_SET_FLAGS] = { "set-flags", "changing an endpoint's flags", "5.12", NULL,
		MPK_PROBE_GENL_CMD, MPK_MPTCP_PM_CMD_SET_FLAGS },
	[MPK_FEATURE_FULLMESH] = { "fullmesh", "the fullmesh endpoint flag", "5.15", NULL,
		MPK_PROBE_VERSION, 0 },
	[MPK_FEATURE_MPTCP_INFO] = { "mptcp-info", "MPTCP_INFO", "5.16", "SO_PROTOCOL (whether MPTCP was asked for)",
		MPK_PROBE_SOCKOPT, MPK_MPTCP_INFO },
	[MPK_FEATURE_USERSPACE_PM] = { "userspace-pm", "the userspace path manager", "5.19", NULL,
		MPK_PROBE_GENL_CMD, MPK_MPTCP_PM_CMD_ANNOUNCE },
	[MPK_FEATURE_FULL_INFO] = { "full-info", "MPTCP_FULL_INFO", "6.5",
		"MPTCP_INFO + MPTCP_SUBFLOW_ADDRS + MPTCP_TCPINFO",
		MPK_PROBE_SOCKOPT, MPK_MPTCP_FULL_INFO },
	[MPK_FEATURE_BYTE_COUNTERS] = { "byte-counters", "MPTCP-level byte counters", "6.5",
		"the subflows' TCP counters; the connection's shown as unknown",
		MPK_PROBE_INFO_SIZE, 0 },
	[MPK_FEATURE_SCHEDULER] = { "scheduler", "net.mptcp.scheduler", "6.6", "the built-in scheduler",
		MPK_PROBE_SYSCTL, 0 },
	[MPK_FEATURE_SECCOMP_SYNC] = { "seccomp-sync", "seccomp's synchronous wake-up", "6.6",
		"the usual wake-ups, slower per socket()",
		MPK_PROBE_SECCOMP, 0 },
	[MPK_FEATURE_TCP_IS_MPTCP] = { "tcp-is-mptcp", "TCP_IS_MPTCP", "6.10", "MPTCP_INFO, else SO_PROTOCOL",
		MPK_PROBE_SOCKOPT, MPK_TCP_IS_MPTCP },
	[MPK_FEATURE_BLACKHOLE] = { "blackhole", "MPTCP blackhole detection", "6.12", NULL,
		MPK_PROBE_SYSCTL, 0 },
	[MPK_FEATURE_PATH_MANAGER] = { "path-manager", "net.mptcp.path_manager", "6.15",
		"net.mptcp.pm_type, 5.19+", MPK_PROBE_SYSCTL, 0 },
	[MPK_FEATURE_LAMINAR] = { "laminar", "the laminar endpoint flag", "6.18", NULL,
		MPK_PROBE_VERSION, 0 },
};

/* The sysctl each MPK_PROBE_SYSCTL row looks for (kept apart: the rows
 * stay one line of facts each). */
static const char *const sysctl_of[MPK_FEATURE_COUNT] = {
	[MPK_FEATURE_SCHEDULER] = "net/mptcp/scheduler",
	[MPK_FEATURE_BLACKHOLE] = "net/mptcp/blackhole_timeout",
	[MPK_FEATURE_PATH_MANAGER] = "net/mptcp/path_manager",
};

const struct mpk_feature_row *mpk_feature_row(enum mpk_feature f)
{
	if ((unsigned int)f >= MPK_FEATURE_COUNT)
		return NULL;
	return &table[f];
}

const char *mpk_feature_sysctl(enum mpk_feature f)
{
	return (unsigned int)f < MPK_FEATURE_COUNT ? sysctl_of[f] : NULL;
}

MPK_EXPORT const char *mpk_feature_name(enum mpk_feature f)
{
	const struct mpk_feature_row *r = mpk_feature_row(f);

	return r ? r->name : NULL;
}

MPK_EXPORT const char *mpk_feature_describe(enum mpk_feature f)
{
	const struct mpk_feature_row *r = mpk_feature_row(f);

	return r ? r->what : "an unknown feature";
}

MPK_EXPORT const char *mpk_feature_since(enum mpk_feature f)
{
	const struct mpk_feature_row *r = mpk_feature_row(f);

	return r ? r->since : "?";
}

MPK_EXPORT const char *mpk_feature_fallback(enum mpk_feature f)
{
	const struct mpk_feature_row *r = mpk_feature_row(f);

	return r ? r->fallback : NULL;
}

MPK_EXPORT int mpk_feature_from_name(const char *name, enum mpk_feature *f)
{
	for (int i = 0; name && i < MPK_FEATURE_COUNT; i++) {
		if (!strcmp(name, table[i].name)) {
			*f = (enum mpk_feature)i;
			return 0;
		}
	}
	return -EINVAL;
}
