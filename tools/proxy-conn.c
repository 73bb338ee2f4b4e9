// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * One proxied connection from accept to relay: the SOCKS5 server handshake
 * (socks), the connection upstream, the SOCKS5 client handshake
 * (transparent), then the relay of both directions.
 */
#include <errno.h>
#include <netdb.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>
#include <arpa/inet.h>
#include <sys/epoll.h>

#include "proxy-internal.h"

static const struct proxy_config *cfg(const struct pconn *c)
{
	return &c->cfg->c;
}

/* A handshake message: small, into a fresh socket buffer, so all of it
 * is sent at once or the peer is gone. */
static int send_now(int fd, const void *buf, size_t len)
{
	ssize_t n = len ? send(fd, buf, len, MSG_NOSIGNAL) : 0;

	if (n < 0)
		return -errno;
	return (size_t)n == len ? 0 : -EAGAIN;
}

static void socks_reply(struct pconn *c, uint8_t rep, const struct sockaddr *bound)
{
	uint8_t out[32];

	send_now(c->cfd, out, (size_t)socks_build_reply(out, rep, bound));
}

/* The handshake bytes parsed so far are used up. */
static void hs_consume(struct pconn *c, size_t n)
{
	memmove(c->hs, c->hs + n, c->hs_len - n);
	c->hs_len -= n;
}

/* Read more handshake bytes from fd: 0, or -errno (-EPIPE: EOF). */
static int hs_read(struct pconn *c, int fd)
{
	ssize_t n = read(fd, c->hs + c->hs_len, sizeof(c->hs) - c->hs_len);

	if (n == 0)
		return -EPIPE;
	if (n < 0)
		return errno == EAGAIN ? 0 : -errno;
	c->hs_len += (size_t)n;
	return 0;
}

static void set_masks(struct pconn *c, uint32_t cmask, uint32_t umask)
{
	if (proxy_watch(c->p, c->cfd, &c->cend, cmask) < 0 ||
	    proxy_watch(c->p, c->ufd, &c->uend, umask) < 0)
		proxy_conn_end(c, PROXY_END_RESET, errno);
}

static void relay_masks(struct pconn *c)
{
	uint32_t cm = 0, um = 0;

	if (pdir_wants_read(&c->up))
		cm |= EPOLLIN;
	if (pdir_wants_write(&c->down))
		cm |= EPOLLOUT;
	if (pdir_wants_read(&c->down))
		um |= EPOLLIN;
	if (pdir_wants_write(&c->up))
		um |= EPOLLOUT;
	set_masks(c, cm, um);
}

/* Subflows of one leg. Not mpk_info_get(): it names every subflow's
 * interface (a netlink dump), too dear for every short connection; the
 * count is the first byte of the kernel's struct mptcp_info
 * (mptcpi_subflows, the extra subflows), there since 5.9. */
static unsigned int leg_subflows(int fd, const struct mpk_status *st)
{
	uint8_t info[256];
	socklen_t len = sizeof(info);

	if (!st->mptcp)
		return 1;
	if (getsockopt(fd, SOL_MPTCP, 1 /* MPTCP_INFO */, info, &len) < 0 || len < 1)
		return 1;
	return info[0] + 1u;
}

void pconn_sample(struct pconn *c)
{
	c->sampled = true;
	c->rep.client_subflows = leg_subflows(c->cfd, &c->rep.client_st);
	if (c->ufd >= 0)
		c->rep.upstream_subflows = leg_subflows(c->ufd, &c->rep.upstream_st);
}

/* Bytes already read past the handshake belong to the other side. */
static int pass_leftover(struct pconn *c, int to, struct pdir *d)
{
	int err = send_now(to, c->hs, c->hs_len);

	d->bytes += c->hs_len;
	c->hs_len = 0;
	return err;
}

static void relay_start(struct pconn *c)
{
	bool copy = cfg(c)->no_splice;

	pdir_init(&c->up, c->cfd, c->ufd, copy);
	pdir_init(&c->down, c->ufd, c->cfd, copy);
	c->state = PS_RELAY;
	c->deadline_ms = 0;
	c->last_ms = proxy_now_ms();
	if (c->hs_len && pass_leftover(c, cfg(c)->mode == PROXY_SOCKS ? c->ufd : c->cfd,
				       cfg(c)->mode == PROXY_SOCKS ? &c->up : &c->down) < 0) {
		proxy_conn_end(c, PROXY_END_RESET, EPIPE);
		return;
	}
	relay_masks(c);
}

