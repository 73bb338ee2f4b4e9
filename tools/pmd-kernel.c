// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * pmd with the in-kernel path manager: one endpoint per usable address.
 * Deleting an endpoint makes the kernel close the subflows that use its
 * address (and send RM_ADDR), so data moves to the surviving paths at once
 * instead of after retransmission timeouts; adding it again makes the
 * kernel open subflows from it on existing connections. Only endpoints pmd
 * added are ever touched, and the limits it raised are restored at stop.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "mptcpkit.h"
#include "pmd.h"

/* An endpoint pmd added. */
struct owned {
	struct mpk_endpoint ep;
	char ifname[IF_NAMESIZE];
	bool demoted;	/* on_link_down = backup: flags set to backup */
};

struct pmd_kernel {
	const struct pmd_config *cfg;
	struct mpk_pm *pm;
	struct owned own[PMD_ADDRS_MAX];
	int nown;
	struct mpk_limits orig;		/* before pmd started */
	struct mpk_limits set;		/* what pmd last set */
	bool limits_changed;
};

static void ep_ip(const struct mpk_endpoint *ep, struct pmd_ip *ip)
{
	memset(ip, 0, sizeof(*ip));
	ip->family = ep->family;
	memcpy(&ip->v6, &ep->addr, ep->family == AF_INET ? 4 : 16);
}

static const char *ep_str(const struct mpk_endpoint *ep, char *buf, size_t len)
{
	struct pmd_ip ip;

	ep_ip(ep, &ip);
	return pmd_ip_format(&ip, buf, len);
}

static const char *err_str(struct pmd_kernel *k, int err)
{
	const char *ack = mpk_pm_ext_ack(k->pm);

	return ack ? ack : mpk_strerror(err);
}

static void log_ep(const char *action, const struct mpk_endpoint *ep,
		   const char *ifname, const char *why)
{
	char addr[INET6_ADDRSTRLEN], flags[64], id[8];

	snprintf(id, sizeof(id), "%u", ep->id);
	pmd_log(action, "address", ep_str(ep, addr, sizeof(addr)), "id", id,
		"dev", ifname, "flags", pmd_flags_format(ep->flags, flags, sizeof(flags)),
		"why", why, NULL);
}

int pmd_kernel_start(const struct pmd_config *cfg, struct pmd_kernel **out)
{
	struct pmd_kernel *k = calloc(1, sizeof(*k));
	int ret;

	if (!k)
		return -ENOMEM;
	k->cfg = cfg;
	ret = mpk_pm_open(&k->pm);
	if (!ret)
		ret = mpk_pm_limits_get(k->pm, &k->orig);
	if (ret) {
		mpk_pm_close(k->pm);
		free(k);
		return ret;
	}
	k->set = k->orig;
	*out = k;
	return 0;
}

static const struct mpk_endpoint *find_ep(const struct mpk_endpoint *eps,
					  size_t n, const struct pmd_ip *ip)
{
	for (size_t i = 0; i < n; i++) {
		struct pmd_ip e;

		ep_ip(&eps[i], &e);
		if (pmd_ip_equal(&e, ip))
			return &eps[i];
	}
	return NULL;
}

static const struct pmd_want *find_want(const struct pmd_want *w, int n,
					const struct mpk_endpoint *ep)
{
	struct pmd_ip ip;

	ep_ip(ep, &ip);
	for (int i = 0; i < n; i++) {
		if (pmd_ip_equal(&w[i].ip, &ip) && (int)w[i].ifindex == ep->ifindex)
			return &w[i];
	}
	return NULL;
}

/* Why an endpoint we own is no longer wanted, for the log. */
static const char *gone_reason(const struct pmd_kernel *k,
			       const struct pmd_net *net, const struct owned *o)
{
	struct pmd_ip ip;

	ep_ip(&o->ep, &ip);
	for (int i = 0; i < net->naddrs; i++) {
		if (net->addrs[i].ifindex == (unsigned int)o->ep.ifindex &&
		    pmd_ip_equal(&net->addrs[i].ip, &ip)) {
			const char *why = pmd_addr_unusable(k->cfg, net, &net->addrs[i]);

			return why ? why : "flags changed";
		}
	}
	return pmd_net_link(net, o->ep.ifindex) ? "address removed" : "link gone";
}

static bool owns(const struct pmd_kernel *k, const struct mpk_endpoint *ep)
{
	for (int i = 0; i < k->nown; i++) {
		if (k->own[i].ep.id == ep->id)
			return true;
	}
	return false;
}

static void forget(struct pmd_kernel *k, int i)
{
	k->own[i] = k->own[--k->nown];
}

