// SPDX-License-Identifier: GPL-2.0-or-later
/* The proxy's epoll loop: listener, signals, timers, connection lifetimes. */
#include <errno.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include <sys/epoll.h>
#include <sys/signalfd.h>

#include "proxy-internal.h"

#define TICK_MS 250       /* how often timeouts are looked at */
#define HOLD_TICK_MS 20   /* ... while a half-close waits for joins */
#define ACCEPT_BATCH 64
#define EVENTS_MAX 128

/* The settings with their target resolved; 0 or a negative error. */
static int pcfg_new(const struct proxy_config *c, struct pcfg **out)
{
	struct pcfg *pc = calloc(1, sizeof(*pc));
	int err = 0;

	if (!pc)
		return -ENOMEM;
	pc->refs = 1;
	pc->c = *c;
	if (c->to_host[0])
		err = paddrs_resolve(c->to_host, c->to_port, &pc->target);
	if (err) {
		free(pc);
		return err;
	}
	*out = pc;
	return 0;
}

int proxy_open(const struct proxy_config *cfg, struct proxy **out, struct mpk_status *status,
	       const char **failed)
{
	struct proxy *p = calloc(1, sizeof(*p));
	int err;

	if (!p)
		return -ENOMEM;
	p->epfd = p->sigfd = -1;
	p->handlers = (struct pconn_handlers){
		.socks_event = pconn_socks_event,
		.via_start = pconn_via_start,
		.via_event = pconn_via_event,
	};
	*failed = "resolving";
	err = pcfg_new(cfg, &p->cfg);
	if (err) {
		free(p);
		return err;
	}
	*failed = "listening";
	p->lfd = proxy_listen(cfg, cfg->listen_port, cfg->workers > 1, &p->lst);
	if (p->lfd < 0) {
		err = p->lfd;
		proxy_close(p);
		return err;
	}
	p->port = mpk_local_port(p->lfd);
	/* Before the epoll instance and the resolver's thread: each worker
	 * makes its own (a thread does not survive fork()). */
	*failed = "starting workers";
	err = proxy_workers_start(p, cfg);
	if (err) {
		proxy_close(p);
		return err;
	}
	*failed = "listening";
	p->epfd = epoll_create1(EPOLL_CLOEXEC);
	if (p->epfd < 0) {
		err = -errno;
		proxy_close(p);
		return err;
	}
	if (cfg->mode == PROXY_SOCKS) {
		*failed = "starting the resolver";
		err = presolver_start(&p->resolver);
		if (!err)
			err = proxy_watch(p, p->resolver.pipe[0], &p->rend, EPOLLIN);
		if (err) {
			proxy_close(p);
			return err;
		}
	}
	if (status)
		*status = p->lst;
	*out = p;
	return 0;
}

int proxy_port(const struct proxy *p)
{
	return mpk_local_port(p->lfd);
}

bool proxy_is_worker(const struct proxy *p)
{
	return p->worker;
}

static void reap(struct proxy *p);

void proxy_close(struct proxy *p)
{
	if (!p)
		return;
	while (p->conns)
		proxy_conn_end(p->conns, PROXY_END_DRAINED, 0);
	reap(p);
	presolver_stop(&p->resolver);
	if (p->lfd >= 0)
		close(p->lfd);
	if (p->epfd >= 0)
		close(p->epfd);
	if (p->sigfd >= 0)
		close(p->sigfd);
	pcfg_put(p->cfg);
	if (p->workers)
		proxy_workers_stop(p);
	free(p);
}

static void reap(struct proxy *p)
{
	while (p->dead) {
		struct pconn *c = p->dead;

		p->dead = c->next;
		free(c);
	}
}

/* Connections refused at the door are reported like the others. */
static void refuse(struct proxy *p, int fd, const struct sockaddr_storage *peer,
		   enum proxy_end end)
{
	struct proxy_report r = { .client = *peer, .end = end };

	close(fd);
	if (p->hooks && p->hooks->conn_done)
		p->hooks->conn_done(&r, p->hooks->arg);
}

static bool client_allowed(const struct proxy_config *cfg, const struct sockaddr *sa)
{
	if (cfg->n_allow == 0)
		return true;
	for (unsigned int i = 0; i < cfg->n_allow; i++)
		if (proxy_cidr_match(&cfg->allow[i], sa))
			return true;
	return false;
}

static void conn_new(struct proxy *p, int fd, const struct sockaddr_storage *peer,
		     const struct mpk_status *st)
{
	struct pconn *c = calloc(1, sizeof(*c));

	if (!c) {
		close(fd);
		return;
	}
	c->p = p;
	c->cfg = p->cfg;
	c->cfg->refs++;
	c->cfd = fd;
	c->ufd = -1;
	c->cend = (struct pend){ .c = c };
	c->uend = (struct pend){ .c = c, .upstream = true };
	pdir_init(&c->up, -1, -1, false);
	pdir_init(&c->down, -1, -1, false);
	c->start_ms = c->last_ms = proxy_now_ms();
	c->rep.client = *peer;
	c->rep.client_st = p->lst.mptcp ? *st : p->lst;
	c->rep.client_known = true;
	c->next = p->conns;
	if (p->conns)
		p->conns->prev = c;
	p->conns = c;
	p->count++;
	pconn_start(c);
}

