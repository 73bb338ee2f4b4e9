// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * pmd with the userspace path manager (net.mptcp.path_manager=userspace):
 * the kernel opens no extra subflow by itself, so pmd follows the events.
 * Client side: on ESTABLISHED, a subflow from every other usable local
 * address to the peer; when a link goes down, its subflows are destroyed at
 * once (the kernel would keep them ESTABLISHED and send no event); when it
 * comes back, they are created again; a subflow that closes for another
 * reason (a reset) is created again after a wait that doubles while they
 * keep closing (pmd_backoff_delay), up to RECREATE_MAX times in a row. The
 * health checks (pmd-watch.c) count as link state: a dead
 * path's subflows are destroyed, but never a connection's last working one
 * (as the kernel PM keeps it); no connection is left without a path; a
 * subflow stuck in backoff on a path that answers is made anew there. A
 * subflow kept while its link was down is left alone when the link comes
 * back up, while its carrier is late: it resumes.
 * Server side: the usable addresses are announced (ADD_ADDR) and withdrawn
 * the same way.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "clock.h"
#include "mptcpkit.h"
#include "pmd.h"

#define CONNS_MAX 256
#define SUBS_MAX 8

/* A subflow: local and remote address and port (port 0 while pending);
 * local.id is its address id (0 for the initial subflow). */
struct upm_sub {
	struct mpk_endpoint local;
	struct mpk_endpoint remote;
	bool return_logged;	/* kept while its link comes back (said once) */
	uint64_t up_ms;		/* when it was established; 0: not yet */
};

struct upm_conn {
	uint32_t token;
	bool server_side;
	struct mpk_endpoint remote;	/* the peer's first address and port */
	struct upm_sub sub[SUBS_MAX];
	int nsub;
	struct mpk_endpoint announced[SUBS_MAX];	/* server side */
	int nann;
	int recreated;	/* subflows created again after SUB_CLOSED, in a row */
	uint32_t backoff_ms;	/* the last wait before that; 0: none yet */
	uint64_t retry_ms;	/* no subflow is created before (CLOCK_MONOTONIC) */
	uint16_t closed_port;	/* the local port of the last one pmd closed */
	bool kept_logged;	/* its last subflow was kept (said once) */
};

/* A peer that refuses joins on a path would make create/close loop. */
#define RECREATE_MAX 8

struct pmd_upm {
	const struct pmd_config *cfg;
	struct mpk_pm *pm;
	struct mpk_pm_events *evs;
	struct upm_conn conn[CONNS_MAX];
	int nconn;
	struct mpk_endpoint ids[255];	/* local address of id i + 1: stable ids */
	int nids;
	const struct pmd_net *net;
	const struct pmd_health_view *health;
	uint64_t wake_ms;	/* a sync is due then (CLOCK_MONOTONIC); 0: none */
};

int pmd_upm_start(const struct pmd_config *cfg, struct pmd_upm **out)
{
	struct pmd_upm *u = calloc(1, sizeof(*u));
	int ret;

	if (!u)
		return -ENOMEM;
	u->cfg = cfg;
	ret = mpk_pm_open(&u->pm);
	if (!ret)
		ret = mpk_pm_events_open(&u->evs);
	if (ret) {
		pmd_upm_stop(u);
		return ret;
	}
	*out = u;
	return 0;
}

int pmd_upm_timeout(const struct pmd_upm *u)
{
	uint64_t now = clock_mono_ms();

	if (!u || !u->wake_ms)
		return -1;
	return u->wake_ms > now ? (int)(u->wake_ms - now) : 0;
}

void pmd_upm_stop(struct pmd_upm *u)
{
	if (!u)
		return;
	mpk_pm_events_close(u->evs);
	mpk_pm_close(u->pm);
	free(u);
}

int pmd_upm_fd(const struct pmd_upm *u)
{
	return mpk_pm_event_fd(u->evs);
}

static bool same_addr(const struct mpk_endpoint *a, const struct mpk_endpoint *b)
{
	return a->family == b->family && pmd_in46_equal(a->family, &a->addr, &b->addr);
}

static struct mpk_endpoint addr_of(int family, const union mpk_in46 *ip, uint16_t port)
{
	return (struct mpk_endpoint){ .family = family, .addr = *ip, .port = port };
}

