/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Paths that are not equal: per path and per direction rate, delay, jitter
 * and loss (struct lab_shape in lab.h), named profiles of such paths, and
 * the delay element that adds delay where the kernel has no netem.
 *   lab-shape.c   profiles and the --path parser (pure functions)
 *   lab-paths.c   applying a shape: tbf, netem or NFQUEUE, nft loss; the
 *                 delay elements' start and stop
 *   lab-delay.c   the delay element's loop (libnetfilter_queue)
 * Engines: 0 or -errno, never a word printed.
 */
#ifndef MPTCPKIT_LAB_PATHS_H
#define MPTCPKIT_LAB_PATHS_H

#include <signal.h>
#include <stdbool.h>
#include <stdint.h>

#include "lab.h"

/* Limits of the values (also what the man page says). */
#define LAB_RATE_MIN_KBIT 100		/* 0.1 Mbit/s */
#define LAB_RATE_MAX_KBIT 10000000	/* 10 Gbit/s */
#define LAB_DELAY_MAX_US 5000000	/* 5 s one-way */
#define LAB_JITTER_MAX_US 1000000
#define LAB_LOSS_MAX_PPM 500000		/* 50 % */

struct lab_profile {
	const char *name;
	const char *what;		/* one line: the paths in words */
	int paths;
	struct lab_shape shape[LAB_PATHS_MAX];
};

/* The profile of that name, or NULL. */
const struct lab_profile *lab_profile_find(const char *name);
/* The i-th profile (0..), or NULL after the last. */
const struct lab_profile *lab_profile_at(int i);

/* Every path of lab the same: rate_mbit each way, delay_ms one-way. */
void lab_shape_uniform(struct lab *lab);
/*
 * One --path spec, "K:key=V[,key=V...]", applied to shapes[K-1] (the other
 * paths untouched). Keys: rate (Mbit/s), delay and jitter (ms, one-way),
 * loss (%); V is one value for both ways or DOWN/UP. K must be 1..paths.
 * 0; -EINVAL for a malformed spec; -ERANGE for a value out of its range.
 * On error shapes[] is unchanged.
 */
int lab_shape_parse(const char *spec, int paths, struct lab_shape shapes[LAB_PATHS_MAX]);

/* lab-paths.c, called by lab_up(). Which engine the shapes need
 * (NONE without delay or jitter); -EOPNOTSUPP when neither exists. */
int lab_paths_engine(struct lab *lab);
/* The qdiscs, loss rules and NFQUEUE rules of path k (after its veth is up). */
int lab_paths_shape(const struct lab *lab, int k);
/* Start the delay elements the NFQUEUE engine needs (PIDs into lab) and
 * route the paths' packets through them; -EPROTONOSUPPORT when iptables
 * has no NFQUEUE target. */
int lab_paths_start(struct lab *lab);
/* SIGTERM the recorded delay elements that still run in their namespaces. */
void lab_paths_stop(const struct lab *lab);
/* Remove the delay elements' logs (lab down). */
void lab_paths_logs_remove(const struct lab *lab);
/* "none", "netem", "nfqueue" */
const char *lab_engine_name(enum lab_engine e);

/* lab-delay.c: the delay element. One queue per path. */
struct lab_delay_queue {
	int num;			/* NFQUEUE number: the path */
	long delay_us, jitter_us;
};
struct lab_delay_stats {
	uint64_t packets, dropped, overruns, verdict_errors;
	/* How late the releases were (the element's own delay error). */
	uint64_t released, late_sum_ns, late_max_ns, late_over_1ms;
};
/* Bind the queues and delay their packets until *stop; 0 or -errno
 * (-EOPNOTSUPP: built without libnetfilter_queue). */
int lab_delay_run(const struct lab_delay_queue *q, int n, volatile sig_atomic_t *stop,
		  struct lab_delay_stats *st);
bool lab_delay_available(void);

#endif
