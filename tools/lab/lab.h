/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The namespace lab: a client and a server network namespace joined by N
 * veth pairs ("paths"), each rate limited with tbf, optionally lossy (nft).
 *   namespaces  mpk-lab-NAME-client, mpk-lab-NAME-server
 *   path k      veth "pathk" in both; 10.0.k.1/24 client, 10.0.k.2/24 server
 *   state       /run/mptcpkit/lab-NAME.json (settings; everything else is
 *               derived from the namespaces, so 'lab down' works after a crash)
 * The router topology (lab up --router, lab-router.c) puts the paths
 * between a router and a far namespace instead, with a plain TCP client
 * before the router and a plain TCP server behind the far end:
 *   client 10.1.0.2 --lan-- 10.1.0.1 router ==pathk== far 10.2.0.1 --wan-- 10.2.0.2 server
 *   path k      10.0.k.1/24 router, 10.0.k.2/24 far (the paths' "client" and
 *               "server" sides, so cuts, loss and shaping are the same code)
 *   processes   router: mptcpkit proxy transparent (nft REDIRECT from lan),
 *               far: mptcpkit proxy socks; their PIDs in the state file.
 * An engine (see util.h): functions return 0 or -errno and never print.
 * -EIO means a program (ip, tc, nft) or a sysctl write failed; lab_error()
 * then tells which and what it said, and lab_strerror() picks the words.
 */
#ifndef MPTCPKIT_LAB_H
#define MPTCPKIT_LAB_H

#include <stdbool.h>
#include <stddef.h>
#include <sys/types.h>

#define LAB_PATHS_MAX 8
#define LAB_NAME_MAX 32
#define LAB_NS_LEN 64
#define LAB_STATE_DIR "/run/mptcpkit"
#define LAB_NFT_TABLE "mptcpkit_lab"

/* The two ends of every path. */
enum lab_side {
	LAB_CLIENT = 1,		/* the last byte of its addresses */
	LAB_SERVER = 2,
};

#define LAB_ADDR_LEN 16		/* "10.0.8.2" and its NUL, with room */

/* The address of path k's end on side: 10.0.k.1 (client), 10.0.k.2 (server). */
const char *lab_path_addr(int k, enum lab_side side, char buf[LAB_ADDR_LEN]);
/* Path k's device (the same name in both namespaces): "pathk". */
const char *lab_path_dev(int k, char buf[LAB_ADDR_LEN]);

/* One path, each way: [LAB_DOWN] server -> client, [LAB_UP] client -> server
 * (lab-shape.c parses it, lab-paths.c applies it). */
enum lab_dir { LAB_DOWN, LAB_UP };
struct lab_shape {
	long rate_kbit[2];	/* tbf on the sending end */
	long delay_us[2];	/* one-way */
	long jitter_us[2];	/* +- around the delay */
	long loss_ppm[2];	/* random drop on arrival, parts per million */
};

/* What adds the delay: netem where the kernel has it, else the NFQUEUE
 * delay element (lab-delay.c, 'lab delayd' in each receiving namespace). */
enum lab_engine { LAB_ENGINE_NONE, LAB_ENGINE_NETEM, LAB_ENGINE_NFQUEUE };
#define LAB_PROFILE_LEN 16

struct lab {
	char name[LAB_NAME_MAX + 1];
	char client_ns[LAB_NS_LEN];
	char server_ns[LAB_NS_LEN];
	bool router;		/* the router topology (four namespaces) */
	char router_ns[LAB_NS_LEN];
	char far_ns[LAB_NS_LEN];
	pid_t router_pid, far_pid;	/* the router topology's proxies; 0: none */
	int paths;		/* 1..LAB_PATHS_MAX */
	long rate_mbit;		/* tbf rate of every path, each direction */
	double loss_pct;	/* random drop on every path, each direction */
	long delay_ms;		/* one-way delay (netem), 0 = none */
	char cc[16];		/* TCP congestion control in both namespaces */
	int backends;		/* --balancer N: the server is a load balancer
				 * in front of N backends (lab-balancer.c); 0: none */
	struct lab_shape shape[LAB_PATHS_MAX];	/* per path; filled by lab_up() if !shaped */
	bool shaped;		/* shape[] was set (--path, --profile) */
	char profile[LAB_PROFILE_LEN];	/* its name, or "" */
	enum lab_engine engine;	/* chosen by lab_up() */
	pid_t delay_pid[2];	/* the delay elements: [0] client side, [1] server side */
};

/* lab-state.c: names, existence, the state file. */
/* -EINVAL: bad name. lab->router is true when the router or far namespace
 * of that name exists (the topology of a lab that is up, even half up). */
int lab_init(struct lab *lab, const char *name);
bool lab_ns_exists(const char *ns);
bool lab_exists(const struct lab *lab);		/* any of its namespaces is there */
/* The namespace at the side of every path: client/server, or router/far. */
const char *lab_path_ns(const struct lab *lab, enum lab_side side);
int lab_state_write(const struct lab *lab);
int lab_state_read(struct lab *lab);	/* fills paths, rate, loss, delay, cc, pids */
void lab_state_remove(const struct lab *lab);
bool lab_has_state(const struct lab *lab);	/* a state file (maybe stale) */
/* Calls fn for every lab name found (namespaces or state files). */
int lab_list(void (*fn)(const char *name, void *arg), void *arg);