/* Pump both directions. A direction whose source has hung up is not
 * watched any more (epoll would report the hang-up forever), but reading
 * it never blocks: pump it until it waits for the other side or ends. */
static int relay_pump(struct pconn *c)
{
	bool again = true;
	int err = 0;

	for (int i = 0; again && !err && i < 64; i++) {
		uint64_t before = c->up.bytes + c->down.bytes;
		bool eofs = c->up.eof && c->down.eof;

		err = pdir_pump(&c->up);
		if (!err)
			err = pdir_pump(&c->down);
		again = (c->cend.hup && pdir_wants_read(&c->up)) ||
			(c->uend.hup && pdir_wants_read(&c->down));
		if (c->up.bytes + c->down.bytes == before && eofs == (c->up.eof && c->down.eof))
			break;
	}
	return err;
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
	if (events & EPOLLHUP) {
		struct pend *e = upstream ? &c->uend : &c->cend;

		proxy_watch(c->p, upstream ? c->ufd : c->cfd, e, 0);
		e->hup = true;
	}
	err = relay_pump(c);
	if (err) {
		proxy_conn_end(c, PROXY_END_RESET, -err);
		return;
	}
	if (c->up.bytes + c->down.bytes != before || (events & (EPOLLIN | EPOLLHUP)))
		c->last_ms = proxy_now_ms();
	if (!c->sampled && (pdir_done(&c->up) || pdir_done(&c->down)))
		pconn_sample(c); /* still whole: a good moment to count subflows */
	if (pdir_done(&c->up) && pdir_done(&c->down)) {
		proxy_conn_end(c, PROXY_END_CLOSED, 0);
		return;
	}
	relay_masks(c);
}

static void via_send_request(struct pconn *c)
{
	uint8_t out[32];
	int n = socks_build_connect(out, (struct sockaddr *)&c->dest);

	if (n < 0 || send_now(c->ufd, out, (size_t)n) < 0) {
		proxy_conn_end(c, PROXY_END_RESET, EPIPE);
		return;
	}
	c->state = PS_VIA_REPLY;
}

static void via_start(struct pconn *c)
{
	uint8_t out[4];

	if (send_now(c->ufd, out, (size_t)socks_build_greeting(out, cfg(c)->auth)) < 0) {
		proxy_conn_end(c, PROXY_END_RESET, EPIPE);
		return;
	}
	c->state = PS_VIA_METHOD;
	c->deadline_ms = proxy_now_ms() + cfg(c)->handshake_timeout_ms;
	set_masks(c, 0, EPOLLIN);
}

static void connected(struct pconn *c, int fd, const struct mpk_status *st)
{
	struct sockaddr_storage bound;
	socklen_t blen = sizeof(bound);

	c->ufd = fd;
	c->rep.upstream_st = *st;
	c->rep.upstream_known = true;
	c->rep.upstream = *pconnect_peer(&c->connect);
	if (cfg(c)->mode == PROXY_TRANSPARENT) {
		via_start(c);
		return;
	}
	if (cfg(c)->mode == PROXY_SOCKS) {
		if (getsockname(fd, (struct sockaddr *)&bound, &blen) < 0)
			bound.ss_family = AF_UNSPEC;
		socks_reply(c, SOCKS_REP_OK, (struct sockaddr *)&bound);
	}
	relay_start(c);
}

static void connect_step(struct pconn *c)
{
	struct mpk_status st;
	int fd = pconnect_step(&c->connect, &st);

	if (fd == -EINPROGRESS) {
		c->ufd = -1; /* the attempt's until connected */
		/* Re-register: a failed attempt's descriptor was closed and
		 * the next may have the same number. */
		c->uend.mask = 0;
		if (proxy_watch(c->p, c->connect.fd, &c->uend, EPOLLOUT) < 0)
			proxy_conn_end(c, PROXY_END_RESET, errno);
		return;
	}
	if (fd < 0) {
		if (cfg(c)->mode == PROXY_SOCKS)
			socks_reply(c, socks_rep_from_errno(fd), NULL);
		proxy_conn_end(c, PROXY_END_CONNECT_FAILED, -fd);
		return;
	}
	connected(c, fd, &st);
}

