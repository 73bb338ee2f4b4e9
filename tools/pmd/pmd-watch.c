// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * pmd's eyes on each path. Every interval: one sock_diag snapshot of the
 * namespace's subflows (segments received, data outstanding, last ACK,
 * RTOs in a row, per subflow, matched to the path by local address) and
 * one ICMP echo per probe target over the path; pmd-health.c judges. The
 * probe targets are the remote addresses of the path's subflows (kept
 * after the subflows go, so a dead path can be seen to come back) and any
 * given in the configuration.
 *
 * A path whose subflows must be re-created (a subflow stuck in RTO backoff
 * on a path that answers; a connection without a subflow from it, see
 * pmd-restore.c) is handed to the path manager as a refresh, at most once
 * per REFRESH_MIN_MS per path, backing off when that did not help.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <linux/mptcp.h>
#include <netinet/tcp.h>

#include "clock.h"
#include "diag.h"
#include "pmd.h"

#define RESET_MAX 8	/* subflows reset_closing remembers, to see them go */

#define SEEN_MAX 4096		/* subflows remembered between samples */
/* Route lookups per sample (one netlink round trip each, once per new
 * subflow): a server taking thousands of joins at once spreads them over
 * samples; until then a subflow counts for its local address's path. */
#define ROUTE_LOOKUPS_MAX 256
#define REFRESH_MIN_MS 1000
#define REFRESH_MAX_MS 32000
#define SILENT_TARGET_PROBES 40	/* unanswered probes before saying so */
/* A TCP target is probed every this many samples (200 ms by default): a
 * connect is heavier than an echo for the target, and it is a server. */
#define TCP_PROBE_EVERY 8

struct target {
	union mpk_in46 ip;
	uint16_t port;		/* 0: ICMP echo; else TCP connect */
	struct pmd_tcp_probe tcp;
	bool configured;
	bool answered;		/* ever */
	unsigned int unanswered;
	bool warned;
};

struct watch_path {
	int family;
	union mpk_in46 ip;
	unsigned int ifindex;
	char ifname[IF_NAMESIZE];
	struct pmd_path_health h;
	struct pmd_probe *probe;
	bool probe_failed;	/* opening the socket failed: logged once */
	struct target target[PMD_TARGETS_MAX];
	int ntargets;
	unsigned int answers, sent;	/* since the last sample */
	uint32_t rtt_ms;		/* smoothed probe round trip */
	uint32_t probe_min_ms[2];	/* least probe round trip: this window, the last */
	uint64_t probe_win_ms;		/* when this window began */
	uint32_t sf_rtt_us;		/* the last min_rtt of its subflows (0: none yet) */
	uint32_t base_rtt_us;		/* what pmd-prefer.c judges by (0: unknown) */
	struct pmd_rate rate[PMD_DIRS];	/* what it carries each way (pmd-prefer.c) */
	uint64_t rate_bps;		/* ... judged by, the way the data flows:
					 * pmd_rate_bps (0: not known) */
	bool backup;			/* pmd-prefer.c's verdict */
	bool prio_lost;			/* subflows disagree with it: send again */
	uint64_t prio_ms;		/* the verdict's last change or re-send */
	unsigned int prio_resends;	/* since the verdict's last change */
	struct pmd_evidence last;	/* for the log */
	struct sockaddr_storage sf_local, sf_remote;	/* ... and its subflow */
	bool have_sf;
	bool present;
	bool refresh;
	const char *refresh_why;
	uint64_t refresh_ms;		/* the last refresh */
	unsigned int refresh_gap_ms;	/* the least time before the next */
};

struct seen {
	uint64_t cookie;
	uint32_t segs_in;
	unsigned int oif;	/* the interface it leaves by; 0: not known */
	uint64_t bytes[PMD_DIRS];	/* acked, received */
};

/* An address that a subflow of the last sample had while it left by
 * another path's interface: a server's joins keep the address the client
 * connected to, and deleting an endpoint closes every subflow of its
 * address, also those. */
struct carried {
	int family;
	union mpk_in46 ip;
	unsigned int oif;
};

#define CARRIED_MAX (2 * PMD_ADDRS_MAX)

struct pmd_watch {
	const struct pmd_config *cfg;
	struct carried carried[CARRIED_MAX];
	int ncarried;
	struct diag *diag;
	struct watch_path path[PMD_ADDRS_MAX];
	int npaths;
	struct seen *seen, *seen_next;
	size_t nseen;
	uint64_t next_ms;
	uint64_t samples;
	uint64_t in_flight_max;	/* the last sample's (diag_snapshot) */
	struct pmd_rcvwin *rcvwin;	/* NULL unless rmem_max = auto */
	uint64_t rcv_window;
	struct pmd_restore *restore;
	struct pmd_stuck *stuck;	/* connections that take no new subflow */
	bool no_conns;		/* no mptcp_diag: subflows only */
	bool no_reset;		/* reset_closing cannot work here */
	uint64_t reset_cookie[RESET_MAX];	/* the subflows it last reset */
	int nreset;
	struct pmd_route *route;	/* a subflow's path: its output route */
	struct pmd_flow flow;		/* which way the data flows (pmd-prefer.c) */
	uint16_t ident;
	bool changed;
};

int pmd_watch_start(const struct pmd_config *cfg, struct pmd_watch **out)
{
	struct pmd_watch *w = calloc(1, sizeof(*w));
	int ret;

	if (!w)
		return -ENOMEM;
	w->cfg = cfg;
	w->ident = (uint16_t)(getpid() << 4);
	w->seen = calloc(SEEN_MAX, sizeof(*w->seen));
	w->seen_next = calloc(SEEN_MAX, sizeof(*w->seen_next));
	if (!w->seen || !w->seen_next) {
		pmd_watch_stop(w);
		return -ENOMEM;
	}
	ret = pmd_restore_open(&w->restore);
	if (!ret)
		ret = pmd_stuck_open(&w->stuck);
	/* only rmem_max = auto asks for the window: its rates cost a sort */
	if (!ret && cfg->rmem_max == PMD_BUF_AUTO)
		ret = pmd_rcvwin_new(&w->rcvwin);
	if (!ret && cfg->health.enabled)
		ret = diag_open(&w->diag);
	if (!ret && cfg->health.enabled)
		ret = pmd_route_open(&w->route);
	if (ret) {
		pmd_watch_stop(w);
		return ret;
	}
	w->next_ms = clock_mono_ms();
	*out = w;
	return 0;
}