static uint8_t local_id(struct pmd_upm *u, const struct mpk_endpoint *addr)
{
	for (int i = 0; i < u->nids; i++) {
		if (same_addr(&u->ids[i], addr))
			return i + 1;
	}
	if (u->nids >= 255)
		return 0;
	u->ids[u->nids++] = addr_of(addr->family, &addr->addr, 0);
	return u->nids;
}

static void log_sub(const char *action, uint32_t token, const struct mpk_endpoint *l,
		    const struct mpk_endpoint *r, const char *why)
{
	pmd_log_begin(action);
	pmd_log_uint("token", token);
	pmd_log_addr("local", l->family, &l->addr);
	pmd_log_addr("remote", r->family, &r->addr);
	pmd_log_end(why);
}

static struct upm_conn *find_conn(struct pmd_upm *u, uint32_t token)
{
	for (int i = 0; i < u->nconn; i++) {
		if (u->conn[i].token == token)
			return &u->conn[i];
	}
	return NULL;
}

static struct upm_sub *find_sub(struct upm_conn *c, const struct mpk_endpoint *local)
{
	for (int i = 0; i < c->nsub; i++) {
		if (same_addr(&c->sub[i].local, local))
			return &c->sub[i];
	}
	return NULL;
}

static void drop_sub(struct upm_conn *c, struct upm_sub *s)
{
	*s = c->sub[--c->nsub];
}

static int create_sub(struct pmd_upm *u, struct upm_conn *c,
		      const struct pmd_want *w)
{
	struct mpk_endpoint l = addr_of(w->family, &w->ip, 0);
	int ret;

	if (c->nsub >= SUBS_MAX)
		return -ENOSPC;
	l.id = local_id(u, &l);
	l.ifindex = w->ifindex;
	l.flags = w->flags & MPK_EP_BACKUP;
	ret = mpk_pm_subflow_create(u->pm, c->token, &l, &c->remote);
	if (ret) {
		log_sub("error", c->token, &l, &c->remote, mpk_strerror(ret));
		return ret;
	}
	c->sub[c->nsub] = (struct upm_sub){ .local = addr_of(w->family, &w->ip, 0),
					    .remote = c->remote };
	c->sub[c->nsub++].local.id = l.id;
	log_sub("create-subflow", c->token, &l, &c->remote, "address usable");
	return 0;
}

/* Leave a path: REMOVE_ADDR of its address id first, which tells the peer
 * (over a live subflow; a subflow destroy alone does not), so the peer's
 * side does not linger on a dead path, holding its subflow limit and
 * refusing the joins that come when the path works again; then the
 * destroy closes ours. */
static int destroy_sub(struct pmd_upm *u, struct upm_conn *c,
		       struct upm_sub *s, const char *why)
{
	int ret = 0;

	mpk_pm_remove(u->pm, c->token, s->local.id);	/* best effort */
	if (s->local.port)	/* a pending one has nothing to destroy yet */
		ret = mpk_pm_subflow_destroy(u->pm, c->token, &s->local, &s->remote);
	if (!ret && s->local.port)
		c->closed_port = s->local.port;	/* its SUB_CLOSED is no reset */
	log_sub(ret ? "error" : "destroy-subflow", c->token, &s->local,
		&s->remote, ret ? mpk_strerror(ret) : why);
	drop_sub(c, s);
	return ret;
}

static bool wanted_has(const struct pmd_want *w, int nw, const struct mpk_endpoint *addr)
{
	for (int i = 0; i < nw; i++) {
		if (w[i].family == addr->family && pmd_in46_equal(addr->family, &w[i].ip, &addr->addr))
			return true;
	}
	return false;
}

static int announce(struct pmd_upm *u, struct upm_conn *c, const struct pmd_want *w)
{
	struct mpk_endpoint ep = addr_of(w->family, &w->ip, 0);
	int ret;

	if (c->nann >= SUBS_MAX)
		return -ENOSPC;
	ep.id = local_id(u, &ep);
	ep.ifindex = w->ifindex;
	ret = mpk_pm_announce(u->pm, c->token, &ep);
	log_sub(ret ? "error" : "announce", c->token, &ep, &c->remote,
		ret ? mpk_strerror(ret) : "address usable");
	if (!ret)
		c->announced[c->nann++] = addr_of(w->family, &w->ip, 0);
	return ret;
}

static bool announced(const struct upm_conn *c, const struct mpk_endpoint *addr)
{
	for (int j = 0; j < c->nann; j++) {
		if (same_addr(&c->announced[j], addr))
			return true;
	}
	return false;
}