static void connect_start(struct pconn *c, const struct paddrs *to)
{
	int flags = MPK_NONBLOCK | MPK_CLOEXEC;

	if (cfg(c)->mode == PROXY_REVERSE)
		flags |= MPK_TCP_ONLY;
	c->state = PS_CONNECTING;
	c->deadline_ms = proxy_now_ms() + cfg(c)->connect_timeout_ms;
	/* Stop reading the client: what it sends waits in its socket. */
	set_masks(c, 0, 0);
	if (c->dead)
		return;
	pconnect_init(&c->connect, to, flags);
	connect_step(c);
}

/* A destination from a SOCKS request, by address: checked, then connected.
 * Names are resolved here so that the check sees the address used. */
static void socks_connect_addr(struct pconn *c, const struct sockaddr *sa, socklen_t len)
{
	if (!cfg(c)->allow_local_dest && proxy_addr_is_local(sa)) {
		socks_reply(c, SOCKS_REP_NOT_ALLOWED, NULL);
		proxy_conn_end(c, PROXY_END_DEST_NOT_ALLOWED, 0);
		return;
	}
	c->dest_addrs.n = 1;
	memset(&c->dest_addrs.a[0], 0, sizeof(c->dest_addrs.a[0]));
	memcpy(&c->dest_addrs.a[0], sa, len < sizeof(c->dest_addrs.a[0]) ? len : sizeof(c->dest_addrs.a[0]));
	connect_start(c, &c->dest_addrs);
}

static void socks_connect_name(struct pconn *c, const struct socks_request *r)
{
	char port[8];

	snprintf(port, sizeof(port), "%u", r->port);
	if (presolver_submit(&c->p->resolver, c, r->host, port, &c->resolving) < 0) {
		socks_reply(c, SOCKS_REP_FAILURE, NULL);
		proxy_conn_end(c, PROXY_END_RESOLVE_FAILED, ENOMEM);
		return;
	}
	c->state = PS_RESOLVING;
	c->deadline_ms = proxy_now_ms() + cfg(c)->connect_timeout_ms;
	set_masks(c, 0, 0);
}

void pconn_resolved(struct pconn *c, const struct presolve_job *job)
{
	int i;

	c->resolving = NULL;
	if (job->err) {
		socks_reply(c, SOCKS_REP_HOST_UNREACH, NULL);
		proxy_conn_end(c, PROXY_END_RESOLVE_FAILED, job->err == -MPK_EHOSTNOTFOUND ? ENOENT : -job->err);
		return;
	}
	/* The check sees the address that will be used. */
	for (i = 0; i < job->out.n; i++)
		if (cfg(c)->allow_local_dest || !proxy_addr_is_local((const struct sockaddr *)&job->out.a[i]))
			break;
	if (i == job->out.n) {
		socks_reply(c, SOCKS_REP_NOT_ALLOWED, NULL);
		proxy_conn_end(c, PROXY_END_DEST_NOT_ALLOWED, 0);
		return;
	}
	socks_connect_addr(c, (const struct sockaddr *)&job->out.a[i], sizeof(job->out.a[i]));
}

static void socks_request(struct pconn *c, const struct socks_request *r)
{
	struct sockaddr_storage ss = { 0 };
	struct sockaddr_in *in = (struct sockaddr_in *)&ss;
	struct sockaddr_in6 *in6 = (struct sockaddr_in6 *)&ss;
	char a[INET6_ADDRSTRLEN];

	if (r->code != SOCKS_CMD_CONNECT) {
		socks_reply(c, SOCKS_REP_CMD_UNSUPPORTED, NULL);
		proxy_conn_end(c, PROXY_END_UNSUPPORTED, r->code);
		return;
	}
	if (r->atyp == SOCKS_ATYP_DOMAIN) {
		snprintf(c->rep.dest, sizeof(c->rep.dest), "%s:%u", r->host, r->port);
		socks_connect_name(c, r);
		return;
	}
	if (r->atyp == SOCKS_ATYP_IPV4) {
		in->sin_family = AF_INET;
		in->sin_addr = r->addr.v4;
		in->sin_port = htons(r->port);
		inet_ntop(AF_INET, &r->addr.v4, a, sizeof(a));
		snprintf(c->rep.dest, sizeof(c->rep.dest), "%s:%u", a, r->port);
	} else {
		in6->sin6_family = AF_INET6;
		in6->sin6_addr = r->addr.v6;
		in6->sin6_port = htons(r->port);
		inet_ntop(AF_INET6, &r->addr.v6, a, sizeof(a));
		snprintf(c->rep.dest, sizeof(c->rep.dest), "[%s]:%u", a, r->port);
	}
	socks_connect_addr(c, (struct sockaddr *)&ss, sizeof(ss));
}

