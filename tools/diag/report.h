/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The files of a bug report (mptcpkit report), gathered in memory and
 * written as one tar archive with libarchive. Commands run with a fixed,
 * minimal environment (PATH and LC_ALL only), so that nothing of the
 * caller's environment ends up in the report; only their stdout is kept.
 * Engine rule: 0 or -errno, never prints.
 */
#ifndef MPTCPKIT_REPORT_H
#define MPTCPKIT_REPORT_H

#include <stddef.h>

struct report_file {
	char name[64];
	char *data;
	size_t len;
};

struct report {
	struct report_file *files;
	size_t n, cap;
};

/* A file made of data (taken over: freed with the report); 0 or -ENOMEM. */
int report_add(struct report *r, const char *name, char *data, size_t len);

/* printf into a new file; 0 or -ENOMEM. */
int report_add_text(struct report *r, const char *name, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

/* A copy of the file at path, at most max bytes; 0 or -errno. */
int report_add_file(struct report *r, const char *name, const char *path, size_t max);

/* The stdout of argv (argv[0] a path), stopped with SIGTERM after
 * seconds; *status gets the wait() status, *stopped whether it was
 * stopped. 0 or -errno (fork, pipe, exec). */
int report_add_command(struct report *r, const char *name, char *const argv[],
		       double seconds, int *status, int *stopped);

/* The archive, every file under dir/, to fd; 0 or -EIO. */
int report_write_tar(const struct report *r, const char *dir, int fd);

void report_free(struct report *r);

#endif
