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
#define MPK_REUSEPORT 0x2 /* mpk_listen(): SO_REUSEPORT, so that several
                           * processes can listen on one port and the kernel
                           * spreads connections between them; ignored elsewhere */

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
 * How many subflows a live connection has, cheaply enough for every
 * connection of a proxy: one getsockopt (MPTCP_INFO, 5.16+) on an MPTCP
 * connection. Returns the number of subflows (>= 1, the first included)
 * when it is MPTCP, 0 when it is not (plain TCP or fallen back), or -errno
 * like mpk_is_mptcp(). Kernels without MPTCP_INFO: 1 for MPTCP (the count
 * cannot be had there).
 */
int mpk_subflow_count(int fd);

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
 * A connector for addresses resolved beforehand (AF_INET or AF_INET6, tried
 * in order; copied, the caller's array may go): for a program that
 * connects to the same target many times and resolves it once. 0 and
 * *out, -EINVAL (no addresses, bad flags), -EAFNOSUPPORT (another family)
 * or -ENOMEM. Driven like the one of mpk_connector_new().
 */
int mpk_connector_new_addrs(const struct sockaddr_storage *addrs, size_t n, int flags,
			    struct mpk_connector **out);

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

/* The address being tried, or the one that connected; NULL before the first
 * mpk_connector_step(). Valid until mpk_connector_free(). */
const struct sockaddr *mpk_connector_addr(const struct mpk_connector *conn);

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
 * are zero: 'known' says which of the newer ones it filled, so that a zero
 * is not shown where the kernel has no such counter. */
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
	uint32_t known;             /* MPK_CONN_KNOWN_*: which groups the kernel filled */
};
#define MPK_CONN_KNOWN_BYTES          (1u << 0) /* retransmits, bytes_* (6.5+) */
#define MPK_CONN_KNOWN_SUBFLOWS_TOTAL (1u << 1) /* subflows_total from the kernel (6.8+) */
#define MPK_CONN_KNOWN_LAST           (1u << 2) /* last_*_ms (6.10+) */

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

/*
 * The MPTCP-level counters of a live MPTCP connection and how many of its
 * subflows are established (into *established; may be NULL), cheaply
 * enough to ask every few milliseconds: one getsockopt (MPTCP_FULL_INFO,
 * 6.5+; two before, MPTCP_INFO and MPTCP_TCPINFO, 5.16+), no subflow
 * addresses, no interface names (mpk_info_get() has those). 0, or -errno:
 * -EOPNOTSUPP or -ENOPROTOOPT when the connection is not MPTCP (plain TCP,
 * fallen back) or the kernel predates 5.16, -EBADF, -ENOTSOCK, -EINVAL.
 */
int mpk_conn_state_get(int fd, struct mpk_conn_info *conn, unsigned int *established);

/*
 * Kernel features: what the running kernel has, probed (never read from its
 * version string), with the Linux version that brought each one, so that a
 * program can say "MPTCP_INFO needs Linux 5.16" instead of a wrong answer.
 * One table inside the library holds these facts.
 */
enum mpk_feature {
	MPK_FEATURE_MPTCP,          /* MPTCP sockets (5.6) */
	MPK_FEATURE_PM_NETLINK,     /* the mptcp_pm netlink family (5.7) */
	MPK_FEATURE_DIAG,           /* mptcp_diag: ss, top, exporter (5.9) */
	MPK_FEATURE_PM_EVENTS,      /* path-manager events (5.12) */
	MPK_FEATURE_SET_FLAGS,      /* changing an endpoint's flags (5.12) */
	MPK_FEATURE_FULLMESH,       /* the fullmesh endpoint flag (5.15) */
	MPK_FEATURE_MPTCP_INFO,     /* MPTCP_INFO, MPTCP_TCPINFO, MPTCP_SUBFLOW_ADDRS (5.16) */
	MPK_FEATURE_USERSPACE_PM,   /* userspace PM: announce, remove, subflow (5.19) */
	MPK_FEATURE_FULL_INFO,      /* MPTCP_FULL_INFO (6.5) */
	MPK_FEATURE_BYTE_COUNTERS,  /* MPTCP-level bytes and retransmits in mptcp_info (6.5) */
	MPK_FEATURE_SCHEDULER,      /* net.mptcp.scheduler (6.6) */
	MPK_FEATURE_SECCOMP_SYNC,   /* seccomp's synchronous wake-up (6.6) */
	MPK_FEATURE_TCP_IS_MPTCP,   /* TCP_IS_MPTCP (6.10) */
	MPK_FEATURE_BLACKHOLE,      /* MPTCP SYNs dropped -> TCP for a while (6.12) */
	MPK_FEATURE_PATH_MANAGER,   /* net.mptcp.path_manager (6.15; pm_type before) */
	MPK_FEATURE_LAMINAR,        /* the laminar endpoint flag (6.18) */
};
#define MPK_FEATURE_COUNT 16

