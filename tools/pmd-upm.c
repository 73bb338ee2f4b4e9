// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * pmd with the userspace path manager (net.mptcp.path_manager=userspace):
 * the kernel opens no extra subflow by itself, so pmd follows the events.
 * Client side: on ESTABLISHED, a subflow from every other usable local
 * address to the peer; when a link goes down, its subflows are destroyed at
 * once (the kernel would keep them ESTABLISHED and send no event); when it
 * comes back, they are created again. Server side: the usable addresses are
 * announced (ADD_ADDR) and withdrawn the same way.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "mptcpkit.h"
#include "pmd.h"

#define CONNS_MAX 256
#define SUBS_MAX 8

struct upm_sub {
	struct pmd_ip local;
	uint16_t sport;		/* 0 while the creation is pending */
	struct pmd_ip remote;
	uint16_t dport;
};

struct upm_conn {
	uint32_t token;
	bool server_side;
	struct pmd_ip remote;	/* the peer's first address and port */
	uint16_t dport;
	struct upm_sub sub[SUBS_MAX];
	int nsub;
	struct pmd_ip announced[SUBS_MAX];	/* server side */
	int nann;
};

struct pmd_upm {
	const struct pmd_config *cfg;
	struct mpk_pm *pm;
	struct mpk_pm_events *evs;
	struct upm_conn conn[CONNS_MAX];
	int nconn;
	struct pmd_ip ids[255];	/* local address of id i + 1: stable ids */
	int nids;
	const struct pmd_net *net;
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

static uint8_t local_id(struct pmd_upm *u, const struct pmd_ip *ip)
{
	for (int i = 0; i < u->nids; i++) {
		if (pmd_ip_equal(&u->ids[i], ip))
			return i + 1;
	}
	if (u->nids >= 255)
		return 0;
	u->ids[u->nids++] = *ip;
	return u->nids;
}

static void to_ep(const struct pmd_ip *ip, uint16_t port, struct mpk_endpoint *ep)
{
	memset(ep, 0, sizeof(*ep));
	ep->family = ip->family;
	memcpy(&ep->addr, &ip->v6, ip->family == AF_INET ? 4 : 16);
	ep->port = port;
}

static void from_ev(int family, const union mpk_in46 *a, struct pmd_ip *ip)
{
	memset(ip, 0, sizeof(*ip));
	ip->family = family;
	memcpy(&ip->v6, a, family == AF_INET ? 4 : 16);
}

static void log_sub(const char *action, uint32_t token, const struct pmd_ip *l,
		    const struct pmd_ip *r, const char *why)
{
	char la[INET6_ADDRSTRLEN], ra[INET6_ADDRSTRLEN], tok[16];

	snprintf(tok, sizeof(tok), "%u", token);
	pmd_log(action, "token", tok, "local", pmd_ip_format(l, la, sizeof(la)),
		"remote", pmd_ip_format(r, ra, sizeof(ra)), "why", why, NULL);
}

static struct upm_conn *find_conn(struct pmd_upm *u, uint32_t token)
{
	for (int i = 0; i < u->nconn; i++) {
		if (u->conn[i].token == token)
			return &u->conn[i];
	}
	return NULL;
}

static struct upm_sub *find_sub(struct upm_conn *c, const struct pmd_ip *local)
{
	for (int i = 0; i < c->nsub; i++) {
		if (pmd_ip_equal(&c->sub[i].local, local))
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
	struct mpk_endpoint l, r;
	int ret;

	if (c->nsub >= SUBS_MAX)
		return -ENOSPC;
	to_ep(&w->ip, 0, &l);
	l.id = local_id(u, &w->ip);
	l.ifindex = w->ifindex;
	l.flags = w->flags & PMD_FLAG_BACKUP;
	to_ep(&c->remote, c->dport, &r);
	ret = mpk_pm_subflow_create(u->pm, c->token, &l, &r);
	if (ret) {
		log_sub("error", c->token, &w->ip, &c->remote, mpk_strerror(ret));
		return ret;
	}
	c->sub[c->nsub++] = (struct upm_sub){ .local = w->ip, .remote = c->remote,
					      .dport = c->dport };
	log_sub("create-subflow", c->token, &w->ip, &c->remote, "address usable");
	return 0;
}

static int destroy_sub(struct pmd_upm *u, struct upm_conn *c,
		       struct upm_sub *s, const char *why)
{
	struct mpk_endpoint l, r;
	int ret = 0;

