/* SPDX-License-Identifier: GPL-2.0-or-later */
/* A cgroup (v2) of its own for a forced program: what scopes run --mode bpf.
 * Functions return 0 or -errno and never print. */
#ifndef MPTCPKIT_RUN_CGROUP_H
#define MPTCPKIT_RUN_CGROUP_H

#include <limits.h>
#include <stdbool.h>
#include <stdint.h>

struct run_cgroup {
	char path[PATH_MAX]; /* in the hierarchy ("/a/mptcpkit-run.PID"), "" when none */
	char name[32];       /* its directory's name */
	int parent_fd;       /* the directory it is in, -1 when none */
	int fd;              /* its directory, -1 when none */
	uint64_t id;         /* what bpf_get_current_cgroup_id() says inside */
};

/* Make mptcpkit-run.PID below our own cgroup; removes those of
 * earlier runs that died (empty, their PID gone) first. Where no cgroup v2
 * hierarchy is mounted (ip netns exec remounts /sys) one is, for a moment. */
int run_cgroup_create(struct run_cgroup *c);

/* Move the calling process into it (for the child, before exec). */
int run_cgroup_enter(const struct run_cgroup *c);

/* Whether a process is still in it. */
bool run_cgroup_populated(const struct run_cgroup *c);

/* Wait until no process is in it (cgroup.events says populated 0). */
int run_cgroup_wait_empty(const struct run_cgroup *c);

/* Remove it (it must be empty) and close it. */
int run_cgroup_remove(struct run_cgroup *c);

/* Close it, leaving it to another process to remove. */
void run_cgroup_forget(struct run_cgroup *c);

#endif