/* Server side: announce the usable addresses, withdraw the others. */
static int sync_server(struct pmd_upm *u, struct upm_conn *c,
		       const struct pmd_want *w, int nw)
{
	int err = 0, ret;

	for (int i = c->nann - 1; i >= 0; i--) {
		if (wanted_has(w, nw, &c->announced[i]))
			continue;
		ret = mpk_pm_remove(u->pm, c->token, local_id(u, &c->announced[i]));
		if (ret)
			err = ret;
		log_sub("remove-address", c->token, &c->announced[i], &c->remote,
			"address no longer usable");
		c->announced[i] = c->announced[--c->nann];
	}
	for (int i = 0; i < nw; i++) {
		struct mpk_endpoint addr = addr_of(w[i].family, &w[i].ip, 0);

		if (announced(c, &addr) || w[i].family != c->remote.family ||
		    find_sub(c, &addr))
			continue;
		ret = announce(u, c, &w[i]);
		if (ret)
			err = ret;
	}
	return err;
}

/* Does c have an established subflow, other than s, from a usable address? */
static bool has_spare(const struct upm_conn *c, const struct upm_sub *s,
		      const struct pmd_want *w, int nw)
{
	for (int i = 0; i < c->nsub; i++) {
		if (&c->sub[i] != s && c->sub[i].local.port &&
		    wanted_has(w, nw, &c->sub[i].local))
			return true;
	}
	return false;
}

/* Never destroy a connection's last working subflow: a link that comes
 * back revives a kept subflow, a destroyed one leaves the connection dead
 * (measured: a path that flapped faster than its new subflow came up,
 * then the other's, ended the connection with ENOTCONN). Said once per
 * connection. */
static bool keep_last(struct upm_conn *c, struct upm_sub *s, const struct pmd_want *w, int nw)
{
	if (has_spare(c, s, w, nw))
		return false;
	if (!c->kept_logged)
		log_sub("keep-subflow", c->token, &s->local, &s->remote,
			"the connection's last working subflow: kept until another "
			"path works, as the kernel would keep it");
	c->kept_logged = true;
	return true;
}

static void wake_at(struct pmd_upm *u, uint64_t at_ms)
{
	if (!u->wake_ms || at_ms < u->wake_ms)
		u->wake_ms = at_ms;
}

/* Is s's address unusable only because its link is coming back up, its
 * carrier not there yet? Then s is left alone: the kernel resumes it once
 * the carrier is there. Destroying it there gained nothing and forced a
 * new join from the same address 1-5 ms later, which got the whole
 * unacknowledged queue at once (bench/upm-damage.md). */
static bool link_returning(struct pmd_upm *u, const struct upm_sub *s)
{
	uint64_t now = clock_mono_ms();

	for (int i = 0; i < u->net->naddrs; i++) {
		const struct pmd_addr *a = &u->net->addrs[i];
		const struct pmd_link *l = pmd_net_link(u->net, a->ifindex);

		if (a->family != s->local.family ||
		    !pmd_in46_equal(a->family, &a->ip, &s->local.addr) || !l ||
		    !pmd_link_returning(l, now) ||
		    pmd_addr_unusable(u->cfg, u->net, u->health, a) != PMD_SKIP_LINK_DOWN)
			continue;
		wake_at(u, l->up_ms + PMD_LINK_RETURN_MS);	/* if its carrier never comes */
		return true;
	}
	return false;
}

static bool keep_returning(struct pmd_upm *u, struct upm_conn *c, struct upm_sub *s)
{
	if (!s->local.port || !link_returning(u, s))
		return false;
	if (!s->return_logged)
		log_sub("keep-subflow", c->token, &s->local, &s->remote,
			"its link is coming back up: kept for its carrier (at most "
			"3 s), as the kernel resumes it");
	s->return_logged = true;
	return true;
}

