/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * Socket options on forced sockets: which ones a program may set, what the
 * running kernel accepts on an MPTCP socket (probed live, never a list fixed
 * at build time), and what to do when it refuses one (the policy).
 *
 * Self-contained (libc only, no libmptcpkit state, never prints): the
 * preload shim compiles this file too. Functions return 0 or -errno.
 */
#ifndef MPTCPKIT_SOCKOPT_H
#define MPTCPKIT_SOCKOPT_H

#include <stdbool.h>
#include <stddef.h>
#include <sys/socket.h>

/* What a forced program gets when MPTCP refuses one of its options. */
enum mpk_sockopt_policy {
	MPK_SOCKOPT_TCP,    /* swap in a plain TCP socket, apply it, succeed */
	MPK_SOCKOPT_IGNORE, /* succeed without applying it (pure hints only) */
	MPK_SOCKOPT_ERROR,  /* the kernel's error, as without a policy */
};

/* How the probe sets an option (and how a swap copies it). */
enum mpk_sockopt_kind {
	MPK_SOV_INT,     /* an int: the probe sets .probe */
	MPK_SOV_STRING,  /* a name: the probe sets .text */
	MPK_SOV_LINGER,  /* struct linger {1, 0} */
	MPK_SOV_TIMEVAL, /* struct timeval {1, 0} */
	MPK_SOV_MD5SIG,  /* struct tcp_md5sig for 127.0.0.1 */
	MPK_SOV_GETONLY, /* read-only: only getsockopt is probed */
};

struct mpk_sockopt {
	const char *name;              /* as in the C headers: "TCP_USER_TIMEOUT" */
	int level, optname;
	int family;                    /* the family to probe on (IPv6 options) */
	enum mpk_sockopt_kind kind;
	int probe;                     /* MPK_SOV_INT: the value the probe sets */
	const char *text;              /* MPK_SOV_STRING: the value the probe sets */
	enum mpk_sockopt_policy policy; /* default when MPTCP refuses it */
	bool copy;                     /* carried over when a socket is swapped */
};

/* The options we know, in table order. */
size_t mpk_sockopt_count(void);
const struct mpk_sockopt *mpk_sockopt_at(size_t i);
/* NULL when not in the table. */
const struct mpk_sockopt *mpk_sockopt_find(int level, int optname);
const struct mpk_sockopt *mpk_sockopt_by_name(const char *name);

const char *mpk_sockopt_policy_name(enum mpk_sockopt_policy p);
/* 0 or -EINVAL. */
int mpk_sockopt_policy_parse(const char *s, enum mpk_sockopt_policy *p);

/* Room for the table, in the arrays indexed by it. */
#define MPK_SOCKOPT_MAX 128

/* The policy of every table entry, defaults first, then overrides. */
struct mpk_sockopt_policies {
	unsigned char of[MPK_SOCKOPT_MAX]; /* enum mpk_sockopt_policy, by table index */
};
void mpk_sockopt_policies_init(struct mpk_sockopt_policies *ps);
/* Apply "NAME=POLICY[,NAME=POLICY...]" (MPTCPKIT_SOCKOPTS); 0, or -EINVAL
 * with *bad pointing at the offending item (nothing applied then). */
int mpk_sockopt_policies_parse(struct mpk_sockopt_policies *ps, const char *spec,
			       const char **bad);
/* The policy for (level, optname); options not in the table get
 * MPK_SOCKOPT_TCP (an unknown option MPTCP refuses: keep its meaning). */
enum mpk_sockopt_policy mpk_sockopt_policy_for(const struct mpk_sockopt_policies *ps,
					       int level, int optname);

/* The value the probe sets, in buf (at least 256 bytes): its length, 0 for
 * a read-only option. */
socklen_t mpk_sockopt_example(const struct mpk_sockopt *o, void *buf, size_t size);

/* The errnos by which an MPTCP socket says "not supported here". */
bool mpk_sockopt_refused(int err);

/* Live probe of one option on fresh, unconnected sockets: errno of set and
 * get on MPTCP, and of set on TCP (0 = accepted, -1 = not probed). */
struct mpk_sockopt_probe {
	int mptcp_set, mptcp_get, tcp_set;
};
int mpk_sockopt_probe(const struct mpk_sockopt *o, struct mpk_sockopt_probe *r);
/* True when this kernel's MPTCP refuses to set it but TCP does not. */
bool mpk_sockopt_probe_refused(const struct mpk_sockopt_probe *r);

/* The quick probe the forcing code runs once: refused[i] = 1 when MPTCP
 * refuses to set table entry i here (one socket per family, no TCP
 * comparison); 0 or -errno (no MPTCP). */
int mpk_sockopt_refused_now(unsigned char *refused, size_t n);

/* Swapping a forced socket for TCP. A socket may be swapped while it is
 * neither connected (or connecting) nor listening: 0, -EISCONN otherwise. */
int mpk_sock_swappable(int fd);
/* A new TCP socket like fd: same family, O_NONBLOCK, the options the
 * program set before (those differing from a fresh socket's); close-on-exec
 * in this process. The new fd or -errno. */
int mpk_sock_tcp_twin(int fd);
/* fd's local address when it is bound (port set): 1, 0 when not bound. */
int mpk_sock_bound(int fd, struct sockaddr_storage *ss, socklen_t *len);

#endif
