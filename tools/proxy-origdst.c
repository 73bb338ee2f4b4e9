// SPDX-License-Identifier: GPL-2.0-or-later
/* Where a connection redirected by nftables (REDIRECT/DNAT) was going. */
#include <errno.h>
#include <string.h>
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