/* lab-spawn.c: run programs, optionally inside a namespace (no shell). */
/* Why the last -EIO of lab_run*() or lab_sysctl() came: "ip ...: the
 * program's first stderr line". It stays through later successes, so that
 * the first failure of 'lab up' is still told after its clean-up ran. */
const char *lab_error(void);
/* The first line of file path (a spawned program's log: its own words,
 * e.g. a port in use), without its newline; err's text when there is none. */
void lab_log_first_line(const char *path, int err, char *line, size_t len);
/* Set it (for an -EIO of another cause, e.g. a proxy that did not start). */
void lab_error_set(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
/* Words for an error of this file's functions: lab_error() for -EIO, the
 * errno's text otherwise. */
const char *lab_strerror(int err);
/* Run argv[] (NULL-terminated) in namespace ns (NULL: here); 0 on exit 0,
 * -EIO when it failed, another -errno when it could not be started. */
int lab_runv(const char *ns, char *const argv[]);
/* The same with the arguments listed, ending with NULL. */
int lab_run(const char *ns, const char *prog, ...) __attribute__((sentinel));
/* Run and keep stdout in out (NUL-terminated, truncated to len). */
int lab_run_output(const char *ns, char *const argv[], char *out, size_t len);
/* Write a /proc/sys file as seen from namespace ns; 0 or -EIO. */
int lab_sysctl(const char *ns, const char *path, const char *value);
/* fork; the child enters ns and execvp()s argv with stdout to out_fd
 * (-1: inherit) and stderr to err_fd (-1: inherit). Returns the pid. */
pid_t lab_spawn(const char *ns, char *const argv[], int out_fd, int err_fd);
/* Enter namespace ns in this process (children only). */
int lab_enter_ns(const char *ns);

/* lab-setup.c: build and remove. */
int lab_up(struct lab *lab);	/* atomic: on failure nothing is left */
int lab_down(const struct lab *lab);
/* lab-proc.c: processes by namespace (used by lab-setup.c and lab-router.c).
 * SIGTERM, then SIGKILL, every process inside namespace ns. */
void lab_ns_kill_all(const char *ns);

/* True when process pid lives in namespace ns. */
bool lab_pid_in_ns(pid_t pid, const char *ns);

/* lab-router.c: the router topology. */
#define LAB_LAN_CLIENT "10.1.0.2"	/* the client's address, dev "lan" */
#define LAB_LAN_ROUTER "10.1.0.1"	/* the router's, the client's gateway */
#define LAB_WAN_FAR "10.2.0.1"		/* the far end's, dev "wan" */
#define LAB_WAN_SERVER "10.2.0.2"	/* the server's */
#define LAB_PROXY_PORT 1081		/* proxy transparent on the router */
#define LAB_SOCKS_PORT 1080		/* proxy socks on the far end, path 1 */
/* The namespaces, links and routes of the router topology, after
 * lab_up() made the four namespaces (its build step for --router). */
int lab_router_build(struct lab *lab);
/* Start the two proxies (PIDs into lab), wait until both listen (5 s). */
int lab_router_start(struct lab *lab);
/* SIGTERM the recorded proxies still in their namespaces, wait (1 s). */
void lab_router_stop(const struct lab *lab);
#define LAB_LISTEN_LEN 32	/* "10.0.1.2:1080" and its NUL, with room */
/* Where the far end's proxy socks listens: path 1's far address, the port. */
const char *lab_router_socks(char buf[LAB_LISTEN_LEN]);
/* The -j log of the router's or far end's proxy. */
void lab_router_log(const struct lab *lab, bool far, char *buf, size_t len);
/* Start argv in ns, not as our child (it outlives 'lab up'), stdout and
 * stderr to log_path; its pid into *out. */
int lab_spawn_detached(const char *ns, char *const argv[], const char *log_path, pid_t *out);
/* Is something listening on TCP port in ns? */
bool lab_listening(const char *ns, int port);

/* lab-balancer.c: the balancer topology (the server namespace balances). */
#define LAB_BACKENDS_MAX 8
#define LAB_VIP "10.9.0.1"		/* the service address, on the balancer */
#define LAB_BALANCER_PORT 80		/* the service port */
#define LAB_BALANCER_PORT_STR "80"
#define LAB_JOIN_PORT 7000		/* each backend's join port, on its own address */
/* Backend k's namespace (mpk-lab-NAME-backendK; lab-state.c, with the
 * other names) and address (10.3.k.2). */
const char *lab_backend_ns(const struct lab *lab, int k, char buf[LAB_NS_LEN]);
const char *lab_backend_addr(int k, char buf[LAB_ADDR_LEN]);
/* Backend k's pmd log (JSON lines). */
void lab_balancer_log(const struct lab *lab, int k, char *buf, size_t len);
/* The backends, the VIP, the client's routes (after the paths). */
int lab_balancer_build(struct lab *lab);
/* The balancer's nft rules and each backend's pmd --balanced. */
int lab_balancer_start(struct lab *lab);
/* How many backend namespaces exist (1, 2, ... in a row; lab-state.c). */
int lab_balancer_count(const struct lab *lab);
/* Every backend namespace (whatever the count), their logs. */
int lab_balancer_down(const struct lab *lab);

/* lab-link.c: cut and restore a path (nft drop in both namespaces). */
int lab_link_set(const struct lab *lab, int path, bool up);
/* Bit k-1 set when path k is cut; -errno on error. */
int lab_link_cut_mask(const struct lab *lab);
/* The nft ruleset each namespace gets at lab up. */
int lab_nft_setup(const struct lab *lab, const char *ns);

#endif