static void path_close(struct watch_path *p)
{
	pmd_probe_close(p->probe);
	p->probe = NULL;
	for (int i = 0; i < p->ntargets; i++)
		pmd_tcp_probe_abort(&p->target[i].tcp);
}

void pmd_watch_stop(struct pmd_watch *w)
{
	if (!w)
		return;
	for (int i = 0; i < w->npaths; i++)
		path_close(&w->path[i]);
	if (w->diag)
		diag_close(w->diag);
	free(w->seen);
	free(w->seen_next);
	pmd_rcvwin_free(w->rcvwin);
	pmd_restore_close(w->restore);
	pmd_stuck_close(w->stuck);
	pmd_route_close(w->route);
	free(w);
}

int pmd_watch_fds(const struct pmd_watch *w, int *fds, int max)
{
	int n = 0;

	for (int i = 0; i < w->npaths && n < max; i++) {
		if (w->path[i].probe)
			fds[n++] = pmd_probe_fd(w->path[i].probe);
	}
	return n;
}

int pmd_watch_timeout(const struct pmd_watch *w)
{
	uint64_t now = clock_mono_ms();

	if (!w->cfg->health.enabled)
		return -1;
	return w->next_ms > now ? (int)(w->next_ms - now) : 0;
}

static struct watch_path *find_path(struct pmd_watch *w, int family,
				    const union mpk_in46 *ip, unsigned int ifindex)
{
	for (int i = 0; i < w->npaths; i++) {
		struct watch_path *p = &w->path[i];

		if (p->family == family && pmd_in46_equal(family, &p->ip, ip) &&
		    (!ifindex || p->ifindex == ifindex))
			return p;
	}
	return NULL;
}

static bool path_of_if_works(const struct pmd_watch *w, int family, unsigned int ifindex)
{
	for (int i = 0; i < w->npaths; i++) {
		if (w->path[i].family == family && w->path[i].ifindex == ifindex &&
		    w->path[i].h.state != PMD_PATH_DEAD)
			return true;
	}
	return false;
}

/* Whether the address (on ifindex) carries subflows of another path that
 * works: then its endpoint stays, its link down, dead or stalled, since
 * deleting it would close them as well (measured: pmd --server deleted
 * path 1's endpoint when path 1 died, and with it the join over path 2,
 * the survivor; under churn, with the link down, the connection died). */
static bool address_shared(void *data, int family, const union mpk_in46 *ip,
			   unsigned int ifindex)
{
	const struct pmd_watch *w = data;

	for (int i = 0; i < w->ncarried; i++) {
		const struct carried *c = &w->carried[i];

		if (c->family == family && pmd_in46_equal(family, &c->ip, ip) &&
		    c->oif != ifindex && path_of_if_works(w, family, c->oif))
			return true;
	}
	return false;
}

static bool path_dead(void *data, int family, const union mpk_in46 *ip,
		      unsigned int ifindex)
{
	struct watch_path *p = find_path(data, family, ip, ifindex);

	return p && p->h.state == PMD_PATH_DEAD &&
	       !address_shared(data, family, ip, p->ifindex);
}

/* The address carries the last working subflow of a connection that can
 * take no new subflow (pmd-stuck.c): its endpoint and subflows stay. */
static bool address_pinned(void *data, int family, const union mpk_in46 *ip,
			   unsigned int ifindex)
{
	const struct pmd_watch *w = data;

	(void)ifindex;
	return pmd_stuck_pins(w->stuck, family, ip);
}

static bool address_alive(void *data, int family, const union mpk_in46 *ip)
{
	const struct watch_path *p = find_path(data, family, ip, 0);

	return p && p->h.state == PMD_PATH_ALIVE;
}

static bool token_stuck(void *data, uint32_t token)
{
	const struct pmd_watch *w = data;

	return pmd_stuck_token(w->stuck, token);
}

bool pmd_watch_any_backup(const struct pmd_watch *w)
{
	for (int i = 0; i < w->npaths; i++) {
		if (w->path[i].backup && w->path[i].h.state == PMD_PATH_ALIVE)
			return true;
	}
	return false;
}

static bool path_backup(void *data, int family, const union mpk_in46 *ip,
			unsigned int ifindex)
{
	struct watch_path *p = find_path(data, family, ip, ifindex);

	return p && p->backup;
}

/* One answer per verdict of prio_check: a second sync before the next
 * sample must not flip the flag again. */
static bool path_prio_lost(void *data, int family, const union mpk_in46 *ip,
			   unsigned int ifindex)
{
	struct watch_path *p = find_path(data, family, ip, ifindex);
	bool lost = p && p->prio_lost;

	if (lost)
		p->prio_lost = false;
	return lost;
}

/* A subflow this host closed whose FIN the peer has not acknowledged: the
 * peer may still count it. The initial subflow (id 0) is left alone: it
 * counts against no limit, and a fallen-back connection's stream, whose
 * tail a reset would lose, runs on it. */
static bool closing_unacked(const struct diag_subflow *sf, int family,
			    const union mpk_in46 *ip)
{
	union mpk_in46 local;

	if (sf->local_id == 0 || pmd_sockaddr_in46(&sf->tcp.local, &local) != family ||
	    !pmd_in46_equal(family, &local, ip))
		return false;
	return sf->tcp.state == TCP_FIN_WAIT1 || sf->tcp.state == TCP_CLOSING ||
	       sf->tcp.state == TCP_LAST_ACK;
}

