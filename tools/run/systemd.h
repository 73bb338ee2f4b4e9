/* SPDX-License-Identifier: GPL-2.0-or-later */
/* systemd units as mptcpkit enable/disable need them: find a unit, read what
 * its [Service] sets, write and remove our drop-in. */
#ifndef MPTCPKIT_SYSTEMD_H
#define MPTCPKIT_SYSTEMD_H

#include <stdbool.h>
#include <stddef.h>

#include "run.h"

#define DROPIN_NAME "mptcpkit.conf"
#define UNIT_MAX_EXEC 16

/* What the unit and its other drop-ins set, in systemd's order. */
struct unit_info {
	char path[4096];          /* the unit file found */
	char *ld_preload;         /* last Environment=LD_PRELOAD=..., or NULL */
	char *godebug;            /* last Environment=GODEBUG=..., or NULL */
	char *exec_start[UNIT_MAX_EXEC]; /* ExecStart= lines in effect */
	int n_exec;
	bool later_env;           /* a drop-in after ours sets LD_PRELOAD/GODEBUG */
	bool later_exec;          /* a drop-in after ours sets ExecStart= */
	bool has_env_file;        /* EnvironmentFile= (not merged) */
	bool type_notify;         /* Type=notify (the supervisor is then main PID) */
};

/* "foo" -> "foo.service"; -EINVAL for names with '/' or too long. */
int unit_name_normalize(const char *in, char *out, size_t len);

/* Find UNIT under root in /etc, /run, /lib and /usr/lib systemd/system
 * and read it and its drop-ins (ours excepted); 0, -ENOENT or -errno. */
int unit_load(const char *root, const char *unit, struct unit_info *u);
void unit_info_free(struct unit_info *u);

/* Split one Environment= value into assignments (quotes honoured); calls
 * fn for each "NAME=VALUE". */
void unit_env_split(const char *value, void (*fn)(const char *assignment, void *data),
		    void *data);

/* Where our drop-in for unit lives under root. */
void dropin_paths(const char *root, const char *unit, char *dir, size_t dlen,
		  char *file, size_t flen);

/* Write the drop-in with this body (from "[Service]" on) atomically,
 * recording the directories it had to create (so disable removes them). */
int dropin_write(const char *root, const char *unit, const char *body);

/* Remove our drop-in (and its .d directory if we made it and it is empty).
 * 0, -ENOENT when there is none, -EPERM when the file is not ours. */
int dropin_remove(const char *root, const char *unit);

/* The [Service] body of our drop-in for this mode; 0, or 1 after saying
 * why not (fail()). Prints warnings on what the drop-in cannot merge. */
int dropin_compose(const struct unit_info *u, enum run_mode mode, char **body);

/* Add Environment="MPTCPKIT_SOCKOPTS=..." (checked names and policies, no
 * quoting needed) to the body; 0, or 1 after fail(). */
int dropin_add_sockopts(char **body, const char *sockopts);

/* auto mode for a unit: what 'mptcpkit run' would pick for its ExecStart. */
enum run_mode enable_choose_mode(const struct unit_info *u, const char *root);

#endif