/* on_link_down = backup: keep the endpoint, mark its subflows backup. */
static int demote(struct pmd_kernel *k, struct owned *o, const char *why)
{
	struct mpk_endpoint ep = o->ep;
	int ret;

	ep.flags |= MPK_EP_BACKUP;
	ret = mpk_pm_endpoint_set_flags(k->pm, &ep);
	if (ret) {
		pmd_log("error", "action", "set-backup", "why", err_str(k, ret), NULL);
		return ret;
	}
	o->demoted = true;
	log_ep("set-backup", &ep, o->ifname, why);
	return 0;
}

static int promote(struct pmd_kernel *k, struct owned *o)
{
	int ret = mpk_pm_endpoint_set_flags(k->pm, &o->ep);

	if (ret) {
		pmd_log("error", "action", "unset-backup", "why", err_str(k, ret), NULL);
		return ret;
	}
	o->demoted = false;
	log_ep("unset-backup", &o->ep, o->ifname, "link up again");
	return 0;
}

static int remove_owned(struct pmd_kernel *k, int i, const char *why)
{
	struct owned *o = &k->own[i];
	int ret = mpk_pm_endpoint_delete(k->pm, &o->ep);

	if (ret && ret != -ENOENT && ret != -EINVAL) {
		pmd_log("error", "action", "delete-endpoint", "why", err_str(k, ret), NULL);
		return ret;
	}
	log_ep("delete-endpoint", &o->ep, o->ifname, why);
	forget(k, i);
	return 0;
}

/* Drop the endpoints whose address or link went away. */
static int drop_unwanted(struct pmd_kernel *k, const struct pmd_net *net,
			 const struct pmd_want *w, int nw,
			 const struct mpk_endpoint *eps, size_t neps)
{
	int err = 0;

	for (int i = k->nown - 1; i >= 0; i--) {
		struct owned *o = &k->own[i];
		const struct pmd_want *want = find_want(w, nw, &o->ep);
		struct pmd_ip ip;

		ep_ip(&o->ep, &ip);
		if (!find_ep(eps, neps, &ip)) {
			log_ep("forget-endpoint", &o->ep, o->ifname,
			       "deleted by someone else");
			forget(k, i);
		} else if (want) {
			if (o->demoted)
				err = promote(k, o) ?: err;
		} else {
			const char *why = gone_reason(k, net, o);

			if (k->cfg->down == PMD_DOWN_BACKUP && !strcmp(why, "link down")) {
				if (!o->demoted)
					err = demote(k, o, why) ?: err;
			} else {
				err = remove_owned(k, i, why) ?: err;
			}
		}
	}
	return err;
}

/* The kernel's endpoint for this address. */
static int lookup(struct pmd_kernel *k, const struct pmd_ip *ip,
		  struct mpk_endpoint *out)
{
	struct mpk_endpoint *eps = NULL;
	const struct mpk_endpoint *ep;
	size_t n = 0;
	int ret = mpk_pm_endpoint_list(k->pm, &eps, &n);

	if (ret)
		return ret;
	ep = find_ep(eps, n, ip);
	if (ep)
		*out = *ep;
	free(eps);
	return ep ? 0 : -ENOENT;
}

static int add_one(struct pmd_kernel *k, const struct pmd_want *w)
{
	struct mpk_endpoint ep = { .family = w->ip.family, .flags = w->flags,
				   .ifindex = w->ifindex };
	struct mpk_endpoint got;
	struct owned *o;
	int ret;

	if (k->nown >= PMD_ADDRS_MAX)
		return -ENOSPC;
	memcpy(&ep.addr, &w->ip.v6, w->ip.family == AF_INET ? 4 : 16);
	ret = mpk_pm_endpoint_add(k->pm, &ep);
	if (ret) {
		pmd_log("error", "action", "add-endpoint", "dev", w->ifname,
			"why", err_str(k, ret), NULL);
		return ret;
	}
	/* the kernel chose the id: read it back by address */
	ret = lookup(k, &w->ip, &got);
	if (ret)
		return ret;
	o = &k->own[k->nown++];
	o->ep = got;
	o->demoted = false;
	snprintf(o->ifname, sizeof(o->ifname), "%s", w->ifname);
	log_ep("add-endpoint", &got, w->ifname, "address usable");
	return 0;
}