/* Before 6.11 the kernel's tcp_abort left a socket its owner had closed
 * alone (bac76cf89816: no reset, its queue purged, the socket kept): a
 * subflow reset last time and still there says so; then no more resets. */
static bool reset_works(struct pmd_watch *w, const struct diag_snapshot *s)
{
	for (size_t i = 0; i < s->nsubflows && !w->no_reset; i++) {
		for (int j = 0; j < w->nreset; j++) {
			if (s->subflows[i].cookie != w->reset_cookie[j])
				continue;
			w->no_reset = true;
			pmd_log_begin("no-subflow-reset");
			pmd_log_end("a subflow reset over sock_diag stayed (kernel before 6.11): "
				    "joins are made without resetting closed subflows");
			break;
		}
	}
	w->nreset = 0;
	return !w->no_reset;
}

/* Reset those of s from this address; how many, or -errno. */
static int reset_each(struct pmd_watch *w, const struct diag_snapshot *s, int family,
		      const union mpk_in46 *ip)
{
	int n = 0, ret;

	for (size_t i = 0; i < s->nsubflows; i++) {
		if (!closing_unacked(&s->subflows[i], family, ip))
			continue;
		ret = diag_destroy(w->diag, &s->subflows[i]);
		if (ret == -ENOENT)
			continue;	/* it closed meanwhile */
		if (ret)
			return ret;
		if (w->nreset < RESET_MAX)
			w->reset_cookie[w->nreset++] = s->subflows[i].cookie;
		n++;
	}
	return n;
}

/* Reset the subflows from this address that were closed while its path was
 * down (see pmd-kernel.c, reset_leftovers); how many, or -errno. */
static int reset_closing(void *data, int family, const union mpk_in46 *ip)
{
	struct pmd_watch *w = data;
	struct diag_snapshot s = { 0 };
	int ret;

	if (!w->diag || w->no_reset)
		return 0;
	ret = diag_take(w->diag, DIAG_SUBFLOWS, &s);
	if (!ret && reset_works(w, &s))
		ret = reset_each(w, &s, family, ip);
	diag_snapshot_free(&s);
	if (ret == -EOPNOTSUPP)	/* no CONFIG_INET_DIAG_DESTROY: said once */
		w->no_reset = true;
	return ret;
}

struct pmd_health_view pmd_watch_view(struct pmd_watch *w)
{
	return (struct pmd_health_view){ .dead = path_dead, .shared = address_shared,
					 .pinned = address_pinned, .stuck = token_stuck,
					 .backup = path_backup, .prio_lost = path_prio_lost,
					 .reset_closing = reset_closing, .data = w };
}

void pmd_watch_paths(const struct pmd_watch *w, struct pmd_stats *s)
{
	s->npaths = 0;
	for (int i = 0; i < w->npaths && s->npaths < PMD_STATS_PATHS_MAX; i++) {
		const struct watch_path *p = &w->path[i];

		snprintf(s->path[s->npaths].dev, sizeof(s->path[0].dev), "%s", p->ifname);
		pmd_in46_format(p->family, &p->ip, s->path[s->npaths].address,
				sizeof(s->path[0].address));
		s->path[s->npaths++].alive = p->h.state == PMD_PATH_ALIVE;
	}
}

static struct target new_target(const union mpk_in46 *ip, uint16_t port, bool configured)
{
	struct target t = { .ip = *ip, .port = port, .configured = configured };

	pmd_tcp_probe_init(&t.tcp);
	return t;
}

static void add_target(struct watch_path *p, const union mpk_in46 *ip, uint16_t port,
		       bool configured)
{
	for (int i = 0; i < p->ntargets; i++) {
		if (pmd_in46_equal(p->family, &p->target[i].ip, ip) && p->target[i].port == port)
			return;
	}
	if (p->ntargets < PMD_TARGETS_MAX) {
		p->target[p->ntargets++] = new_target(ip, port, configured);
		return;
	}
	/* full: a learnt target (an echo one) that never answered makes room */
	for (int i = 0; i < p->ntargets; i++) {
		if (!p->target[i].configured && !p->target[i].answered) {
			p->target[i] = new_target(ip, port, configured);
			return;
		}
	}
}

static void path_init(struct pmd_watch *w, struct watch_path *p,
		      const struct pmd_addr *a, const char *ifname)
{
	const struct pmd_ifconf *ic = pmd_config_if(w->cfg, ifname);

	memset(p, 0, sizeof(*p));
	p->family = a->family;
	p->ip = a->ip;
	p->ifindex = a->ifindex;
	snprintf(p->ifname, sizeof(p->ifname), "%s", ifname);
	pmd_health_init(&p->h, clock_mono_ms());
	p->refresh_gap_ms = REFRESH_MIN_MS;
	for (int i = 0; ic && i < ic->ntargets; i++) {
		if (ic->target_family[i] == a->family)
			add_target(p, &ic->target[i], ic->target_port[i], true);
	}
}

/* The paths are the addresses whose link is usable; their health is kept
 * while they stay, and forgotten when they go. */
static void track_paths(struct pmd_watch *w, const struct pmd_net *net)
{
	for (int i = 0; i < w->npaths; i++)
		w->path[i].present = false;
	for (int i = 0; i < net->naddrs; i++) {
		const struct pmd_addr *a = &net->addrs[i];
		struct watch_path *p = find_path(w, a->family, &a->ip, a->ifindex);

		if (pmd_addr_unusable(w->cfg, net, NULL, a) != PMD_SKIP_NONE)
			continue;
		if (!p && w->npaths < PMD_ADDRS_MAX) {
			p = &w->path[w->npaths++];
			path_init(w, p, a, pmd_net_link(net, a->ifindex)->name);
		}
		if (p)
			p->present = true;
	}
	for (int i = w->npaths - 1; i >= 0; i--) {
		if (w->path[i].present)
			continue;
		path_close(&w->path[i]);
		w->path[i] = w->path[--w->npaths];
	}
}

