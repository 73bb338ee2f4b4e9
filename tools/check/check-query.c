// SPDX-License-Identifier: GPL-2.0-or-later
/* Limits and endpoints of the in-kernel path manager, through the
 * library's mpk_pm_* API, and who listens to its events. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <linux/netlink.h>
#include <sys/socket.h>

#include "mptcpkit.h"
#include "check-query.h"

#ifndef SOL_NETLINK
#define SOL_NETLINK 270
#endif

struct check_query {
	struct mpk_pm *pm;
	unsigned int events_group;
};

/* The id of the events multicast group: the one an events handle joins. */
static unsigned int find_events_group(void)
{
	struct mpk_pm_events *evs;
	uint32_t groups[4] = { 0 };
	socklen_t len = sizeof(groups);
	unsigned int id = 0;

	if (mpk_pm_events_open(&evs))
		return 0;
	if (getsockopt(mpk_pm_event_fd(evs), SOL_NETLINK, NETLINK_LIST_MEMBERSHIPS,
		       groups, &len) == 0) {
		for (unsigned int bit = 0; bit < 8 * sizeof(groups) && !id; bit++)
			if (groups[bit / 32] & (1u << (bit % 32)))
				id = bit + 1;
	}
	mpk_pm_events_close(evs);
	return id;
}

int check_query_open(struct check_query **out)
{
	struct check_query *q = calloc(1, sizeof(*q));
	int err;

	if (!q)
		return -ENOMEM;
	err = mpk_pm_open(&q->pm);
	if (err) {
		free(q);
		return err;
	}
	q->events_group = find_events_group();
	*out = q;
	return 0;
}

void check_query_close(struct check_query *q)
{
	if (!q)
		return;
	mpk_pm_close(q->pm);
	free(q);
}

unsigned int check_query_events_group(const struct check_query *q)
{
	return q->events_group;
}

int check_query_limits(struct check_query *q, struct mpk_limits *limits)
{
	return mpk_pm_limits_get(q->pm, limits);
}

int check_query_endpoints(struct check_query *q, struct check_endpoint *eps, size_t max, size_t *n)
{
	struct mpk_endpoint *list;
	size_t count;
	int err = mpk_pm_endpoint_list(q->pm, &list, &count);

	*n = 0;
	if (err)
		return err;
	for (size_t i = 0; i < count && i < max; i++) {
		eps[i] = (struct check_endpoint){ .ep = list[i], .rp_filter = -1 };
		(*n)++;
	}
	free(list);
	return 0;
}

int check_group_listeners(unsigned int group)
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
