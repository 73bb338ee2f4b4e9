// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * Connecting upstream without blocking, to addresses resolved beforehand:
 * the target of forward, reverse and transparent is resolved once (at
 * start and on SIGHUP), not for every connection as mpk_connector_new()
 * would (getaddrinfo() with AI_ADDRCONFIG asks the kernel for every
 * interface address each time: it halved the connections per second).
 */
#include <errno.h>
#include <netdb.h>
#include <string.h>
#include <unistd.h>
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
	 * (and MPTCP's on small writes) costs round trips per connection. */
	setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof(one));
}

static socklen_t addr_len(const struct sockaddr_storage *ss)
{
	return ss->ss_family == AF_INET6 ? sizeof(struct sockaddr_in6) : sizeof(struct sockaddr_in);
}

void pconnect_init(struct pconnect *pc, const struct paddrs *list, int flags)
{
	*pc = (struct pconnect){ .list = list, .fd = -1, .flags = flags, .last_error = -ENOENT };
}

void pconnect_free(struct pconnect *pc)
{
	if (pc->fd >= 0)
		close(pc->fd);
	pc->fd = -1;
}

/* Start the next address: 0 in progress, 1 connected at once, or the last
 * error. */
static int start_next(struct pconnect *pc)
{
	while (pc->next < pc->list->n) {
		const struct sockaddr_storage *ss = &pc->list->a[pc->next++];

		pc->fd = mpk_socket(ss->ss_family, pc->flags, &pc->at_socket);
		if (pc->fd < 0) {
			pc->last_error = pc->fd;
			pc->fd = -1;
			continue;
		}
		proxy_nodelay(pc->fd);
		if (connect(pc->fd, (const struct sockaddr *)ss, addr_len(ss)) == 0)
			return 1;
		if (errno == EINPROGRESS)
			return 0;
		pc->last_error = -errno;
		pconnect_free(pc);
	}
	return pc->last_error;
}

/* The attempt that EPOLLOUT (or EPOLLERR) woke up for: 0 connected, or
 * its error. A connecting socket is writable only once it is connected. */
static int attempt_result(int fd)
{
	socklen_t len = sizeof(int);
	int err = 0;

	if (getsockopt(fd, SOL_SOCKET, SO_ERROR, &err, &len) < 0)
		return -errno;
	return -err;
}

const struct sockaddr_storage *pconnect_peer(const struct pconnect *pc)
{
	return pc->next > 0 ? &pc->list->a[pc->next - 1] : NULL;
}

int pconnect_step(struct pconnect *pc, struct mpk_status *st)
{
	int err, fd;

	for (;;) {
		if (pc->fd < 0) {
			err = start_next(pc);
			if (err < 0)
				return err;
			if (err == 0)
				return -EINPROGRESS; /* just started: wait for EPOLLOUT */
			break;
		}
		err = attempt_result(pc->fd);
		if (err == 0)
			break;
		pc->last_error = err;
		pconnect_free(pc);
	}
	fd = pc->fd;
	pc->fd = -1;
	*st = pc->at_socket;
	/* Socket-time reasons win; otherwise did this connection fall back? */
	if (st->mptcp && mpk_conn_status(fd, st) < 0)
		*st = pc->at_socket;
	return fd;
}
