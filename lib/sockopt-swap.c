// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * Swapping a forced MPTCP socket for a TCP one: may it be swapped, its TCP
 * twin with the options the program set, and the address to bind again.
 */
#include <errno.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <string.h>

#include "sockopt-raw.h"
#include "sockopt.h"

int mpk_sock_swappable(int fd)
{
	struct tcp_info ti;
	socklen_t len = sizeof(ti);

	memset(&ti, 0, sizeof(ti));
	if (getsockopt(fd, IPPROTO_TCP, TCP_INFO, &ti, &len) < 0)
		return -errno;
	/* TCP_CLOSE: never connected, not listening (or a failed connect). */
	return ti.tcpi_state == TCP_CLOSE ? 0 : -EISCONN;
}

/* What a fresh TCP socket of each family reads back for every option,
 * read once per process: a swap then reads each option once, from the old
 * socket. state: 0 none, 1 being filled (others read a fresh socket
 * meanwhile), 2 ready. */
#define DEFAULT_MAX 64
static struct fresh_defaults {
	int state;
	unsigned char len[MPK_SOCKOPT_MAX]; /* 0: not readable or longer than DEFAULT_MAX */
	char val[MPK_SOCKOPT_MAX][DEFAULT_MAX];
} defaults[2];

static void defaults_fill(struct fresh_defaults *d, int family)
{
	int fd = raw_socket(family, SOCK_STREAM | SOCK_CLOEXEC, IPPROTO_TCP);

	for (size_t i = 0; i < mpk_sockopt_count() && fd >= 0; i++) {
		const struct mpk_sockopt *o = mpk_sockopt_at(i);
		socklen_t len = DEFAULT_MAX;

		if (o->copy && getsockopt(fd, o->level, o->optname, d->val[i], &len) == 0 &&
		    len < DEFAULT_MAX)
			d->len[i] = (unsigned char)len;
	}
	if (fd >= 0)
		close(fd);
	__atomic_store_n(&d->state, fd >= 0 ? 2 : 0, __ATOMIC_RELEASE);
}

/* The cached defaults for family, or NULL (read the new socket instead). */
static const struct fresh_defaults *defaults_get(int family)
{
	struct fresh_defaults *d = &defaults[family == AF_INET6];
	int expected = 0;

	if (__atomic_load_n(&d->state, __ATOMIC_ACQUIRE) == 2)
		return d;
	if (__atomic_compare_exchange_n(&d->state, &expected, 1, false, __ATOMIC_ACQ_REL,
					__ATOMIC_ACQUIRE))
		defaults_fill(d, family);
	return __atomic_load_n(&d->state, __ATOMIC_ACQUIRE) == 2 ? d : NULL;
}

/* Copy option i from -> to when the program changed it (it differs from a
 * fresh socket's value). Best effort: a value the new socket refuses stays
 * as it is. */
static void copy_one(size_t i, int from, int to, const struct fresh_defaults *d)
{
	const struct mpk_sockopt *o = mpk_sockopt_at(i);
	char a[256], b[256];
	socklen_t alen = sizeof(a), blen = sizeof(b);
	int half;

	if (getsockopt(from, o->level, o->optname, a, &alen) < 0)
		return;
	if (d && d->len[i]) {
		memcpy(b, d->val[i], d->len[i]);
		blen = d->len[i];
	} else if (getsockopt(to, o->level, o->optname, b, &blen) < 0) {
		return;
	}
	if (alen == blen && !memcmp(a, b, alen))
		return;
	/* The kernel reports buffer sizes doubled (bookkeeping overhead). */
	if (o->level == SOL_SOCKET && (o->optname == SO_SNDBUF || o->optname == SO_RCVBUF) &&
	    alen == sizeof(int)) {
		memcpy(&half, a, sizeof(int));
		half /= 2;
		memcpy(a, &half, sizeof(int));
	}
	raw_setsockopt(to, o->level, o->optname, a, alen);
}

static int sock_int(int fd, int level, int optname)
{
	int v = -1;
	socklen_t len = sizeof(v);

	return getsockopt(fd, level, optname, &v, &len) < 0 ? -errno : v;
}

int mpk_sock_tcp_twin(int fd)
{
	int family = sock_int(fd, SOL_SOCKET, SO_DOMAIN);
	int fl = fcntl(fd, F_GETFL), nfd;
	const struct fresh_defaults *d;

	if (family < 0)
		return family;
	if (fl < 0)
		return -errno;
	nfd = raw_socket(family, SOCK_STREAM | SOCK_CLOEXEC | ((fl & O_NONBLOCK) ? SOCK_NONBLOCK : 0),
		     IPPROTO_TCP);
	if (nfd < 0)
		return -errno;
	d = defaults_get(family);
	for (size_t i = 0; i < mpk_sockopt_count(); i++) {
		const struct mpk_sockopt *o = mpk_sockopt_at(i);

		if (o->copy && (o->level != IPPROTO_IPV6 || family == AF_INET6))
			copy_one(i, fd, nfd, d);
	}
	return nfd;
}

int mpk_sock_bound(int fd, struct sockaddr_storage *ss, socklen_t *len)
{
	*len = sizeof(*ss);
	if (getsockname(fd, (struct sockaddr *)ss, len) < 0)
		return -errno;
	if (ss->ss_family == AF_INET)
		return ((struct sockaddr_in *)ss)->sin_port != 0;
	if (ss->ss_family == AF_INET6)
		return ((struct sockaddr_in6 *)ss)->sin6_port != 0;
	return 0;
}
