// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * One proxied connection from accept to relay: where it goes, the
 * connection upstream, then the relay of both directions. The SOCKS5
 * server handshake is in proxy-socks-server.c, the client one (transparent
 * mode) in proxy-via.c.
 */
#include <errno.h>
#include <netdb.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>
#include <arpa/inet.h>
#include <sys/epoll.h>

#include "proxy-internal.h"

/* A handshake message: small, into a fresh socket buffer, so all of it
 * is sent at once or the peer is gone. */
int pconn_send(int fd, const void *buf, size_t len)
{
	ssize_t n = len ? send(fd, buf, len, MSG_NOSIGNAL) : 0;

	if (n < 0)
		return -errno;
	return (size_t)n == len ? 0 : -EAGAIN;
}

void pconn_socks_reply(struct pconn *c, uint8_t rep, const struct sockaddr *bound)
{
	uint8_t out[32];

	pconn_send(c->cfd, out, (size_t)socks_build_reply(out, rep, bound));
}

/* The handshake bytes parsed so far are used up. */
void pconn_hs_consume(struct pconn *c, size_t n)
{
	memmove(c->hs, c->hs + n, c->hs_len - n);
	c->hs_len -= n;
}

/* Read more handshake bytes from fd: 0, or -errno (-EPIPE: EOF). */
int pconn_hs_read(struct pconn *c, int fd)
{
	ssize_t n = read(fd, c->hs + c->hs_len, sizeof(c->hs) - c->hs_len);

	if (n == 0)
		return -EPIPE;
	if (n < 0)
		return errno == EAGAIN ? 0 : -errno;
	c->hs_len += (size_t)n;
	return 0;
}

void pconn_watch(struct pconn *c, uint32_t cmask, uint32_t umask)
{
	if (proxy_watch(c->p, c->cfd, &c->cend, cmask) < 0 ||
	    proxy_watch(c->p, c->ufd, &c->uend, umask) < 0)
		proxy_conn_end(c, PROXY_END_RESET, errno);
}

static void relay_masks(struct pconn *c)
{
	uint32_t cm = 0, um = 0;

	/* EPOLLRDHUP: a hang-up comes with the data before it, and the EOF
	 * is read in the same wake-up (see pdir_pump). */
	if (pdir_wants_read(&c->up))
		cm |= EPOLLIN | EPOLLRDHUP;
	if (pdir_wants_write(&c->down))
		cm |= EPOLLOUT;
	if (pdir_wants_read(&c->down))
		um |= EPOLLIN | EPOLLRDHUP;
	if (pdir_wants_write(&c->up))
		um |= EPOLLOUT;
	pconn_watch(c, cm, um);
}

/* Bytes already read past the handshake belong to the other side. */
static int pass_leftover(struct pconn *c, int to, struct pdir *d)
{
	int err = pconn_send(to, c->hs, c->hs_len);

	d->bytes += c->hs_len;
	c->hs_len = 0;
	return err;
}

/* Pump the directions this event concerns (both when a source has hung
 * up). A direction whose source has hung up is not watched any more (epoll
 * would report the hang-up forever), but reading it never blocks: pump it
 * until it waits for the other side or ends. */
static int relay_pump(struct pconn *c, bool up, bool down)
{
	int err = 0;

	for (int i = 0; (up || down) && !err && i < 64; i++) {
		uint64_t before = c->up.bytes + c->down.bytes;
		bool eofs = c->up.eof && c->down.eof;

		if (up)
			err = pdir_pump(&c->up);
		if (down && !err)
			err = pdir_pump(&c->down);
		up = c->cend.hup && pdir_wants_read(&c->up);
		down = c->uend.hup && pdir_wants_read(&c->down);
		if (c->up.bytes + c->down.bytes == before && eofs == (c->up.eof && c->down.eof))
			break;
	}
	return err;
}

/* After pumping (err: its result): end the connection when both
 * directions are done or on error, else watch what is wanted next. */
static void relay_done(struct pconn *c, int err, uint64_t before)
{
	if (err) {
		proxy_conn_end(c, PROXY_END_RESET, -err);
		return;
	}
	if (c->up.bytes + c->down.bytes != before)
		c->last_ms = proxy_now_ms();
	if (!c->sampled && (pdir_done(&c->up) || pdir_done(&c->down)))
		pconn_sample(c); /* still whole: a good moment to count subflows */
	if (pdir_done(&c->up) && pdir_done(&c->down)) {
		proxy_conn_end(c, PROXY_END_CLOSED, 0);
		return;
	}
	if (c->up.held || c->down.held)
		c->p->holding = true;	/* no event will come: the timers look */
	/* A hung-up descriptor is not watched any more: epoll would report
	 * the hang-up forever. */
	if (c->cend.hup)
		proxy_watch(c->p, c->cfd, &c->cend, 0);
	if (c->uend.hup)
		proxy_watch(c->p, c->ufd, &c->uend, 0);
	relay_masks(c);
}