/*
 * Whether the running kernel has feature f: 1 yes, 0 no, or -errno when it
 * cannot be told here: -ENOPROTOOPT when MPTCP sockets are disabled in this
 * network namespace (socket options cannot be asked), -EPERM when the probe
 * needs a privilege, -EINVAL for an unknown feature. Fullmesh and laminar
 * cannot be probed (older kernels keep unknown endpoint flags without using
 * them): those two are read from the kernel's version. Costs a few system
 * calls; the seccomp probe forks a child.
 */
int mpk_feature_probe(enum mpk_feature f);

/* Stable name ("mptcp-info", "userspace-pm", ...); NULL when out of range. */
const char *mpk_feature_name(enum mpk_feature f);

/* What it is, for people: "MPTCP_INFO"; never NULL. */
const char *mpk_feature_describe(enum mpk_feature f);

/* The Linux version that brought it: "5.16"; never NULL. */
const char *mpk_feature_since(enum mpk_feature f);

/* What is used instead when it is missing ("net.mptcp.pm_type"), or NULL
 * when nothing can stand in for it. */
const char *mpk_feature_fallback(enum mpk_feature f);

/* Name to value; 0, or -EINVAL for an unknown name. */
int mpk_feature_from_name(const char *name, enum mpk_feature *f);

/* Library version, "MAJOR.MINOR.PATCH". */
const char *mpk_version(void);

/*
 * Path management: the kernel's generic netlink family "mptcp_pm"
 *
 * One handle (struct mpk_pm) sends commands; another (struct mpk_pm_events)
 * receives events. A handle is not thread-safe: use one per thread.
 * Errors common to every call below:
 *  -ENOENT      the kernel has no mptcp_pm netlink family (no CONFIG_MPTCP,
 *               or a kernel older than 5.7); returned by the *_open calls;
 *  -EOPNOTSUPP  the running kernel does not know this command (e.g. the
 *               userspace PM commands before 5.19);
 *  -EPERM       a mutating command without CAP_NET_ADMIN;
 *  -EINVAL      the kernel refused the arguments (mpk_pm_ext_ack() often
 *               says which), or the arguments are invalid before sending;
 *  -EBADMSG / -EPROTO  a reply that is truncated or malformed.
 */

/* Endpoint flags; the values are the kernel's MPTCP_PM_ADDR_FLAG_*. */
#define MPK_EP_SIGNAL   (1u << 0) /* announce this address to peers (ADD_ADDR) */
#define MPK_EP_SUBFLOW  (1u << 1) /* open extra subflows from this address */
#define MPK_EP_BACKUP   (1u << 2) /* subflows on it are backup (MP_PRIO) */
#define MPK_EP_FULLMESH (1u << 3) /* a subflow to every announced address */
#define MPK_EP_IMPLICIT (1u << 4) /* set by the kernel: not configured by anyone */
#define MPK_EP_LAMINAR  (1u << 5) /* 6.18: use to reach announced addresses */

/* An IPv4 or IPv6 address, network byte order; which one is in a family field. */
union mpk_in46 {
	struct in_addr v4;
	struct in6_addr v6;
};

/* An endpoint of the in-kernel path manager, or an address given to the
 * userspace PM commands. */
struct mpk_endpoint {
	uint8_t id;          /* endpoint id, 1..255; 0: none / kernel chooses */
	int family;          /* AF_INET, AF_INET6, or AF_UNSPEC for no address */
	union mpk_in46 addr;
	uint16_t port;       /* host byte order; 0 for none */
	uint32_t flags;      /* MPK_EP_* (unknown kernel bits are kept) */
	int ifindex;         /* 0 for none */
};

/* Limits of the in-kernel path manager (per network namespace). */
struct mpk_limits {
	uint32_t subflows;          /* extra subflows per connection */
	uint32_t add_addr_accepted; /* ADD_ADDRs accepted per connection */
};
/* In mpk_pm_limits_set(): leave this limit as it is. */
#define MPK_LIMIT_KEEP UINT32_MAX

/* Command handle. */
struct mpk_pm;

/* Open a generic netlink socket and resolve the "mptcp_pm" family (once).
 * 0 and *out, or -ENOENT (no such family) or another -errno. */
int mpk_pm_open(struct mpk_pm **out);

/* Close the handle. NULL is fine. */
void mpk_pm_close(struct mpk_pm *pm);

/* The kernel's extended ACK message for the last failed command (e.g.
 * "endpoint id out of range"), or NULL when it gave none. Valid until the
 * next call on this handle. */
const char *mpk_pm_ext_ack(const struct mpk_pm *pm);

/* In-kernel PM endpoints. */

