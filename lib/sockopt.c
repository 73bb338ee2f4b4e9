// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * The socket options a TCP program may set, and how a forced MPTCP socket
 * is exchanged for a TCP one when the kernel refuses one of them. See
 * sockopt.h; the default policies are documented in mptcpkit(1).
 */
#include <errno.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <string.h>
#include <strings.h>
#include <sys/syscall.h>
#include <sys/time.h>
#include <unistd.h>

#include "sockopt.h"

#ifndef IPPROTO_MPTCP
#define IPPROTO_MPTCP 262
#endif
#ifndef SO_MAX_PACING_RATE
#define SO_MAX_PACING_RATE 47
#endif
#ifndef SO_ZEROCOPY
#define SO_ZEROCOPY 60
#endif
#ifndef SO_TXREHASH
#define SO_TXREHASH 74
#endif
#ifndef IP_BIND_ADDRESS_NO_PORT
#define IP_BIND_ADDRESS_NO_PORT 24
#endif
#ifndef IP_LOCAL_PORT_RANGE
#define IP_LOCAL_PORT_RANGE 51
#endif
#ifndef TCP_TX_DELAY
#define TCP_TX_DELAY 37
#endif
#ifndef TCP_INQ
#define TCP_INQ 36
#endif
#ifndef TCP_IS_MPTCP
#define TCP_IS_MPTCP 43
#endif

/* Straight to the kernel: inside the preload shim, socket() and
 * setsockopt() are the shim's own, which would force the TCP twin back
 * onto MPTCP. */
static int raw_socket(int family, int type, int protocol)
{
	return (int)syscall(SYS_socket, family, type, protocol);
}

static int raw_setsockopt(int fd, int level, int optname, const void *val, socklen_t len)
{
	return (int)syscall(SYS_setsockopt, fd, level, optname, val, len);
}

#define P_TCP MPK_SOCKOPT_TCP
#define P_IGN MPK_SOCKOPT_IGNORE

