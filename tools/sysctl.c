// SPDX-License-Identifier: GPL-2.0-or-later
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "sysctl.h"
#include "util.h"

int sysctl_read(const char *path, char *buf, size_t len)
{
	char full[256];
	ssize_t n;
	int fd;

	if (len == 0 || snprintf(full, sizeof(full), "/proc/sys/%s", path) >= (int)sizeof(full))
		return -ENAMETOOLONG;
	fd = open(full, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return -errno;
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

int sysctl_rp_filter(const char *ifname)
{
	char path[96];
	int v;

	if (strchr(ifname, '/'))
		return -1;
	snprintf(path, sizeof(path), "net/ipv4/conf/%s/rp_filter", ifname);
	return sysctl_read_int(path, &v) ? -1 : v;
}

int sysctl_write(const char *path, const char *val)
{
	char full[256];
	ssize_t len = (ssize_t)strlen(val);
	int fd, ret = 0;

	if (snprintf(full, sizeof(full), "/proc/sys/%s", path) >= (int)sizeof(full))
		return -ENAMETOOLONG;
	fd = open(full, O_WRONLY | O_CLOEXEC);
	if (fd < 0)
		return -errno;
	if (write(fd, val, len) != len)
		ret = errno ? -errno : -EIO;
	close(fd);
	return ret;
}
