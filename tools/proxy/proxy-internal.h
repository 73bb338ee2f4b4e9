/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * What the proxy engine's files share: one connection's state and the
 * calls between them. Calls point down only:
 *   proxy-loop.c (accept, signals, timers, workers)
 *     -> proxy-socks-server.c, proxy-via.c (handshakes)
 *       -> proxy-conn.c (connection steps: connect, relay)
 *         -> proxy-relay.c, proxy-connect.c, proxy-origdst.c, proxy-resolve.c
 *           -> proxy-end.c (clock, epoll registration, a connection's end)
 * Same error rule as proxy.h.
 */
#ifndef MPTCPKIT_PROXY_INTERNAL_H
#define MPTCPKIT_PROXY_INTERNAL_H

#include <pthread.h>
#include <stdint.h>
#include <sys/types.h>

#include "proxy.h"
#include "proxy-socks.h"

/* One direction of a relay: bytes from 'from' go to 'to', copied at first,
 * through a pipe with splice() once the direction carries bulk data. At
 * most one read's or one pipe's worth is ever held: that is the
 * backpressure. */
struct pdir {
	int from, to;
	int pipe[2];        /* -1 until bulk data */
	size_t in_pipe;
	size_t pipe_size;   /* what one splice() asks for */
	bool grown;         /* the pipe was made bigger (or that failed) */
	char *buf;          /* what the receiver did not take yet (copy); bulk
			     * copying: also what is read into */
	size_t cap;         /* buf's size */
	size_t off, len;
	size_t asked;       /* what the last read or splice asked for */
	bool copy;          /* never splice (--no-splice, an MPTCP leg, or refused) */
	bool bulk;          /* a read filled the buffer: splice from now on */
	bool eof;           /* 'from' said EOF */
	bool shut;          /* EOF passed on: 'to' shut for writing */
	bool rdhup;         /* epoll said 'from' has hung up: read to EOF */
	const struct pdir *other; /* the other direction, or NULL */
	int hold_ms;        /* 'to' is an MPTCP leg: its half-close may wait
			     * this long for the leg's joins (0: never) */
	int64_t hold_until; /* when the wait began + hold_ms; 0: not begun */
	bool held;          /* EOF read, its half-close waiting for joins */
	uint64_t bytes;
};

enum pstate {
	PS_SOCKS_GREETING,  /* socks: waiting for the method offer */
	PS_SOCKS_AUTH,      /* socks: waiting for username/password */
	PS_SOCKS_REQUEST,   /* socks: waiting for the CONNECT request */
	PS_RESOLVING,       /* socks: the destination's name is being resolved */
	PS_CONNECTING,      /* connecting upstream */
	PS_VIA_METHOD,      /* transparent: the SOCKS server's method choice */
	PS_VIA_AUTH,        /* transparent: its answer to our credentials */
	PS_VIA_REPLY,       /* transparent: its reply to CONNECT */
	PS_RELAY,
};

struct pconn;

/* The epoll data of each descriptor: which connection, which side. */
struct pend {
	struct pconn *c;
	bool upstream;
	uint32_t mask;      /* the events registered */
	bool hup;           /* removed from epoll after a hang-up */
};

/* Addresses resolved beforehand. */
#define PROXY_ADDRS_MAX 8
struct paddrs {
	int n;
	struct sockaddr_storage a[PROXY_ADDRS_MAX];
};

/* Resolving names off the loop (proxy-resolve.c). Only the loop's thread
 * touches job->c: set to NULL when the connection ends first. */
struct presolve_job {
	struct presolve_job *next;
	struct pconn *c;
	char host[256];
	char port[8];
	struct paddrs out;
	int err;
};

struct presolver {
	pthread_t thread;
	pthread_mutex_t mu;
	pthread_cond_t cv;
	struct presolve_job *head, *tail;
	int pipe[2];           /* jobs done, as pointers */
	bool stop, started;
};

struct pcfg {
	int refs;
	struct proxy_config c;
	struct paddrs target;  /* --to / --via, resolved */
};

struct pconn {
	struct proxy *p;
	struct pcfg *cfg;
	struct pconn *prev, *next;
	enum pstate state;
	int cfd, ufd;
	struct pend cend, uend;
	struct mpk_connector *connector; /* connecting upstream, or NULL */
	struct paddrs dest_addrs;     /* socks: the requested destination */
	struct presolve_job *resolving;
	uint8_t hs[1024];     /* handshake bytes read, not yet used */
	size_t hs_len;
	struct pdir up, down; /* up: client to upstream */
	int64_t start_ms, last_ms, deadline_ms;
	struct sockaddr_storage dest;  /* transparent: the original destination */
	bool sampled;
	bool dead;            /* ended; freed after this batch of events */
	struct proxy_report rep;
};

/* The handshakes before a connection relays, registered by the loop
 * (proxy_open) and called by the connection steps (proxy-conn.c) through
 * this table, never by name: the handshakes themselves call those steps. */
struct pconn_handlers {
	void (*socks_event)(struct pconn *c);	/* SOCKS5 server: client's bytes */
	void (*via_start)(struct pconn *c);	/* SOCKS5 client (--via): connected */
	void (*via_event)(struct pconn *c);	/* ... and the server's answer */
};

struct proxy {
	int epfd, lfd, sigfd;
	struct pconn_handlers handlers;
	struct pend lend;
	struct pend rend;     /* the resolver's results */
	int port;             /* the listener's */
	struct presolver resolver;
	struct mpk_status lst;
	struct pcfg *cfg;
	struct pconn *conns;
	struct pconn *dead;
	int count;
	bool draining, accept_paused;
	bool holding;         /* a relay holds a half-close: look every HOLD_TICK_MS */
	int64_t drain_deadline_ms;
	const struct proxy_hooks *hooks;
	pid_t *workers;       /* the first process: the other workers */
	int n_workers;
	bool worker;          /* forked by the first process */
};

/* proxy-end.c, below the loop and the handlers: the clock, epoll
 * registration, a connection's end, the settings' reference count. */
int64_t proxy_now_ms(void);
void pcfg_put(struct pcfg *pc);
/* Count both legs' subflows into the report, while the connection is whole. */
void pconn_sample(struct pconn *c);
/* Register or update a descriptor's events (mask 0: none). */
int proxy_watch(struct proxy *p, int fd, struct pend *e, uint32_t mask);
/* Close the connection, report it, free it. */
void proxy_conn_end(struct pconn *c, enum proxy_end end, int error);

static inline const struct proxy_config *pconn_cfg(const struct pconn *c)
{
	return &c->cfg->c;
}

/* Connection steps (proxy-conn.c). */
void pconn_start(struct pconn *c);
void pconn_event(struct pconn *c, bool upstream, uint32_t events);
void pconn_timer(struct pconn *c, int64_t now);
/* Send a small handshake message at once: 0, or -errno (-EAGAIN: only
 * part of it went). */
int pconn_send(int fd, const void *buf, size_t len);
void pconn_socks_reply(struct pconn *c, uint8_t rep, const struct sockaddr *bound);
/* Handshake bytes: read more from fd (0, or -errno; -EPIPE at EOF), or
 * drop the first n once parsed. */
int pconn_hs_read(struct pconn *c, int fd);
void pconn_hs_consume(struct pconn *c, size_t n);
/* The events wanted on each side; on failure the connection ends. */
void pconn_watch(struct pconn *c, uint32_t cmask, uint32_t umask);
void pconn_connect(struct pconn *c, const struct paddrs *to);
void pconn_relay_start(struct pconn *c);
/* The SOCKS5 server (proxy-socks-server.c) and client (proxy-via.c): only
 * the loop names them, to fill struct pconn_handlers. */
void pconn_socks_event(struct pconn *c);
void pconn_via_start(struct pconn *c);
void pconn_via_event(struct pconn *c);

/* The relay (proxy-relay.c). */
void pdir_init(struct pdir *d, int from, int to, bool copy);
/* Move what can move now; 0, or -errno on an I/O error. */
int pdir_pump(struct pdir *d);
bool pdir_done(const struct pdir *d);
bool pdir_wants_read(const struct pdir *d);
bool pdir_wants_write(const struct pdir *d);
bool pdir_spliced(const struct pdir *d);
void pdir_free(struct pdir *d);

/* --workers (proxy-workers.c): fork the others once listening (in a new
 * worker: its own listener); pass a signal on; at the end, stop and wait
 * for them. */
int proxy_workers_start(struct proxy *p, const struct proxy_config *cfg);
void proxy_workers_signal(struct proxy *p, int sig);
void proxy_workers_stop(struct proxy *p);

/* Resolve (blocking): 0, -MPK_EHOSTNOTFOUND or -errno. */
int paddrs_resolve(const char *host, const char *port, struct paddrs *out);
/* TCP_NODELAY, best effort. */
void proxy_nodelay(int fd);
/* The listener of cfg on port (IP_TRANSPARENT with tproxy, which has no
 * workers), TCP_NODELAY for what it accepts, SO_REUSEPORT when asked
 * (workers); fd or -errno. */
int proxy_listen(const struct proxy_config *cfg, const char *port, bool reuseport,
		 struct mpk_status *status);

int presolver_start(struct presolver *r);
void presolver_stop(struct presolver *r);
int presolver_submit(struct presolver *r, struct pconn *c, const char *host,
		     const char *port, struct presolve_job **out);
/* A finished job (free it), or NULL when none is waiting. */
struct presolve_job *presolver_read(struct presolver *r);
/* The connection's name is resolved (proxy-conn.c). */
void pconn_resolved(struct pconn *c, const struct presolve_job *job);

/* Transparent mode (proxy-origdst.c): where a redirected connection was
 * going. 0, or -ENOENT when it was not redirected. */
int proxy_original_dst(int fd, struct sockaddr_storage *dst);
/* tproxy: the accepted socket's own address; -ENOENT when it is the
 * listener's port (not diverted). */
int proxy_tproxy_dst(int fd, int listen_port, struct sockaddr_storage *dst);
/* A listener with IP_TRANSPARENT (numeric host); fd or -errno. */
int proxy_tproxy_listen(const char *host, const char *port, struct mpk_status *status);

#endif
