// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * ICMP echo over one path: a raw socket bound to the path's interface and
 * local address, so the probe leaves where the subflows leave, whatever
 * the routing table prefers. Raw, not the unprivileged ping socket: that
 * one needs net.ipv4.ping_group_range, which is empty by default, and pmd
 * has CAP_NET_RAW anyway. Echo identifiers tell pmd's paths apart.
 */
#include <errno.h>
#include <net/if.h>	/* before linux/icmp.h, which includes linux/if.h */
#include <netinet/icmp6.h>
#include <netinet/ip.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>
#include <linux/icmp.h>

#include "clock.h"
#include "pmd.h"

#define PROBE_MAGIC 0x6d706b70u	/* "mpkp" */

struct pmd_probe {
	int fd;
	int family;
	uint16_t ident;
	uint16_t seq;
};

struct echo {
	uint8_t type, code;
	uint16_t cksum, ident, seq;
	uint32_t magic;
	uint32_t sent_ms;	/* our clock, echoed back: the round trip */
};

static uint16_t checksum(const void *data, size_t len)
{
	const uint8_t *p = data;
	uint32_t sum = 0;

	for (size_t i = 0; i + 1 < len; i += 2)
		sum += (uint32_t)p[i] << 8 | p[i + 1];
	if (len & 1)
		sum += (uint32_t)p[len - 1] << 8;
	while (sum >> 16)
		sum = (sum & 0xffff) + (sum >> 16);
	return htons(~sum & 0xffff);
}

/* Let only echo replies reach the socket. */
static int filter_replies(int fd, int family)
{
	if (family == AF_INET) {
		struct icmp_filter f = { .data = ~(1u << ICMP_ECHOREPLY) };

		return setsockopt(fd, SOL_RAW, ICMP_FILTER, &f, sizeof(f));
	} else {
		struct icmp6_filter f;

		ICMP6_FILTER_SETBLOCKALL(&f);
		ICMP6_FILTER_SETPASS(ICMP6_ECHO_REPLY, &f);
		return setsockopt(fd, IPPROTO_ICMPV6, ICMP6_FILTER, &f, sizeof(f));
	}
}

static int bind_source(int fd, int family, const union mpk_in46 *src)
{
	struct sockaddr_storage ss;
	socklen_t len = pmd_in46_sockaddr(family, src, 0, &ss);

	return bind(fd, (struct sockaddr *)&ss, len);
}

int pmd_probe_open(int family, const union mpk_in46 *src, const char *ifname,
		   uint16_t ident, struct pmd_probe **out)
{
	struct pmd_probe *p = calloc(1, sizeof(*p));
	int proto = family == AF_INET ? IPPROTO_ICMP : IPPROTO_ICMPV6;
	int ret;

	if (!p)
		return -ENOMEM;
	p->family = family;
	p->ident = ident;
	p->fd = socket(family, SOCK_RAW | SOCK_NONBLOCK | SOCK_CLOEXEC, proto);
	if (p->fd < 0 ||
	    setsockopt(p->fd, SOL_SOCKET, SO_BINDTODEVICE, ifname, strlen(ifname) + 1) ||
	    bind_source(p->fd, family, src) || filter_replies(p->fd, family)) {
		ret = -errno;
		pmd_probe_close(p);
		return ret;
	}
	*out = p;
	return 0;
}

void pmd_probe_close(struct pmd_probe *p)
{
	if (!p)
		return;
	if (p->fd >= 0)
		close(p->fd);
	free(p);
}

int pmd_probe_fd(const struct pmd_probe *p)
{
	return p->fd;
}

int pmd_probe_send(struct pmd_probe *p, const union mpk_in46 *dst)
{
	struct echo e = { .type = p->family == AF_INET ? ICMP_ECHO : ICMP6_ECHO_REQUEST,
			  .ident = htons(p->ident), .seq = htons(++p->seq),
			  .magic = htonl(PROBE_MAGIC), .sent_ms = (uint32_t)clock_mono_ms() };
	struct sockaddr_storage ss;
	socklen_t len = pmd_in46_sockaddr(p->family, dst, 0, &ss);

	/* the kernel fills the ICMPv6 checksum of raw sockets */
	if (p->family == AF_INET)
		e.cksum = checksum(&e, sizeof(e));
	if (sendto(p->fd, &e, sizeof(e), 0, (struct sockaddr *)&ss, len) < 0)
		return -errno;
	return 0;
}

/* The echo in one datagram (after the IPv4 header on IPv4), or NULL. */
static const struct echo *echo_of(const struct pmd_probe *p, const uint8_t *buf,
				  ssize_t n)
{
	size_t off = 0;

	if (p->family == AF_INET) {
		if (n < (ssize_t)sizeof(struct iphdr))
			return NULL;
		off = (buf[0] & 0x0f) * 4;
	}
	if (n < (ssize_t)(off + sizeof(struct echo)))
		return NULL;
	return (const struct echo *)(buf + off);
}

int pmd_probe_read(struct pmd_probe *p, pmd_answer_fn fn, void *data)
{
	uint8_t buf[512] __attribute__((aligned(4)));
	int answers = 0;

	for (;;) {
		struct sockaddr_storage from;
		socklen_t flen = sizeof(from);
		ssize_t n = recvfrom(p->fd, buf, sizeof(buf), 0, (struct sockaddr *)&from, &flen);
		const struct echo *e;
		union mpk_in46 src = { 0 };

		if (n < 0)
			return errno == EAGAIN || errno == EINTR ? answers : -errno;
		e = echo_of(p, buf, n);
		if (!e || ntohs(e->ident) != p->ident || ntohl(e->magic) != PROBE_MAGIC ||
		    e->type != (p->family == AF_INET ? ICMP_ECHOREPLY : ICMP6_ECHO_REPLY))
			continue;
		if (p->family == AF_INET)
			src.v4 = ((struct sockaddr_in *)&from)->sin_addr;
		else
			src.v6 = ((struct sockaddr_in6 *)&from)->sin6_addr;
		fn(data, &src, (uint32_t)clock_mono_ms() - e->sent_ms);
		answers++;
	}
}
