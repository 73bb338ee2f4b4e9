// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * The live probe of socket options on MPTCP (check --sockopts) and the
 * quick one the seccomp supervisor runs once: never a list fixed at build
 * time, newer kernels accept more.
 */
#include <errno.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <string.h>
#include <sys/time.h>

#include "sockopt-raw.h"
#include "sockopt.h"

socklen_t mpk_sockopt_example(const struct mpk_sockopt *o, void *buf, size_t size)
{
	struct linger lg = { .l_onoff = 1, .l_linger = 0 };
	struct timeval tv = { .tv_sec = 1 };
	struct tcp_md5sig md5 = { .tcpm_keylen = 4 };
	struct sockaddr_in *sin = (struct sockaddr_in *)&md5.tcpm_addr;

	if (size < 256)
		return 0;
	switch (o->kind) {
	case MPK_SOV_INT:
		memcpy(buf, &o->probe, sizeof(int));
		return sizeof(int);
	case MPK_SOV_STRING:
		memcpy(buf, o->text, strlen(o->text) + 1);
		return (socklen_t)strlen(o->text);
	case MPK_SOV_LINGER:
		memcpy(buf, &lg, sizeof(lg));
		return sizeof(lg);
	case MPK_SOV_TIMEVAL:
		memcpy(buf, &tv, sizeof(tv));
		return sizeof(tv);
	case MPK_SOV_MD5SIG:
		sin->sin_family = AF_INET;
		sin->sin_addr.s_addr = htonl(INADDR_LOOPBACK);
		memcpy(md5.tcpm_key, "test", 4);
		_Static_assert(sizeof(md5) <= 256, "probe buffer");
		memcpy(buf, &md5, sizeof(md5));
		return sizeof(md5);
	case MPK_SOV_GETONLY:
		break;
	}
	return 0;
}

/* errno of setsockopt (0 = accepted) on a fresh socket of protocol proto. */
static int probe_set(const struct mpk_sockopt *o, int proto)
{
	char buf[256];
	socklen_t len = mpk_sockopt_example(o, buf, sizeof(buf));
	int fd = raw_socket(o->family, SOCK_STREAM | SOCK_CLOEXEC, proto), err = 0;

	if (fd < 0)
		return errno;
	if (raw_setsockopt(fd, o->level, o->optname, buf, len) < 0)
		err = errno;
	close(fd);
	return err;
}

static int probe_get(const struct mpk_sockopt *o)
{
	char buf[512];
	socklen_t len = sizeof(buf);
	int fd = raw_socket(o->family, SOCK_STREAM | SOCK_CLOEXEC, IPPROTO_MPTCP), err = 0;

	if (fd < 0)
		return errno;
	if (getsockopt(fd, o->level, o->optname, buf, &len) < 0)
		err = errno;
	close(fd);
	return err;
}

int mpk_sockopt_probe(const struct mpk_sockopt *o, struct mpk_sockopt_probe *r)
{
	int fd = raw_socket(o->family, SOCK_STREAM | SOCK_CLOEXEC, IPPROTO_MPTCP);

	if (fd < 0)
		return -errno; /* no MPTCP here: nothing to probe */
	close(fd);
	r->mptcp_set = r->tcp_set = -1;
	if (o->kind != MPK_SOV_GETONLY) {
		r->mptcp_set = probe_set(o, IPPROTO_MPTCP);
		r->tcp_set = probe_set(o, IPPROTO_TCP);
	}
	r->mptcp_get = probe_get(o);
	return 0;
}

bool mpk_sockopt_probe_refused(const struct mpk_sockopt_probe *r)
{
	return r->mptcp_set > 0 && mpk_sockopt_refused(r->mptcp_set) &&
	       r->tcp_set != r->mptcp_set;
}

int mpk_sockopt_refused_now(unsigned char *refused, size_t n)
{
	int fds[2] = {
		raw_socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, IPPROTO_MPTCP),
		raw_socket(AF_INET6, SOCK_STREAM | SOCK_CLOEXEC, IPPROTO_MPTCP),
	};

	if (fds[0] < 0)
		return -errno;
	for (size_t i = 0; i < mpk_sockopt_count() && i < n; i++) {
		const struct mpk_sockopt *o = mpk_sockopt_at(i);
		int fd = fds[o->family == AF_INET6];
		char buf[256];
		socklen_t len = mpk_sockopt_example(o, buf, sizeof(buf));

		refused[i] = fd >= 0 && o->kind != MPK_SOV_GETONLY &&
			     raw_setsockopt(fd, o->level, o->optname, buf, len) < 0 &&
			     mpk_sockopt_refused(errno);
	}
	close(fds[0]);
	if (fds[1] >= 0)
		close(fds[1]);
	return 0;
}
