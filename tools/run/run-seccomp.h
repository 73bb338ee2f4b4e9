/* SPDX-License-Identifier: GPL-2.0-or-later */
/* The seccomp supervisor's state, shared by run-seccomp.c and run-supervise.c. */
#ifndef MPTCPKIT_RUN_SECCOMP_H
#define MPTCPKIT_RUN_SECCOMP_H

#include <linux/seccomp.h>
#include <seccomp.h>
#include <signal.h>
#include <stdbool.h>
#include <sys/types.h>

#include "run-cgroup.h"
#include "sockopt.h"

struct supervisor {
	pid_t child;        /* the command we started */
	int notify_fd;      /* seccomp user notifications of it and its children */
	int signal_fd;      /* SIGCHLD and the signals we forward */
	sigset_t orig_mask; /* restored in the child before exec */
	bool debug;         /* a line per socket on stderr */
	bool sockopts_only; /* socket() is forced elsewhere (bpf mode) */
	bool no_filter;     /* nothing to notify: the command runs without one */
	const struct run_cgroup *cgroup; /* the child moves there first, or NULL */
	struct mpk_sockopt_policies policies;   /* run --sockopt, MPTCPKIT_SOCKOPTS */
	unsigned char refused[MPK_SOCKOPT_MAX]; /* by table index: MPTCP refuses it here */
};

/* Block SIGCHLD and the forwarded signals, open a signalfd for them. */
int supervisor_signals_block(struct supervisor *s);

/* Policies and this kernel's refusals (a quick live probe); 0, or 1 after
 * saying what is wrong with MPTCPKIT_SOCKOPTS. */
int sockopt_supervisor_init(struct supervisor *s);

/* The filter's setsockopt() rules: only options MPTCP refuses here and
 * whose policy is not 'error', so every other call runs unnotified. */
int sockopt_rules_add(scmp_filter_ctx ctx, const struct supervisor *s);

/* Whether any setsockopt() rule would be added. */
bool sockopt_rules_needed(const struct supervisor *s);

/* Answer a notified setsockopt() by its policy (run-sockopt.c). */
void sockopt_answer(const struct supervisor *s, const struct seccomp_notif *req);

/* Serve notifications until the command exits; its wait status. */
int supervise(struct supervisor *s);

/* The exit code for a wait status; a signal that killed the command is
 * raised again, here. */
int supervisor_exit_code(int status);

/* How run --mode bpf uses the supervisor. */
struct seccomp_run_opts {
	const struct run_cgroup *cgroup; /* run the command in it */
	bool sockopts_only;              /* no socket() rules */
};

/* Start argv under the filter and serve it until it exits: 0 and its wait
 * status, or minus the exit code to use after saying why it did not run. */
int seccomp_run(char **argv, bool debug, const struct seccomp_run_opts *o, int *status);

#endif
