// SPDX-License-Identifier: LGPL-2.1-or-later
/* Connect by name, blocking or driven by an event loop. */
#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "internal.h"
#include "resolve.h"

/* The addresses are copied in: a connector needs nothing of its caller's. */
struct mpk_connector {
	struct sockaddr_storage *addrs;
	size_t n;
	size_t next;              /* the next address to try */
	int flags;
	int fd;                   /* in progress, or -1 */
	int last_error;
	struct mpk_status socket_status; /* of the socket in progress */
};

/* The status of a connected socket: socket-time reason, else fallback. */
static void connected_status(int fd, const struct mpk_status *at_socket,
			     struct mpk_status *status)
{
	if (!status)
		return;
	*status = *at_socket;
	if (at_socket->mptcp && mpk_conn_status(fd, status) < 0)
		*status = *at_socket;
}

static socklen_t addr_len(const struct sockaddr_storage *ss)
{
	return ss->ss_family == AF_INET6 ? sizeof(struct sockaddr_in6) : sizeof(struct sockaddr_in);
}

/* A connector for n addresses, not filled in yet; NULL without memory. */
static struct mpk_connector *connector_alloc(size_t n, int flags)
{
	struct mpk_connector *conn = calloc(1, sizeof(*conn));

	if (!conn)
		return NULL;
	conn->addrs = calloc(n, sizeof(*conn->addrs));
	if (!conn->addrs) {
		free(conn);
		return NULL;
	}
	conn->n = n;
	conn->flags = flags | MPK_NONBLOCK;
	conn->fd = -1;
	conn->last_error = -ENOENT;
	return conn;
}

MPK_EXPORT int mpk_connector_new(const char *host, const char *service, int family,
				 int flags, struct mpk_connector **out)
{
	struct mpk_connector *conn;
	struct addrinfo *list, *ai;
	size_t n = 0;
	int err;

	if (!out)
		return -EINVAL;
	*out = NULL;
	if (mpk_flags_check(flags))
		return -EINVAL;
	err = mpk_resolve(host, service, family, false, &list);
	if (err)
		return err;
	for (ai = list; ai; ai = ai->ai_next)
		n++;
	conn = connector_alloc(n, flags);
	if (!conn) {
		freeaddrinfo(list);
		return -ENOMEM;
	}
	n = 0;
	for (ai = list; ai; ai = ai->ai_next)
		if (ai->ai_addrlen <= sizeof(conn->addrs[0]))
			memcpy(&conn->addrs[n++], ai->ai_addr, ai->ai_addrlen);
	conn->n = n;
	freeaddrinfo(list);
	*out = conn;
	return 0;
}

MPK_EXPORT int mpk_connector_new_addrs(const struct sockaddr_storage *addrs, size_t n,
				       int flags, struct mpk_connector **out)
{
	struct mpk_connector *conn;

	if (!out)
		return -EINVAL;
	*out = NULL;
	if (!addrs || n == 0 || mpk_flags_check(flags))
		return -EINVAL;
	for (size_t i = 0; i < n; i++)
		if (addrs[i].ss_family != AF_INET && addrs[i].ss_family != AF_INET6)
			return -EAFNOSUPPORT;
	conn = connector_alloc(n, flags);
	if (!conn)
		return -ENOMEM;
	memcpy(conn->addrs, addrs, n * sizeof(*addrs));
	*out = conn;
	return 0;
}

static void drop_attempt(struct mpk_connector *conn, int err)
{
	close(conn->fd);
	conn->fd = -1;
	conn->last_error = err;
}

/* Start connecting to the next address; 0 in progress or connected. */
static int start_next(struct mpk_connector *conn)
{
	while (conn->next < conn->n) {
		const struct sockaddr_storage *ss = &conn->addrs[conn->next++];

		conn->fd = mpk_socket(ss->ss_family, conn->flags, &conn->socket_status);
		if (conn->fd < 0) {
			conn->last_error = conn->fd;
			conn->fd = -1;
			continue;
		}
		if (connect(conn->fd, (const struct sockaddr *)ss, addr_len(ss)) == 0 ||
		    errno == EINPROGRESS)
			return 0;
		drop_attempt(conn, -errno);
	}
	return conn->last_error;
}

/* The attempt in progress: 0 connected, -EINPROGRESS not yet, or -errno.
 * getpeername() first: a connected socket (the common case: at once on
 * loopback, and after EPOLLOUT) answers in one call. SO_ERROR, 0 while in
 * progress too, is asked only when it is not connected: it tells a
 * failure from an attempt still going. */
static int attempt_result(int fd)
{
	struct sockaddr_storage peer;
	socklen_t len = sizeof(peer);
	int err = 0;

	if (getpeername(fd, (struct sockaddr *)&peer, &len) == 0)
		return 0;
	if (errno != ENOTCONN)
		return -errno;
	len = sizeof(err);
	if (getsockopt(fd, SOL_SOCKET, SO_ERROR, &err, &len) < 0)
		return -errno;
	return err ? -err : -EINPROGRESS;
}

MPK_EXPORT int mpk_connector_step(struct mpk_connector *conn, struct mpk_status *status)
{
	int err, fd;

	if (!conn)
		return -EINVAL;
	for (;;) {
		if (conn->fd < 0) {
			err = start_next(conn);
			if (err)
				return err;
		}
		err = attempt_result(conn->fd);
		if (err == -EINPROGRESS)
			return err;
		if (err == 0)
			break;
		drop_attempt(conn, err);
	}
	fd = conn->fd;
	conn->fd = -1;
	connected_status(fd, &conn->socket_status, status);
	return fd;
}

MPK_EXPORT int mpk_connector_fd(const struct mpk_connector *conn)
{
	return conn ? conn->fd : -1;
}

MPK_EXPORT const struct sockaddr *mpk_connector_addr(const struct mpk_connector *conn)
{
	if (!conn || conn->next == 0)
		return NULL;
	return (const struct sockaddr *)&conn->addrs[conn->next - 1];
}

MPK_EXPORT void mpk_connector_free(struct mpk_connector *conn)
{
	if (!conn)
		return;
	if (conn->fd >= 0)
		close(conn->fd);
	free(conn->addrs);
	free(conn);
}

static int set_nonblocking(int fd)
{
	int fl = fcntl(fd, F_GETFL);

	return fl < 0 ? -1 : fcntl(fd, F_SETFL, fl | O_NONBLOCK);
}

MPK_EXPORT int mpk_connect(const char *host, const char *service, int family, int flags,
			   struct mpk_status *status)
{
	struct addrinfo *list, *ai;
	struct mpk_status at_socket;
	int fd, err;

	if (mpk_flags_check(flags))
		return -EINVAL;
	err = mpk_resolve(host, service, family, false, &list);
	if (err)
		return err;
	err = -ENOENT;
	for (ai = list; ai; ai = ai->ai_next) {
		fd = mpk_socket(ai->ai_family, flags & ~MPK_NONBLOCK, &at_socket);
		if (fd < 0) {
			err = fd;
			continue;
		}
		if (connect(fd, ai->ai_addr, ai->ai_addrlen) == 0)
			break;
		err = -errno;
		close(fd);
	}
	freeaddrinfo(list);
	if (!ai)
		return err;
	connected_status(fd, &at_socket, status);
	if ((flags & MPK_NONBLOCK) && set_nonblocking(fd) < 0) {
		err = -errno;
		close(fd);
		return err;
	}
	return fd;
}
