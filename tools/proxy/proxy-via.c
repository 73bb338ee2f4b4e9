// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * The SOCKS5 client side of a connection (transparent mode): greeting,
 * username and password if configured, CONNECT to the original
 * destination, then the relay.
 */
#include <errno.h>
#include <string.h>
#include <sys/epoll.h>

#include "proxy-internal.h"

static void via_send_request(struct pconn *c)
{
	uint8_t out[32];
	int n = socks_build_connect(out, (struct sockaddr *)&c->dest);

	if (n < 0 || pconn_send(c->ufd, out, (size_t)n) < 0) {
		proxy_conn_end(c, PROXY_END_RESET, EPIPE);
		return;
	}
	c->state = PS_VIA_REPLY;
}

void pconn_via_start(struct pconn *c)
{
	uint8_t out[4];

	if (pconn_send(c->ufd, out, (size_t)socks_build_greeting(out, pconn_cfg(c)->auth)) < 0) {
		proxy_conn_end(c, PROXY_END_RESET, EPIPE);
		return;
	}
	c->state = PS_VIA_METHOD;
	c->deadline_ms = proxy_now_ms() + pconn_cfg(c)->handshake_timeout_ms;
	pconn_watch(c, 0, EPOLLIN);
}

void pconn_via_event(struct pconn *c)
{
	struct socks_request r;
	uint8_t v, out[SOCKS_MSG_MAX];
	int err = pconn_hs_read(c, c->ufd), n;

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
	pconn_hs_consume(c, (size_t)n);
	if (c->state == PS_VIA_METHOD && v == SOCKS_METHOD_USERPASS && pconn_cfg(c)->auth) {
		n = socks_build_userpass(out, pconn_cfg(c)->user, pconn_cfg(c)->pass);
		if (n < 0 || pconn_send(c->ufd, out, (size_t)n) < 0)
			proxy_conn_end(c, PROXY_END_RESET, EPIPE);
		explicit_bzero(out, sizeof(out));
		c->state = PS_VIA_AUTH;
	} else if ((c->state == PS_VIA_METHOD && v == SOCKS_METHOD_NONE) ||
		   (c->state == PS_VIA_AUTH && v == 0)) {
		via_send_request(c);
	} else if (c->state == PS_VIA_REPLY && r.code == SOCKS_REP_OK) {
		pconn_relay_start(c);
	} else {
		proxy_conn_end(c, PROXY_END_UPSTREAM_REFUSED,
			       c->state == PS_VIA_REPLY ? r.code : v);
	}
}
