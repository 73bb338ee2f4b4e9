// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * Where a connection taken by the transparent proxy was going: from
 * conntrack for nftables REDIRECT, or the socket's own address for tproxy
 * (whose listener is IP_TRANSPARENT, so it accepts for any address).
 */
#include <errno.h>
#include <string.h>
#include <unistd.h>
#include <netdb.h>
#include <netinet/in.h>
#include <sys/socket.h>

#include "proxy-internal.h"

/* From <linux/netfilter_ipv4.h> and <linux/netfilter_ipv6/ip6_tables.h>,
 * whose headers do not mix with glibc's. */
#ifndef SO_ORIGINAL_DST
#define SO_ORIGINAL_DST 80
#endif
#ifndef IP6T_SO_ORIGINAL_DST
#define IP6T_SO_ORIGINAL_DST 80
#endif

/* The same address and port (an IPv4-mapped local address matches IPv4). */
static bool same_endpoint(const struct sockaddr_storage *a, const struct sockaddr_storage *b)
{
	const struct sockaddr_in *a4 = (const struct sockaddr_in *)a;
	const struct sockaddr_in *b4 = (const struct sockaddr_in *)b;
	const struct sockaddr_in6 *a6 = (const struct sockaddr_in6 *)a;
	const struct sockaddr_in6 *b6 = (const struct sockaddr_in6 *)b;

	if (a->ss_family == AF_INET && b->ss_family == AF_INET6)
		return same_endpoint(b, a);
	if (a->ss_family == AF_INET6 && b->ss_family == AF_INET)
		return IN6_IS_ADDR_V4MAPPED(&a6->sin6_addr) && a6->sin6_port == b4->sin_port &&
		       !memcmp(a6->sin6_addr.s6_addr + 12, &b4->sin_addr, 4);
	if (a->ss_family == AF_INET)
		return a4->sin_port == b4->sin_port && a4->sin_addr.s_addr == b4->sin_addr.s_addr;
	return a6->sin6_port == b6->sin6_port &&
	       !memcmp(&a6->sin6_addr, &b6->sin6_addr, sizeof(a6->sin6_addr));
}

int proxy_original_dst(int fd, struct sockaddr_storage *dst)
{
	struct sockaddr_storage local;
	socklen_t len = sizeof(local);
	bool found = false;

	memset(dst, 0, sizeof(*dst));
	if (getsockname(fd, (struct sockaddr *)&local, &len) < 0)
		return -errno;
	/* An IPv6 socket may carry IPv4 (mapped): conntrack has it as IPv4. */
	len = sizeof(struct sockaddr_in);
	if (getsockopt(fd, SOL_IP, SO_ORIGINAL_DST, dst, &len) == 0)
		found = true;
	if (!found && local.ss_family == AF_INET6) {
		len = sizeof(struct sockaddr_in6);
		found = getsockopt(fd, SOL_IPV6, IP6T_SO_ORIGINAL_DST, dst, &len) == 0;
	}
	/* Conntrack knows connections that were not redirected too: their
	 * original destination is this very socket, and following it would
	 * loop. */
	if (!found || same_endpoint(dst, &local))
		return -ENOENT;
	return 0;
}

int proxy_tproxy_dst(int fd, int listen_port, struct sockaddr_storage *dst)
{
	socklen_t len = sizeof(*dst);
	const struct sockaddr_in *in = (const struct sockaddr_in *)dst;
	const struct sockaddr_in6 *in6 = (const struct sockaddr_in6 *)dst;
	int port;

	if (getsockname(fd, (struct sockaddr *)dst, &len) < 0)
		return -errno;
	port = ntohs(dst->ss_family == AF_INET ? in->sin_port : in6->sin6_port);
	/* Addressed to the proxy's own port: not diverted, and following it
	 * would loop. */
	return port == listen_port ? -ENOENT : 0;
}

/* IP_TRANSPARENT (and IPV6_TRANSPARENT) before bind: the listener then
 * takes the connections tproxy hands it, whatever their address. */
static int transparent_on(int fd, int family)
{
	int one = 1;

	if (family == AF_INET6 &&
	    setsockopt(fd, SOL_IPV6, IPV6_TRANSPARENT, &one, sizeof(one)) < 0)
		return -errno;
	if (setsockopt(fd, SOL_IP, IP_TRANSPARENT, &one, sizeof(one)) < 0 && family == AF_INET)
		return -errno;
	return 0;
}

int proxy_tproxy_listen(const char *host, const char *port, struct mpk_status *status)
{
	struct addrinfo hints = { .ai_socktype = SOCK_STREAM, .ai_flags = AI_PASSIVE | AI_NUMERICHOST };
	struct addrinfo *ai;
	int one = 1, zero = 0, fd, err;

	if (getaddrinfo(host, port, &hints, &ai))
		return -EINVAL;
	/* Plain TCP like the REDIRECT listener: redirected clients are TCP. */
	fd = mpk_socket(ai->ai_family, MPK_TCP_ONLY | MPK_NONBLOCK | MPK_CLOEXEC, status);
	err = fd < 0 ? fd : transparent_on(fd, ai->ai_family);
	if (!err && setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one)) < 0)
		err = -errno;
	if (!err && ai->ai_family == AF_INET6 &&
	    setsockopt(fd, IPPROTO_IPV6, IPV6_V6ONLY, &zero, sizeof(zero)) < 0)
		err = -errno;
	if (!err && (bind(fd, ai->ai_addr, ai->ai_addrlen) < 0 || listen(fd, SOMAXCONN) < 0))
		err = -errno;
	freeaddrinfo(ai);
	if (err) {
		if (fd >= 0)
			close(fd);
		return err;
	}
	return fd;
}