static int by_cookie(const void *a, const void *b)
{
	const struct seen *x = a, *y = b;

	return x->cookie < y->cookie ? -1 : x->cookie > y->cookie;
}

/* w->seen is sorted by cookie (gather): thousands of subflows a sample */
static const struct seen *seen_of(const struct pmd_watch *w, uint64_t cookie)
{
	struct seen key = { .cookie = cookie };

	return w->nseen ? bsearch(&key, w->seen, w->nseen, sizeof(key), by_cookie) : NULL;
}

/* The interface sf leaves by: its bound device, else its output route
 * (asked once per subflow, within *budget lookups); 0 if not known. */
static unsigned int subflow_oif(struct pmd_watch *w, const struct diag_subflow *sf,
				const struct seen *before, int family,
				const union mpk_in46 *local, int *budget)
{
	union mpk_in46 remote;

	if (sf->bound_ifindex)
		return sf->bound_ifindex;
	if (before && before->oif)
		return before->oif;
	if (*budget <= 0 || pmd_sockaddr_in46(&sf->tcp.remote, &remote) != family)
		return 0;
	(*budget)--;
	return pmd_route_oif(w->route, family, local, &remote, sf->mark);
}

/* The path sf is on: its address on the interface it leaves by, else any
 * path of that interface (a server's joins share the first address), else,
 * when the route is not known or leads elsewhere, its local address's. */
static struct watch_path *path_of(struct pmd_watch *w, int family,
				  const union mpk_in46 *local, unsigned int oif)
{
	struct watch_path *p = oif ? find_path(w, family, local, oif) : NULL;

	for (int i = 0; !p && oif && i < w->npaths; i++) {
		if (w->path[i].family == family && w->path[i].ifindex == oif)
			p = &w->path[i];
	}
	return p ? p : find_path(w, family, local, 0);
}

/* One subflow's part of its path's evidence. */
static void add_evidence(struct pmd_watch *w, struct watch_path *p,
			 const struct diag_subflow *sf, const struct seen *before,
			 unsigned int oif, struct pmd_evidence *ev, size_t *nnext)
{
	union mpk_in46 remote;
	uint64_t bytes[PMD_DIRS] = { sf->tcp.bytes_acked, sf->tcp.bytes_received };

	if (pmd_sockaddr_in46(&sf->tcp.remote, &remote) == p->family)
		add_target(p, &remote, 0, false);
	if (sf->tcp.state != TCP_ESTABLISHED)
		return;
	ev->subflows++;
	if (sf->tcp.min_rtt_us && (!ev->min_rtt_us || sf->tcp.min_rtt_us < ev->min_rtt_us))
		ev->min_rtt_us = sf->tcp.min_rtt_us;
	if (sf->tcp.delivery_rate * 8 > ev->rate_bps)
		ev->rate_bps = sf->tcp.delivery_rate * 8;
	if (sf->mptcp_flags & MPTCP_SUBFLOW_FLAG_FULLY_ESTABLISHED) {
		if (sf->mptcp_flags & MPTCP_SUBFLOW_FLAG_BKUP_LOC)
			ev->local_backup++;
		else
			ev->local_active++;
	}
	if (!before || sf->tcp.segs_in != before->segs_in)
		ev->progress = true;
	/* a subflow not seen before: its bytes span no known interval */
	for (int d = 0; before && d < PMD_DIRS; d++) {
		if (bytes[d] > before->bytes[d])
			ev->bytes[d] += bytes[d] - before->bytes[d];
	}
	if (*nnext < SEEN_MAX)
		w->seen_next[(*nnext)++] = (struct seen){ sf->cookie, sf->tcp.segs_in, oif,
							  { bytes[0], bytes[1] } };
	if (!p->have_sf || (sf->tcp.unacked && sf->last_ack_recv_ms >= ev->last_ack_ms)) {
		p->sf_local = sf->tcp.local;
		p->sf_remote = sf->tcp.remote;
		p->have_sf = true;
	}
	if (sf->tcp.unacked && sf->last_ack_recv_ms >= ev->last_ack_ms) {
		ev->unacked = sf->tcp.unacked;
		ev->last_ack_ms = sf->last_ack_recv_ms;
		ev->rtos = sf->retransmits;
	}
}

static void note_carried(struct pmd_watch *w, int family, const union mpk_in46 *ip,
			 unsigned int oif)
{
	for (int i = 0; i < w->ncarried; i++) {
		if (w->carried[i].family == family && w->carried[i].oif == oif &&
		    pmd_in46_equal(family, &w->carried[i].ip, ip))
			return;
	}
	if (w->ncarried < CARRIED_MAX)
		w->carried[w->ncarried++] = (struct carried){ family, *ip, oif };
}

static void gather(struct pmd_watch *w, const struct diag_snapshot *s,
		   struct pmd_evidence *ev)
{
	size_t nnext = 0;
	struct seen *swap;
	int budget = ROUTE_LOOKUPS_MAX;

	for (int i = 0; i < w->npaths; i++)
		w->path[i].have_sf = false;
	w->ncarried = 0;
	for (size_t i = 0; i < s->nsubflows; i++) {
		const struct diag_subflow *sf = &s->subflows[i];
		union mpk_in46 local;
		int family = pmd_sockaddr_in46(&sf->tcp.local, &local);
		const struct seen *before = seen_of(w, sf->cookie);
		unsigned int oif = subflow_oif(w, sf, before, family, &local, &budget);
		struct watch_path *p = path_of(w, family, &local, oif);

		if (p)
			add_evidence(w, p, sf, before, oif, &ev[p - w->path], &nnext);
		if (p && sf->tcp.state == TCP_ESTABLISHED && !pmd_in46_equal(family, &p->ip, &local))
			note_carried(w, family, &local, p->ifindex);
	}
	qsort(w->seen_next, nnext, sizeof(*w->seen_next), by_cookie);
	swap = w->seen;
	w->seen = w->seen_next;
	w->seen_next = swap;
	w->nseen = nnext;
}