static void relay_event(struct pconn *c, bool upstream, uint32_t events)
{
	uint64_t before = c->up.bytes + c->down.bytes;
	int err = 0;

	if (events & EPOLLERR) {
		socklen_t len = sizeof(err);

		getsockopt(upstream ? c->ufd : c->cfd, SOL_SOCKET, SO_ERROR, &err, &len);
		proxy_conn_end(c, PROXY_END_RESET, err ? err : ECONNRESET);
		return;
	}
	/* Taken out of epoll after the pumping (relay_done), unless the
	 * connection ends first: close() takes it out anyway. */
	if (events & EPOLLHUP)
		(upstream ? &c->uend : &c->cend)->hup = true;
	if (events & (EPOLLHUP | EPOLLRDHUP)) {
		(upstream ? &c->down : &c->up)->rdhup = true;
		events |= EPOLLIN;
	}
	/* Readable client or writable upstream: the up direction; the
	 * other way round: down. A hang-up: both. */
	if (events & EPOLLHUP)
		err = relay_pump(c, true, true);
	else
		err = relay_pump(c, (events & (upstream ? EPOLLOUT : EPOLLIN)) != 0,
				 (events & (upstream ? EPOLLIN : EPOLLOUT)) != 0);
	if (!err && (events & (EPOLLIN | EPOLLHUP)))
		c->last_ms = proxy_now_ms();
	relay_done(c, err, before);
}

void pconn_relay_start(struct pconn *c)
{
	bool socks = pconn_cfg(c)->mode == PROXY_SOCKS;
	bool copy = pconn_cfg(c)->no_splice;

	/* Splice only between TCP sockets. MPTCP has no splice_read of its
	 * own (6.18's kallsyms has none: splice() goes through
	 * copy_splice_read, a recvmsg into fresh pages), and splicing into
	 * MPTCP was slower than sending 1 MiB buffers to it: measured on
	 * loopback on 2026-12-01, 9.4 against 5.9 Gbit/s TCP in, MPTCP out
	 * (same CPU per GB); MPTCP in: 0.43 against 0.50 CPU s per GB. */
	copy = copy || c->rep.client_st.mptcp || c->rep.upstream_st.mptcp;
	pdir_init(&c->up, c->cfd, c->ufd, copy);
	pdir_init(&c->down, c->ufd, c->cfd, copy);
	c->up.other = &c->down;
	c->down.other = &c->up;
	if (c->rep.upstream_st.mptcp)
		c->up.hold_ms = pconn_cfg(c)->halfclose_hold_ms;
	if (c->rep.client_st.mptcp)
		c->down.hold_ms = pconn_cfg(c)->halfclose_hold_ms;
	c->state = PS_RELAY;
	c->deadline_ms = 0;
	c->last_ms = proxy_now_ms();
	if (c->hs_len && pass_leftover(c, socks ? c->ufd : c->cfd, socks ? &c->up : &c->down) < 0) {
		proxy_conn_end(c, PROXY_END_RESET, EPIPE);
		return;
	}
	/* What the client sent while we connected is usually there already
	 * (not in socks mode: it waits for our reply): pass it on now rather
	 * than after a wake-up. */
	if (socks)
		relay_masks(c);
	else
		relay_done(c, relay_pump(c, true, false), 0);
}

static void connected(struct pconn *c, int fd, const struct mpk_status *st)
{
	struct sockaddr_storage bound;
	socklen_t blen = sizeof(bound);

	c->ufd = fd;
	c->rep.upstream_st = *st;
	c->rep.upstream_known = true;
	memcpy(&c->rep.upstream, mpk_connector_addr(c->connector),
	       mpk_connector_addr(c->connector)->sa_family == AF_INET6 ?
	       sizeof(struct sockaddr_in6) : sizeof(struct sockaddr_in));
	mpk_connector_free(c->connector);
	c->connector = NULL;
	proxy_nodelay(fd);
	if (pconn_cfg(c)->mode == PROXY_TRANSPARENT) {
		c->p->handlers.via_start(c);
		return;
	}
	if (pconn_cfg(c)->mode == PROXY_SOCKS) {
		if (getsockname(fd, (struct sockaddr *)&bound, &blen) < 0)
			bound.ss_family = AF_UNSPEC;
		pconn_socks_reply(c, SOCKS_REP_OK, (struct sockaddr *)&bound);
	}
	pconn_relay_start(c);
}

static void connect_step(struct pconn *c)
{
	struct mpk_status st;
	int fd = mpk_connector_step(c->connector, &st);

	if (fd == -EINPROGRESS) {
		c->ufd = -1; /* the attempt's until connected */
		/* Re-register: a failed attempt's descriptor was closed and
		 * the next may have the same number. */
		c->uend.mask = 0;
		if (proxy_watch(c->p, mpk_connector_fd(c->connector), &c->uend, EPOLLOUT) < 0)
			proxy_conn_end(c, PROXY_END_RESET, errno);
		return;
	}
	if (fd < 0) {
		if (pconn_cfg(c)->mode == PROXY_SOCKS)
			pconn_socks_reply(c, socks_rep_from_errno(fd), NULL);
		proxy_conn_end(c, PROXY_END_CONNECT_FAILED, -fd);
		return;
	}
	connected(c, fd, &st);
}

