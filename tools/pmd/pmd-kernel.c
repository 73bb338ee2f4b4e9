// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * pmd with the in-kernel path manager: one endpoint per usable address.
 *
 * How the kernel (6.18, measured in tests/netns/84-pmd-kernel-facts.sh)
 * treats endpoints, which decides what pmd does:
 *  - deleting an endpoint closes the subflows that use its address on
 *    every connection and sends RM_ADDR over a subflow that is not stale,
 *    so the peer closes its side too and re-sends what was in flight on the
 *    survivors at once; this is how traffic leaves a dead path;
 *  - that includes the initial subflow (address id 0): the kernel matches
 *    an endpoint with the initial subflow's address (mpc_endpoint_id) and
 *    closes it as well; adding the endpoint again opens a new subflow from
 *    that address on every connection that lacks one;
 *  - a connection whose subflows are all closed this way stays open, and
 *    new joins revive it, but RM_ADDR then cannot reach the peer: its
 *    subflows on the dead paths stay, count against its subflow limit and
 *    make it refuse the joins (what killed connections under churn); and
 *    once, on a loaded machine, such a revived connection delivered data
 *    that failed its checksum. So pmd never deletes the endpoint of the
 *    last usable path;
 *  - a connection that can take no new subflow (half-closed, limit
 *    reached: pmd-stuck.c has the kernel's rules) lives on the subflows it
 *    has; so pmd never deletes or refreshes the endpoint that carries its
 *    last working subflow either;
 *  - subflows that close for any other reason are never re-created by the
 *    kernel: pmd deletes and adds the endpoint again (a refresh);
 *  - marking an endpoint backup instead (on_link_down = backup) sends
 *    MP_PRIO and the scheduler stops sending new data there, but what is
 *    in flight on its subflows stays: the kernel re-sends an MPTCP
 *    connection's unacknowledged data elsewhere when a subflow closes
 *    (__mptcp_close_ssk) or goes stale (net.mptcp.stale_loss_cnt, 4,
 *    MPTCP-level retransmission timeouts without progress), and its own
 *    retransmission uses only a subflow with nothing outstanding, never a
 *    busy survivor. Measured (churn, 2026-12-07): backup 0.54 / 0.42 of the
 *    capacity up (up / down) one-ended, 0.59 / 0.64 two-ended, against
 *    0.85 / 0.78 two-ended for deleting: deleting stays the default;
 *  - the FIN of a subflow closed while its path is down, and often the
 *    RM_ADDR, are lost, and the server keeps counting that subflow against
 *    its limit: a client's pmd resets it before joining again
 *    (reset_leftovers).
 * Only endpoints pmd added are ever touched, and the limits it raised are
 * restored at stop. What it added is written under /run (pmd-state.c) so
 * that a pmd killed with SIGKILL is followed by one that adopts it.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "mptcpkit.h"
#include "pmd.h"

/* An endpoint pmd added. */
struct owned {
	struct mpk_endpoint ep;
	char ifname[IF_NAMESIZE];
	bool demoted;	/* on_link_down = backup: flags set to backup */
	bool kept;	/* unusable, but kept as the last path (logged once) */
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

static const char *err_str(struct pmd_kernel *k, int err)
{
	const char *ack = mpk_pm_ext_ack(k->pm);

	return ack ? ack : mpk_strerror(err);
}

static void log_ep(const char *action, const struct mpk_endpoint *ep,
		   const char *ifname, const char *why)
{
	char flags[64];

	pmd_log_begin(action);
	pmd_log_addr("address", ep->family, &ep->addr);
	pmd_log_uint("id", ep->id);
	pmd_log_str("dev", ifname);
	pmd_log_str("flags", pmd_flags_format(ep->flags, flags, sizeof(flags)));
	pmd_log_end(why);
}

static void log_failed(struct pmd_kernel *k, const char *action, int err)
{
	pmd_log_error(action, err_str(k, err));
}

static void save_state(const struct pmd_kernel *k)
{
	struct pmd_saved s = { .limits = k->orig, .have_limits = true, .pid = getpid() };

	for (int i = 0; i < k->nown; i++)
		s.eps[s.neps++] = k->own[i].ep;
	if (pmd_state_save(&s))
		pmd_log_error("save-state", "cannot write the state file under " PMD_STATE_DIR);
}

static bool ep_is(const struct mpk_endpoint *ep, int family, const union mpk_in46 *ip)
{
	return ep->family == family && pmd_in46_equal(family, &ep->addr, ip);
}

static const struct mpk_endpoint *find_ep(const struct mpk_endpoint *eps, size_t n,
					  int family, const union mpk_in46 *ip)
{
	for (size_t i = 0; i < n; i++) {
		if (ep_is(&eps[i], family, ip))
			return &eps[i];
	}
	return NULL;
}

static const struct pmd_want *find_want(const struct pmd_want *w, int n,
					const struct mpk_endpoint *ep)
{
	for (int i = 0; i < n; i++) {
		if (ep_is(ep, w[i].family, &w[i].ip) && (int)w[i].ifindex == ep->ifindex)
			return &w[i];
	}
	return NULL;
}

/* Adopt what a pmd that did not stop left: its endpoints that are still
 * there (same id and address), and the limits it found. */
static void adopt(struct pmd_kernel *k)
{
	struct pmd_saved s;
	struct mpk_endpoint *eps = NULL;
	size_t n = 0;

	if (pmd_state_load(&s) || mpk_pm_endpoint_list(k->pm, &eps, &n))
		return;
	if (s.have_limits) {
		k->orig = s.limits;
		k->limits_changed = true;
	}
	for (int i = 0; i < s.neps && k->nown < PMD_ADDRS_MAX; i++) {
		const struct mpk_endpoint *ep = find_ep(eps, n, s.eps[i].family, &s.eps[i].addr);
		char ifname[IF_NAMESIZE] = "?";
		struct owned *o;

		if (!ep || ep->id != s.eps[i].id)
			continue;
		o = &k->own[k->nown++];
		*o = (struct owned){ .ep = *ep };
		if (ep->ifindex && if_indextoname(ep->ifindex, ifname))
			snprintf(o->ifname, sizeof(o->ifname), "%s", ifname);
		else
			snprintf(o->ifname, sizeof(o->ifname), "?");
		log_ep("adopt-endpoint", ep, o->ifname,
		       "added by a pmd that did not stop (SIGKILL or crash)");
	}
	free(eps);
	save_state(k);
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
	/* setting them unchanged: -EPERM now, not at the first endpoint */
	if (!ret)
		ret = mpk_pm_limits_set(k->pm, &k->orig);
	if (ret) {
		mpk_pm_close(k->pm);
		free(k);
		return ret;
	}
	adopt(k);
	k->set = k->orig;
	if (k->limits_changed)
		mpk_pm_limits_get(k->pm, &k->set);
	*out = k;
	return 0;
}

/* Why an endpoint we own is no longer wanted. */
static enum pmd_skip gone_reason(const struct pmd_kernel *k, const struct pmd_net *net,
				 const struct pmd_health_view *health,
				 const struct owned *o)
{
	const struct pmd_addr *a = pmd_net_addr(net, o->ep.family, &o->ep.addr,
						(unsigned int)o->ep.ifindex);
	enum pmd_skip why;

	if (!a)
		return pmd_net_link(net, o->ep.ifindex) ? PMD_SKIP_ADDR_GONE : PMD_SKIP_LINK_GONE;
	why = pmd_addr_unusable(k->cfg, net, health, a);
	return why == PMD_SKIP_NONE ? PMD_SKIP_FLAGS_CHANGED : why;
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
	save_state(k);
}

/* on_link_down = backup: keep the endpoint, mark its subflows backup. */
static int demote(struct pmd_kernel *k, struct owned *o, const char *why)
{
	struct mpk_endpoint ep = o->ep;
	int ret;

	ep.flags |= MPK_EP_BACKUP;
	ret = mpk_pm_endpoint_set_flags(k->pm, &ep);
	if (ret) {
		log_failed(k, "set-backup", ret);
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
		log_failed(k, "unset-backup", ret);
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
		log_failed(k, "delete-endpoint", ret);
		return ret;
	}
	log_ep("delete-endpoint", &o->ep, o->ifname, why);
	forget(k, i);
	return 0;
}

/* The path may come back with its address: a candidate to keep. */
static bool may_return(enum pmd_skip why)
{
	return why == PMD_SKIP_LINK_DOWN || why == PMD_SKIP_PATH_DEAD;
}

/* Owned endpoints that are wanted, other than o. */
static int other_usable(const struct pmd_kernel *k, const struct owned *o,
			const struct pmd_want *w, int nw)
{
	int n = 0;

	for (int i = 0; i < k->nown; i++) {
		if (&k->own[i] != o && find_want(w, nw, &k->own[i].ep))
			n++;
	}
	return n;
}

/* Its address carries subflows that leave by another path that works (a
 * server's joins keep the first address): deleting it would close them. */
static bool shared(const struct owned *o, const struct pmd_health_view *health)
{
	return health && health->shared &&
	       health->shared(health->data, o->ep.family, &o->ep.addr, (unsigned int)o->ep.ifindex);
}

/* It carries the last working subflow of a connection that can take no
 * new subflow: deleting it would close that subflow for good. */
static bool pinned(const struct owned *o, const struct pmd_health_view *health)
{
	return health && health->pinned &&
	       health->pinned(health->data, o->ep.family, &o->ep.addr, (unsigned int)o->ep.ifindex);
}

/* Keep an unwanted endpoint (said once), and look again soon: what keeps
 * it may go. */
static int keep_owned(struct owned *o, bool *kept, const char *why)
{
	if (!o->kept)
		log_ep("keep-endpoint", &o->ep, o->ifname, why);
	o->kept = true;
	*kept = true;
	return 0;
}

/* An owned endpoint that is not wanted: delete, demote, or keep it. */
static int drop_one(struct pmd_kernel *k, int i, enum pmd_skip why,
		    const struct pmd_want *w, int nw,
		    const struct pmd_health_view *health, bool *kept)
{
	struct owned *o = &k->own[i];

	if (may_return(why) && pinned(o, health))
		return keep_owned(o, kept, "it carries the last subflow of a connection that "
				  "cannot take new subflows: a link that comes back revives "
				  "a kept subflow, a deleted one never comes back");
	if (may_return(why) && shared(o, health))
		return keep_owned(o, kept, "its address also carries subflows over paths "
				  "that work: deleting it would close them too");
	if (may_return(why) && !other_usable(k, o, w, nw))
		return keep_owned(o, kept, "the last path: deleting it would leave "
				  "connections no subflow to tell the peer");
	if (k->cfg->down == PMD_DOWN_BACKUP && why == PMD_SKIP_LINK_DOWN)
		return o->demoted ? 0 : demote(k, o, pmd_skip_text(why));
	return remove_owned(k, i, pmd_skip_text(why));
}

/* The path's backup flag as pmd-prefer.c wants it (MP_PRIO on its
 * subflows; they stay open). */
static int follow_backup(struct pmd_kernel *k, struct owned *o, int flags)
{
	struct mpk_endpoint ep = o->ep;
	bool backup = flags & MPK_EP_BACKUP;
	int ret;

	if (!!(o->ep.flags & MPK_EP_BACKUP) == backup)
		return 0;
	ep.flags = backup ? ep.flags | MPK_EP_BACKUP : ep.flags & ~MPK_EP_BACKUP;
	ret = mpk_pm_endpoint_set_flags(k->pm, &ep);
	if (ret) {
		log_failed(k, backup ? "set-backup" : "unset-backup", ret);
		return ret;
	}
	o->ep.flags = ep.flags;
	save_state(k);
	log_ep(backup ? "set-backup" : "unset-backup", &ep, o->ifname,
	       backup ? "prefer: a much slower path waits" : "prefer: the path is used again");
	return 0;
}

/* The kernel sends MP_PRIO only when the flag changes: an endpoint whose
 * subflows missed it (pmd-watch.c) gets the other flag and its own again,
 * back to back. */
static int resend_prio(struct pmd_kernel *k, struct owned *o,
		       const struct pmd_health_view *health)
{
	struct mpk_endpoint ep = o->ep;
	bool backup = o->ep.flags & MPK_EP_BACKUP;
	int ret;

	if (!health || !health->prio_lost ||
	    !health->prio_lost(health->data, o->ep.family, &o->ep.addr,
			       (unsigned int)o->ep.ifindex))
		return 0;
	ep.flags ^= MPK_EP_BACKUP;
	ret = mpk_pm_endpoint_set_flags(k->pm, &ep);
	if (!ret)
		ret = mpk_pm_endpoint_set_flags(k->pm, &o->ep);
	if (ret)
		log_failed(k, backup ? "set-backup" : "unset-backup", ret);
	else
		log_ep(backup ? "set-backup" : "unset-backup", &o->ep, o->ifname,
		       "prefer: MP_PRIO again, subflows missed it");
	return ret;
}

/* Drop the endpoints whose address, link or path went away. */
static int drop_unwanted(struct pmd_kernel *k, const struct pmd_net *net,
			 const struct pmd_health_view *health,
			 const struct pmd_want *w, int nw,
			 const struct mpk_endpoint *eps, size_t neps, bool *kept)
{
	int err = 0, ret;

	for (int i = k->nown - 1; i >= 0; i--) {
		struct owned *o = &k->own[i];
		const struct pmd_want *want;

		if (!find_ep(eps, neps, o->ep.family, &o->ep.addr)) {
			log_ep("forget-endpoint", &o->ep, o->ifname, "deleted by someone else");
			forget(k, i);
			continue;
		}
		if ((want = find_want(w, nw, &o->ep))) {
			o->kept = false;
			ret = o->demoted ? promote(k, o) : 0;
			if (!ret && !o->demoted)
				ret = follow_backup(k, o, want->flags);
			if (!ret && !o->demoted)
				ret = resend_prio(k, o, health);
		} else {
			ret = drop_one(k, i, gone_reason(k, net, health, o), w, nw, health, kept);
		}
		if (ret)
			err = ret;
	}
	return err;
}

/* The kernel's endpoint for this address. */
static int lookup(struct pmd_kernel *k, int family, const union mpk_in46 *ip,
		  struct mpk_endpoint *out)
{
	struct mpk_endpoint *eps = NULL;
	const struct mpk_endpoint *ep;
	size_t n = 0;
	int ret = mpk_pm_endpoint_list(k->pm, &eps, &n);

	if (ret)
		return ret;
	ep = find_ep(eps, n, family, ip);
	if (ep)
		*out = *ep;
	free(eps);
	return ep ? 0 : -ENOENT;
}

static int add_one(struct pmd_kernel *k, const struct pmd_want *w, const char *why)
{
	struct mpk_endpoint ep = { .family = w->family, .addr = w->ip, .flags = w->flags,
				   .ifindex = w->ifindex };
	struct mpk_endpoint got;
	struct owned *o;
	int ret;

	if (k->nown >= PMD_ADDRS_MAX)
		return -ENOSPC;
	ret = mpk_pm_endpoint_add(k->pm, &ep);
	if (ret) {
		log_failed(k, "add-endpoint", ret);
		return ret;
	}
	/* the kernel chose the id: read it back by address */
	ret = lookup(k, w->family, &w->ip, &got);
	if (ret)
		return ret;
	o = &k->own[k->nown++];
	*o = (struct owned){ .ep = got };
	snprintf(o->ifname, sizeof(o->ifname), "%s", w->ifname);
	save_state(k);
	log_ep("add-endpoint", &got, w->ifname, why);
	return 0;
}

/* Before a client's endpoint is added again, the subflows that were closed
 * from its address while the path was down. Deleting the endpoint (link
 * down, path dead) closes them: their FIN, and the RM_ADDR the kernel
 * sends on one pure ACK, are lost with the path often enough (RM_ADDR: 8-14
 * of 35 in one-ended churn), and the server keeps its side, counted against
 * its subflow limit (the kernel's default is 2), until a FIN gets through
 * at the retransmission timer's backed-off pace, often after the new join
 * (MPJoinRejected; churn seen from the client, 0.49-0.76 of the capacity
 * up). SOCK_DESTROY aborts them (tcp_abort, 6.11+ also for a socket its
 * owner closed): a reset over the path that is back, which the server
 * takes at once or answers with a challenge ACK that the client, socket
 * gone, answers with a reset it takes. The join waits RESET_MS
 * (pmd-run.c) so that the server has freed their slots. Returns how many. */
static int reset_leftovers(struct pmd_kernel *k, const struct pmd_want *w,
			   const struct pmd_health_view *health)
{
	int n;

	if (k->cfg->mode != PMD_MODE_CLIENT || !health || !health->reset_closing)
		return 0;
	n = health->reset_closing(health->data, w->family, &w->ip);
	if (n < 0) {
		pmd_log_error("reset-subflows", mpk_strerror(n));	/* joins all the same */
		return 0;
	}
	if (n > 0) {
		pmd_log_begin("reset-subflows");
		pmd_log_addr("address", w->family, &w->ip);
		pmd_log_str("dev", w->ifname);
		pmd_log_uint("subflows", (uint64_t)n);
		pmd_log_end("closed while the path was down, their FIN not acknowledged: "
			    "the server may still count them against its subflow limit");
	}
	return n;
}

/* Add an endpoint for every wanted address that has none (*later: one
 * waits for the resets of reset_leftovers). */
static int add_missing(struct pmd_kernel *k, const struct pmd_want *w, int nw,
		       const struct mpk_endpoint *eps, size_t neps,
		       const struct pmd_health_view *health, bool *later)
{
	int err = 0, ret;

	for (int i = 0; i < nw; i++) {
		const struct mpk_endpoint *ep = find_ep(eps, neps, w[i].family, &w[i].ip);

		if (ep && owns(k, ep))
			continue;
		if (!ep && reset_leftovers(k, &w[i], health) > 0) {
			*later = true;
			continue;
		}
		/* The kernel makes an implicit endpoint for an address it
		 * joins an announced address from (a server's pmd announces),
		 * with no subflow flag, and an added endpoint replaces it.
		 * Measured: left alone, it held the address after the cut of
		 * its path, so that path never got a subflow of its own again. */
		if (ep && (ep->flags & MPK_EP_IMPLICIT)) {
			ret = add_one(k, &w[i], "replaces the kernel's implicit endpoint");
			if (ret)
				err = ret;
			continue;
		}
		if (ep) {
			if (pmd_log_verbose()) {
				pmd_log_begin("keep-endpoint");
				pmd_log_addr("address", w[i].family, &w[i].ip);
				pmd_log_end("not pmd's (there before, or added by hand)");
			}
			continue;
		}
		ret = add_one(k, &w[i], pmd_skip_text(PMD_SKIP_NONE));
		if (ret)
			err = ret;
	}
	return err;
}

static uint32_t max_u32(uint32_t a, uint32_t b)
{
	return a > b ? a : b;
}

/* Limits that let every endpoint be used: never below what was set
 * before pmd started (or what pmd set earlier, so a link that comes back
 * finds room), never above the kernel's maximum. A client's joins are one
 * per endpoint and one per address it accepts, which the subflow limit
 * counts alike: measured with pmd --server announcing its second address,
 * a limit of one per endpoint was spent on the announced address's joins,
 * so a path whose subflow was closed by a cut got none back, and the next
 * cut, of the other path, left the connection no subflow that worked.
 * A server's limit is the joins it accepts, and pmd cannot know how many
 * a client makes: it takes the kernel's maximum. Counting them was not
 * enough: a client's RM_ADDR rides on one pure ACK, and under churn seen
 * from the client only 8-14 of 35 were lost, so the subflows they should
 * have closed held the server's slots and its new joins were refused
 * (MPJoinRejected; churn goodput with pmd on both ends 0.78 / 0.78 of the
 * capacity up at 4 slots, 0.85 / 0.81 at 8; 2026-12-07). */
static struct mpk_limits wanted_limits(const struct pmd_kernel *k, int nw)
{
	const struct pmd_config *cfg = k->cfg;
	struct mpk_limits l = k->set;
	uint32_t n = nw > PMD_LIMIT_MAX ? PMD_LIMIT_MAX : nw, joins = n;

	if (cfg->add_addr_accepted >= 0)
		l.add_addr_accepted = cfg->add_addr_accepted;
	else if (cfg->mode == PMD_MODE_CLIENT)
		l.add_addr_accepted = max_u32(l.add_addr_accepted, n);
	if (cfg->mode == PMD_MODE_CLIENT)
		joins = n + l.add_addr_accepted;
	else
		joins = PMD_LIMIT_MAX;
	if (joins > PMD_LIMIT_MAX)
		joins = PMD_LIMIT_MAX;
	if (cfg->subflows >= 0)
		l.subflows = (uint32_t)cfg->subflows;
	else
		l.subflows = max_u32(l.subflows, joins);
	return l;
}

static void log_limits(const char *action, const struct mpk_limits *l, const char *why)
{
	pmd_log_begin(action);
	pmd_log_uint("subflows", l->subflows);
	pmd_log_uint("add_addr_accepted", l->add_addr_accepted);
	pmd_log_end(why);
}

static int sync_limits(struct pmd_kernel *k, int nw)
{
	struct mpk_limits want = wanted_limits(k, nw);
	int ret;

	if (want.subflows == k->set.subflows &&
	    want.add_addr_accepted == k->set.add_addr_accepted)
		return 0;
	ret = mpk_pm_limits_set(k->pm, &want);
	if (ret) {
		log_failed(k, "set-limits", ret);
		return ret;
	}
	k->set = want;
	if (!k->limits_changed) {
		k->limits_changed = true;
		save_state(k);
	}
	log_limits("set-limits", &want, "room for every endpoint");
	return 0;
}

/* -v: why each unused address is not used. */
static void log_skipped(const struct pmd_kernel *k, const struct pmd_net *net,
			const struct pmd_health_view *health)
{
	if (!pmd_log_verbose())
		return;
	for (int i = 0; i < net->naddrs; i++) {
		const struct pmd_addr *a = &net->addrs[i];
		enum pmd_skip why = pmd_addr_unusable(k->cfg, net, health, a);
		const struct pmd_link *l = pmd_net_link(net, a->ifindex);

		if (why == PMD_SKIP_NONE)
			continue;
		pmd_log_begin_report("skip-address");
		pmd_log_addr("address", a->family, &a->ip);
		pmd_log_str("dev", l ? l->name : "?");
		pmd_log_end(pmd_skip_text(why));
	}
}

int pmd_kernel_sync(struct pmd_kernel *k, const struct pmd_net *net,
		    const struct pmd_health_view *health)
{
	struct pmd_want w[PMD_ADDRS_MAX];
	int nw = pmd_wanted(k->cfg, net, health, w, PMD_ADDRS_MAX);
	struct mpk_endpoint *eps = NULL;
	size_t neps = 0;
	bool kept = false, later = false;
	int ret, err;

	log_skipped(k, net, health);
	ret = mpk_pm_endpoint_list(k->pm, &eps, &neps);
	if (ret) {
		log_failed(k, "list-endpoints", ret);
		return ret;
	}
	/* removals first: a path that went away is the urgent case */
	err = drop_unwanted(k, net, health, w, nw, eps, neps, &kept);
	/* limits before additions, so the kernel has room for new subflows */
	ret = sync_limits(k, nw);
	if (ret)
		err = ret;
	ret = add_missing(k, w, nw, eps, neps, health, &later);
	if (ret)
		err = ret;
	free(eps);
	if (err)
		return err;
	return later ? 2 : kept;
}

int pmd_kernel_refresh(struct pmd_kernel *k, const struct pmd_net *net,
		       const struct pmd_health_view *health, int family,
		       const union mpk_in46 *ip, const char *why)
{
	struct pmd_want w[PMD_ADDRS_MAX];
	int nw = pmd_wanted(k->cfg, net, health, w, PMD_ADDRS_MAX);

	for (int i = 0; i < k->nown; i++) {
		const struct pmd_want *want = find_want(w, nw, &k->own[i].ep);
		int ret;

		if (!ep_is(&k->own[i].ep, family, ip) || !want || pinned(&k->own[i], health))
			continue;
		/* added again by the next sync: at once, the kernel may still
		 * count the closing subflows and open none */
		ret = remove_owned(k, i, why);
		return ret ? ret : 1;
	}
	return 0;
}

int pmd_kernel_stop(struct pmd_kernel *k)
{
	int err = 0, ret;

	while (k->nown) {
		ret = remove_owned(k, k->nown - 1, "pmd stopping");
		if (ret) {
			err = ret;
			k->nown--;	/* logged; go on with the others */
		}
	}
	if (k->limits_changed) {
		ret = mpk_pm_limits_set(k->pm, &k->orig);
		if (ret) {
			log_failed(k, "restore-limits", ret);
			err = ret;
		} else {
			log_limits("restore-limits", &k->orig, "pmd stopping");
		}
	}
	if (!err)
		pmd_state_remove();
	mpk_pm_close(k->pm);
	free(k);
	return err;
}
