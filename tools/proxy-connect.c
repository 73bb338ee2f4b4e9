// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * Addresses for connecting upstream: the target of forward, reverse and
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
