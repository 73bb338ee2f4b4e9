/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * What a running pmd has done, for the exporter: a small file beside pmd's
 * state file (PMD_STATE_DIR/pmd-NETNS.stats), rewritten by pmd about once a
 * second when something changed, removed at a clean stop:
 *   pid PID
 *   action NAME COUNT            (decisions logged, by action)
 *   path DEV ADDRESS alive|dead  (the health of each path)
 *   joins ADDRESS:PORT RECEIVED ACCEPTED UNKNOWN_TOKEN REJECTED
 *                                (backend mode: the joins to this backend's
 *                                join address since pmd started)
 * pmd writes it; the exporter reads it. Engine rule: 0 or -errno.
 */
#ifndef MPTCPKIT_PMD_STATS_H
#define MPTCPKIT_PMD_STATS_H

#include <net/if.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#define PMD_STATE_DIR "/run/mptcpkit"
#define PMD_STATS_ACTIONS_MAX 32
#define PMD_STATS_PATHS_MAX 64

struct pmd_stats {
	int pid;
	int nactions;
	struct {
		char name[32];
		uint64_t count;
	} action[PMD_STATS_ACTIONS_MAX];
	int npaths;
	struct {
		char dev[IF_NAMESIZE];
		char address[48];
		bool alive;
	} path[PMD_STATS_PATHS_MAX];
	/* backend mode (pmd --balanced): the joins this backend received;
	 * join[0] == '\0' when pmd is not in backend mode */
	struct pmd_stats_joins {
		char join[64];	/* the join address, ADDRESS:PORT or [ADDRESS6]:PORT */
		uint64_t received, accepted, unknown_token, rejected;
	} joins;
};

/* pmd's file with this suffix ("state", "stats") for the caller's network
 * namespace, under $MPTCPKIT_STATE_DIR or /run/mptcpkit; 0 or -errno. */
int pmd_run_file(const char *suffix, char *buf, size_t len);
/* Write pmd's file with this suffix through write(f, data), whole or not
 * at all; 0 or -errno (write returns 0 or -errno too). */
typedef int (*pmd_write_fn)(FILE *f, const void *data);
int pmd_run_file_write(const char *suffix, pmd_write_fn write, const void *data);
/* Read pmd's file with this suffix, calling line_fn for each line; 0 or
 * -errno (-ENOENT: there is none). */
typedef void (*pmd_line_fn)(void *data, const char *line);
int pmd_run_file_read(const char *suffix, pmd_line_fn line_fn, void *data);
/* Create the directory that holds path (one level); 0 or -errno. */
int pmd_run_dir_create(const char *path);
/* Is pid a running mptcpkit (not a number reused by another program)? */
bool pmd_pid_running(int pid);
int pmd_stats_path(char *buf, size_t len);
/* Count one more of action (names longer than 31 characters are cut). */
void pmd_stats_count(struct pmd_stats *s, const char *action);
int pmd_stats_save(const struct pmd_stats *s);
/* 0 and *s; -ENOENT when no pmd runs here (no file, or its pmd is gone). */
int pmd_stats_load(struct pmd_stats *s);
void pmd_stats_remove(void);

#endif
