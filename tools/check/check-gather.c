// SPDX-License-Identifier: GPL-2.0-or-later
/* What `check` reads about the path manager: its type, limits, endpoints
 * (with their interfaces' rp_filter) and whether a daemon listens. */
#include <ifaddrs.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "check-state.h"
#include "check-query.h"
#include "netstat.h"
#include "sysctl.h"

static void read_path_manager(struct check_state *s)
{
	if (sysctl_path_manager(s->path_manager, sizeof(s->path_manager)) < 0) {
		s->path_manager[0] = '\0';
		s->pm = CHECK_PM_UNKNOWN;
	} else if (!strcmp(s->path_manager, "kernel")) {
		s->pm = CHECK_PM_KERNEL;
	} else if (!strcmp(s->path_manager, "userspace")) {
		s->pm = CHECK_PM_USERSPACE;
	} else {
		s->pm = CHECK_PM_OTHER;
	}
}

/* The address of one interface address, if of this family. */
static const void *ifa_in46(const struct ifaddrs *ifa, int family)
{
	if (!ifa->ifa_addr || ifa->ifa_addr->sa_family != family)
		return NULL;
	if (family == AF_INET)
		return &((const struct sockaddr_in *)ifa->ifa_addr)->sin_addr;
	return &((const struct sockaddr_in6 *)ifa->ifa_addr)->sin6_addr;
}

/* The interface holding addr, for the rp_filter of endpoints without dev. */
static void address_device(const struct ifaddrs *list, struct check_endpoint *ep)
{
	int family = ep->ep.family;
	size_t size = family == AF_INET ? sizeof(ep->ep.addr.v4) : sizeof(ep->ep.addr.v6);

	for (const struct ifaddrs *ifa = list; ifa; ifa = ifa->ifa_next) {
		const void *a = ifa_in46(ifa, family);

		if (a && !memcmp(a, &ep->ep.addr, size)) {
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

		if (ep->ep.ifindex > 0 && !if_indextoname((unsigned int)ep->ep.ifindex, ep->dev))
			snprintf(ep->dev, sizeof(ep->dev), "#%d", ep->ep.ifindex);
		address_device(list, ep);
		ep->rp_filter = effective_rp_filter(s->rp_filter_all, check_endpoint_dev(ep));
	}
	if (list)
		freeifaddrs(list);
}

/* Limits, endpoints and whether anyone listens to PM events, over netlink. */
static void read_path_manager_state(struct check_state *s)
{
	struct check_query *q;

	if (check_query_open(&q))
		return;
	s->limits_known = check_query_limits(q, &s->limits) == 0;
	s->endpoints_known = check_query_endpoints(q, s->endpoint, CHECK_ENDPOINTS_MAX,
						&s->num_endpoints) == 0;
	s->pm_listener = check_group_listeners(check_query_events_group(q)) != 0;
	check_query_close(q);
	complete_endpoints(s);
}

/* The join counters, for the hints of a server behind a load balancer. */
static void read_join_counters(struct check_state *s)
{
	struct netstat *ns = calloc(1, sizeof(*ns));

	if (sysctl_read_int("net/mptcp/allow_join_initial_addr_port", &s->c_flag_sysctl))
		s->c_flag_sysctl = -1;
	s->counters_known = ns && !netstat_read(NETSTAT_PATH, ns);
	if (s->counters_known) {
		s->join_syn_rx = netstat_get(ns, "MPJoinSynRx");
		s->join_no_token = netstat_get(ns, "MPJoinNoTokenFound");
		s->add_addr_tx = netstat_get(ns, "AddAddrTx");
	}
	free(ns);
}

void check_gather(struct check_state *s)
{
	s->enabled = -1;
	if (sysctl_read_int("net/mptcp/enabled", &s->enabled))
		s->enabled = -1;
	if (sysctl_read_int("net/ipv4/conf/all/rp_filter", &s->rp_filter_all))
		s->rp_filter_all = -1;
	if (sysctl_read("net/ipv4/tcp_congestion_control", s->cc, sizeof(s->cc)))
		s->cc[0] = '\0';
	read_path_manager(s);
	read_path_manager_state(s);
	read_join_counters(s);
}