static void accept_some(struct proxy *p)
{
	for (int i = 0; i < ACCEPT_BATCH; i++) {
		struct sockaddr_storage peer;
		socklen_t len = sizeof(peer);
		struct mpk_status st;
		int fd = mpk_accept(p->lfd, (struct sockaddr *)&peer, &len,
				    MPK_NONBLOCK | MPK_CLOEXEC, &st);

		if (fd == -EMFILE || fd == -ENFILE || fd == -ENOBUFS || fd == -ENOMEM) {
			/* Out of descriptors: stop accepting until the next tick
			 * rather than spin on a listener that stays readable. */
			proxy_watch(p, p->lfd, &p->lend, 0);
			p->accept_paused = true;
			return;
		}
		if (fd < 0)
			return;
		if (!client_allowed(&p->cfg->c, (struct sockaddr *)&peer))
			refuse(p, fd, &peer, PROXY_END_CLIENT_NOT_ALLOWED);
		else if (p->count >= p->cfg->c.max_conns)
			refuse(p, fd, &peer, PROXY_END_MAX_CONNS);
		else
			conn_new(p, fd, &peer, &st);
	}
}

static int signals_open(struct proxy *p)
{
	sigset_t set;

	sigemptyset(&set);
	sigaddset(&set, SIGTERM);
	sigaddset(&set, SIGINT);
	sigaddset(&set, SIGHUP);
	if (sigprocmask(SIG_BLOCK, &set, NULL) < 0)
		return -errno;
	p->sigfd = signalfd(-1, &set, SFD_NONBLOCK | SFD_CLOEXEC);
	return p->sigfd < 0 ? -errno : 0;
}

static void drain_start(struct proxy *p)
{
	if (p->draining)
		return;
	p->draining = true;
	p->drain_deadline_ms = proxy_now_ms() + p->cfg->c.drain_timeout_ms;
	proxy_watch(p, p->lfd, &p->lend, 0);
	close(p->lfd);
	p->lfd = -1;
}

static void reload(struct proxy *p)
{
	const struct proxy_hooks *h = p->hooks;
	struct proxy_config *cfg;
	struct pcfg *pc;
	int err;

	if (!h || !h->reload)
		return;
	cfg = malloc(sizeof(*cfg));
	err = cfg ? h->reload(cfg, h->arg) : -ENOMEM;
	if (!err)
		err = pcfg_new(cfg, &pc);
	if (!err) {
		pcfg_put(p->cfg);
		p->cfg = pc;
	}
	if (cfg)
		explicit_bzero(cfg, sizeof(*cfg));
	free(cfg);
	if (h->reloaded)
		h->reloaded(err, h->arg);
}

static void signal_read(struct proxy *p)
{
	struct signalfd_siginfo si;

	while (read(p->sigfd, &si, sizeof(si)) == (ssize_t)sizeof(si)) {
		proxy_workers_signal(p, (int)si.ssi_signo);
		if (si.ssi_signo == SIGHUP)
			reload(p);
		else
			drain_start(p);
	}
}

static void timers(struct proxy *p)
{
	int64_t now = proxy_now_ms();
	struct pconn *c = p->conns, *next;

	p->holding = false;	/* set again by each relay that still holds */
	for (; c; c = next) {
		next = c->next;
		if (p->draining && now >= p->drain_deadline_ms)
			proxy_conn_end(c, PROXY_END_DRAINED, 0);
		else
			pconn_timer(c, now);
	}
	if (p->accept_paused && !p->draining) {
		p->accept_paused = false;
		proxy_watch(p, p->lfd, &p->lend, EPOLLIN);
	}
}

static void resolved(struct proxy *p)
{
	struct presolve_job *job;

	while ((job = presolver_read(&p->resolver))) {
		if (job->c && !job->c->dead)
			pconn_resolved(job->c, job);
		free(job);
	}
}

static void dispatch(struct proxy *p, struct epoll_event *ev)
{
	struct pend *e = ev->data.ptr;

	if (e == &p->lend)
		accept_some(p);
	else if (e == &p->rend)
		resolved(p);
	else if (e == NULL)
		signal_read(p);
	else if (!e->c->dead)
		pconn_event(e->c, e->upstream, ev->events);
}

int proxy_run(struct proxy *p, const struct proxy_hooks *hooks)
{
	struct epoll_event evs[EVENTS_MAX];
	struct epoll_event sev = { .events = EPOLLIN, .data.ptr = NULL };
	int64_t next_tick = proxy_now_ms() + TICK_MS;
	int err;

	p->hooks = hooks;
	err = signals_open(p);
	if (!err && epoll_ctl(p->epfd, EPOLL_CTL_ADD, p->sigfd, &sev) < 0)
		err = -errno;
	if (!err)
		err = proxy_watch(p, p->lfd, &p->lend, EPOLLIN);
	while (!err && !(p->draining && p->count == 0)) {
		int64_t now = proxy_now_ms();
		int n;

		if (p->holding && next_tick > now + HOLD_TICK_MS)
			next_tick = now + HOLD_TICK_MS;
		n = epoll_wait(p->epfd, evs, EVENTS_MAX,
			       next_tick > now ? (int)(next_tick - now) : 0);

		if (n < 0 && errno != EINTR)
			err = -errno;
		for (int i = 0; i < n; i++)
			dispatch(p, &evs[i]);
		if (proxy_now_ms() >= next_tick) {
			timers(p);
			next_tick = proxy_now_ms() + (p->holding ? HOLD_TICK_MS : TICK_MS);
		}
		reap(p);
		if (hooks && hooks->flush)
			hooks->flush(hooks->arg);
	}
	return err;
}
