// SPDX-License-Identifier: GPL-2.0-or-later
/* Which addresses pmd uses, and with which endpoint flags. No side effects. */
#include <arpa/inet.h>
#include <linux/if_addr.h>
#include <linux/rtnetlink.h>
#include <stdio.h>
#include <string.h>

#include "pmd.h"

bool pmd_ip_equal(const struct pmd_ip *a, const struct pmd_ip *b)
{
	if (a->family != b->family)
		return false;
	if (a->family == AF_INET)
		return a->v4.s_addr == b->v4.s_addr;
	return !memcmp(&a->v6, &b->v6, sizeof(a->v6));
}

const char *pmd_ip_format(const struct pmd_ip *ip, char *buf, size_t len)
{
	if (!inet_ntop(ip->family, &ip->v6, buf, len))
		snprintf(buf, len, "?");
	return buf;
}

static bool is_loopback_or_link_local(const struct pmd_ip *ip)
{
	if (ip->family == AF_INET) {
		uint32_t a = ntohl(ip->v4.s_addr);

		return (a >> 24) == 127 || (a >> 16) == 0xa9fe;
	}
	return IN6_IS_ADDR_LOOPBACK(&ip->v6) || IN6_IS_ADDR_LINKLOCAL(&ip->v6) ||
	       IN6_IS_ADDR_V4MAPPED(&ip->v6);
}

/* The link carries traffic: up, and the carrier is there. */
static bool link_running(const struct pmd_link *l)
{
	return (l->flags & IFF_UP) && (l->flags & IFF_RUNNING);
}

static const char *link_unusable(const struct pmd_config *cfg,
				 const struct pmd_link *l)
{
	const struct pmd_ifconf *ic = pmd_config_if(cfg, l->name);

	if (l->flags & IFF_LOOPBACK)
		return "loopback interface";
	if (ic && ic->use == 0)
		return "interface excluded by its section";
	if (pmd_iflist_has(&cfg->exclude, l->name))
		return "interface excluded";
	if (cfg->only.count && !pmd_iflist_has(&cfg->only, l->name) &&
	    !(ic && ic->use == 1))
		return "interface not in the 'only' list";
	if (!link_running(l))
		return "link down";
	return NULL;
}

const char *pmd_addr_unusable(const struct pmd_config *cfg,
			      const struct pmd_net *net,
			      const struct pmd_addr *addr)
{
	const struct pmd_link *l = pmd_net_link(net, addr->ifindex);

	if (!l)
		return "link gone";
	if (is_loopback_or_link_local(&addr->ip) || addr->scope >= RT_SCOPE_LINK)
		return "loopback or link-local address";
	if (addr->ifa_flags & (IFA_F_TENTATIVE | IFA_F_DADFAILED | IFA_F_DEPRECATED))
		return "address not ready (tentative, failed DAD or deprecated)";
	return link_unusable(cfg, l);
}

static int flags_for(const struct pmd_config *cfg, const char *ifname)
{
	const struct pmd_ifconf *ic = pmd_config_if(cfg, ifname);
	int flags = cfg->mode == PMD_MODE_SERVER ? PMD_FLAG_SIGNAL : PMD_FLAG_SUBFLOW;

	if (ic && ic->flags >= 0)
		flags = ic->flags;
	if (pmd_iflist_has(&cfg->backup, ifname) || (ic && ic->backup == 1))
		flags |= PMD_FLAG_BACKUP;
	if (ic && ic->backup == 0)
		flags &= ~PMD_FLAG_BACKUP;
	return flags;
}

int pmd_wanted(const struct pmd_config *cfg, const struct pmd_net *net,
	       struct pmd_want *out, int max)
{
	int n = 0;

	for (int i = 0; i < net->naddrs && n < max; i++) {
		const struct pmd_addr *a = &net->addrs[i];
		const struct pmd_link *l;

		if (pmd_addr_unusable(cfg, net, a))
			continue;
		l = pmd_net_link(net, a->ifindex);
		out[n].ip = a->ip;
		out[n].ifindex = a->ifindex;
		snprintf(out[n].ifname, sizeof(out[n].ifname), "%s", l->name);
		out[n].flags = flags_for(cfg, l->name);
		n++;
	}
	return n;
}