/* Compare without a timing that tells how much of a secret matched. */
static bool same_secret(const char *a, const char *b)
{
	size_t la = strlen(a), lb = strlen(b);
	unsigned char diff = la != lb;

	for (size_t i = 0; i < la && i < lb; i++)
		diff |= (unsigned char)(a[i] ^ b[i]);
	return diff == 0;
}

static int socks_greeting(struct pconn *c)
{
	struct socks_greeting g;
	uint8_t out[2];
	int n = socks_parse_greeting(c->hs, c->hs_len, &g);

	if (n <= 0)
		return n;
	hs_consume(c, (size_t)n);
	if (cfg(c)->auth ? !g.userpass : !g.none) {
		send_now(c->cfd, out, (size_t)socks_build_method(out, SOCKS_METHOD_REFUSED));
		proxy_conn_end(c, PROXY_END_AUTH_FAILED, 0);
		return -ECANCELED;
	}
	send_now(c->cfd, out, (size_t)socks_build_method(out, cfg(c)->auth ?
			 SOCKS_METHOD_USERPASS : SOCKS_METHOD_NONE));
	c->state = cfg(c)->auth ? PS_SOCKS_AUTH : PS_SOCKS_REQUEST;
	return n;
}

static int socks_auth(struct pconn *c)
{
	struct socks_userpass u;
	uint8_t out[2];
	int n = socks_parse_userpass(c->hs, c->hs_len, &u);
	bool ok;

	if (n <= 0)
		return n;
	hs_consume(c, (size_t)n);
	/* Both compared always: no hint which of the two was wrong. */
	ok = (int)same_secret(u.user, cfg(c)->user) & (int)same_secret(u.pass, cfg(c)->pass);
	explicit_bzero(&u, sizeof(u));
	send_now(c->cfd, out, (size_t)socks_build_auth_status(out, ok));
	if (!ok) {
		proxy_conn_end(c, PROXY_END_AUTH_FAILED, 0);
		return -ECANCELED;
	}
	c->state = PS_SOCKS_REQUEST;
	return n;
}

/* Parse what has arrived; >0 when a message was used, 0 for more, <0 done
 * (the connection has ended or moved on). */
static int socks_parse_step(struct pconn *c)
{
	struct socks_request r;
	int n;

	if (c->state == PS_SOCKS_GREETING)
		return socks_greeting(c);
	if (c->state == PS_SOCKS_AUTH)
		return socks_auth(c);
	n = socks_parse_request(c->hs, c->hs_len, &r);
	if (n == -EAFNOSUPPORT) {
		socks_reply(c, SOCKS_REP_ATYP_UNSUPPORTED, NULL);
		proxy_conn_end(c, PROXY_END_UNSUPPORTED, c->hs[3]);
		return -ECANCELED;
	}
	if (n <= 0)
		return n;
	hs_consume(c, (size_t)n);
	socks_request(c, &r);
	return -ECANCELED;
}

static void socks_event(struct pconn *c)
{
	int err = hs_read(c, c->cfd), n;

	if (err) {
		proxy_conn_end(c, PROXY_END_BAD_HANDSHAKE, -err);
		return;
	}
	while ((n = socks_parse_step(c)) > 0)
		;
	if (n == -EPROTO)
		proxy_conn_end(c, PROXY_END_BAD_HANDSHAKE, EPROTO);
}

