// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * A TCP connect over one path, for probe targets that do not answer ICMP
 * (networks that filter it, servers behind firewalls): a non-blocking
 * connect from the path's address, bound to its interface, to ADDR:PORT.
 * A SYN-ACK or a reset both came back over the path, so either is an
 * answer; no answer by the next probe is a lost probe. The socket is
 * closed with a reset (SO_LINGER 0), so the target keeps no state and pmd
 * no TIME_WAIT. Not in pmd's poll set: each sample looks at every probe in
 * flight with a poll() that does not wait, as often as an answer matters.
 */
#include <errno.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <poll.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include "clock.h"
#include "pmd.h"

void pmd_tcp_probe_init(struct pmd_tcp_probe *t)
{
	*t = (struct pmd_tcp_probe){ .fd = -1 };
}

void pmd_tcp_probe_abort(struct pmd_tcp_probe *t)
{
	struct linger reset = { .l_onoff = 1, .l_linger = 0 };

	if (t->fd < 0)
		return;
	setsockopt(t->fd, SOL_SOCKET, SO_LINGER, &reset, sizeof(reset));
	close(t->fd);
	t->fd = -1;
}

int pmd_tcp_probe_start(struct pmd_tcp_probe *t, int family, const union mpk_in46 *src,
			const char *ifname, const union mpk_in46 *dst, uint16_t port)
{
	struct sockaddr_storage ss;
	socklen_t len;
	int ret = 0;

	pmd_tcp_probe_abort(t);
	t->fd = socket(family, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, IPPROTO_TCP);
	if (t->fd < 0)
		return -errno;
	len = pmd_in46_sockaddr(family, src, 0, &ss);
	if (setsockopt(t->fd, SOL_SOCKET, SO_BINDTODEVICE, ifname, strlen(ifname) + 1) ||
	    bind(t->fd, (struct sockaddr *)&ss, len))
		ret = -errno;
	len = pmd_in46_sockaddr(family, dst, port, &ss);
	if (!ret && connect(t->fd, (struct sockaddr *)&ss, len) && errno != EINPROGRESS)
		ret = -errno;
	t->sent_ms = clock_mono_ms();
	if (ret)	/* it cannot leave (a local firewall: EPERM): lost */
		pmd_tcp_probe_abort(t);
	return ret;
}

/* The connection's round trip from TCP itself, else the time since the SYN. */
static uint32_t probe_rtt_ms(const struct pmd_tcp_probe *t)
{
	struct tcp_info ti;
	socklen_t len = sizeof(ti);

	if (!getsockopt(t->fd, IPPROTO_TCP, TCP_INFO, &ti, &len) && ti.tcpi_rtt)
		return (ti.tcpi_rtt + 999) / 1000;
	return (uint32_t)(clock_mono_ms() - t->sent_ms);
}

int pmd_tcp_probe_check(struct pmd_tcp_probe *t, uint32_t *rtt_ms)
{
	struct pollfd pfd = { .fd = t->fd, .events = POLLOUT };
	socklen_t len = sizeof(int);
	int err = 0;

	if (t->fd < 0 || poll(&pfd, 1, 0) <= 0)
		return 0;
	if (getsockopt(t->fd, SOL_SOCKET, SO_ERROR, &err, &len))
		err = errno;
	*rtt_ms = probe_rtt_ms(t);
	pmd_tcp_probe_abort(t);
	/* refused: the target's reset crossed the path, as an answer would */
	return !err || err == ECONNREFUSED ? 1 : -1;
}
