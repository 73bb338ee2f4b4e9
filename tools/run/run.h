/* SPDX-License-Identifier: GPL-2.0-or-later */
/* mptcpkit run: force an unmodified program onto MPTCP (preload or seccomp). */
#ifndef MPTCPKIT_RUN_H
#define MPTCPKIT_RUN_H

#include <stdbool.h>
#include <stddef.h>

enum run_mode { RUN_AUTO, RUN_PRELOAD, RUN_SECCOMP, RUN_BPF };

/* What auto mode learnt about the program it is about to run. */
struct exec_probe {
	char path[4096];   /* the file execvp() would run ("" when not found) */
	int error;         /* errno when the command cannot be found/read */
	bool is_elf;
	bool is_static;    /* ELF without PT_INTERP (static or static-pie) */
	bool is_go;        /* .go.buildinfo section or a Go build ID note */
	bool is_setid;     /* setuid or setgid bit */
	bool is_script;    /* "#!": the interpreter was probed instead */
};

/* Find cmd like execvp() does and look inside it; 0 or -errno. */
int exec_probe(const char *cmd, struct exec_probe *p);

/* Auto mode's choice and a short reason, for -d. */
enum run_mode run_mode_choose(const struct exec_probe *p, const char **why);

/* The preload shim's path (MPTCPKIT_PRELOAD, build tree, install dir);
 * 0 or -ENOENT. */
int preload_find(char *buf, size_t len);

/* Each returns only on failure, with the exit code to use (127 when the
 * command is not found, 126 when it cannot be run, 1 otherwise). */
int run_preload(char **argv, bool debug);

/* Runs the command under the seccomp supervisor; returns its exit code (or
 * re-raises the signal that killed it). */
int run_seccomp(char **argv, bool debug);

/* mptcpkit run's argument parsing and dispatch; mode is the default. */
int run_main(int argc, char **argv, enum run_mode mode);

/* One --sockopt NAME=POLICY of command cmd: 0, or -2 after saying what is wrong with it
 * (exit code 2). */
int run_sockopt_check(const char *cmd, const char *item);

/* Exit code for a failed execvp(): 127 not found, 126 otherwise. */
int exec_failure_code(int err);

/* Print "mptcpkit: cannot run 'CMD': why" and return exec_failure_code(). */
int exec_fail(const char *cmd, int err);

#endif