/* The subflow whose counters the verdict read: "LOCAL -> REMOTE". */
static void log_subflow(const struct watch_path *p)
{
	char l[MPK_ADDRSTRLEN], r[MPK_ADDRSTRLEN], both[2 * MPK_ADDRSTRLEN + 8];

	mpk_addr_format((const struct sockaddr *)&p->sf_local, l, sizeof(l));
	mpk_addr_format((const struct sockaddr *)&p->sf_remote, r, sizeof(r));
	snprintf(both, sizeof(both), "%s -> %s", l, r);
	pmd_log_str("subflow", both);
}

static void log_verdict(const struct watch_path *p, enum pmd_verdict v)
{
	static const char *const action[] = {
		[PMD_VERDICT_DEAD] = "path-dead", [PMD_VERDICT_ALIVE] = "path-alive",
		[PMD_VERDICT_STALLED] = "path-stalled",
	};
	static const char *const why[] = {
		[PMD_VERDICT_DEAD] = "silent while it was expected to answer",
		[PMD_VERDICT_ALIVE] = "it answers again",
		[PMD_VERDICT_STALLED] = "the path answers, but a subflow waits for an ACK",
	};

	pmd_log_begin(action[v]);
	pmd_log_addr("address", p->family, &p->ip);
	pmd_log_str("dev", p->ifname);
	pmd_log_uint("subflows", p->last.subflows);
	if (p->have_sf)
		log_subflow(p);
	pmd_log_uint("probes_lost", p->h.lost);
	pmd_log_uint("probes_answered", p->last.answers);
	pmd_log_uint("unacked", p->last.unacked);
	pmd_log_uint("last_ack_ms", p->last.last_ack_ms);
	pmd_log_uint("rtos", p->last.rtos);
	pmd_log_end(why[v]);
}

static void warn_silent_targets(struct watch_path *p)
{
	for (int i = 0; i < p->ntargets; i++) {
		struct target *t = &p->target[i];

		if (t->answered || t->warned || t->unanswered < SILENT_TARGET_PROBES)
			continue;
		t->warned = true;
		pmd_log_begin("probe-silent");
		pmd_log_addr("target", p->family, &t->ip);
		pmd_log_str("dev", p->ifname);
		pmd_log_end("this probe target never answers: only the subflows' "
			    "own progress is checked for it");
	}
}

static void open_probe(struct pmd_watch *w, struct watch_path *p)
{
	int ret;

	if (p->probe || p->probe_failed)
		return;
	ret = pmd_probe_open(p->family, &p->ip, p->ifname,
			     (uint16_t)(w->ident + (p - w->path)), &p->probe);
	if (ret) {
		p->probe_failed = true;
		pmd_log_begin("error");
		pmd_log_str("failed", "probe-socket");
		pmd_log_str("dev", p->ifname);
		pmd_log_end(strerror(-ret));
	}
	w->changed = true;	/* a new descriptor to poll */
}

static bool has_echo_target(const struct watch_path *p)
{
	for (int i = 0; i < p->ntargets; i++) {
		if (!p->target[i].port)
			return true;
	}
	return false;
}

/* a probe that cannot even leave (a local firewall drops it: EPERM; no
 * route) is as lost as one that gets no answer */
static void send_one(struct pmd_watch *w, struct watch_path *p, struct target *t)
{
	if (t->port ? w->samples % TCP_PROBE_EVERY != 0 : !p->probe)
		return;	/* not its turn, or no echo socket (said once) */
	if (t->port)
		pmd_tcp_probe_start(&t->tcp, p->family, &p->ip, p->ifname, &t->ip, t->port);
	else
		pmd_probe_send(p->probe, &t->ip);
	p->sent++;
	t->unanswered++;
}

static void send_probes(struct pmd_watch *w, struct watch_path *p)
{
	if (!p->ntargets)
		return;
	if (has_echo_target(p))
		open_probe(w, p);
	for (int i = 0; i < p->ntargets; i++)
		send_one(w, p, &p->target[i]);
	warn_silent_targets(p);
}

static bool any_answered(const struct watch_path *p)
{
	for (int i = 0; i < p->ntargets; i++) {
		if (p->target[i].answered)
			return true;
	}
	return false;
}

static void request_refresh(struct watch_path *p, uint64_t now, const char *why)
{
	if (p->refresh || now - p->refresh_ms < p->refresh_gap_ms)
		return;
	p->refresh = true;
	p->refresh_why = why;
}

/* -v: each path's evidence about once a second. */
static void log_sample(const struct pmd_watch *w, const struct watch_path *p,
		       const struct pmd_evidence *ev)
{
	if (!pmd_log_verbose() || w->samples % (1000 / w->cfg->health.interval_ms + 1))
		return;
	pmd_log_begin_report("path-sample");
	pmd_log_addr("address", p->family, &p->ip);
	pmd_log_str("dev", p->ifname);
	pmd_log_str("state", p->h.state == PMD_PATH_DEAD ? "dead" : "alive");
	pmd_log_uint("subflows", ev->subflows);
	pmd_log_uint("progress", ev->progress);
	pmd_log_uint("targets", (uint64_t)p->ntargets);
	pmd_log_uint("probes_sent", ev->sent);
	pmd_log_uint("probes_answered", ev->answers);
	pmd_log_uint("unacked", ev->unacked);
	pmd_log_uint("last_ack_ms", ev->last_ack_ms);
	pmd_log_uint("bytes_sent", ev->bytes[PMD_DIR_SEND]);
	pmd_log_uint("bytes_received", ev->bytes[PMD_DIR_RECV]);
	pmd_log_str("direction", pmd_dir_name(w->flow.dir));
	pmd_log_uint("rate_kbit", p->rate_bps / 1000);
	pmd_log_end(NULL);
}

static void log_shared(const struct watch_path *p)
{
	pmd_log_begin("keep-endpoint");
	pmd_log_addr("address", p->family, &p->ip);
	pmd_log_str("dev", p->ifname);
	pmd_log_end("its address also carries subflows over paths that work: "
		    "deleting its endpoint would close them too");
}

