/* SPDX-License-Identifier: GPL-2.0-or-later */
/* mptcpkit demo: the pieces shared by its files (see cmd-demo.c). */
#ifndef MPTCPKIT_DEMO_H
#define MPTCPKIT_DEMO_H

#include <limits.h>
#include <signal.h>
#include <stdbool.h>
#include <stdint.h>
#include <sys/types.h>

#define DEMO_PATHS 2
/* A sample step with at least this many new bytes is progress; a lone
 * retransmitted packet is not. */
#define DEMO_PROGRESS_BYTES 1500
/* A path carries traffic again when one sample step moves this much on it
 * (16 KiB per 50 ms is 2.6 Mbit/s). */
#define DEMO_PATH_BYTES (16 * 1024)
/* Throughput is judged over this long a window (5 samples). */
#define DEMO_WINDOW_S 0.25
/* After a cut, the surviving path should carry this share of one path's
 * rate (the single TCP connection's). */
#define DEMO_DEGRADED_SHARE 0.9
/* Through the proxy pair (--proxy) perf sees one TCP connection, no
 * paths: it has recovered when the throughput is back at this many times
 * one path's rate (more than one path carries it). */
#define DEMO_PROXY_RECOVERED_PATHS 1.5

/* perf's fine time series: cumulative bytes, in total and per path. */
struct demo_series {
	size_t n;
	double *t;
	uint64_t *total;
	uint64_t *path[DEMO_PATHS];	/* by the subflow's local address 10.0.k.1 */
};

/* One perf client's figures. */
struct demo_result {
	bool ok;
	char error[256];
	bool mptcp;		/* the connection really ran MPTCP */
	int subflows;		/* subflows seen during the test */
	double mbps;		/* the receiver's goodput */
	uint64_t bytes;		/* received */
	bool verified;		/* received intact, all of it */
	struct demo_series s;
};

void demo_series_free(struct demo_series *s);

/* The demo's rows, in the order they run (demo-kind.c names them). */
enum demo_kind {
	DEMO_TCP,	/* one TCP connection on path 1 */
	DEMO_TCP2,	/* two at once, one per path */
	DEMO_MPTCP,	/* one MPTCP connection */
	DEMO_CUT,	/* MPTCP, path 1 cut and restored, the kernel's PM alone */
	DEMO_PMD_CUT,	/* the same with mptcpkit pmd --client in the client namespace */
	/* demo --proxy, in the lab's router topology: */
	DEMO_PROXY_TCP,	/* TCP router -> far end on path 1, no proxy: one uplink */
	DEMO_PROXY,	/* TCP client -> proxy pair (MPTCP, both paths) -> server */
	DEMO_PROXY_CUT,	/* the same, path 1 cut and restored */
	/* demo --profile NAME, in a lab of that profile (paths not equal): */
	DEMO_PROF_TCP1,	/* one TCP connection on path 1 */
	DEMO_PROF_TCP2,	/* one TCP connection on path 2 */
	DEMO_PROF_MPTCP,	/* MPTCP, the kernel's PM with the lab's endpoint */
	DEMO_PROF_PMD,	/* MPTCP with mptcpkit pmd --client (its default mode) */
	DEMO_ROWS
};

const char *demo_kind_name(enum demo_kind kind);	/* tcp, tcp2, mptcp, ... */
bool demo_kind_is_mptcp(enum demo_kind kind);		/* perf's own connection */
bool demo_kind_has_cut(enum demo_kind kind);		/* stall and recovery apply */
bool demo_kind_is_proxy(enum demo_kind kind);		/* a row of demo --proxy */
bool demo_kind_via_proxy(enum demo_kind kind);		/* through the proxy pair */
bool demo_kind_is_profile(enum demo_kind kind);		/* a row of demo --profile */

/* One line of the demo's table. */
struct demo_row {
	enum demo_kind kind;
	char description[96];
	bool ok;
	char error[256];
	double mbps;
	uint64_t bytes;
	bool verified;
	bool mptcp;
	int subflows;
	double stall;		/* longest stall after the cut (s) */
	double degraded;	/* cut -> one path's rate again (s); < 0: never */
	double recovery;	/* restore -> both paths carry traffic (s); < 0: never */
	/* Through the proxy pair: its MPTCP leg, from the router proxy's log. */
	bool leg_mptcp;
	int leg_subflows;
};

struct demo_report {
	const char *lab;
	long rate_mbit;
	const char *cc;		/* the lab's TCP congestion control */
	double seconds, cut_seconds, cut_at, restore_at;
	const char *plot;	/* NULL: no plot was written */
	const char *plot_pmd;	/* the same for the run with pmd */
	bool proxy;		/* demo --proxy: only its rows ran */
	const char *profile;	/* demo --profile: its name; only its rows ran */
	const char *profile_what;	/* its paths in words */
	bool upload;		/* demo --profile --upload: the client sends */
	struct demo_row rows[DEMO_ROWS];
};

