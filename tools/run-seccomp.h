/* SPDX-License-Identifier: GPL-2.0-or-later */
/* The seccomp supervisor's state, shared by run-seccomp.c and run-supervise.c. */
#ifndef MPTCPKIT_RUN_SECCOMP_H
#define MPTCPKIT_RUN_SECCOMP_H

#include <signal.h>
#include <stdbool.h>
#include <sys/types.h>

struct supervisor {
	pid_t child;        /* the command we started */
	int notify_fd;      /* seccomp user notifications of it and its children */
	int signal_fd;      /* SIGCHLD and the signals we forward */
	sigset_t orig_mask; /* restored in the child before exec */
	bool debug;         /* a line per socket on stderr */
};

/* Block SIGCHLD and the forwarded signals, open a signalfd for them. */
int supervisor_signals_block(struct supervisor *s);

/* Serve notifications until the command exits; its exit code (a signal
 * that killed it is raised again). */
int supervise(struct supervisor *s);

#endif