/* Add an endpoint: family and addr required; id, port, flags, ifindex
 * optional (0). -EEXIST when the address or id is already there. */
int mpk_pm_endpoint_add(struct mpk_pm *pm, const struct mpk_endpoint *ep);

/* Delete the endpoint with ep->id (the address, if any, is not looked
 * at). id 0 with an address is the kernel's special case: that address,
 * used by connections as their first (id 0) address, is withdrawn from
 * them. */
int mpk_pm_endpoint_delete(struct mpk_pm *pm, const struct mpk_endpoint *ep);

/* Change the flags of an endpoint: the kernel finds it by address and
 * port when ep->family is AF_INET/AF_INET6, else by ep->id. It changes
 * MPK_EP_BACKUP and MPK_EP_FULLMESH only, both at once: set the bits wanted
 * in ep->flags (a bit clear means "off"). Applies to existing connections
 * too. */
int mpk_pm_endpoint_set_flags(struct mpk_pm *pm, const struct mpk_endpoint *ep);

/* One endpoint by id; -ENOENT when there is none (kernel: -EINVAL). */
int mpk_pm_endpoint_get(struct mpk_pm *pm, uint8_t id, struct mpk_endpoint *out);

/* Called once per endpoint; a non-zero return stops the dump and is returned. */
typedef int (*mpk_endpoint_cb)(const struct mpk_endpoint *ep, void *data);

/* Every endpoint, in the kernel's order (by id). */
int mpk_pm_endpoint_dump(struct mpk_pm *pm, mpk_endpoint_cb cb, void *data);

/* Every endpoint as an array (free() it); *count may be 0 (*out NULL). */
int mpk_pm_endpoint_list(struct mpk_pm *pm, struct mpk_endpoint **out, size_t *count);

/* Delete every endpoint. */
int mpk_pm_endpoint_flush(struct mpk_pm *pm);

/* In-kernel PM limits. */
int mpk_pm_limits_get(struct mpk_pm *pm, struct mpk_limits *out);
/* Set either or both (MPK_LIMIT_KEEP keeps one). The kernel allows 0..8
 * each (MPTCP_PM_ADDR_MAX); -EINVAL beyond. */
int mpk_pm_limits_set(struct mpk_pm *pm, const struct mpk_limits *limits);

/* Userspace PM (net.mptcp.path_manager=userspace, kernel 5.19+), one
 * connection at a time, found by its token (from the events). */

/* Announce (ADD_ADDR) a local address: ep->id (1..255), family, addr
 * required; port and ifindex optional; MPK_EP_SIGNAL is added. An address
 * the connection already uses must keep its id (else -EINVAL). */
int mpk_pm_announce(struct mpk_pm *pm, uint32_t token, const struct mpk_endpoint *ep);

/* Withdraw an announced address (REMOVE_ADDR) by its id. */
int mpk_pm_remove(struct mpk_pm *pm, uint32_t token, uint8_t id);

/* Open a subflow from local (id, and/or address; ifindex; MPK_EP_BACKUP
 * in flags) to remote (family, addr and port required). A local address
 * not yet known to the connection needs an id. */
int mpk_pm_subflow_create(struct mpk_pm *pm, uint32_t token,
			  const struct mpk_endpoint *local,
			  const struct mpk_endpoint *remote);

/* Close the subflow between these two addresses and ports (all required;
 * same family). */
int mpk_pm_subflow_destroy(struct mpk_pm *pm, uint32_t token,
			   const struct mpk_endpoint *local,
			   const struct mpk_endpoint *remote);

/* Mark the subflow local -> remote (addresses and remote port) backup or
 * not (MP_PRIO). */
int mpk_pm_subflow_set_backup(struct mpk_pm *pm, uint32_t token,
			      const struct mpk_endpoint *local,
			      const struct mpk_endpoint *remote, bool backup);

/* Flags by name: "signal", "subflow", "backup", "fullmesh", "implicit",
 * "laminar". 0 and *bit, or -EINVAL. */
int mpk_endpoint_flag_from_name(const char *name, uint32_t *bit);

/* The name of one flag bit, or NULL when unknown. */
const char *mpk_endpoint_flag_name(uint32_t bit);

/* Every flag set, by name, separated by sep (e.g. " "), unknown bits as one
 * hex number ("0x40"). Returns the length it needed (like snprintf). */
int mpk_endpoint_flags_format(uint32_t flags, const char *sep, char *buf, size_t len);

/* Events */

