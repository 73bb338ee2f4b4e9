/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * libmptcpkit: Multipath TCP sockets for Linux applications.
 *
 * Conventions (after libmnl and kmod):
 *  - functions return 0 (or a file descriptor, or a count) on success and a
 *    negative error code on failure: -errno, or -MPK_E* for errors that have
 *    no errno (name resolution); mpk_strerror() turns either into text;
 *  - the library never prints and never exits;
 *  - everything is thread-safe unless a function says otherwise.
 */
#ifndef MPTCPKIT_H
#define MPTCPKIT_H

#include <stdbool.h>
#include <stdint.h>
#include <net/if.h>
#include <netinet/in.h> /* before the fallbacks below: glibc defines IPPROTO_MPTCP in an enum */
#include <sys/socket.h>

#ifdef __cplusplus
extern "C" {
#endif

#ifndef IPPROTO_MPTCP
#define IPPROTO_MPTCP 262
#endif
#ifndef SOL_MPTCP
#define SOL_MPTCP 284
#endif

/*
 * Errors
 */

/* Error codes beyond errno, returned negated like errno values. */
enum mpk_error {
	MPK_EHOSTNOTFOUND = 4096, /* the host name does not resolve */
	MPK_ESERVICE,             /* the service (port) is not valid */
	MPK_ERESOLVE,             /* name resolution failed otherwise */
};

/* Text for a negative return value of this library (or a positive errno). */
const char *mpk_strerror(int err);

/*
 * Reasons: why a socket or connection does or does not use MPTCP
 */

enum mpk_reason {
	MPK_REASON_AVAILABLE = 0, /* MPTCP in use */
	MPK_REASON_KERNEL_TOO_OLD, /* socket(): EINVAL, kernel < 5.6 */
	MPK_REASON_NOT_COMPILED,   /* socket(): EPROTONOSUPPORT, no CONFIG_MPTCP */
	MPK_REASON_DISABLED,       /* socket(): ENOPROTOOPT, net.mptcp.enabled=0 */
	MPK_REASON_BLOCKED,        /* socket(): any other errno (LSM, seccomp, eBPF) */
	MPK_REASON_FALLBACK,       /* MPTCP socket, but the connection fell back to TCP */
};
#define MPK_REASON_COUNT 6

/* What decided whether MPTCP is used. */
struct mpk_status {
	enum mpk_reason reason;
	int error;  /* the errno behind the reason, 0 for available and fallback */
	bool mptcp; /* true exactly when reason == MPK_REASON_AVAILABLE */
};

/* Stable names: "available", "kernel-too-old", "not-compiled", "disabled",
 * "blocked", "fallback". NULL for a value out of range. */
const char *mpk_reason_name(enum mpk_reason reason);

/* A sentence a person understands, e.g. "MPTCP is disabled in this network
 * namespace (sysctl net.mptcp.enabled = 0)". Never NULL. */
const char *mpk_reason_describe(enum mpk_reason reason);

/* Name to value; 0, or -EINVAL for an unknown name. */
int mpk_reason_from_name(const char *name, enum mpk_reason *reason);

/* The reason socket(..., IPPROTO_MPTCP) failing with this errno stands for. */
enum mpk_reason mpk_reason_from_errno(int err);

/*
 * Sockets
 */

/* Flags for mpk_socket(), mpk_connect(), mpk_listen(), mpk_accept(). */
#define MPK_NONBLOCK SOCK_NONBLOCK /* the socket is non-blocking */
#define MPK_CLOEXEC SOCK_CLOEXEC   /* the socket is close-on-exec */
#define MPK_TCP_ONLY 0x1 /* plain TCP: do not ask for MPTCP; the status then
                          * says "blocked" with error 0 */

/*
 * A stream socket for AF_INET or AF_INET6: MPTCP when the kernel gives it,
 * otherwise TCP. Returns the descriptor, or -errno (-EAFNOSUPPORT for another
 * family; -EINVAL for unknown flags). status (may be NULL) says why MPTCP is
 * or is not used. Kernel-too-old and not-compiled are remembered for the life
 * of the process; every other reason is probed again on the next call.
 */
int mpk_socket(int family, int flags, struct mpk_status *status);

/* Whether MPTCP sockets of this family can be created now; 0 or -errno.
 * Fills status (may be NULL) like mpk_socket(). */
int mpk_probe(int family, struct mpk_status *status);

/*
 * Is this live connection MPTCP? 1 yes, 0 no (plain TCP or fallen back),
 * or -errno: -EBADF, -ENOTSOCK, -EAFNOSUPPORT (not IPv4/IPv6),
 * -EPROTOTYPE (not a stream socket), -EPROTONOSUPPORT (not TCP or MPTCP).
 * Uses TCP_IS_MPTCP (6.10+), else MPTCP_INFO's errno (5.16+), else
 * SO_PROTOCOL.
 */
int mpk_is_mptcp(int fd);

/* mpk_is_mptcp() as a status: available, or fallback when not MPTCP. */
int mpk_conn_status(int fd, struct mpk_status *status);

/*
 * Connect and listen by name
 */

/*
 * Resolve host and service (name or port) with getaddrinfo() and connect to
 * each address in turn until one answers. family is AF_UNSPEC, AF_INET or
 * AF_INET6. Blocks; with MPK_NONBLOCK only the returned socket is
 * non-blocking. Returns the connected descriptor or a negative error: the
 * last address's. status (may be NULL) tells socket-time reasons first,
 * then whether the connection fell back.
 */
int mpk_connect(const char *host, const char *service, int family, int flags,
		struct mpk_status *status);

/* A non-blocking connect for event loops: resolve, then step through the
 * addresses, never blocking (name resolution aside). */
struct mpk_connector;

/* Resolve; 0 and *out, or a negative error. */
int mpk_connector_new(const char *host, const char *service, int family,
		      int flags, struct mpk_connector **out);

/*
 * Drive the connection. Call first after mpk_connector_new(), and again each
 * time mpk_connector_fd() is writable (POLLOUT). Returns:
 *  - a descriptor >= 0: connected; it is now the caller's (non-blocking);
 *  - -EINPROGRESS: wait for POLLOUT on mpk_connector_fd() (it may change);
 *  - another negative error: every address failed (the last one's error).
 */
int mpk_connector_step(struct mpk_connector *conn, struct mpk_status *status);

/* The descriptor to poll, or -1 when none is in progress. */
int mpk_connector_fd(const struct mpk_connector *conn);

/* Free the connector and close a socket still in progress. NULL is fine. */
void mpk_connector_free(struct mpk_connector *conn);

/*
 * A listening socket. host NULL or "" means every address: one IPv6 socket
 * taking IPv4 too where the system allows, else IPv4 only (family AF_UNSPEC),
 * or the wildcard of the given family. SO_REUSEADDR is set. backlog <= 0
 * means SOMAXCONN. Returns the descriptor or a negative error. status (may
 * be NULL) tells whether the listener is MPTCP and if not why.
 */
int mpk_listen(const char *host, const char *service, int family, int backlog,
	       int flags, struct mpk_status *status);

/* accept4() with flags (MPK_NONBLOCK, MPK_CLOEXEC), then status of the new
 * connection (fallback when the peer did not speak MPTCP). peer and peerlen
 * may be NULL. Returns the descriptor or -errno. */
int mpk_accept(int listen_fd, struct sockaddr *peer, socklen_t *peerlen,
	       int flags, struct mpk_status *status);

/* The port a socket is bound to (host order), or -errno. */
int mpk_local_port(int fd);

/* "ADDR:PORT" or "[ADDR6]:PORT" into buf; IPv4-mapped IPv6 shown as IPv4.
 * Returns buf, or "?" for an unknown family. */
#define MPK_ADDRSTRLEN 64
const char *mpk_addr_format(const struct sockaddr *sa, char *buf, size_t len);

/*
 * Connection information
 */

/* MPTCP-level counters (struct mptcp_info), fields the kernel did not fill
 * are zero. */
struct mpk_conn_info {
	uint8_t subflows;           /* extra subflows (not counting the first) */
	uint8_t subflows_total;     /* all subflows; derived on kernels < 6.8 */
	uint8_t subflows_max;
	uint8_t add_addr_signal;
	uint8_t add_addr_accepted;
	uint8_t add_addr_signal_max;
	uint8_t add_addr_accepted_max;
	uint8_t local_addr_used;
	uint8_t local_addr_max;
	bool csum_enabled;
	bool fallback;              /* MPTCP_INFO_FLAG_FALLBACK */
	bool remote_key_received;   /* MPTCP_INFO_FLAG_REMOTE_KEY_RECEIVED */
	uint32_t flags;
	uint32_t token;
	uint64_t write_seq;
	uint64_t snd_una;
	uint64_t rcv_nxt;
	uint32_t retransmits;
	uint64_t bytes_retrans;
	uint64_t bytes_sent;
	uint64_t bytes_received;
	uint64_t bytes_acked;
	uint32_t last_data_sent_ms;
	uint32_t last_data_recv_ms;
	uint32_t last_ack_recv_ms;
};

/* One subflow (or, for a connection that is not MPTCP, the TCP connection). */
struct mpk_subflow_info {
	uint32_t id;                     /* kernel subflow id; 0 if unknown */
	struct sockaddr_storage local;
	struct sockaddr_storage remote;
	unsigned int ifindex;            /* interface of the local address; 0 if unknown */
	char ifname[IF_NAMESIZE];        /* "" if unknown */
	bool has_tcp_info;               /* the fields below were filled */
	uint8_t state;                   /* TCP state (TCP_ESTABLISHED, ...) */
	uint8_t ca_state;
	uint32_t rtt_us;
	uint32_t rttvar_us;
	uint32_t min_rtt_us;
	uint32_t snd_cwnd;
	uint32_t snd_ssthresh;
	uint32_t snd_mss;
	uint32_t rcv_mss;
	uint32_t unacked;
	uint32_t lost;
	uint32_t retrans;
	uint32_t total_retrans;
	uint32_t last_data_sent_ms;
	uint32_t last_data_recv_ms;
	uint64_t pacing_rate;
	uint64_t delivery_rate;
	uint64_t bytes_acked;
	uint64_t bytes_received;
	uint64_t bytes_sent;
	uint64_t bytes_retrans;
	uint32_t segs_out;
	uint32_t segs_in;
};

/* Where the information came from. */
enum mpk_info_source {
	MPK_INFO_FULL = 1,      /* MPTCP_FULL_INFO (6.5+) */
	MPK_INFO_LEGACY,        /* MPTCP_INFO + SUBFLOW_ADDRS + TCPINFO (5.16+) */
	MPK_INFO_TCP,           /* not MPTCP: the socket's own TCP_INFO */
};

#define MPK_SUBFLOWS_MAX 16

struct mpk_info {
	bool mptcp;                  /* the connection runs MPTCP */
	enum mpk_info_source source;
	struct mpk_conn_info conn;   /* zero when !mptcp */
	unsigned int num_subflows;   /* entries filled in subflow[] */
	bool truncated;              /* the kernel had more than MPK_SUBFLOWS_MAX */
	struct mpk_subflow_info subflow[MPK_SUBFLOWS_MAX];
};

/* Fill info for a connected socket; 0 or -errno. Sizes every kernel
 * structure from the length the kernel returns, so older and newer
 * kernels both work. */
int mpk_info_get(int fd, struct mpk_info *info);

/* Library version, "MAJOR.MINOR.PATCH". */
const char *mpk_version(void);

#ifdef __cplusplus
}
#endif

#endif /* MPTCPKIT_H */