static uint32_t probe_min_us(const struct watch_path *p);

/* The lesser of two round trips, either of which may be unknown (0). */
static uint32_t least_known_us(uint32_t a, uint32_t b)
{
	if (!a || !b)
		return a ? a : b;
	return a < b ? a : b;
}

/* The path's least round trip (ms, rounded up; 0: none known): its
 * subflows' min_rtt or its least probe of the last 5-10 s. */
static uint32_t base_rtt_ms(const struct watch_path *p, const struct pmd_evidence *ev)
{
	return (least_known_us(probe_min_us(p), ev->min_rtt_us) + 999) / 1000;
}

/* Judge every path on its evidence; true when one changed state. */
static bool judge(struct pmd_watch *w, struct pmd_evidence *ev, uint64_t now)
{
	bool changed = false;

	for (int i = 0; i < w->npaths; i++) {
		struct watch_path *p = &w->path[i];
		enum pmd_verdict v;

		ev[i].answers = p->answers;
		ev[i].sent = p->sent;
		ev[i].answering = any_answered(p);
		ev[i].rtt_ms = p->rtt_ms;
		ev[i].base_rtt_ms = base_rtt_ms(p, &ev[i]);
		p->answers = p->sent = 0;
		v = pmd_health_judge(&w->cfg->health, &p->h, &ev[i], now);
		p->last = ev[i];
		log_sample(w, p, &ev[i]);
		if (v == PMD_VERDICT_NONE)
			continue;
		log_verdict(p, v);
		if (v != PMD_VERDICT_ALIVE && address_shared(w, p->family, &p->ip, p->ifindex))
			log_shared(p);
		else if (v == PMD_VERDICT_STALLED)
			request_refresh(p, now, "a subflow is stuck in retransmission backoff");
		else
			changed = true;
	}
	return changed;
}

/* The least probe round trip of the last 5-10 s: queueing left out. */
#define PROBE_MIN_WINDOW_MS 5000

static void probe_min_note(struct watch_path *p, uint32_t rtt_ms)
{
	uint64_t now = clock_mono_ms();

	if (!p->probe_win_ms || now - p->probe_win_ms >= PROBE_MIN_WINDOW_MS) {
		p->probe_min_ms[1] = p->probe_win_ms ? p->probe_min_ms[0] : 0;
		p->probe_min_ms[0] = 0;
		p->probe_win_ms = now;
	}
	/* +1: a 0 ms answer is known, not unknown */
	if (!p->probe_min_ms[0] || rtt_ms + 1 < p->probe_min_ms[0])
		p->probe_min_ms[0] = rtt_ms + 1;
}

static uint32_t probe_min_us(const struct watch_path *p)
{
	uint32_t a = p->probe_min_ms[0], b = p->probe_min_ms[1];
	uint32_t m = a && b ? (a < b ? a : b) : (a ? a : b);

	return m ? (m - 1) * 1000 + 500 : 0;	/* ms resolution: the middle */
}

/* A flag set while a join is not yet fully established is lost on 6.18
 * (measured: pmd made the satellite path backup 0.6 s into an upload, as
 * its join's SYN-ACK came; the subflow never showed the local backup flag
 * in sock_diag and carried 0.7 MB at 64 KB per round trip; joins made
 * after it carried nothing). So is a promotion (measured: a download's
 * join from the backup endpoint of wifi-lte's LTE, promoted 90 ms into the
 * transfer, stayed backup and carried nothing). Fully established
 * subflows that disagree with the verdict PRIO_RESEND_MS after it are
 * flagged again, PRIO_RESENDS times at most (endpoints that are not pmd's
 * cannot be); true when some are. A path the configuration makes backup
 * (--backup) is the user's choice: its subflows are left backup. A flag
 * the kernel did set shows in sock_diag at once, so the wait is two
 * samples, not more: each time the data turns on wifi-lte (a new
 * connection, its LTE join not yet established at the verdict) the flag
 * was lost, and the old 200 ms let LTE carry an upload's first data, or
 * idle through a download's first 0.2 s. */
#define PRIO_RESEND_MS 50
#define PRIO_RESENDS 5

static bool prio_check(struct pmd_watch *w, struct watch_path *p,
		       const struct pmd_evidence *ev, uint64_t now)
{
	unsigned int wrong = p->backup ? ev->local_active : ev->local_backup;

	if (!p->backup && (pmd_flags_for(w->cfg, p->ifname) & MPK_EP_BACKUP))
		wrong = 0;
	/* a dead path carries no MP_PRIO, and its endpoint may be backup
	 * for --on-link-down backup, not for this verdict */
	if (p->h.state != PMD_PATH_ALIVE)
		wrong = 0;
	p->prio_lost = wrong && now - p->prio_ms >= PRIO_RESEND_MS &&
		       p->prio_resends < PRIO_RESENDS;
	if (!p->prio_lost)
		return false;
	p->prio_ms = now;
	p->prio_resends++;
	pmd_log_begin("prefer-resend");
	pmd_log_str("dev", p->ifname);
	pmd_log_addr("address", p->family, &p->ip);
	pmd_log_uint("subflows", wrong);
	pmd_log_end(p->backup ? "subflows of a backup path are not backup: MP_PRIO again"
			      : "subflows of an active path are backup: MP_PRIO again");
	return true;
}

