// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * Sockets of the proxy: its listeners (proxy_listen), and addresses for
 * connecting upstream: the target of forward, reverse and
 * transparent is resolved once (at start and on SIGHUP), not for every
 * connection as mpk_connector_new() would (getaddrinfo() with AI_ADDRCONFIG
 * asks the kernel for every interface address each time: it halved the
 * connections per second); mpk_connector_new_addrs() connects to them.
 */
#include <errno.h>
#include <netdb.h>
#include <string.h>
#include <netinet/tcp.h>

#include "proxy-internal.h"

int paddrs_resolve(const char *host, const char *port, struct paddrs *out)
{
	struct addrinfo hints = { .ai_socktype = SOCK_STREAM, .ai_protocol = IPPROTO_TCP };
	struct addrinfo *list, *ai;
	int gai;

	out->n = 0;
	gai = getaddrinfo(host, port, &hints, &list);
	if (gai == EAI_SYSTEM)
		return -errno;
	if (gai == EAI_MEMORY)
		return -ENOMEM;
	if (gai)
		return -MPK_EHOSTNOTFOUND;
	for (ai = list; ai && out->n < PROXY_ADDRS_MAX; ai = ai->ai_next) {
		if (ai->ai_addrlen > sizeof(out->a[0]))
			continue;
		memcpy(&out->a[out->n++], ai->ai_addr, ai->ai_addrlen);
	}
	freeaddrinfo(list);
	return out->n ? 0 : -MPK_EHOSTNOTFOUND;
}

void proxy_nodelay(int fd)
{
	int one = 1;

	/* A relay passes on what it has at once: whatever coalescing there
	 * is to do, the two ends did it. Nagle's wait on top of theirs
	 * (and MPTCP's on small writes) costs round trips per connection.
	 * Set on the listener, it holds for every socket accepted from it,
	 * TCP or MPTCP, either kind of client (6.18, checked with
	 * getsockopt): one call less per connection. */
	setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof(one));
}

int proxy_listen(const struct proxy_config *cfg, const char *port, bool reuseport,
		 struct mpk_status *status)
{
	int fd;

	/* Redirected connections are plain TCP; conntrack's original
	 * destination is asked of a TCP socket. */
	if (cfg->mode == PROXY_TRANSPARENT && cfg->tproxy)
		fd = proxy_tproxy_listen(cfg->listen_host, port, status);
	else
		fd = mpk_listen(cfg->listen_host, port, AF_UNSPEC, 0,
				MPK_NONBLOCK | MPK_CLOEXEC | (reuseport ? MPK_REUSEPORT : 0) |
				(cfg->mode == PROXY_TRANSPARENT ? MPK_TCP_ONLY : 0), status);
	if (fd >= 0)
		proxy_nodelay(fd); /* for every accepted socket: see proxy_nodelay */
	return fd;
}
