// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * Our drop-in, /etc/systemd/system/UNIT.d/mptcpkit.conf: written whole and
 * atomically, marked as ours, and recording whether we created the .d
 * directory, so that disable returns the tree exactly to what it was.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "systemd.h"

#define MARK "# Written by mptcpkit enable; 'mptcpkit disable' removes it.\n"
#define MARK_DIR "# mptcpkit-created-dir: "

void dropin_paths(const char *root, const char *unit, char *dir, size_t dlen,
		  char *file, size_t flen)
{
	snprintf(dir, dlen, "%s/etc/systemd/system/%s.d", root, unit);
	snprintf(file, flen, "%s/" DROPIN_NAME, dir);
}

/* 0 when the file is ours (created: the topmost directory enable made,
 * relative to the root, or ""), -ENOENT when absent, -EPERM when it is
 * someone else's. */
static int read_mark(const char *file, char *created, size_t len)
{
	char buf[8192], *p, *end;
	FILE *f = fopen(file, "re");
	size_t n;

	if (!f)
		return -errno;
	n = fread(buf, 1, sizeof(buf) - 1, f);
	fclose(f);
	buf[n] = '\0';
	if (strncmp(buf, MARK, strlen(MARK)))
		return -EPERM;
	created[0] = '\0';
	p = strstr(buf, MARK_DIR);
	if (p) {
		p += strlen(MARK_DIR);
		end = strchr(p, '\n');
		snprintf(created, len, "%.*s", (int)(end ? end - p : (long)strlen(p)), p);
	}
	return 0;
}

/* mkdir -p dir; *top: the first directory it had to create, or "". */
static int make_dirs(const char *dir, char *top, size_t len)
{
	char *p = strdup(dir), *s = p;
	int err = 0;

	top[0] = '\0';
	if (!p)
		return -ENOMEM;
	do {
		s = strchr(s + 1, '/');
		if (s)
			*s = '\0';
		if (mkdir(p, 0755) == 0) {
			if (!top[0])
				snprintf(top, len, "%s", p);
		} else if (errno != EEXIST) {
			err = -errno;
		}
		if (s)
			*s = '/';
	} while (s && !err);
	free(p);
	return err;
}

/* rmdir dir and its parents up to and including top (only empty ones). */
static void remove_dirs(const char *dir, const char *top)
{
	char *p = strdup(dir), *slash;

	while (p && strlen(p) >= strlen(top) && rmdir(p) == 0 &&
	       (slash = strrchr(p, '/')) && slash != p)
		*slash = '\0';
	free(p);
}

static int write_atomic(const char *file, const char *text)
{
	char tmp[4300];
	size_t len = strlen(text);
	int fd, err = 0;

	snprintf(tmp, sizeof(tmp), "%s.tmp", file);
	fd = open(tmp, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
	if (fd < 0)
		return -errno;
	if (write(fd, text, len) != (ssize_t)len || fsync(fd) < 0)
		err = errno ? -errno : -EIO;
	if (close(fd) < 0 && !err)
		err = -errno;
	if (!err && rename(tmp, file) < 0)
		err = -errno;
	if (err)
		unlink(tmp);
	return err;
}

int dropin_write(const char *root, const char *unit, const char *body)
{
	char dir[4096], file[4200], top[4096], created[4096] = "", *text;
	size_t rl = strlen(root);
	int ret;

	dropin_paths(root, unit, dir, sizeof(dir), file, sizeof(file));
	ret = read_mark(file, created, sizeof(created));
	if (ret == -EPERM)
		return -EEXIST;
	if (ret == -ENOENT) {
		ret = make_dirs(dir, top, sizeof(top));
		if (ret < 0)
			return ret;
		if (top[0])
			snprintf(created, sizeof(created), "%s", top + rl);
	}
	if (asprintf(&text, MARK "%s%s%s%s", created[0] ? MARK_DIR : "", created,
		     created[0] ? "\n" : "", body) < 0)
		return -ENOMEM;
	ret = write_atomic(file, text);
	free(text);
	if (ret < 0 && created[0]) {
		snprintf(top, sizeof(top), "%s%s", root, created);
		remove_dirs(dir, top);
	}
	return ret;
}

int dropin_remove(const char *root, const char *unit)
{
	char dir[4096], file[4200], created[4096], top[8200];
	int ret;

	dropin_paths(root, unit, dir, sizeof(dir), file, sizeof(file));
	ret = read_mark(file, created, sizeof(created));
	if (ret < 0)
		return ret;
	if (unlink(file) < 0)
		return -errno;
	if (created[0]) {
		snprintf(top, sizeof(top), "%s%s", root, created);
		remove_dirs(dir, top);
	}
	return 0;
}