/* Client side: subflows from every usable address, none from the others. */
static int sync_client(struct pmd_upm *u, struct upm_conn *c,
		       const struct pmd_want *w, int nw)
{
	int err = 0, ret;

	for (int i = c->nsub - 1; i >= 0; i--) {
		if (wanted_has(w, nw, &c->sub[i].local)) {
			c->sub[i].return_logged = false;
			continue;
		}
		if (keep_returning(u, c, &c->sub[i]))
			continue;
		if (c->sub[i].local.port && keep_last(c, &c->sub[i], w, nw))
			continue;
		ret = destroy_sub(u, c, &c->sub[i], "link down, path dead or address gone");
		if (ret)
			err = ret;
	}
	/* the kernel would refuse its joins (said once by pmd-stuck.c) */
	if (u->health && u->health->stuck && u->health->stuck(u->health->data, c->token))
		return err;
	if (c->retry_ms > clock_mono_ms()) {	/* backoff: a join closed at once */
		wake_at(u, c->retry_ms);
		return err;
	}
	for (int i = 0; i < nw; i++) {
		struct mpk_endpoint addr = addr_of(w[i].family, &w[i].ip, 0);

		if (w[i].family != c->remote.family || find_sub(c, &addr))
			continue;
		ret = create_sub(u, c, &w[i]);
		if (ret)
			err = ret;
	}
	return err;
}

static int sync_conn(struct pmd_upm *u, struct upm_conn *c)
{
	struct pmd_want w[PMD_ADDRS_MAX];
	int nw = pmd_wanted(u->cfg, u->net, u->health, w, PMD_ADDRS_MAX);

	/* never leave a connection without a path: keep what it has */
	if (nw == 0)
		return 0;
	return c->server_side ? sync_server(u, c, w, nw) : sync_client(u, c, w, nw);
}

int pmd_upm_sync(struct pmd_upm *u, const struct pmd_net *net,
		 const struct pmd_health_view *health)
{
	int err = 0, ret;

	u->net = net;
	u->health = health;
	u->wake_ms = 0;	/* each connection says again when it is due */
	for (int i = 0; i < u->nconn; i++) {
		ret = sync_conn(u, &u->conn[i]);
		if (ret)
			err = ret;
	}
	return err;
}

/* A subflow on a path that answers but stuck in retransmission backoff
 * (pmd-watch.c's stall): closed and opened again at once, on the same
 * path, so without REMOVE_ADDR. Not the initial subflow (address id 0):
 * a join cannot take its place from the same address. Bounded as the
 * re-creation after SUB_CLOSED is. */
static int refresh_conn(struct pmd_upm *u, struct upm_conn *c,
			const struct mpk_endpoint *addr, const char *why)
{
	int n = 0;

	for (int i = c->nsub - 1; i >= 0; i--) {
		struct upm_sub *s = &c->sub[i];
		int ret;

		if (!same_addr(&s->local, addr) || !s->local.id || !s->local.port ||
		    c->recreated >= RECREATE_MAX)
			continue;
		ret = mpk_pm_subflow_destroy(u->pm, c->token, &s->local, &s->remote);
		log_sub(ret ? "error" : "destroy-subflow", c->token, &s->local,
			&s->remote, ret ? mpk_strerror(ret) : why);
		if (ret)
			continue;
		/* its SUB_CLOSED, still to come, must not be taken for the
		 * pending new one's (same address, no port yet) */
		c->closed_port = s->local.port;
		drop_sub(c, s);
		c->recreated++;
		n++;
	}
	if (n)
		sync_conn(u, c);
	return n;
}

int pmd_upm_refresh(struct pmd_upm *u, int family, const union mpk_in46 *ip,
		    const char *why)
{
	struct mpk_endpoint addr = addr_of(family, ip, 0);
	int n = 0;

	for (int i = 0; i < u->nconn; i++) {
		if (!u->conn[i].server_side)
			n += refresh_conn(u, &u->conn[i], &addr, why);
	}
	return n;
}

static void on_established(struct pmd_upm *u, const struct mpk_pm_event *ev)
{
	struct upm_conn *c = find_conn(u, ev->token);

	if (c || u->nconn >= CONNS_MAX)
		return;
	c = &u->conn[u->nconn++];
	memset(c, 0, sizeof(*c));
	c->token = ev->token;
	c->server_side = ev->server_side;
	c->remote = addr_of(ev->family, &ev->daddr, ev->dport);
	/* the initial subflow */
	c->sub[0].local = addr_of(ev->family, &ev->saddr, ev->sport);
	c->sub[0].remote = c->remote;
	c->sub[0].up_ms = clock_mono_ms();
	c->nsub = 1;
	sync_conn(u, c);
}

