// SPDX-License-Identifier: GPL-2.0-or-later
/* What `check` reads about the path manager: its type, limits, endpoints
 * (with their interfaces' rp_filter) and whether a daemon listens. */
#include <arpa/inet.h>
#include <ifaddrs.h>
#include <stdio.h>
#include <string.h>

#include "check-state.h"
#include "pm-query.h"
#include "sysctl.h"

static void read_path_manager(struct check_state *s)
{
	int pm_type;

	if (sysctl_read("net/mptcp/path_manager", s->path_manager, sizeof(s->path_manager)) == 0)
		return;
	if (sysctl_read_int("net/mptcp/pm_type", &pm_type) == 0)
		snprintf(s->path_manager, sizeof(s->path_manager), "%s",
			 pm_type == 0 ? "kernel" : "userspace");
	else
		s->path_manager[0] = '\0';
}

/* The interface holding addr, for the rp_filter of endpoints without dev. */
static void address_device(const struct ifaddrs *list, struct check_endpoint *ep)
{
	for (const struct ifaddrs *ifa = list; ifa; ifa = ifa->ifa_next) {
		char buf[INET6_ADDRSTRLEN];
		const void *a;

		if (!ifa->ifa_addr || ifa->ifa_addr->sa_family != ep->family)
			continue;
		a = ep->family == AF_INET
			? (const void *)&((const struct sockaddr_in *)ifa->ifa_addr)->sin_addr
			: (const void *)&((const struct sockaddr_in6 *)ifa->ifa_addr)->sin6_addr;
		if (inet_ntop(ep->family, a, buf, sizeof(buf)) && !strcmp(buf, ep->addr)) {
			snprintf(ep->addr_dev, sizeof(ep->addr_dev), "%s", ifa->ifa_name);
			return;
		}
	}
}

static int effective_rp_filter(int all, const char *ifname)
{
	int dev = ifname[0] ? sysctl_rp_filter(ifname) : -1;

	if (dev < 0)
		return -1;
	return dev > all ? dev : all; /* the kernel uses the larger of the two */
}

static void complete_endpoints(struct check_state *s)
{
	struct ifaddrs *list = NULL;

	getifaddrs(&list);
	for (size_t i = 0; i < s->num_endpoints; i++) {
		struct check_endpoint *ep = &s->endpoint[i];

		if (ep->ifindex > 0 && !if_indextoname((unsigned int)ep->ifindex, ep->dev))
			snprintf(ep->dev, sizeof(ep->dev), "#%d", ep->ifindex);
		address_device(list, ep);
		ep->rp_filter = effective_rp_filter(s->rp_filter_all,
						    ep->dev[0] ? ep->dev : ep->addr_dev);
	}
	if (list)
		freeifaddrs(list);
}

/* Limits, endpoints and whether anyone listens to PM events, over netlink. */
static void read_path_manager_state(struct check_state *s)
{
	struct pm_query *q;

	if (pm_query_open(&q))
		return;
	s->limits_known = pm_query_limits(q, &s->limits) == 0;
	s->endpoints_known = pm_query_endpoints(q, s->endpoint, CHECK_ENDPOINTS_MAX,
						&s->num_endpoints) == 0;
	s->pm_listener = pm_group_listeners(pm_query_events_group(q)) != 0;
	pm_query_close(q);
	complete_endpoints(s);
}

void check_gather(struct check_state *s)
{
	s->enabled = -1;
	if (sysctl_read_int("net/mptcp/enabled", &s->enabled))
		s->enabled = -1;
	if (sysctl_read_int("net/ipv4/conf/all/rp_filter", &s->rp_filter_all))
		s->rp_filter_all = -1;
	read_path_manager(s);
	read_path_manager_state(s);
}
