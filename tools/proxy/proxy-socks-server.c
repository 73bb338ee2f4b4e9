// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * The SOCKS5 server side of a connection (socks mode): method, username
 * and password, the CONNECT request, the destination checked (and its
 * name resolved off the loop), then connected.
 */
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <arpa/inet.h>
#include <sys/epoll.h>

#include "proxy-internal.h"

/* A destination from a SOCKS request, by address: checked, then connected.
 * Names are resolved here so that the check sees the address used. */
static void socks_connect_addr(struct pconn *c, const struct sockaddr *sa, socklen_t len)
{
	if (!pconn_cfg(c)->allow_local_dest && proxy_addr_is_local(sa)) {
		pconn_socks_reply(c, SOCKS_REP_NOT_ALLOWED, NULL);
		proxy_conn_end(c, PROXY_END_DEST_NOT_ALLOWED, 0);
		return;
	}
	c->dest_addrs.n = 1;
	memset(&c->dest_addrs.a[0], 0, sizeof(c->dest_addrs.a[0]));
	memcpy(&c->dest_addrs.a[0], sa, len < sizeof(c->dest_addrs.a[0]) ? len : sizeof(c->dest_addrs.a[0]));
	pconn_connect(c, &c->dest_addrs);
}

static void socks_connect_name(struct pconn *c, const struct socks_request *r)
{
	char port[8];

	snprintf(port, sizeof(port), "%u", r->port);
	if (presolver_submit(&c->p->resolver, c, r->host, port, &c->resolving) < 0) {
		pconn_socks_reply(c, SOCKS_REP_FAILURE, NULL);
		proxy_conn_end(c, PROXY_END_RESOLVE_FAILED, ENOMEM);
		return;
	}
	c->state = PS_RESOLVING;
	c->deadline_ms = proxy_now_ms() + pconn_cfg(c)->connect_timeout_ms;
	pconn_watch(c, 0, 0);
}

void pconn_resolved(struct pconn *c, const struct presolve_job *job)
{
	int i;

	c->resolving = NULL;
	if (job->err) {
		pconn_socks_reply(c, SOCKS_REP_HOST_UNREACH, NULL);
		proxy_conn_end(c, PROXY_END_RESOLVE_FAILED, job->err == -MPK_EHOSTNOTFOUND ? ENOENT : -job->err);
		return;
	}
	/* The check sees the address that will be used. */
	for (i = 0; i < job->out.n; i++)
		if (pconn_cfg(c)->allow_local_dest || !proxy_addr_is_local((const struct sockaddr *)&job->out.a[i]))
			break;
	if (i == job->out.n) {
		pconn_socks_reply(c, SOCKS_REP_NOT_ALLOWED, NULL);
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
		pconn_socks_reply(c, SOCKS_REP_CMD_UNSUPPORTED, NULL);
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
	pconn_hs_consume(c, (size_t)n);
	if (pconn_cfg(c)->auth ? !g.userpass : !g.none) {
		pconn_send(c->cfd, out, (size_t)socks_build_method(out, SOCKS_METHOD_REFUSED));
		proxy_conn_end(c, PROXY_END_AUTH_FAILED, 0);
		return -ECANCELED;
	}
	pconn_send(c->cfd, out, (size_t)socks_build_method(out, pconn_cfg(c)->auth ?
			 SOCKS_METHOD_USERPASS : SOCKS_METHOD_NONE));
	c->state = pconn_cfg(c)->auth ? PS_SOCKS_AUTH : PS_SOCKS_REQUEST;
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
	pconn_hs_consume(c, (size_t)n);
	/* Both compared always: no hint which of the two was wrong. */
	ok = (int)same_secret(u.user, pconn_cfg(c)->user) & (int)same_secret(u.pass, pconn_cfg(c)->pass);
	explicit_bzero(&u, sizeof(u));
	pconn_send(c->cfd, out, (size_t)socks_build_auth_status(out, ok));
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
		pconn_socks_reply(c, SOCKS_REP_ATYP_UNSUPPORTED, NULL);
		proxy_conn_end(c, PROXY_END_UNSUPPORTED, c->hs[3]);
		return -ECANCELED;
	}
	if (n <= 0)
		return n;
	pconn_hs_consume(c, (size_t)n);
	socks_request(c, &r);
	return -ECANCELED;
}

void pconn_socks_event(struct pconn *c)
{
	int err = pconn_hs_read(c, c->cfd), n;

	if (err) {
		proxy_conn_end(c, PROXY_END_BAD_HANDSHAKE, -err);
		return;
	}
	while ((n = socks_parse_step(c)) > 0)
		;
	if (n == -EPROTO)
		proxy_conn_end(c, PROXY_END_BAD_HANDSHAKE, EPROTO);
}