void pconn_connect(struct pconn *c, const struct paddrs *to)
{
	int flags = MPK_NONBLOCK | MPK_CLOEXEC, err;

	if (pconn_cfg(c)->mode == PROXY_REVERSE)
		flags |= MPK_TCP_ONLY;
	c->state = PS_CONNECTING;
	c->deadline_ms = proxy_now_ms() + pconn_cfg(c)->connect_timeout_ms;
	/* Stop reading the client: what it sends waits in its socket. */
	pconn_watch(c, 0, 0);
	if (c->dead)
		return;
	err = mpk_connector_new_addrs(to->a, (size_t)to->n, flags, &c->connector);
	if (err) {
		if (pconn_cfg(c)->mode == PROXY_SOCKS)
			pconn_socks_reply(c, socks_rep_from_errno(err), NULL);
		proxy_conn_end(c, PROXY_END_CONNECT_FAILED, -err);
		return;
	}
	connect_step(c);
}

void pconn_event(struct pconn *c, bool upstream, uint32_t events)
{
	switch (c->state) {
	case PS_RELAY:
		relay_event(c, upstream, events);
		return;
	case PS_RESOLVING:
		if (events & (EPOLLERR | EPOLLHUP))
			proxy_conn_end(c, PROXY_END_RESET, ECONNRESET); /* client gone */
		return;
	case PS_CONNECTING:
		if (upstream)
			connect_step(c);
		else if (events & (EPOLLERR | EPOLLHUP))
			proxy_conn_end(c, PROXY_END_RESET, ECONNRESET); /* client gone */
		return;
	case PS_VIA_METHOD:
	case PS_VIA_AUTH:
	case PS_VIA_REPLY:
		if (upstream)
			c->p->handlers.via_event(c);
		else if (events & (EPOLLERR | EPOLLHUP))
			proxy_conn_end(c, PROXY_END_RESET, ECONNRESET);
		return;
	default:
		c->p->handlers.socks_event(c);
	}
}

void pconn_timer(struct pconn *c, int64_t now)
{
	if (c->state == PS_RELAY && (c->up.held || c->down.held)) {
		uint64_t before = c->up.bytes + c->down.bytes;

		relay_done(c, relay_pump(c, c->up.held, c->down.held), before);
		return;
	}
	if (c->state == PS_RELAY) {
		if (now - c->last_ms >= pconn_cfg(c)->idle_timeout_ms)
			proxy_conn_end(c, PROXY_END_IDLE, ETIMEDOUT);
		return;
	}
	if (now < c->deadline_ms)
		return;
	if (c->state == PS_RESOLVING) {
		pconn_socks_reply(c, SOCKS_REP_HOST_UNREACH, NULL);
		proxy_conn_end(c, PROXY_END_RESOLVE_FAILED, ETIMEDOUT);
	} else if (c->state == PS_CONNECTING) {
		if (pconn_cfg(c)->mode == PROXY_SOCKS)
			pconn_socks_reply(c, SOCKS_REP_HOST_UNREACH, NULL);
		proxy_conn_end(c, PROXY_END_CONNECT_TIMEOUT, ETIMEDOUT);
	} else {
		proxy_conn_end(c, PROXY_END_HANDSHAKE_TIMEOUT, ETIMEDOUT);
	}
}

static void transparent_start(struct pconn *c)
{
	char dest[MPK_ADDRSTRLEN];
	int err = pconn_cfg(c)->tproxy ? proxy_tproxy_dst(c->cfd, c->p->port, &c->dest)
				       : proxy_original_dst(c->cfd, &c->dest);

	if (err < 0) {
		proxy_conn_end(c, PROXY_END_NO_ORIGDST, ENOENT);
		return;
	}
	mpk_addr_format((struct sockaddr *)&c->dest, dest, sizeof(dest));
	snprintf(c->rep.dest, sizeof(c->rep.dest), "%s", dest);
	pconn_connect(c, &c->cfg->target);
}

void pconn_start(struct pconn *c)
{
	switch (pconn_cfg(c)->mode) {
	case PROXY_SOCKS:
		c->state = PS_SOCKS_GREETING;
		c->deadline_ms = c->start_ms + pconn_cfg(c)->handshake_timeout_ms;
		pconn_watch(c, EPOLLIN, 0);
		return;
	case PROXY_TRANSPARENT:
		transparent_start(c);
		return;
	default:
		snprintf(c->rep.dest, sizeof(c->rep.dest), strchr(pconn_cfg(c)->to_host, ':') ?
			 "[%s]:%s" : "%s:%s", pconn_cfg(c)->to_host, pconn_cfg(c)->to_port);
		pconn_connect(c, &c->cfg->target);
	}
}
