// SPDX-License-Identifier: LGPL-2.1-or-later
/* Listening sockets by name, and accept with fallback detection. */
#include <errno.h>
#include <unistd.h>
#include <netinet/in.h>

#include "internal.h"
#include "resolve.h"

/* Socket, options, bind and listen for one address; fd or -errno. */
static int listen_on(const struct addrinfo *ai, bool dual_stack, int backlog,
		     int flags, struct mpk_status *status)
{
	int one = 1, zero = 0, fd, err;

	fd = mpk_socket(ai->ai_family, flags, status);
	if (fd < 0)
		return fd;
	if (setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one)) < 0)
		goto fail;
	if ((flags & MPK_REUSEPORT) &&
	    setsockopt(fd, SOL_SOCKET, SO_REUSEPORT, &one, sizeof(one)) < 0)
		goto fail;
	if (ai->ai_family == AF_INET6 &&
	    setsockopt(fd, IPPROTO_IPV6, IPV6_V6ONLY, dual_stack ? &zero : &one,
		       sizeof(int)) < 0)
		goto fail;
	if (bind(fd, ai->ai_addr, ai->ai_addrlen) < 0 || listen(fd, backlog) < 0)
		goto fail;
	return fd;
fail:
	err = -errno;
	close(fd);
	return err;
}

/* For the wildcard with AF_UNSPEC: IPv6 taking IPv4 too, else IPv4. */
static int listen_any(const char *service, int backlog, int flags,
		      struct mpk_status *status)
{
	static const int families[] = { AF_INET6, AF_INET };
	int err = -EAFNOSUPPORT;

	for (unsigned int i = 0; i < 2; i++) {
		struct addrinfo *list;
		int fd;

		err = mpk_resolve(NULL, service, families[i], true, &list);
		if (err == -MPK_ESERVICE)
			return err;
		if (err)
			continue;
		fd = listen_on(list, families[i] == AF_INET6, backlog, flags, status);
		freeaddrinfo(list);
		if (fd >= 0)
			return fd;
		err = fd;
		if (err == -EADDRINUSE)
			return err;
	}
	return err;
}

MPK_EXPORT int mpk_listen(const char *host, const char *service, int family, int backlog,
			  int flags, struct mpk_status *status)
{
	struct addrinfo *list, *ai;
	int fd = -ENOENT, err;

	if (mpk_flags_check(flags))
		return -EINVAL;
	if (backlog <= 0)
		backlog = SOMAXCONN;
	if ((!host || !*host) && family == AF_UNSPEC)
		return listen_any(service, backlog, flags, status);
	err = mpk_resolve(host, service, family, true, &list);
	if (err)
		return err;
	for (ai = list; ai; ai = ai->ai_next) {
		fd = listen_on(ai, false, backlog, flags, status);
		if (fd >= 0)
			break;
	}
	freeaddrinfo(list);
	return fd;
}

MPK_EXPORT int mpk_accept(int listen_fd, struct sockaddr *peer, socklen_t *peerlen,
			  int flags, struct mpk_status *status)
{
	int fd;

	if (flags & ~(MPK_NONBLOCK | MPK_CLOEXEC))
		return -EINVAL;
	fd = accept4(listen_fd, peer, peerlen, flags);
	if (fd < 0)
		return -errno;
	if (status && mpk_conn_status(fd, status) < 0)
		mpk_status_set(status, MPK_REASON_FALLBACK, 0);
	return fd;
}