/* Event types; the values are the kernel's MPTCP_EVENT_*. */
enum mpk_pm_event_type {
	MPK_PM_EVENT_CREATED = 1,          /* a connection was created (SYN) */
	MPK_PM_EVENT_ESTABLISHED = 2,      /* fully established: subflows may be added */
	MPK_PM_EVENT_CLOSED = 3,
	MPK_PM_EVENT_ANNOUNCED = 6,        /* the peer announced an address */
	MPK_PM_EVENT_REMOVED = 7,          /* the peer withdrew an address */
	MPK_PM_EVENT_SUB_ESTABLISHED = 10,
	MPK_PM_EVENT_SUB_CLOSED = 11,
	MPK_PM_EVENT_SUB_PRIORITY = 13,    /* a subflow's backup flag changed */
	MPK_PM_EVENT_LISTENER_CREATED = 15,
	MPK_PM_EVENT_LISTENER_CLOSED = 16,
};

/* Bits of struct mpk_pm_event.present: which attributes the kernel sent.
 * Bit n is the kernel's MPTCP_ATTR_* number n. */
#define MPK_PM_EV_TOKEN        (1u << 1)
#define MPK_PM_EV_FAMILY       (1u << 2)
#define MPK_PM_EV_LOC_ID       (1u << 3)
#define MPK_PM_EV_REM_ID       (1u << 4)
#define MPK_PM_EV_SADDR        ((1u << 5) | (1u << 6)) /* saddr4 | saddr6 */
#define MPK_PM_EV_DADDR        ((1u << 7) | (1u << 8)) /* daddr4 | daddr6 */
#define MPK_PM_EV_SPORT        (1u << 9)
#define MPK_PM_EV_DPORT        (1u << 10)
#define MPK_PM_EV_BACKUP       (1u << 11)
#define MPK_PM_EV_ERROR        (1u << 12)
#define MPK_PM_EV_FLAGS        (1u << 13)
#define MPK_PM_EV_TIMEOUT      (1u << 14)
#define MPK_PM_EV_IF_IDX       (1u << 15)
#define MPK_PM_EV_RESET_REASON (1u << 16)
#define MPK_PM_EV_RESET_FLAGS  (1u << 17)
#define MPK_PM_EV_SERVER_SIDE  (1u << 18)

/* Event flags (MPK_PM_EV_FLAGS): the kernel's MPTCP_PM_EV_FLAG_*. */
#define MPK_PM_EVFLAG_DENY_JOIN_ID0 (1u << 0) /* the peer refuses joins to its first address */
#define MPK_PM_EVFLAG_SERVER_SIDE   (1u << 1) /* 6.x: replaces the server_side attribute */

/* One event. Fields whose bit is not in present are zero. */
struct mpk_pm_event {
	int type;               /* enum mpk_pm_event_type, or an unknown number */
	uint32_t present;       /* MPK_PM_EV_* */
	uint32_t token;
	int family;             /* AF_INET / AF_INET6 (AF_UNSPEC when absent) */
	union mpk_in46 saddr;   /* local address of the connection or subflow */
	union mpk_in46 daddr;   /* remote (for ANNOUNCED: the announced address) */
	uint16_t sport;         /* host byte order */
	uint16_t dport;
	uint8_t loc_id;
	uint8_t rem_id;
	int ifindex;
	bool backup;
	uint8_t error;          /* sk_err of a closed subflow */
	uint16_t flags;         /* MPK_PM_EVFLAG_* */
	uint32_t timeout;
	uint32_t reset_reason;
	uint32_t reset_flags;
	bool server_side;       /* the attribute, or MPK_PM_EVFLAG_SERVER_SIDE */
};

/* Event handle: a netlink socket subscribed to "mptcp_pm_events". Events
 * are those of the caller's network namespace. Needs CAP_NET_ADMIN on
 * kernels that restrict the group (-EPERM). */
struct mpk_pm_events;

/* 0 and *out, or -ENOENT (no mptcp_pm family) or another -errno. The
 * socket is non-blocking and close-on-exec. */
int mpk_pm_events_open(struct mpk_pm_events **out);
void mpk_pm_events_close(struct mpk_pm_events *evs);

/* The descriptor to poll for POLLIN. */
int mpk_pm_event_fd(const struct mpk_pm_events *evs);

/* Called once per event; a non-zero return stops and is returned. */
typedef int (*mpk_pm_event_cb)(const struct mpk_pm_event *ev, void *data);

/* Read what is queued (one datagram, possibly several events) and call cb
 * for each event. Returns the number of events, -EAGAIN when nothing is
 * queued, -ENOBUFS when the kernel dropped events (the socket overran;
 * reading can go on), or another -errno. Malformed events are skipped and
 * counted as -EBADMSG only if nothing else was read. */
int mpk_pm_event_read(struct mpk_pm_events *evs, mpk_pm_event_cb cb, void *data);

/* "created", "established", "closed", "announced", "removed",
 * "sub_established", "sub_closed", "sub_priority", "listener_created",
 * "listener_closed"; NULL for an unknown type. */
const char *mpk_pm_event_name(int type);

#ifdef __cplusplus
}
#endif

#endif /* MPTCPKIT_H */