/* demo-table.c: the table, text or JSON. */
void demo_print(const struct demo_report *rep);
/* Is row k one of this demo's (plain, --proxy or --profile)? */
bool demo_row_shown(const struct demo_report *rep, enum demo_kind k);

/* demo-metrics.c */
/* Longest time without progress between from and to (seconds). */
double demo_stall_after(const struct demo_series *s, double from, double to);
/* Seconds after 'from' until the throughput, over DEMO_WINDOW_S, was back
 * at mbit Mbit/s (the window's start); < 0: never. */
double demo_rate_back_after(const struct demo_series *s, double from, double mbit);
/* Seconds after 'from' until every path has carried traffic again; < 0: never. */
double demo_paths_back_after(const struct demo_series *s, double from);

/* demo-perf.c: perf (this very program) inside the lab. */
struct demo_ctx {
	const char *client_ns, *server_ns;
	char self[PATH_MAX];		/* /proc/self/exe, resolved */
	bool reverse;			/* perf -R: the server sends (demo --proxy) */
	volatile sig_atomic_t *stop;
};

struct demo_client {
	pid_t pid;
	int out_fd, err_fd;
};

/* A one-test perf server on port in the server namespace; 0 or -errno. */
int demo_server_start(const struct demo_ctx *c, int port, pid_t *pid);
/* A perf client (JSON output) to addr:port for seconds; plot_args (NULL
 * or NULL-terminated, e.g. --plot FILE --mark S:LABEL) go on its command line. */
int demo_client_start(const struct demo_ctx *c, const char *addr, int port, bool tcp,
		      double seconds, const char *const *plot_args, struct demo_client *cl);
/* Wait (at most 'limit' seconds) and read its result. 0, or -errno with
 * r->error set. */
int demo_client_finish(const struct demo_ctx *c, struct demo_client *cl, double limit,
		       struct demo_result *r);
/* perf's JSON document -> figures; 0 or -EINVAL. */
int demo_parse_perf(const char *json, struct demo_result *r);

/* demo-pmd.c: mptcpkit pmd --client in the client namespace. */
struct demo_pmd {
	pid_t pid;		/* -1: not running */
	int err_fd;		/* its log (a memfd) */
	char error[256];	/* why it failed to start or stop */
};

/* Flush the lab's endpoints, start pmd, wait until it made path 2's
 * endpoint (at most 5 s). 0, or -errno with p->error set; call
 * demo_pmd_stop either way. */
int demo_pmd_start(const struct demo_ctx *c, struct demo_pmd *p);
/* SIGTERM, wait (at most 5 s, then SIGKILL). 0 when pmd exited 0; else
 * -errno with p->error set. */
int demo_pmd_stop(struct demo_pmd *p);

/* demo-proxy.c: the router proxy's -j log, which says what its upstream
 * leg was. Counts its "conn" lines (for demo_proxy_leg's 'after'). */
int demo_proxy_conns(const char *log);
/* The biggest connection logged after the first 'after' ones: MPTCP or
 * not, subflows. Waits up to 2 s for the line (it comes at the close).
 * 0, or -ENOENT when none came. */
int demo_proxy_leg(const char *log, int after, bool *mptcp, int *subflows);

struct lab;
/* demo-balancer.c: demo --balancer, in a lab made with --balancer. */
#define DEMO_BAL_TESTS 4	/* one direct to backend 1, then to the service */
struct demo_bal_row {
	char to[32];		/* the address perf connected to */
	bool direct;		/* backend 1's own address: no balancing */
	int backend;		/* where it landed, 1..N; 0: unknown */
	uint64_t joins;		/* joins that backend accepted during the test */
	uint64_t astray;	/* joins refused for unknown tokens, all backends */
	struct demo_result r;
};
struct demo_bal_report {
	int backends;
	int n;
	struct demo_bal_row rows[DEMO_BAL_TESTS];
};
/* Start perf servers on the backends, run the tests, stop them. 0, -EINTR,
 * or -errno of a lab step (each row says how its test went). */
int demo_balancer_run(const struct demo_ctx *c, const struct lab *lab, double seconds,
		      struct demo_bal_report *rep);
/* demo-table.c */
void demo_balancer_print(const struct demo_bal_report *rep, long rate_mbit);
/* Every test MPTCP, intact, a subflow per path, its joins on its backend. */
bool demo_balancer_good(const struct demo_bal_report *rep);

#endif
