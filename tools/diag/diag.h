/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The host's MPTCP connections and their subflows, from sock_diag: the
 * kernel's mptcp_diag for the MPTCP sockets (with struct mptcp_info), and
 * inet_diag for the TCP subflows (tcp_info plus the MPTCP ULP attributes
 * that carry the connection's token). One engine for ss, top, exporter and
 * pmd's health checks. Engine rule: 0 or -errno, never prints.
 */
#ifndef MPTCPKIT_DIAG_H
#define MPTCPKIT_DIAG_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "mptcpkit.h"

/* What to dump (diag_take's what). */
#define DIAG_CONNS     (1u << 0) /* MPTCP sockets that are not listening */
#define DIAG_LISTENERS (1u << 1) /* MPTCP listening sockets */
#define DIAG_SUBFLOWS  (1u << 2) /* TCP sockets with the MPTCP ULP */
#define DIAG_FALLBACK  (1u << 3) /* with DIAG_CONNS: also fallen-back ones */
#define DIAG_NO_TCP    (1u << 4) /* no TCP dump (it walks every TCP socket of the
				  * host): no subflows, and of the fallbacks
				  * only those mptcp_diag shows */

/* One subflow: a TCP socket whose ULP is mptcp. */
struct diag_subflow {
	struct mpk_subflow_info tcp;   /* addresses, state, tcp_info counters;
					* tcp.ifindex is the bound device
					* (idiag_if), else the local address's */
	unsigned int bound_ifindex;    /* SO_BINDTODEVICE's (idiag_if), or 0 */
	uint32_t mark;                 /* SO_MARK (subflows inherit it): policy routing */
	uint64_t cookie;               /* stable identity across dumps */
	uint32_t token;                /* the connection's local token */
	uint32_t token_remote;
	uint8_t local_id, remote_id;   /* address ids */
	uint32_t mptcp_flags;          /* MPTCP_SUBFLOW_FLAG_* (ULP info) */
	bool backup;                   /* local or remote backup flag */
	/* tcp_info fields mpk_subflow_info does not carry, for health checks */
	uint32_t last_ack_recv_ms;
	uint32_t rto_us;
	uint32_t rcv_rtt_us;           /* the receiver's RTT estimate */
	uint32_t rcv_space;            /* bytes the reader took per RTT (plain TCP) */
	uint32_t rcv_ooopack;          /* segments received out of order: loss */
	uint8_t retransmits;           /* RTOs in a row now (tcpi_retransmits) */
	uint8_t backoff;
	uint8_t probes;
};

/* One MPTCP socket (a connection or a listener). */
struct diag_conn {
	int family;
	struct sockaddr_storage local, remote;
	uint8_t state;                 /* TCP_* values, as ss shows them */
	bool listener;
	bool fallback;                 /* fell back to TCP */
	bool fallback_accepted;        /* fallback seen only as a TCP socket that
					* an MPTCP listener accepted from a peer
					* that did not offer MPTCP (with
					* DIAG_FALLBACK; info is zero) */
	uint64_t cookie;
	uint32_t inode;
	uint32_t uid;
	struct mpk_conn_info info;     /* zero where the kernel gave none */
};

struct diag_snapshot {
	struct diag_conn *conns;
	size_t nconns;
	struct diag_subflow *subflows;
	size_t nsubflows;
	/* With DIAG_SUBFLOWS: the most bytes in flight (unacked segments x
	 * MSS) on one of the TCP sockets dumped, subflows and plain TCP. */
	uint64_t in_flight_max;
	/* ... and the largest receive space of a plain TCP socket (tcpi_rcv_space:
	 * bytes its reader took in one RTT; a subflow's is the connection's
	 * autotuned value, not a measure) */
	uint64_t plain_rcv_space_max;
};

struct diag;
/* A sock_diag handle for repeated snapshots; 0 or -errno. */
int diag_open(struct diag **out);
void diag_close(struct diag *d);
/* A snapshot of the current network namespace; free with diag_snapshot_free.
 * 0 or -errno (-ENOENT: the kernel has no mptcp_diag, only DIAG_SUBFLOWS
 * can then be taken). */
int diag_take(struct diag *d, unsigned int what, struct diag_snapshot *out);
void diag_snapshot_free(struct diag_snapshot *s);

/* Abort one TCP socket of a snapshot (SOCK_DESTROY, the kernel's
 * tcp_abort: a reset to the peer when its state needs one, also for a
 * socket already closed by its owner since 6.11). 0 or -errno (-ENOENT:
 * gone already; -EOPNOTSUPP: a kernel without CONFIG_INET_DIAG_DESTROY). */
int diag_destroy(struct diag *d, const struct diag_subflow *sf);

/* The subflows of the connection whose local token is token: how many,
 * from s->subflows[*first] on (diag_take sorts them by token). 0 for
 * token 0 (a fallen-back connection has none that can be matched). */
size_t diag_subflows_of(const struct diag_snapshot *s, uint32_t token, size_t *first);

/* Why a connection runs as TCP. */
enum diag_fallback_cause {
	DIAG_FALLBACK_NONE,         /* it runs MPTCP */
	DIAG_FALLBACK_NO_ANSWER,    /* we sent MP_CAPABLE, the peer's SYN-ACK had none
				     * (peer without MPTCP, or a middlebox strips it) */
	DIAG_FALLBACK_PEER_TCP,     /* our MPTCP listener accepted a peer that sent no
				     * MP_CAPABLE (fallback_accepted) */
	DIAG_FALLBACK_LATER,        /* after both sides spoke MPTCP (e.g. a middlebox
				     * changed the stream, a DSS checksum failed) */
};
enum diag_fallback_cause diag_fallback_cause(const struct diag_snapshot *s,
					     const struct diag_conn *c);

#endif
