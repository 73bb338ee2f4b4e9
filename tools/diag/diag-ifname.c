// SPDX-License-Identifier: GPL-2.0-or-later
/* Interfaces of the subflows in a snapshot, from one getifaddrs() call:
 * thousands of subflows cost one netlink dump, not one lookup each. */
#include <errno.h>
#include <ifaddrs.h>
#include <stdio.h>
#include <string.h>
#include <net/if.h>

#include "diag-ifname.h"
#include "internal.h"

/* The interfaces seen so far, by name, with their index (one
 * if_nametoindex() per interface, not per subflow). */
struct names {
	char name[32][IF_NAMESIZE];
	unsigned int index[32];
	unsigned int n;
};

#define NAMES_MAX (sizeof(((struct names *)0)->index) / sizeof(unsigned int))

static void names_add(struct names *t, const char *name, unsigned int index)
{
	if (t->n == NAMES_MAX || index == 0)
		return;
	snprintf(t->name[t->n], IF_NAMESIZE, "%s", name);
	t->index[t->n++] = index;
}

static unsigned int index_of(struct names *t, const char *name)
{
	unsigned int index;

	for (unsigned int i = 0; i < t->n; i++)
		if (!strcmp(t->name[i], name))
			return t->index[i];
	index = if_nametoindex(name);
	names_add(t, name, index);
	return index;
}

static void name_of(struct names *t, unsigned int index, char *name)
{
	for (unsigned int i = 0; i < t->n; i++) {
		if (t->index[i] == index) {
			memcpy(name, t->name[i], IF_NAMESIZE);
			return;
		}
	}
	if (!if_indextoname(index, name))
		name[0] = '\0';
	else
		names_add(t, name, index);
}

static void name_by_address(struct mpk_subflow_info *sf, struct ifaddrs *list,
			    struct names *t)
{
	for (struct ifaddrs *ifa = list; ifa; ifa = ifa->ifa_next) {
		if (!ifa->ifa_addr || !mpk_same_host(ifa->ifa_addr, &sf->local))
			continue;
		snprintf(sf->ifname, IF_NAMESIZE, "%s", ifa->ifa_name);
		sf->ifindex = index_of(t, ifa->ifa_name);
		return;
	}
}

int diag_name_interfaces(struct diag_snapshot *s)
{
	struct ifaddrs *list;
	struct names t = { .n = 0 };

	if (getifaddrs(&list) < 0)
		return -errno;
	for (size_t i = 0; i < s->nsubflows; i++) {
		struct mpk_subflow_info *sf = &s->subflows[i].tcp;

		if (sf->ifindex == 0)
			name_by_address(sf, list, &t);
		else
			name_of(&t, sf->ifindex, sf->ifname);
	}
	freeifaddrs(list);
	return 0;
}
