/* SPDX-License-Identifier: GPL-2.0 WITH Linux-syscall-note */
/*
 * The pieces of the kernel's include/uapi/linux/mptcp.h and tcp.h that the
 * library uses, as of Linux 6.18. Debian 12's headers (6.1) lack several of
 * them, so we carry our own, prefixed to avoid clashing with the system's.
 * Every structure here is sized at run time from what the kernel returns.
 */
#ifndef MPK_UAPI_MPTCP_H
#define MPK_UAPI_MPTCP_H

#include <stdint.h>
#include <sys/socket.h>
#include <netinet/in.h>

#define MPK_TCP_IS_MPTCP 43 /* SOL_TCP, 6.10+ */

#define MPK_MPTCP_INFO 1          /* SOL_MPTCP, 5.16+ */
#define MPK_MPTCP_TCPINFO 2       /* 5.16+ */
#define MPK_MPTCP_SUBFLOW_ADDRS 3 /* 5.16+ */
#define MPK_MPTCP_FULL_INFO 4     /* 6.5+ */

#define MPK_MPTCP_INFO_FLAG_FALLBACK (1u << 0)
#define MPK_MPTCP_INFO_FLAG_REMOTE_KEY_RECEIVED (1u << 1)

struct mpk_uapi_mptcp_info {
	uint8_t mptcpi_subflows;
	uint8_t mptcpi_add_addr_signal;
	uint8_t mptcpi_add_addr_accepted;
	uint8_t mptcpi_subflows_max;
	uint8_t mptcpi_add_addr_signal_max;
	uint8_t mptcpi_add_addr_accepted_max;
	uint32_t mptcpi_flags;
	uint32_t mptcpi_token;
	uint64_t mptcpi_write_seq;
	uint64_t mptcpi_snd_una;
	uint64_t mptcpi_rcv_nxt;
	uint8_t mptcpi_local_addr_used;  /* 5.12 */
	uint8_t mptcpi_local_addr_max;
	uint8_t mptcpi_csum_enabled;     /* 5.14 */
	uint32_t mptcpi_retransmits;     /* 6.5 */
	uint64_t mptcpi_bytes_retrans;
	uint64_t mptcpi_bytes_sent;
	uint64_t mptcpi_bytes_received;
	uint64_t mptcpi_bytes_acked;
	uint8_t mptcpi_subflows_total;   /* 6.8 */
	uint8_t reserved[3];
	uint32_t mptcpi_last_data_sent;  /* 6.10 */
	uint32_t mptcpi_last_data_recv;
	uint32_t mptcpi_last_ack_recv;
};

/* Header of MPTCP_TCPINFO and MPTCP_SUBFLOW_ADDRS replies. */
struct mpk_uapi_subflow_data {
	uint32_t size_subflow_data; /* size of this header in userspace */
	uint32_t num_subflows;      /* set by the kernel */
	uint32_t size_kernel;       /* set by the kernel: its element size */
	uint32_t size_user;         /* our element size */
} __attribute__((aligned(8)));

struct mpk_uapi_subflow_addrs {
	union {
		sa_family_t sa_family;
		struct sockaddr sa_local;
		struct sockaddr_in sin_local;
		struct sockaddr_in6 sin6_local;
		struct sockaddr_storage ss_local;
	};
	union {
		sa_family_t sa_family_remote;
		struct sockaddr sa_remote;
		struct sockaddr_in sin_remote;
		struct sockaddr_in6 sin6_remote;
		struct sockaddr_storage ss_remote;
	};
};

struct mpk_uapi_subflow_info {
	uint32_t id;
	struct mpk_uapi_subflow_addrs addrs;
};

struct mpk_uapi_full_info {
	uint32_t size_tcpinfo_kernel; /* set by the kernel */
	uint32_t size_tcpinfo_user;
	uint32_t size_sfinfo_kernel;  /* set by the kernel */
	uint32_t size_sfinfo_user;
	uint32_t num_subflows;        /* set by the kernel: the real count */
	uint32_t size_arrays_user;    /* capacity of the two arrays */
	uint64_t subflow_info __attribute__((aligned(8)));
	uint64_t tcp_info __attribute__((aligned(8)));
	struct mpk_uapi_mptcp_info mptcp_info;
};

/* The kernel's struct tcp_info up to tcpi_bytes_retrans (glibc's is shorter). */
struct mpk_uapi_tcp_info {
	uint8_t tcpi_state;
	uint8_t tcpi_ca_state;
	uint8_t tcpi_retransmits;
	uint8_t tcpi_probes;
	uint8_t tcpi_backoff;
	uint8_t tcpi_options;
	uint8_t tcpi_wscale;
	uint8_t tcpi_flags;
	uint32_t tcpi_rto;
	uint32_t tcpi_ato;
	uint32_t tcpi_snd_mss;
	uint32_t tcpi_rcv_mss;
	uint32_t tcpi_unacked;
	uint32_t tcpi_sacked;
	uint32_t tcpi_lost;
	uint32_t tcpi_retrans;
	uint32_t tcpi_fackets;
	uint32_t tcpi_last_data_sent;
	uint32_t tcpi_last_ack_sent;
	uint32_t tcpi_last_data_recv;
	uint32_t tcpi_last_ack_recv;
	uint32_t tcpi_pmtu;
	uint32_t tcpi_rcv_ssthresh;
	uint32_t tcpi_rtt;
	uint32_t tcpi_rttvar;
	uint32_t tcpi_snd_ssthresh;
	uint32_t tcpi_snd_cwnd;
	uint32_t tcpi_advmss;
	uint32_t tcpi_reordering;
	uint32_t tcpi_rcv_rtt;
	uint32_t tcpi_rcv_space;
	uint32_t tcpi_total_retrans;
	uint64_t tcpi_pacing_rate;
	uint64_t tcpi_max_pacing_rate;
	uint64_t tcpi_bytes_acked;
	uint64_t tcpi_bytes_received;
	uint32_t tcpi_segs_out;
	uint32_t tcpi_segs_in;
	uint32_t tcpi_notsent_bytes;
	uint32_t tcpi_min_rtt;
	uint32_t tcpi_data_segs_in;
	uint32_t tcpi_data_segs_out;
	uint64_t tcpi_delivery_rate;
	uint64_t tcpi_busy_time;
	uint64_t tcpi_rwnd_limited;
	uint64_t tcpi_sndbuf_limited;
	uint32_t tcpi_delivered;
	uint32_t tcpi_delivered_ce;
	uint64_t tcpi_bytes_sent;
	uint64_t tcpi_bytes_retrans;
	uint32_t tcpi_dsack_dups;	/* 5.4+; zero from older kernels */
	uint32_t tcpi_reord_seen;
	uint32_t tcpi_rcv_ooopack;
	uint32_t tcpi_snd_wnd;
};

_Static_assert(sizeof(struct mpk_uapi_mptcp_info) == 96, "mptcp_info layout");
_Static_assert(sizeof(struct mpk_uapi_subflow_addrs) == 256, "subflow_addrs layout");
_Static_assert(sizeof(struct mpk_uapi_subflow_info) == 264, "subflow_info layout");
_Static_assert(sizeof(struct mpk_uapi_tcp_info) == 232, "tcp_info layout");

#endif /* MPK_UAPI_MPTCP_H */
