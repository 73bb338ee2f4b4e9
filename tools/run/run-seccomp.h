/* SPDX-License-Identifier: GPL-2.0-or-later */
/* The seccomp supervisor's state, shared by run-seccomp.c and run-supervise.c. */
#ifndef MPTCPKIT_RUN_SECCOMP_H
#define MPTCPKIT_RUN_SECCOMP_H

#include <linux/seccomp.h>
#include <seccomp.h>
#include <signal.h>
#include <stdbool.h>
#include <sys/types.h>

#include "sockopt.h"

struct supervisor {
	pid_t child;        /* the command we started */
	int notify_fd;      /* seccomp user notifications of it and its children */
	int signal_fd;      /* SIGCHLD and the signals we forward */
	sigset_t orig_mask; /* restored in the child before exec */
	bool debug;         /* a line per socket on stderr */
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

/* Answer a notified setsockopt() by its policy (run-sockopt.c). */
void sockopt_answer(const struct supervisor *s, const struct seccomp_notif *req);

/* Serve notifications until the command exits; its exit code (a signal
 * that killed it is raised again). */
int supervise(struct supervisor *s);

#endif
