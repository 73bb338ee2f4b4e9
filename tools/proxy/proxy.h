/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The proxy engine: an epoll loop that accepts connections, finds where each
 * goes (a fixed target, a SOCKS5 request, or the original destination of a
 * redirected connection), connects there and relays both directions:
 * splice() through a pipe per direction between TCP sockets, read/send
 * through a buffer where a leg is MPTCP.
 * Errors: functions return 0 or -errno and never print; what happened to
 * each connection reaches the caller as a struct proxy_report.
 */
#ifndef MPTCPKIT_PROXY_H
#define MPTCPKIT_PROXY_H

#include <stdbool.h>
#include <stdint.h>
#include <sys/socket.h>

#include "mptcpkit.h"

enum proxy_mode {
	PROXY_FORWARD,      /* accept TCP/MPTCP, connect to a target over MPTCP */
	PROXY_REVERSE,      /* accept MPTCP/TCP, connect to a target over TCP */
	PROXY_SOCKS,        /* SOCKS5 server, MPTCP both ways */
	PROXY_TRANSPARENT,  /* redirected connections, over MPTCP to a SOCKS5 server */
};
#define PROXY_MODE_COUNT 4

/* An address range (--allow). */
struct proxy_cidr {
	int family;
	union mpk_in46 addr;
	unsigned int prefix;
};

#define PROXY_ALLOW_MAX 64
#define PROXY_HOST_MAX 256

struct proxy_config {
	enum proxy_mode mode;
	bool mode_set;
	char listen_host[PROXY_HOST_MAX];
	char listen_port[8];
	char to_host[PROXY_HOST_MAX];  /* forward/reverse target; transparent: --via */
	char to_port[8];
	bool auth;                     /* username/password required (socks) or sent (transparent) */
	char user[256];
	char pass[256];
	struct proxy_cidr allow[PROXY_ALLOW_MAX];
	unsigned int n_allow;
	bool allow_local_dest;         /* socks: loopback and link-local destinations too */
	bool no_splice;                /* read/write instead of splice() */
	int max_conns;                 /* per worker */
	int workers;                   /* processes, each listening (SO_REUSEPORT) */
	int idle_timeout_ms;
	int connect_timeout_ms;
	int handshake_timeout_ms;
	int drain_timeout_ms;
	int halfclose_hold_ms;         /* a half-close onto an MPTCP leg waits at
					* most this long for the leg's joins (0: never) */
	char rules_iif[16];            /* transparent: redirect only what comes in here */
	bool tproxy;                   /* transparent: nft tproxy + IP_TRANSPARENT, not REDIRECT */
};

/* Defaults: loopback, 1024 connections, one worker, idle 300 s, connect
 * 10 s, handshake 10 s, drain 10 s, half-close hold 1000 ms. */
void proxy_config_init(struct proxy_config *cfg);

/* Set one setting by its name, the long flag without "--" (also the
 * config-file keyword): "listen", "to", "via", "auth", "auth-file",
 * "allow", "allow-local-dest", "max-conns", "idle-timeout",
 * "connect-timeout", "handshake-timeout", "drain-timeout", "halfclose-hold",
 * "no-splice",
 * "iif", "tproxy", "workers", "mode". value is NULL for the flags without one. 0, -EINVAL (bad
 * value), -ENOENT (unknown name), -E2BIG (too many --allow), or the errno
 * of reading an auth file. */
int proxy_config_set(struct proxy_config *cfg, const char *name, const char *value);

/* Whether the setting takes a value; -ENOENT when unknown. */
int proxy_config_takes_value(const char *name);

/* Read "name value" lines (# comments, blank lines) into cfg; *line is
 * the line number of the first error. */
int proxy_config_load(struct proxy_config *cfg, const char *path, int *line);

/* A complete configuration for its mode: 0, or -EDESTADDRREQ (no target),
 * -EACCES (non-loopback socks/transparent listener without --auth or
 * --allow), -EOPNOTSUPP (--workers with --tproxy). */
int proxy_config_check(const struct proxy_config *cfg);

enum proxy_mode proxy_mode_from_name(const char *name, bool *ok);
const char *proxy_mode_name(enum proxy_mode mode);

/* "HOST:PORT", "[V6]:PORT" or "PORT" (host stays as given). 0 or -EINVAL. */
int proxy_parse_hostport(const char *s, char *host, size_t hostlen, char *port, size_t portlen);
int proxy_parse_cidr(const char *s, struct proxy_cidr *out);
bool proxy_cidr_match(const struct proxy_cidr *c, const struct sockaddr *sa);
/* Loopback, link-local, unspecified (and their IPv4-mapped forms). */
bool proxy_addr_is_local(const struct sockaddr *sa);
bool proxy_host_is_loopback(const char *host);