/* Each macro names the option itself (#opt), before it expands to a number. */
#define OPT(lvl, opt, fam, kind, val, text, pol, copy) \
	{ #opt, lvl, opt, fam, kind, val, text, pol, copy }
#define INT4(lvl, opt, val, pol, copy) \
	{ #opt, lvl, opt, AF_INET, MPK_SOV_INT, val, NULL, pol, copy }
#define INT6(opt, val, pol, copy) \
	{ #opt, IPPROTO_IPV6, opt, AF_INET6, MPK_SOV_INT, val, NULL, pol, copy }
#define GET(lvl, opt) { #opt, lvl, opt, AF_INET, MPK_SOV_GETONLY, 0, NULL, P_TCP, false }

/*
 * policy: what a forced program gets when this kernel's MPTCP refuses the
 * option (it does not matter for options MPTCP accepts). P_IGN only for
 * pure hints, each said why below; everything else keeps its meaning on a
 * TCP socket (P_TCP). copy: read from the old socket and written to the
 * new one on a swap when it differs from a fresh socket's value.
 */
static const struct mpk_sockopt table[] = {
	INT4(SOL_SOCKET, SO_DEBUG, 1, P_TCP, true),
	INT4(SOL_SOCKET, SO_REUSEADDR, 1, P_TCP, true),
	INT4(SOL_SOCKET, SO_REUSEPORT, 1, P_TCP, true),
	INT4(SOL_SOCKET, SO_KEEPALIVE, 1, P_TCP, true),
	INT4(SOL_SOCKET, SO_DONTROUTE, 1, P_TCP, true),
	INT4(SOL_SOCKET, SO_OOBINLINE, 1, P_TCP, true),
	INT4(SOL_SOCKET, SO_SNDBUF, 65536, P_TCP, true),
	INT4(SOL_SOCKET, SO_RCVBUF, 65536, P_TCP, true),
	INT4(SOL_SOCKET, SO_RCVLOWAT, 1, P_TCP, true),
	INT4(SOL_SOCKET, SO_PRIORITY, 1, P_TCP, true),
	INT4(SOL_SOCKET, SO_MARK, 1, P_TCP, true),
	INT4(SOL_SOCKET, SO_TIMESTAMP, 1, P_TCP, true),
	INT4(SOL_SOCKET, SO_TIMESTAMPNS, 1, P_TCP, true),
	INT4(SOL_SOCKET, SO_BUSY_POLL, 0, P_TCP, true),
	INT4(SOL_SOCKET, SO_INCOMING_CPU, 0, P_TCP, false),
	INT4(SOL_SOCKET, SO_MAX_PACING_RATE, 1000000, P_TCP, true),
	INT4(SOL_SOCKET, SO_ZEROCOPY, 1, P_TCP, true),
	/* Only whether a retransmission may pick another route hash: a
	 * routing hint, nothing the program sees. */
	INT4(SOL_SOCKET, SO_TXREHASH, 1, P_IGN, true),
	OPT(SOL_SOCKET, SO_LINGER, AF_INET, MPK_SOV_LINGER, 0, NULL, P_TCP, true),
	OPT(SOL_SOCKET, SO_RCVTIMEO, AF_INET, MPK_SOV_TIMEVAL, 0, NULL, P_TCP, true),
	OPT(SOL_SOCKET, SO_SNDTIMEO, AF_INET, MPK_SOV_TIMEVAL, 0, NULL, P_TCP, true),
	OPT(SOL_SOCKET, SO_BINDTODEVICE, AF_INET, MPK_SOV_STRING, 0, "lo", P_TCP, true),
	INT4(IPPROTO_IP, IP_TOS, 0x10, P_TCP, true),
	INT4(IPPROTO_IP, IP_TTL, 64, P_TCP, true),
	INT4(IPPROTO_IP, IP_MINTTL, 1, P_TCP, true),
	INT4(IPPROTO_IP, IP_RECVERR, 1, P_TCP, true),
	INT4(IPPROTO_IP, IP_MTU_DISCOVER, IP_PMTUDISC_DO, P_TCP, true),
	INT4(IPPROTO_IP, IP_FREEBIND, 1, P_TCP, true),
	INT4(IPPROTO_IP, IP_TRANSPARENT, 1, P_TCP, true),
	INT4(IPPROTO_IP, IP_BIND_ADDRESS_NO_PORT, 1, P_TCP, true),
	INT4(IPPROTO_IP, IP_LOCAL_PORT_RANGE, 40000 | (50000 << 16), P_TCP, true),
	INT6(IPV6_V6ONLY, 1, P_TCP, true),
	INT6(IPV6_TCLASS, 0x10, P_TCP, true),
	INT6(IPV6_UNICAST_HOPS, 64, P_TCP, true),
	INT6(IPV6_RECVERR, 1, P_TCP, true),
	INT6(IPV6_MTU_DISCOVER, IPV6_PMTUDISC_DO, P_TCP, true),
	INT6(IPV6_FREEBIND, 1, P_TCP, true),
	INT6(IPV6_TRANSPARENT, 1, P_TCP, true),
	INT4(IPPROTO_TCP, TCP_NODELAY, 1, P_TCP, true),
	INT4(IPPROTO_TCP, TCP_MAXSEG, 1400, P_TCP, true),
	INT4(IPPROTO_TCP, TCP_CORK, 1, P_TCP, true),
	INT4(IPPROTO_TCP, TCP_KEEPIDLE, 60, P_TCP, true),
	INT4(IPPROTO_TCP, TCP_KEEPINTVL, 10, P_TCP, true),
	INT4(IPPROTO_TCP, TCP_KEEPCNT, 3, P_TCP, true),
	/* How long connect() retries: the program's timeout, kept on TCP. */
	INT4(IPPROTO_TCP, TCP_SYNCNT, 3, P_TCP, true),
	/* How long an orphaned socket stays in FIN_WAIT2 after close(): the
	 * program has let go of the socket by then, it sees nothing. */
	INT4(IPPROTO_TCP, TCP_LINGER2, 30, P_IGN, true),
	INT4(IPPROTO_TCP, TCP_DEFER_ACCEPT, 5, P_TCP, true),
	/* A cap on the advertised window: throughput tuning, no semantics. */
	INT4(IPPROTO_TCP, TCP_WINDOW_CLAMP, 65536, P_IGN, true),
	/* Ack now instead of delaying: a one-shot latency hint. */
	INT4(IPPROTO_TCP, TCP_QUICKACK, 1, P_IGN, false),
	OPT(IPPROTO_TCP, TCP_CONGESTION, AF_INET, MPK_SOV_STRING, 0, "reno", P_TCP, true),
	OPT(IPPROTO_TCP, TCP_MD5SIG, AF_INET, MPK_SOV_MD5SIG, 0, NULL, P_TCP, false),
	/* Linear instead of exponential backoff for thin streams: tuning of
	 * retransmission timing only. */
	INT4(IPPROTO_TCP, TCP_THIN_LINEAR_TIMEOUTS, 1, P_IGN, true),
	/* A dead-peer timeout the program relies on (gRPC, Tailscale). */
	INT4(IPPROTO_TCP, TCP_USER_TIMEOUT, 10000, P_TCP, true),
	INT4(IPPROTO_TCP, TCP_REPAIR, 1, P_TCP, false),
	INT4(IPPROTO_TCP, TCP_FASTOPEN, 5, P_TCP, true),
	INT4(IPPROTO_TCP, TCP_TIMESTAMP, 0, P_TCP, false),
	INT4(IPPROTO_TCP, TCP_NOTSENT_LOWAT, 16384, P_TCP, true),
	INT4(IPPROTO_TCP, TCP_SAVE_SYN, 1, P_TCP, true),
	INT4(IPPROTO_TCP, TCP_FASTOPEN_CONNECT, 1, P_TCP, true),
	OPT(IPPROTO_TCP, TCP_ULP, AF_INET, MPK_SOV_STRING, 0, "tls", P_TCP, false),
	INT4(IPPROTO_TCP, TCP_FASTOPEN_NO_COOKIE, 1, P_TCP, true),
	INT4(IPPROTO_TCP, TCP_INQ, 1, P_TCP, true),
	INT4(IPPROTO_TCP, TCP_TX_DELAY, 1000, P_TCP, true),
	GET(IPPROTO_TCP, TCP_INFO),
	GET(IPPROTO_TCP, TCP_IS_MPTCP),
};

#define TABLE_LEN (sizeof(table) / sizeof(table[0]))

_Static_assert(TABLE_LEN <= sizeof(((struct mpk_sockopt_policies *)0)->of),
	       "policies has room for the whole table");

size_t mpk_sockopt_count(void)
{
	return TABLE_LEN;
}

const struct mpk_sockopt *mpk_sockopt_at(size_t i)
{
	return i < TABLE_LEN ? &table[i] : NULL;
}

static long index_of(int level, int optname)
{
	for (size_t i = 0; i < TABLE_LEN; i++)
		if (table[i].level == level && table[i].optname == optname)
			return (long)i;
	return -1;
}

const struct mpk_sockopt *mpk_sockopt_find(int level, int optname)
{
	long i = index_of(level, optname);

	return i < 0 ? NULL : &table[i];
}

/* Case-insensitive, as people type "tcp_user_timeout" too; the name
 * ends at len (so "NAME=policy" items need no copy). */
static long index_by_name(const char *name, size_t len)
{
	for (size_t i = 0; i < TABLE_LEN; i++)
		if (strlen(table[i].name) == len && !strncasecmp(table[i].name, name, len))
			return (long)i;
	return -1;
}

const struct mpk_sockopt *mpk_sockopt_by_name(const char *name)
{
	long i = index_by_name(name, strlen(name));

	return i < 0 ? NULL : &table[i];
}

static const char *const policy_names[] = {
	[MPK_SOCKOPT_TCP] = "tcp",
	[MPK_SOCKOPT_IGNORE] = "ignore",
	[MPK_SOCKOPT_ERROR] = "error",
};

const char *mpk_sockopt_policy_name(enum mpk_sockopt_policy p)
{
	return (unsigned)p < 3 ? policy_names[p] : "?";
}

static int policy_parse_n(const char *s, size_t len, enum mpk_sockopt_policy *p)
{
	for (unsigned i = 0; i < 3; i++)
		if (strlen(policy_names[i]) == len && !strncmp(policy_names[i], s, len)) {
			*p = (enum mpk_sockopt_policy)i;
			return 0;
		}
	return -EINVAL;
}

int mpk_sockopt_policy_parse(const char *s, enum mpk_sockopt_policy *p)
{
	return policy_parse_n(s, strlen(s), p);
}

void mpk_sockopt_policies_init(struct mpk_sockopt_policies *ps)
{
	memset(ps, 0, sizeof(*ps));
	for (size_t i = 0; i < TABLE_LEN; i++)
		ps->of[i] = (unsigned char)table[i].policy;
}

/* One "NAME=POLICY" item of length len: its table index and policy. */
static int parse_item(const char *item, size_t len, long *idx, enum mpk_sockopt_policy *p)
{
	const char *eq = memchr(item, '=', len);

	if (!eq)
		return -EINVAL;
	*idx = index_by_name(item, (size_t)(eq - item));
	if (*idx < 0)
		return -EINVAL;
	return policy_parse_n(eq + 1, len - (size_t)(eq + 1 - item), p);
}

/* Two passes: check everything, then apply, so a bad item changes nothing. */
int mpk_sockopt_policies_parse(struct mpk_sockopt_policies *ps, const char *spec,
			       const char **bad)
{
	for (int apply = 0; apply < 2; apply++) {
		const char *s = spec;

		while (*s) {
			size_t len = strcspn(s, ", ");
			enum mpk_sockopt_policy p;
			long idx;

			if (len && parse_item(s, len, &idx, &p) < 0) {
				if (bad)
					*bad = s;
				return -EINVAL;
			}
			if (len && apply)
				ps->of[idx] = (unsigned char)p;
			s += len;
			s += strspn(s, ", ");
		}
	}
	return 0;
}

enum mpk_sockopt_policy mpk_sockopt_policy_for(const struct mpk_sockopt_policies *ps,
					       int level, int optname)
{
	long i = index_of(level, optname);

	return i < 0 ? MPK_SOCKOPT_TCP : (enum mpk_sockopt_policy)ps->of[i];
}

bool mpk_sockopt_refused(int err)
{
	return err == ENOPROTOOPT || err == EOPNOTSUPP;
}

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
	for (size_t i = 0; i < TABLE_LEN && i < n; i++) {
		const struct mpk_sockopt *o = &table[i];
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
	unsigned char len[TABLE_LEN]; /* 0: not readable or longer than DEFAULT_MAX */
	char val[TABLE_LEN][DEFAULT_MAX];
} defaults[2];

static void defaults_fill(struct fresh_defaults *d, int family)
{
	int fd = raw_socket(family, SOCK_STREAM | SOCK_CLOEXEC, IPPROTO_TCP);

	for (size_t i = 0; i < TABLE_LEN && fd >= 0; i++) {
		socklen_t len = DEFAULT_MAX;

		if (table[i].copy && getsockopt(fd, table[i].level, table[i].optname,
						d->val[i], &len) == 0 && len < DEFAULT_MAX)
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
	const struct mpk_sockopt *o = &table[i];
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
	for (size_t i = 0; i < TABLE_LEN; i++) {
		const struct mpk_sockopt *o = &table[i];

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