static const char *prefer_why(enum pmd_prefer mode, const struct pmd_prefer_path *pp)
{
	/* only auto judges by rate and distance; the others by RTT alone */
	if (mode == PMD_PREFER_HANDOVER)
		return pp->backup ? "handover: another path is the best: it waits ready"
				  : "handover: it is the best path: it carries the data";
	if (mode == PMD_PREFER_INTERACTIVE)
		return pp->backup ? "interactive: another path has the lowest RTT: it waits ready"
				  : "interactive: it has the lowest RTT: it carries the data";
	if (pp->far && pp->backup)
		return pp->rate_bps ? "its RTT is far above the best path's and it carries "
				      "too little of the fastest path's rate this way: it "
				      "waits as backup"
				    : "its RTT is far above the best path's and too long to "
				      "try it: it waits as backup";
	if (pp->far)
		return pp->rate_bps ? "its RTT is far above the best path's, but it carries "
				      "its share of the rate this way"
				    : "its RTT is far above the best path's, its rate this "
				      "way is not known: it carries data to be measured";
	if (pp->backup)
		return "its rate is far below the fastest path's: it waits as backup";
	return pp->rate_bps ? "its rate is close to the fastest path's again, or it is the best"
			    : "its rate this way is not known: it carries data to be measured";
}

/* pmd-prefer.c's verdict on every path; true when one changed (logged
 * with its evidence: the path's RTT and rate, the best path's), or
 * subflows must be flagged again. */
static bool prefer(struct pmd_watch *w, const struct pmd_evidence *ev)
{
	struct pmd_prefer_path pp[PMD_ADDRS_MAX];
	uint64_t now = clock_mono_ms(), bytes[PMD_DIRS] = { 0, 0 };
	bool resend = false;

	if (w->cfg->mode != PMD_MODE_CLIENT || w->cfg->pm != PMD_PM_KERNEL)
		return false;
	for (int i = 0; i < w->npaths; i++) {
		bytes[PMD_DIR_SEND] += ev[i].bytes[PMD_DIR_SEND];
		bytes[PMD_DIR_RECV] += ev[i].bytes[PMD_DIR_RECV];
	}
	if (pmd_flow_note(&w->flow, bytes)) {
		/* the paths' rates that way judge them from now on */
		pmd_log_begin_report("prefer-direction");
		pmd_log_str("direction", pmd_dir_name(w->flow.dir));
		pmd_log_end("the data turned: the paths are judged by their rates this way");
	}
	for (int i = 0; i < w->npaths; i++) {
		struct watch_path *p = &w->path[i];

		resend |= prio_check(w, p, &ev[i], now);

		/* TCP's min_rtt leaves queueing out, and a subflow's is the
		 * only evidence a path is judged on: probes alone, on a busy
		 * machine, measured 10-130 ms on 0-10 ms paths. But an idle
		 * (backup) subflow never lowers its min_rtt: the probes show
		 * a path that got better. */
		if (ev[i].min_rtt_us)
			p->sf_rtt_us = ev[i].min_rtt_us;
		if (p->sf_rtt_us)
			p->base_rtt_us = least_known_us(probe_min_us(p), p->sf_rtt_us);
		for (int d = 0; d < PMD_DIRS; d++)
			pmd_rate_note(&p->rate[d], ev[i].bytes[d], now);
		p->rate_bps = pmd_rate_bps(&p->rate[w->flow.dir], now);
		pp[i] = (struct pmd_prefer_path){ .usable = p->h.state == PMD_PATH_ALIVE,
						  .rtt_us = p->base_rtt_us, .rate_bps = p->rate_bps,
						  .backup = p->backup };
	}
	if (!pmd_prefer_judge(w->cfg->prefer, pp, w->npaths))
		return resend;
	for (int i = 0; i < w->npaths; i++) {
		struct watch_path *p = &w->path[i];
		const struct watch_path *b = pp[i].best >= 0 ? &w->path[pp[i].best] : NULL;

		if (pp[i].backup == p->backup)
			continue;
		p->backup = pp[i].backup;
		p->prio_lost = false;
		p->prio_ms = now;
		p->prio_resends = 0;
		pmd_log_begin(p->backup ? "prefer-backup" : "prefer-active");
		pmd_log_str("dev", p->ifname);
		pmd_log_addr("address", p->family, &p->ip);
		pmd_log_str("prefer", pmd_prefer_name(w->cfg->prefer));
		pmd_log_uint("rtt_us", p->base_rtt_us);
		pmd_log_uint("rate_kbit", p->rate_bps / 1000);
		if (b) {
			pmd_log_str("best_dev", b->ifname);
			pmd_log_uint("best_rtt_us", b->base_rtt_us);
			pmd_log_uint("best_rate_kbit", b->rate_bps / 1000);
		}
		pmd_log_str("by", pp[i].far || w->cfg->prefer != PMD_PREFER_AUTO ? "rtt" : "rate");
		pmd_log_str("direction", pmd_dir_name(w->flow.dir));
		pmd_log_end(prefer_why(w->cfg->prefer, &pp[i]));
	}
	return true;
}

static void on_answer(void *data, const union mpk_in46 *from, uint32_t rtt_ms)
{
	struct watch_path *p = data;

	p->answers++;
	probe_min_note(p, rtt_ms);
	/* as TCP's srtt: 7/8 old, 1/8 new */
	p->rtt_ms = p->rtt_ms ? (7 * p->rtt_ms + rtt_ms) / 8 : rtt_ms;
	for (int i = 0; i < p->ntargets; i++) {
		if (pmd_in46_equal(p->family, &p->target[i].ip, from)) {
			p->target[i].answered = true;
			p->target[i].unanswered = 0;
		}
	}
}

static void read_tcp_answers(struct watch_path *p)
{
	for (int i = 0; i < p->ntargets; i++) {
		uint32_t rtt;

		if (pmd_tcp_probe_check(&p->target[i].tcp, &rtt) == 1)
			on_answer(p, &p->target[i].ip, rtt);
	}
}

static void read_answers(struct pmd_watch *w)
{
	for (int i = 0; i < w->npaths; i++) {
		if (w->path[i].probe)
			pmd_probe_read(w->path[i].probe, on_answer, &w->path[i]);
		read_tcp_answers(&w->path[i]);
	}
}

