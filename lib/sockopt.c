// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * The socket options a TCP program may set, their default policies (see
 * sockopt.h; documented in mptcpkit(1)) and the MPTCPKIT_SOCKOPTS parser.
 * The live probe is sockopt-probe.c, the swap for TCP sockopt-swap.c.
 */
#include <errno.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <string.h>
#include <strings.h>
#include <sys/time.h>

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
	/* Urgent data in line: MPTCP carries no urgent data at all, so there
	 * is nothing for the flag to change (dante sets it on every socket). */
	INT4(SOL_SOCKET, SO_OOBINLINE, 1, P_IGN, true),
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