	if (s->sport) {	/* a pending one has nothing to destroy yet */
		to_ep(&s->local, s->sport, &l);
		to_ep(&s->remote, s->dport, &r);
		ret = mpk_pm_subflow_destroy(u->pm, c->token, &l, &r);
	}
	log_sub(ret ? "error" : "destroy-subflow", c->token, &s->local,
		&s->remote, ret ? mpk_strerror(ret) : why);
	drop_sub(c, s);
	return ret;
}

static bool wanted_has(const struct pmd_want *w, int nw, const struct pmd_ip *ip)
{
	for (int i = 0; i < nw; i++) {
		if (pmd_ip_equal(&w[i].ip, ip))
			return true;
	}
	return false;
}

static int announce(struct pmd_upm *u, struct upm_conn *c, const struct pmd_want *w)
{
	struct mpk_endpoint ep;
	int ret;

	if (c->nann >= SUBS_MAX)
		return -ENOSPC;
	to_ep(&w->ip, 0, &ep);
	ep.id = local_id(u, &w->ip);
	ep.ifindex = w->ifindex;
	ret = mpk_pm_announce(u->pm, c->token, &ep);
	log_sub(ret ? "error" : "announce", c->token, &w->ip, &c->remote,
		ret ? mpk_strerror(ret) : "address usable");
	if (!ret)
		c->announced[c->nann++] = w->ip;
	return ret;
}

/* Server side: announce the usable addresses, withdraw the others. */
static int sync_server(struct pmd_upm *u, struct upm_conn *c,
		       const struct pmd_want *w, int nw)
{
	int err = 0;

	for (int i = c->nann - 1; i >= 0; i--) {
		if (wanted_has(w, nw, &c->announced[i]))
			continue;
		err = mpk_pm_remove(u->pm, c->token, local_id(u, &c->announced[i])) ?: err;
		log_sub("remove-address", c->token, &c->announced[i], &c->remote,
			"address no longer usable");
		c->announced[i] = c->announced[--c->nann];
	}
	for (int i = 0; i < nw; i++) {
		bool done = false;

		for (int j = 0; j < c->nann; j++)
			done |= pmd_ip_equal(&c->announced[j], &w[i].ip);
		if (!done && w[i].ip.family == c->remote.family &&
		    !find_sub(c, &w[i].ip))
			err = announce(u, c, &w[i]) ?: err;
	}
	return err;
}

/* Client side: subflows from every usable address, none from the others. */
static int sync_client(struct pmd_upm *u, struct upm_conn *c,
		       const struct pmd_want *w, int nw)
{
	int err = 0;

	for (int i = c->nsub - 1; i >= 0; i--) {
		if (!wanted_has(w, nw, &c->sub[i].local))
			err = destroy_sub(u, c, &c->sub[i], "link down or address gone") ?: err;
	}
	for (int i = 0; i < nw; i++) {
		if (w[i].ip.family == c->remote.family && !find_sub(c, &w[i].ip))
			err = create_sub(u, c, &w[i]) ?: err;
	}
	return err;
}

static int sync_conn(struct pmd_upm *u, struct upm_conn *c)
{
	struct pmd_want w[PMD_ADDRS_MAX];
	int nw = pmd_wanted(u->cfg, u->net, w, PMD_ADDRS_MAX);

	return c->server_side ? sync_server(u, c, w, nw) : sync_client(u, c, w, nw);
}

int pmd_upm_sync(struct pmd_upm *u, const struct pmd_net *net)
{
	int err = 0;

	u->net = net;
	for (int i = 0; i < u->nconn; i++)
		err = sync_conn(u, &u->conn[i]) ?: err;
	return err;
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
	from_ev(ev->family, &ev->daddr, &c->remote);
	c->dport = ev->dport;
	/* the initial subflow */
	from_ev(ev->family, &ev->saddr, &c->sub[0].local);
	c->sub[0].sport = ev->sport;
	c->sub[0].remote = c->remote;
	c->sub[0].dport = ev->dport;
	c->nsub = 1;
	sync_conn(u, c);
}

static void on_sub_event(struct pmd_upm *u, const struct mpk_pm_event *ev)
{
	struct upm_conn *c = find_conn(u, ev->token);
	struct upm_sub *s;
	struct pmd_ip local, remote;

	if (!c)
		return;
	from_ev(ev->family, &ev->saddr, &local);
	from_ev(ev->family, &ev->daddr, &remote);
	s = find_sub(c, &local);
	if (ev->type == MPK_PM_EVENT_SUB_CLOSED) {
		if (s && (!s->sport || s->sport == ev->sport))
			drop_sub(c, s);
		return;
	}
	if (!s && c->nsub < SUBS_MAX)
		s = &c->sub[c->nsub++];
	if (s)
		*s = (struct upm_sub){ .local = local, .sport = ev->sport,
				       .remote = remote, .dport = ev->dport };
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
	}
	return 0;
}

int pmd_upm_read(struct pmd_upm *u, const struct pmd_net *net)
{
	int ret;

	u->net = net;
	do {
		ret = mpk_pm_event_read(u->evs, on_event, u);
		if (ret == -ENOBUFS)
			pmd_log("error", "action", "events", "why",
				"the kernel dropped events (too many at once)", NULL);
	} while (ret > 0 || ret == -ENOBUFS);
	return ret == -EAGAIN ? 0 : ret;
}