/* Said once per series: the first wait, and when pmd stops. */
static void log_backoff(const struct upm_conn *c, const struct mpk_endpoint *l)
{
	char why[200];

	if (c->recreated >= RECREATE_MAX)
		snprintf(why, sizeof(why), "%d subflows in a row closed at once: none made "
			 "again after a close; a link or address change still makes one, "
			 "at most every %d ms", RECREATE_MAX, PMD_BACKOFF_MAX_MS);
	else if (c->backoff_ms == PMD_BACKOFF_MIN_MS && !c->recreated)
		snprintf(why, sizeof(why), "a subflow closed: made again after %d ms, the "
			 "wait doubling to %d ms while they keep closing (a peer at its "
			 "subflow limit refuses joins), at most %d times in a row",
			 PMD_BACKOFF_MIN_MS, PMD_BACKOFF_MAX_MS, RECREATE_MAX);
	else
		return;
	pmd_log_begin("backoff");
	pmd_log_uint("token", c->token);
	pmd_log_addr("local", l->family, &l->addr);
	pmd_log_uint("wait_ms", c->backoff_ms);
	pmd_log_end(why);
}

/* A subflow closed by itself (a reset, a refused join): the kernel never
 * opens it again; pmd does, if the path is usable, after the backoff. */
static void on_closed(struct pmd_upm *u, struct upm_conn *c, struct upm_sub *s,
		      const struct mpk_endpoint *local)
{
	uint64_t now = clock_mono_ms();
	uint64_t lived = s && s->up_ms ? now - s->up_ms : 0;

	if (s && (!s->local.port || s->local.port == local->port))
		drop_sub(c, s);
	if (c->server_side)
		return;
	if (!s) {	/* not one pmd knows of (pmd closed it, or its event was lost) */
		sync_conn(u, c);
		return;
	}
	c->backoff_ms = pmd_backoff_delay(c->backoff_ms, lived);
	if (c->backoff_ms == PMD_BACKOFF_MIN_MS)
		c->recreated = 0;	/* a new series */
	c->retry_ms = now + (c->recreated < RECREATE_MAX ? c->backoff_ms : PMD_BACKOFF_MAX_MS);
	if (c->recreated > RECREATE_MAX)
		return;
	log_backoff(c, local);
	if (c->recreated++ < RECREATE_MAX)
		sync_conn(u, c);
}

static void on_sub_event(struct pmd_upm *u, const struct mpk_pm_event *ev)
{
	struct upm_conn *c = find_conn(u, ev->token);
	struct mpk_endpoint local = addr_of(ev->family, &ev->saddr, ev->sport);
	struct upm_sub *s;

	if (!c)
		return;
	s = find_sub(c, &local);
	if (ev->type == MPK_PM_EVENT_SUB_CLOSED) {
		if (ev->sport && ev->sport == c->closed_port)
			return;	/* closed by pmd: no backoff, already synced */
		on_closed(u, c, s, &local);
		return;
	}
	if (!s && c->nsub < SUBS_MAX)
		s = &c->sub[c->nsub++];
	if (s) {
		uint8_t id = s->local.id;

		*s = (struct upm_sub){ .local = local,
				       .remote = addr_of(ev->family, &ev->daddr, ev->dport),
				       .up_ms = clock_mono_ms() };
		s->local.id = id;
	}
}

static int on_event(const struct mpk_pm_event *ev, void *data)
{
	struct pmd_upm *u = data;
	struct upm_conn *c;

	switch (ev->type) {
	case MPK_PM_EVENT_ESTABLISHED:
		on_established(u, ev);
		break;
	case MPK_PM_EVENT_SUB_ESTABLISHED:
	case MPK_PM_EVENT_SUB_CLOSED:
		on_sub_event(u, ev);
		break;
	case MPK_PM_EVENT_CLOSED:
		c = find_conn(u, ev->token);
		if (c)
			*c = u->conn[--u->nconn];
		break;
	default:
		break;	/* other events say nothing pmd acts on */
	}
	return 0;
}

int pmd_upm_read(struct pmd_upm *u, const struct pmd_net *net,
		 const struct pmd_health_view *health)
{
	int ret;

	u->net = net;
	u->health = health;
	do {
		ret = mpk_pm_event_read(u->evs, on_event, u);
		if (ret == -ENOBUFS)
			pmd_log_error("events", "the kernel dropped events (too many at once)");
	} while (ret > 0 || ret == -ENOBUFS);
	return ret == -EAGAIN ? 0 : ret;
}
