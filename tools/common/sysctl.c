// SPDX-License-Identifier: GPL-2.0-or-later
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "sysctl.h"
#include "util.h"

/* path under /proc/sys, opened with flags; a descriptor or -errno. */
static int sysctl_open(const char *path, int flags)
{
	char full[256];
	int n = snprintf(full, sizeof(full), "/proc/sys/%s", path);
	int fd;

	if (n < 0 || n >= (int)sizeof(full))
		return -ENAMETOOLONG;
	fd = open(full, flags | O_CLOEXEC);
	return fd < 0 ? -errno : fd;
}

int sysctl_read(const char *path, char *buf, size_t len)
{
	ssize_t n;
	int fd;

	if (len == 0)
		return -ENAMETOOLONG;
	fd = sysctl_open(path, O_RDONLY);
	if (fd < 0)
		return fd;
	n = read(fd, buf, len - 1);
	if (n < 0) {
		int err = -errno;

		close(fd);
		return err;
	}
	close(fd);
	buf[n] = '\0';
	buf[strcspn(buf, "\n")] = '\0';
	return 0;
}

int sysctl_read_int(const char *path, int *val)
{
	char buf[64];
	long v;
	int err = sysctl_read(path, buf, sizeof(buf));

	if (err)
		return err;
	if (parse_long(buf, -2147483647L - 1, 2147483647L, &v))
		return -EINVAL;
	*val = (int)v;
	return 0;
}

int sysctl_write(const char *path, const char *val)
{
	size_t len = strlen(val);
	int fd = sysctl_open(path, O_WRONLY);
	ssize_t n;
	int err = 0;

	if (fd < 0)
		return fd;
	n = write(fd, val, len);
	if (n < 0)
		err = -errno;
	else if ((size_t)n != len)
		err = -EIO;
	close(fd);
	return err;
}

int sysctl_path_manager(char *buf, size_t len)
{
	int pm_type, err;

	if (sysctl_read("net/mptcp/path_manager", buf, len) == 0)
		return 0;
	err = sysctl_read_int("net/mptcp/pm_type", &pm_type);
	if (err)
		return err;
	snprintf(buf, len, "%s", pm_type == 0 ? "kernel" : "userspace");
	return 0;
}

int sysctl_rp_filter(const char *ifname)
{
	char path[96];
	int v;

	if (strchr(ifname, '/'))
		return -1;
	snprintf(path, sizeof(path), "net/ipv4/conf/%s/rp_filter", ifname);
	return sysctl_read_int(path, &v) ? -1 : v;
}