/* How a connection ended. */
enum proxy_end {
	PROXY_END_CLOSED,           /* both directions finished */
	PROXY_END_RESET,            /* an I/O error on either leg */
	PROXY_END_IDLE,             /* idle timeout */
	PROXY_END_CONNECT_FAILED,
	PROXY_END_CONNECT_TIMEOUT,
	PROXY_END_HANDSHAKE_TIMEOUT,
	PROXY_END_BAD_HANDSHAKE,    /* malformed SOCKS message, or the client left mid-handshake */
	PROXY_END_AUTH_FAILED,
	PROXY_END_CLIENT_NOT_ALLOWED,
	PROXY_END_DEST_NOT_ALLOWED,
	PROXY_END_UNSUPPORTED,      /* BIND, UDP ASSOCIATE, unknown address type */
	PROXY_END_RESOLVE_FAILED,
	PROXY_END_MAX_CONNS,
	PROXY_END_NO_ORIGDST,       /* transparent: not a redirected connection */
	PROXY_END_UPSTREAM_REFUSED, /* transparent: the SOCKS server said no */
	PROXY_END_DRAINED,          /* still open at the end of the drain timeout */
};
#define PROXY_END_COUNT 16

const char *proxy_end_name(enum proxy_end end);

/* A half-close onto an MPTCP leg may wait (proxy-hold.c): the leg's own
 * path manager still opens subflows (one is not established yet, or an
 * endpoint is left that it may use), from mpk_conn_state_get()'s counters
 * and established subflows. False for a fallen-back leg (TCP legs have no
 * counters: the relay never asks). */
bool proxy_joins_pending(const struct mpk_conn_info *m, unsigned int established);

/* What became of one connection. */
struct proxy_report {
	struct sockaddr_storage client;
	char dest[PROXY_HOST_MAX + 8];   /* where the client wanted to go, "HOST:PORT" */
	struct sockaddr_storage upstream; /* what was connected (family 0: none) */
	uint64_t bytes_up;               /* client to upstream */
	uint64_t bytes_down;             /* upstream to client */
	uint64_t duration_ms;
	bool client_known, upstream_known;
	struct mpk_status client_st, upstream_st;
	unsigned int client_subflows, upstream_subflows;
	bool spliced;                    /* zero-copy was used */
	enum proxy_end end;
	int error;                       /* the errno behind end, or a SOCKS reply code */
};

struct proxy;

struct proxy_hooks {
	void (*conn_done)(const struct proxy_report *r, void *arg);
	/* SIGHUP: fill *cfg with new settings (for new connections); 0 to
	 * take them, or -errno to keep the old ones. May be NULL. */
	int (*reload)(struct proxy_config *cfg, void *arg);
	/* SIGHUP reloaded (err 0) or failed (-errno); may be NULL. */
	void (*reloaded)(int err, void *arg);
	void *arg;
	/* After each wake-up's events: what conn_done wrote may be
	 * buffered until then (one write per wake-up). May be NULL. */
	void (*flush)(void *arg);
};

/* Resolve the target (--to, --via) and listen as cfg says; *status tells
 * whether the listener is MPTCP. On error *failed says which step:
 * "resolving", "listening" or "starting workers". With cfg->workers > 1 it
 * forks the other workers once listening: each returns from here with a
 * listener of its own on the same port (SO_REUSEPORT) and runs proxy_run()
 * like the first, which passes its signals on to them and waits for them
 * in proxy_close(). */
int proxy_open(const struct proxy_config *cfg, struct proxy **out, struct mpk_status *status,
	       const char **failed);
/* The listener's port (for port 0). */
int proxy_port(const struct proxy *p);
/* A worker forked by proxy_open(), not the first process. */
bool proxy_is_worker(const struct proxy *p);
/* Serve until SIGTERM or SIGINT, then drain: finish open connections up to
 * drain_timeout_ms. Blocks those signals and SIGHUP and takes them through
 * a signalfd. */
int proxy_run(struct proxy *p, const struct proxy_hooks *hooks);
void proxy_close(struct proxy *p);

/* nftables (proxy-nft.c): the rules that redirect TCP to the transparent
 * proxy's port, in a table of their own ("inet mptcpkit_proxy_PORT"); with
 * tproxy also the policy routing that delivers marked packets locally (ip
 * rule fwmark PROXY_TPROXY_MARK lookup PROXY_TPROXY_TABLE, IPv4 and IPv6).
 * Text: the length written (like snprintf). Install: -EEXIST when that
 * table is there already (someone else's: left alone), -ENOENT without
 * nft, -EIO when nft refused. Remove deletes that table only. */
#define PROXY_TPROXY_MARK 0x6d706b  /* "mpk" */
#define PROXY_TPROXY_TABLE 27017
int proxy_nft_rules(const struct proxy_config *cfg, int port, char *buf, size_t len);
int proxy_nft_install(const struct proxy_config *cfg, int port);
int proxy_nft_remove(const struct proxy_config *cfg, int port);

#endif