static void via_event(struct pconn *c)
{
	struct socks_request r;
	uint8_t v, out[SOCKS_MSG_MAX];
	int err = hs_read(c, c->ufd), n;

	if (err) {
		proxy_conn_end(c, PROXY_END_RESET, -err);
		return;
	}
	if (c->state == PS_VIA_REPLY)
		n = socks_parse_reply(c->hs, c->hs_len, &r);
	else if (c->state == PS_VIA_METHOD)
		n = socks_parse_method(c->hs, c->hs_len, &v);
	else
		n = socks_parse_auth_status(c->hs, c->hs_len, &v);
	if (n == 0)
		return;
	if (n < 0) {
		proxy_conn_end(c, PROXY_END_BAD_HANDSHAKE, EPROTO);
		return;
	}
	hs_consume(c, (size_t)n);
	if (c->state == PS_VIA_METHOD && v == SOCKS_METHOD_USERPASS && cfg(c)->auth) {
		n = socks_build_userpass(out, cfg(c)->user, cfg(c)->pass);
		if (n < 0 || send_now(c->ufd, out, (size_t)n) < 0)
			proxy_conn_end(c, PROXY_END_RESET, EPIPE);
		explicit_bzero(out, sizeof(out));
		c->state = PS_VIA_AUTH;
	} else if ((c->state == PS_VIA_METHOD && v == SOCKS_METHOD_NONE) ||
		   (c->state == PS_VIA_AUTH && v == 0)) {
		via_send_request(c);
	} else if (c->state == PS_VIA_REPLY && r.code == SOCKS_REP_OK) {
		relay_start(c);
	} else {
		proxy_conn_end(c, PROXY_END_UPSTREAM_REFUSED,
			       c->state == PS_VIA_REPLY ? r.code : v);
	}
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
			via_event(c);
		else if (events & (EPOLLERR | EPOLLHUP))
			proxy_conn_end(c, PROXY_END_RESET, ECONNRESET);
		return;
	default:
		socks_event(c);
	}
}

void pconn_timer(struct pconn *c, int64_t now)
{
	if (c->state == PS_RELAY) {
		if (now - c->last_ms >= cfg(c)->idle_timeout_ms)
			proxy_conn_end(c, PROXY_END_IDLE, ETIMEDOUT);
		return;
	}
	if (now < c->deadline_ms)
		return;
	if (c->state == PS_RESOLVING) {
		socks_reply(c, SOCKS_REP_HOST_UNREACH, NULL);
		proxy_conn_end(c, PROXY_END_RESOLVE_FAILED, ETIMEDOUT);
	} else if (c->state == PS_CONNECTING) {
		if (cfg(c)->mode == PROXY_SOCKS)
			socks_reply(c, SOCKS_REP_HOST_UNREACH, NULL);
		proxy_conn_end(c, PROXY_END_CONNECT_TIMEOUT, ETIMEDOUT);
	} else {
		proxy_conn_end(c, PROXY_END_HANDSHAKE_TIMEOUT, ETIMEDOUT);
	}
}

static void transparent_start(struct pconn *c)
{
	char host[NI_MAXHOST], port[NI_MAXSERV];

	if (proxy_original_dst(c->cfd, &c->dest) < 0) {
		proxy_conn_end(c, PROXY_END_NO_ORIGDST, ENOENT);
		return;
	}
	if (!getnameinfo((struct sockaddr *)&c->dest, sizeof(c->dest), host, sizeof(host),
			 port, sizeof(port), NI_NUMERICHOST | NI_NUMERICSERV))
		snprintf(c->rep.dest, sizeof(c->rep.dest),
			 strchr(host, ':') ? "[%s]:%s" : "%s:%s", host, port);
	connect_start(c, &c->cfg->target);
}

void pconn_start(struct pconn *c)
{
	switch (cfg(c)->mode) {
	case PROXY_SOCKS:
		c->state = PS_SOCKS_GREETING;
		c->deadline_ms = c->start_ms + cfg(c)->handshake_timeout_ms;
		set_masks(c, EPOLLIN, 0);
		return;
	case PROXY_TRANSPARENT:
		transparent_start(c);
		return;
	default:
		snprintf(c->rep.dest, sizeof(c->rep.dest), strchr(cfg(c)->to_host, ':') ?
			 "[%s]:%s" : "%s:%s", cfg(c)->to_host, cfg(c)->to_port);
		connect_start(c, &c->cfg->target);
	}
}
