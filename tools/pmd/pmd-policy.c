// SPDX-License-Identifier: GPL-2.0-or-later
/* Which addresses pmd uses, and with which endpoint flags. No side effects. */
#include <arpa/inet.h>
#include <linux/if_addr.h>
#include <linux/rtnetlink.h>
#include <stdio.h>
#include <string.h>

#include "pmd.h"

static const char *const skip_text[] = {
	[PMD_SKIP_NONE] = "address usable",
	[PMD_SKIP_LINK_GONE] = "link gone",
	[PMD_SKIP_LOCAL_ADDR] = "loopback or link-local address",
	[PMD_SKIP_NOT_READY] = "address not ready (tentative, failed DAD or deprecated)",
	[PMD_SKIP_LOOPBACK_IF] = "loopback interface",
	[PMD_SKIP_EXCLUDED_SECTION] = "interface excluded by its section",
	[PMD_SKIP_EXCLUDED] = "interface excluded",
	[PMD_SKIP_NOT_ONLY] = "interface not in the 'only' list",
	[PMD_SKIP_LINK_DOWN] = "link down",
	[PMD_SKIP_PATH_DEAD] = "path dead (health check)",
	[PMD_SKIP_ADDR_GONE] = "address removed",
	[PMD_SKIP_FLAGS_CHANGED] = "flags changed",
};

const char *pmd_skip_text(enum pmd_skip why)
{
	if ((size_t)why >= sizeof(skip_text) / sizeof(skip_text[0]) || !skip_text[why])
		return "?";
	return skip_text[why];
}

static bool is_loopback_or_link_local(int family, const union mpk_in46 *ip)
{
	if (family == AF_INET) {
		uint32_t a = ntohl(ip->v4.s_addr);

		return (a >> 24) == 127 || (a >> 16) == 0xa9fe;
	}
	return IN6_IS_ADDR_LOOPBACK(&ip->v6) || IN6_IS_ADDR_LINKLOCAL(&ip->v6) ||
	       IN6_IS_ADDR_V4MAPPED(&ip->v6);
}

static enum pmd_skip link_unusable(const struct pmd_config *cfg,
				   const struct pmd_link *l)
{
	const struct pmd_ifconf *ic = pmd_config_if(cfg, l->name);

	if (l->flags & IFF_LOOPBACK)
		return PMD_SKIP_LOOPBACK_IF;
	if (ic && ic->use == 0)
		return PMD_SKIP_EXCLUDED_SECTION;
	if (pmd_iflist_has(&cfg->exclude, l->name))
		return PMD_SKIP_EXCLUDED;
	if (cfg->only.count && !pmd_iflist_has(&cfg->only, l->name) &&
	    !(ic && ic->use == 1))
		return PMD_SKIP_NOT_ONLY;
	if (!pmd_link_usable(l))
		return PMD_SKIP_LINK_DOWN;
	return PMD_SKIP_NONE;
}

enum pmd_skip pmd_addr_unusable(const struct pmd_config *cfg, const struct pmd_net *net,
				const struct pmd_health_view *health,
				const struct pmd_addr *addr)
{
	const struct pmd_link *l = pmd_net_link(net, addr->ifindex);
	enum pmd_skip why;

	if (!l)
		return PMD_SKIP_LINK_GONE;
	if (is_loopback_or_link_local(addr->family, &addr->ip) || addr->scope >= RT_SCOPE_LINK)
		return PMD_SKIP_LOCAL_ADDR;
	if (addr->ifa_flags & (IFA_F_TENTATIVE | IFA_F_DADFAILED | IFA_F_DEPRECATED))
		return PMD_SKIP_NOT_READY;
	why = link_unusable(cfg, l);
	if (why == PMD_SKIP_NONE && health && health->dead &&
	    health->dead(health->data, addr->family, &addr->ip, addr->ifindex))
		why = PMD_SKIP_PATH_DEAD;
	return why;
}

int pmd_flags_for(const struct pmd_config *cfg, const char *ifname)
{
	const struct pmd_ifconf *ic = pmd_config_if(cfg, ifname);
	int flags = cfg->mode == PMD_MODE_SERVER ? MPK_EP_SIGNAL : MPK_EP_SUBFLOW;

	if (ic && ic->flags >= 0)
		flags = ic->flags;
	if (pmd_iflist_has(&cfg->backup, ifname) || (ic && ic->backup == 1))
		flags |= MPK_EP_BACKUP;
	if (ic && ic->backup == 0)
		flags &= ~MPK_EP_BACKUP;
	return flags;
}

int pmd_wanted(const struct pmd_config *cfg, const struct pmd_net *net,
	       const struct pmd_health_view *health, struct pmd_want *out, int max)
{
	int n = 0;

	for (int i = 0; i < net->naddrs && n < max; i++) {
		const struct pmd_addr *a = &net->addrs[i];
		const struct pmd_link *l;

		if (pmd_addr_unusable(cfg, net, health, a) != PMD_SKIP_NONE)
			continue;
		l = pmd_net_link(net, a->ifindex);
		out[n].family = a->family;
		out[n].ip = a->ip;
		out[n].ifindex = a->ifindex;
		snprintf(out[n].ifname, sizeof(out[n].ifname), "%s", l->name);
		out[n].flags = pmd_flags_for(cfg, l->name);
		if (health && health->backup &&
		    health->backup(health->data, a->family, &a->ip, a->ifindex))
			out[n].flags |= MPK_EP_BACKUP;
		n++;
	}
	return n;
}
