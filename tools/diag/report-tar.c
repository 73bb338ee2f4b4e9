// SPDX-License-Identifier: GPL-2.0-or-later
/* A report's files as one ustar archive, through libarchive. */
#include <errno.h>
#include <stdio.h>
#include <time.h>
#include <archive.h>
#include <archive_entry.h>

#include "report.h"

static int write_one(struct archive *a, struct archive_entry *e, const char *dir,
		     const struct report_file *f, time_t now)
{
	char path[160];

	snprintf(path, sizeof(path), "%s/%s", dir, f->name);
	archive_entry_clear(e);
	archive_entry_set_pathname(e, path);
	archive_entry_set_filetype(e, AE_IFREG);
	archive_entry_set_perm(e, 0644);
	archive_entry_set_size(e, (la_int64_t)f->len);
	archive_entry_set_mtime(e, now, 0);
	if (archive_write_header(a, e) != ARCHIVE_OK)
		return -EIO;
	if (f->len && archive_write_data(a, f->data, f->len) != (la_ssize_t)f->len)
		return -EIO;
	return 0;
}

int report_write_tar(const struct report *r, const char *dir, int fd)
{
	struct archive *a = archive_write_new();
	struct archive_entry *e = archive_entry_new();
	time_t now = time(NULL);
	int ret = -EIO;

	if (!a || !e)
		goto out;
	if (archive_write_set_format_ustar(a) != ARCHIVE_OK ||
	    archive_write_open_fd(a, fd) != ARCHIVE_OK)
		goto out;
	ret = 0;
	for (size_t i = 0; i < r->n && ret == 0; i++)
		ret = write_one(a, e, dir, &r->files[i], now);
	if (archive_write_close(a) != ARCHIVE_OK)
		ret = -EIO;
out:
	archive_entry_free(e);
	archive_write_free(a);
	return ret;
}