/* pmd-restore.c asks about paths by index. */
static bool restore_usable(void *data, int k, int family)
{
	struct pmd_watch *w = data;
	const struct watch_path *p = &w->path[k];

	return p->family == family && p->h.state == PMD_PATH_ALIVE &&
	       (pmd_flags_for(w->cfg, p->ifname) & MPK_EP_SUBFLOW);
}

static bool restore_local_is(void *data, int k, const struct sockaddr_storage *local)
{
	struct pmd_watch *w = data;
	union mpk_in46 ip;
	int family = pmd_sockaddr_in46(local, &ip);

	return family == w->path[k].family && pmd_in46_equal(family, &ip, &w->path[k].ip);
}

static void restore_need(void *data, int k, uint32_t token, bool last_try)
{
	struct pmd_watch *w = data;
	struct watch_path *p = &w->path[k];

	/* a restore it cannot win: the kernel refuses that connection's joins
	 * (said once by pmd-stuck.c), and a refresh would cost the others */
	if (pmd_stuck_token(w->stuck, token))
		return;
	pmd_log_begin("restore-subflow");
	pmd_log_uint("token", token);
	pmd_log_addr("address", p->family, &p->ip);
	pmd_log_str("dev", p->ifname);
	pmd_log_end(last_try ? "a connection has no subflow from this path (last try: "
			       "the peer may refuse joins there)"
			     : "a connection has no subflow from this path");
	request_refresh(p, clock_mono_ms(), "a connection lost its subflow on this path");
}

static void restore_missing(struct pmd_watch *w, const struct diag_snapshot *s, uint64_t now)
{
	struct pmd_restore_paths paths = {
		.n = w->npaths, .usable = restore_usable, .local_is = restore_local_is,
		.need = restore_need, .data = w,
	};

	pmd_restore_scan(w->restore, s, &paths, now);
}

/* Subflows and, when the kernel has mptcp_diag, the connections (their
 * MPTCP-level state: pmd-stuck.c). */
static int take(struct pmd_watch *w, struct diag_snapshot *s)
{
	int ret = -ENOENT;

	if (!w->no_conns)
		ret = diag_take(w->diag, DIAG_SUBFLOWS | DIAG_CONNS, s);
	if (ret == -ENOENT && !w->no_conns) {
		w->no_conns = true;
		pmd_log_begin("no-connection-state");
		pmd_log_end("the kernel has no mptcp_diag: connections that can take no "
			    "new subflow cannot be told apart");
	}
	if (w->no_conns)
		ret = diag_take(w->diag, DIAG_SUBFLOWS, s);
	return ret;
}

int pmd_watch_step(struct pmd_watch *w, const struct pmd_net *net)
{
	struct pmd_evidence ev[PMD_ADDRS_MAX] = { 0 };
	struct diag_snapshot s = { 0 };
	uint64_t now = clock_mono_ms(), cpu;
	bool changed;
	int ret;

	if (!w->cfg->health.enabled)
		return 0;
	track_paths(w, net);
	read_answers(w);
	if (now < w->next_ms)
		return 0;
	cpu = clock_cpu_us();
	ret = take(w, &s);
	cpu = clock_cpu_us() - cpu;
	/* with thousands of connections a dump costs: at most a fifth of a
	 * CPU goes to them (CPU time: a busy machine must not slow the
	 * checks down, only their own cost may) */
	w->next_ms = now + w->cfg->health.interval_ms;
	if (w->next_ms < now + 5 * cpu / 1000)
		w->next_ms = now + 5 * cpu / 1000;
	if (ret)
		return ret;
	gather(w, &s, ev);
	pmd_stuck_scan(w->stuck, &s, address_alive, w);
	w->in_flight_max = s.in_flight_max;
	if (w->rcvwin)
		w->rcv_window = pmd_rcvwin_update(w->rcvwin, &s, now);
	changed = judge(w, ev, now);
	changed |= prefer(w, ev);
	w->samples++;
	/* the userspace PM follows SUB_CLOSED events itself (pmd-upm.c) */
	if (w->cfg->mode == PMD_MODE_CLIENT && w->cfg->pm == PMD_PM_KERNEL)
		restore_missing(w, &s, now);
	diag_snapshot_free(&s);
	for (int i = 0; i < w->npaths; i++)
		send_probes(w, &w->path[i]);
	for (int i = 0; i < w->npaths; i++)
		changed |= w->path[i].refresh;
	changed |= w->changed;
	w->changed = false;
	return changed;
}

uint64_t pmd_watch_samples(const struct pmd_watch *w)
{
	return w->samples;
}

uint64_t pmd_watch_in_flight(const struct pmd_watch *w)
{
	return w->in_flight_max;
}

uint64_t pmd_watch_rcv_window(const struct pmd_watch *w)
{
	return w->rcv_window;
}

void pmd_watch_take_refresh(struct pmd_watch *w, pmd_refresh_fn fn, void *data)
{
	uint64_t now = clock_mono_ms();

	for (int i = 0; i < w->npaths; i++) {
		struct watch_path *p = &w->path[i];

		if (!p->refresh)
			continue;
		p->refresh = false;
		/* a refresh closes every subflow of the address, also the last
		 * one of a connection that cannot take a new one */
		if (pmd_stuck_pins(w->stuck, p->family, &p->ip)) {
			if (pmd_log_verbose()) {
				pmd_log_begin_report("skip-refresh");
				pmd_log_addr("address", p->family, &p->ip);
				pmd_log_str("dev", p->ifname);
				pmd_log_end("it carries the last subflow of a connection that "
					    "cannot take new subflows");
			}
			continue;
		}
		/* asked again soon after the last one: it did not help; back off */
		if (now - p->refresh_ms < 2 * p->refresh_gap_ms)
			p->refresh_gap_ms = p->refresh_gap_ms * 2 > REFRESH_MAX_MS ?
					    REFRESH_MAX_MS : p->refresh_gap_ms * 2;
		else
			p->refresh_gap_ms = REFRESH_MIN_MS;
		p->refresh_ms = now;
		fn(data, p->family, &p->ip, p->ifindex, p->refresh_why);
	}
}
