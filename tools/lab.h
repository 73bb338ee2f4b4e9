/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The namespace lab: a client and a server network namespace joined by N
 * veth pairs ("paths"), each rate limited with tbf, optionally lossy (nft).
 *   namespaces  mpk-lab-NAME-client, mpk-lab-NAME-server
 *   path k      veth "pathk" in both; 10.0.k.1/24 client, 10.0.k.2/24 server
 *   state       /run/mptcpkit/lab-NAME.json (settings; everything else is
 *               derived from the namespaces, so 'lab down' works after a crash)
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

struct lab {
	char name[LAB_NAME_MAX + 1];
	char client_ns[LAB_NS_LEN];
	char server_ns[LAB_NS_LEN];
	int paths;		/* 1..LAB_PATHS_MAX */
	long rate_mbit;		/* tbf rate of every path, each direction */
	double loss_pct;	/* random drop on every path, each direction */
	long delay_ms;		/* one-way delay (netem), 0 = none */
	char cc[16];		/* TCP congestion control in both namespaces */
};

/* lab-state.c: names, existence, the state file. */
int lab_init(struct lab *lab, const char *name);	/* -EINVAL: bad name */
bool lab_ns_exists(const char *ns);
bool lab_exists(const struct lab *lab);		/* either namespace is there */
int lab_state_write(const struct lab *lab);
int lab_state_read(struct lab *lab);		/* fills paths, rate, loss, delay, cc */
void lab_state_remove(const struct lab *lab);
bool lab_has_state(const struct lab *lab);	/* a state file (maybe stale) */
/* Calls fn for every lab name found (namespaces or state files). */
int lab_list(void (*fn)(const char *name, void *arg), void *arg);

/* lab-spawn.c: run programs, optionally inside a namespace (no shell). */
/* Why the last -EIO of lab_run*() or lab_sysctl() came: "ip ...: the
 * program's first stderr line". It stays through later successes, so that
 * the first failure of 'lab up' is still told after its clean-up ran. */
const char *lab_error(void);
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
/* SIGTERM, then SIGKILL, every process inside namespace ns. */
void lab_ns_kill_all(const char *ns);

/* lab-link.c: cut and restore a path (nft drop in both namespaces). */
int lab_link_set(const struct lab *lab, int path, bool up);
/* Bit k-1 set when path k is cut; -errno on error. */
int lab_link_cut_mask(const struct lab *lab);
/* The nft ruleset each namespace gets at lab up. */
int lab_nft_setup(const struct lab *lab, const char *ns);

#endif
