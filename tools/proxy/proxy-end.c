// SPDX-License-Identifier: GPL-2.0-or-later
/* What the loop and every connection handler use: the clock, a descriptor's
 * epoll registration, and a connection's end (report, close, queue for
 * freeing). It lives below the loop (proxy-loop.c) and the handlers
 * (proxy-conn.c, proxy-socks-server.c, proxy-via.c), which therefore never
 * call each other back by name. */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include <sys/epoll.h>

#include "proxy-internal.h"

/* Subflows of one leg: mpk_subflow_count(), one getsockopt (not
 * mpk_info_get(), which names every subflow's interface with a netlink
 * dump: too dear for every short connection). */
static unsigned int leg_subflows(int fd, const struct mpk_status *st)
{
	int n = st->mptcp ? mpk_subflow_count(fd) : 1;

	return n > 0 ? (unsigned int)n : 1;
}

void pconn_sample(struct pconn *c)
{
	c->sampled = true;
	c->rep.client_subflows = leg_subflows(c->cfd, &c->rep.client_st);
	if (c->ufd >= 0)
		c->rep.upstream_subflows = leg_subflows(c->ufd, &c->rep.upstream_st);
}

int64_t proxy_now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

void pcfg_put(struct pcfg *pc)
{
	if (pc && --pc->refs == 0) {
		explicit_bzero(pc, sizeof(*pc));
		free(pc);
	}
}

int proxy_watch(struct proxy *p, int fd, struct pend *e, uint32_t mask)
{
	struct epoll_event ev = { .events = mask, .data.ptr = e };
	int op = e->mask ? EPOLL_CTL_MOD : EPOLL_CTL_ADD;

	/* After a hang-up: taking it out only. */
	if ((e->hup && mask) || fd < 0 || mask == e->mask)
		return 0;
	if (mask == 0)
		op = EPOLL_CTL_DEL;
	if (epoll_ctl(p->epfd, op, fd, &ev) < 0) {
		/* The connector may have closed and reopened its descriptor. */
		if (errno == ENOENT && mask)
			op = EPOLL_CTL_ADD;
		else if (errno == EEXIST)
			op = EPOLL_CTL_MOD;
		else
			return -errno;
		if (epoll_ctl(p->epfd, op, fd, &ev) < 0)
			return -errno;
	}
	e->mask = mask;
	return 0;
}

static void report_done(struct pconn *c)
{
	struct proxy_report *r = &c->rep;

	r->bytes_up = c->up.bytes;
	r->bytes_down = c->down.bytes;
	r->duration_ms = (uint64_t)(proxy_now_ms() - c->start_ms);
	r->spliced = pdir_spliced(&c->up) || pdir_spliced(&c->down);
	if (c->p->hooks && c->p->hooks->conn_done)
		c->p->hooks->conn_done(r, c->p->hooks->arg);
}

void proxy_conn_end(struct pconn *c, enum proxy_end end, int error)
{
	struct proxy *p = c->p;

	if (c->state == PS_RELAY && !c->sampled)
		pconn_sample(c);
	c->rep.end = end;
	c->rep.error = error;
	report_done(c);
	pdir_free(&c->up);
	pdir_free(&c->down);
	mpk_connector_free(c->connector);
	c->connector = NULL;
	if (c->resolving)
		c->resolving->c = NULL; /* dropped when it comes back */
	if (c->cfd >= 0)
		close(c->cfd);
	if (c->ufd >= 0)
		close(c->ufd);
	if (c->prev)
		c->prev->next = c->next;
	else
		p->conns = c->next;
	if (c->next)
		c->next->prev = c->prev;
	pcfg_put(c->cfg);
	c->cfg = NULL;
	/* Freed after the current batch of events, which may still name it. */
	c->dead = true;
	c->next = p->dead;
	p->dead = c;
	p->count--;
}