/* Add an endpoint for every wanted address that has none. */
static int add_missing(struct pmd_kernel *k, const struct pmd_want *w, int nw,
		       const struct mpk_endpoint *eps, size_t neps)
{
	int err = 0;

	for (int i = 0; i < nw; i++) {
		const struct mpk_endpoint *ep = find_ep(eps, neps, &w[i].ip);
		char addr[INET6_ADDRSTRLEN];

		if (ep && owns(k, ep))
			continue;
		if (ep) {
			pmd_debug("keep-endpoint", "address",
				  pmd_ip_format(&w[i].ip, addr, sizeof(addr)),
				  "why", "not pmd's (there before, or added by hand)",
				  NULL);
			continue;
		}
		err = add_one(k, &w[i]) ?: err;
	}
	return err;
}

static uint32_t max_u32(uint32_t a, uint32_t b)
{
	return a > b ? a : b;
}

/* Limits that let every endpoint be used: never below what was set
 * before pmd started (or what pmd set earlier, so a link that comes back
 * finds room), never above the kernel's maximum. */
static struct mpk_limits wanted_limits(const struct pmd_kernel *k, int nw)
{
	const struct pmd_config *cfg = k->cfg;
	struct mpk_limits l = k->set;
	uint32_t n = nw > PMD_LIMIT_MAX ? PMD_LIMIT_MAX : nw;

	l.subflows = cfg->subflows >= 0 ? (uint32_t)cfg->subflows : max_u32(l.subflows, n);
	if (cfg->add_addr_accepted >= 0)
		l.add_addr_accepted = cfg->add_addr_accepted;
	else if (cfg->mode == PMD_MODE_CLIENT)
		l.add_addr_accepted = max_u32(l.add_addr_accepted, n);
	return l;
}

static int sync_limits(struct pmd_kernel *k, int nw)
{
	struct mpk_limits want = wanted_limits(k, nw);
	char sub[16], acc[16];
	int ret;

	if (want.subflows == k->set.subflows &&
	    want.add_addr_accepted == k->set.add_addr_accepted)
		return 0;
	ret = mpk_pm_limits_set(k->pm, &want);
	if (ret) {
		pmd_log("error", "action", "set-limits", "why", err_str(k, ret), NULL);
		return ret;
	}
	k->set = want;
	k->limits_changed = true;
	snprintf(sub, sizeof(sub), "%u", want.subflows);
	snprintf(acc, sizeof(acc), "%u", want.add_addr_accepted);
	pmd_log("set-limits", "subflows", sub, "add_addr_accepted", acc,
		"why", "room for every endpoint", NULL);
	return 0;
}

/* -v: why each unused address is not used. */
static void log_skipped(const struct pmd_kernel *k, const struct pmd_net *net)
{
	for (int i = 0; i < net->naddrs; i++) {
		const char *why = pmd_addr_unusable(k->cfg, net, &net->addrs[i]);
		const struct pmd_link *l = pmd_net_link(net, net->addrs[i].ifindex);
		char addr[INET6_ADDRSTRLEN];

		if (why)
			pmd_debug("skip-address", "address",
				  pmd_ip_format(&net->addrs[i].ip, addr, sizeof(addr)),
				  "dev", l ? l->name : "?", "why", why, NULL);
	}
}

int pmd_kernel_sync(struct pmd_kernel *k, const struct pmd_net *net)
{
	struct pmd_want w[PMD_ADDRS_MAX];
	int nw = pmd_wanted(k->cfg, net, w, PMD_ADDRS_MAX);
	struct mpk_endpoint *eps = NULL;
	size_t neps = 0;
	int ret, err;

	log_skipped(k, net);
	ret = mpk_pm_endpoint_list(k->pm, &eps, &neps);
	if (ret) {
		pmd_log("error", "action", "list-endpoints", "why", err_str(k, ret), NULL);
		return ret;
	}
	/* removals first: a link that went down is the urgent case */
	err = drop_unwanted(k, net, w, nw, eps, neps);
	/* limits before additions, so the kernel has room for new subflows */
	err = sync_limits(k, nw) ?: err;
	err = add_missing(k, w, nw, eps, neps) ?: err;
	free(eps);
	return err;
}

int pmd_kernel_stop(struct pmd_kernel *k)
{
	int err = 0;

	while (k->nown)
		err = remove_owned(k, k->nown - 1, "pmd stopping") ?: err;
	if (k->limits_changed) {
		int ret = mpk_pm_limits_set(k->pm, &k->orig);
		char sub[16], acc[16];

		snprintf(sub, sizeof(sub), "%u", k->orig.subflows);
		snprintf(acc, sizeof(acc), "%u", k->orig.add_addr_accepted);
		if (ret)
			pmd_log("error", "action", "restore-limits", "why", err_str(k, ret), NULL);
		else
			pmd_log("restore-limits", "subflows", sub, "add_addr_accepted",
				acc, "why", "pmd stopping", NULL);
		err = ret ?: err;
	}
	mpk_pm_close(k->pm);
	free(k);
	return err;
}
