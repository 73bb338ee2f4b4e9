// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * The forced program's own cgroup, a child of the cgroup mptcpkit runs in
 * (so the program keeps its service's limits): mptcpkit-run.PID. The BPF
 * program forces only sockets made by processes in it, i.e. the program and
 * the children it starts (unless they move elsewhere themselves).
 */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mount.h>
#include <sys/stat.h>
#include <unistd.h>

#include "run-cgroup.h"

#define PREFIX "mptcpkit-run."

/* The cgroup2 mount point and the root it shows, from mountinfo. */
static int cgroup2_mount(char *mnt, size_t mlen, char *root, size_t rlen)
{
	char line[4096], r[PATH_MAX], m[PATH_MAX];
	FILE *f = fopen("/proc/self/mountinfo", "re");
	int ret = -ENOENT;

	if (!f)
		return -errno;
	while (ret && fgets(line, sizeof(line), f)) {
		const char *sep = strstr(line, " - ");

		if (!sep || strncmp(sep, " - cgroup2 ", 11) ||
		    sscanf(line, "%*s %*s %*s %4095s %4095s", r, m) != 2)
			continue;
		if (snprintf(mnt, mlen, "%s", m) < (int)mlen &&
		    snprintf(root, rlen, "%s", r) < (int)rlen)
			ret = 0;
	}
	fclose(f);
	return ret;
}

/* Our cgroup v2 path ("0::/a/b" in /proc/self/cgroup). */
static int own_cgroup(char *buf, size_t len)
{
	char line[4096];
	FILE *f = fopen("/proc/self/cgroup", "re");
	int ret = -ENOENT;

	if (!f)
		return -errno;
	while (ret && fgets(line, sizeof(line), f)) {
		if (strncmp(line, "0::", 3))
			continue;
		line[strcspn(line, "\n")] = '\0';
		ret = snprintf(buf, len, "%s", line + 3) < (int)len ? 0 : -ENAMETOOLONG;
	}
	fclose(f);
	return ret;
}

/* Our cgroup's directory under a cgroup2 mount at mnt showing root. */
static int open_below(const char *mnt, const char *root, const char *cg)
{
	char dir[PATH_MAX * 2];
	size_t rl = strcmp(root, "/") ? strlen(root) : 0;
	int fd;

	/* The mount shows the hierarchy from root (a cgroup namespace's or a
	 * bind mount's): our path must be below it. */
	if (rl && (strncmp(cg, root, rl) || (cg[rl] && cg[rl] != '/')))
		return -ENOENT;
	snprintf(dir, sizeof(dir), "%s%s", mnt, strcmp(cg + rl, "/") ? cg + rl : "");
	fd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	return fd < 0 ? -errno : fd;
}

/* No cgroup2 mount in this mount namespace: mount the hierarchy on a
 * private directory, keep our cgroup's directory open, detach the mount. */
static int open_mounting(const char *cg)
{
	char tmp[] = "/tmp/mptcpkit-cgroup.XXXXXX";
	int fd;

	if (!mkdtemp(tmp))
		return -errno;
	if (mount("cgroup2", tmp, "cgroup2", MS_NOSUID | MS_NODEV | MS_NOEXEC, NULL) < 0) {
		fd = -errno;
		rmdir(tmp);
		return fd == -ENODEV ? -ENOENT : fd;
	}
	fd = open_below(tmp, "/", cg);
	umount2(tmp, MNT_DETACH);
	rmdir(tmp);
	return fd;
}

/* Our own cgroup's directory, open (its path in cg). */
static int own_cgroup_open(char *cg, size_t len)
{
	char mnt[PATH_MAX], root[PATH_MAX];
	int ret = own_cgroup(cg, len);

	if (ret)
		return ret;
	if (cgroup2_mount(mnt, sizeof(mnt), root, sizeof(root)) == 0)
		return open_below(mnt, root, cg);
	return open_mounting(cg);
}

static bool populated_at(int dirfd)
{
	char buf[256];
	int fd = openat(dirfd, "cgroup.events", O_RDONLY | O_CLOEXEC);
	ssize_t n;

	if (fd < 0)
		return false;
	n = pread(fd, buf, sizeof(buf) - 1, 0);
	close(fd);
	buf[n > 0 ? n : 0] = '\0';
	return strstr(buf, "populated 1") != NULL;
}

/* Cgroups of runs whose mptcpkit was killed (SIGKILL leaves them). */
static void reap_stale(int parent_fd)
{
	int dfd = dup(parent_fd);
	DIR *d = dfd < 0 ? NULL : fdopendir(dfd);
	struct dirent *e;

	if (!d) {
		if (dfd >= 0)
			close(dfd);
		return;
	}
	while ((e = readdir(d))) {
		int pid, fd;

		if (strncmp(e->d_name, PREFIX, strlen(PREFIX)) ||
		    sscanf(e->d_name + strlen(PREFIX), "%d", &pid) != 1 || pid <= 0 ||
		    (kill(pid, 0) == 0 || errno != ESRCH))
			continue;
		fd = openat(parent_fd, e->d_name, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
		if (fd < 0)
			continue;
		if (!populated_at(fd))
			unlinkat(parent_fd, e->d_name, AT_REMOVEDIR);
		close(fd);
	}
	closedir(d);
}

/* The cgroup id is its kernfs inode number, which the file handle holds. */
static int cgroup_id(int parent_fd, const char *name, uint64_t *id)
{
	union {
		struct file_handle fh;
		char buf[sizeof(struct file_handle) + 64];
	} u;
	int mount_id;

	u.fh.handle_bytes = 64;
	if (name_to_handle_at(parent_fd, name, &u.fh, &mount_id, 0) < 0)
		return -errno;
	if (u.fh.handle_bytes < sizeof(*id))
		return -EINVAL;
	memcpy(id, u.fh.f_handle, sizeof(*id));
	return 0;
}

int run_cgroup_create(struct run_cgroup *c)
{
	char cg[PATH_MAX];
	int ret;

	c->fd = -1;
	c->name[0] = c->path[0] = '\0';
	c->parent_fd = own_cgroup_open(cg, sizeof(cg));
	if (c->parent_fd < 0)
		return c->parent_fd;
	reap_stale(c->parent_fd);
	snprintf(c->name, sizeof(c->name), PREFIX "%d", (int)getpid());
	snprintf(c->path, sizeof(c->path), "%.4000s/%s", strcmp(cg, "/") ? cg : "", c->name);
	if (mkdirat(c->parent_fd, c->name, 0755) < 0 && errno != EEXIST) {
		ret = -errno;
		c->name[0] = '\0';
		run_cgroup_remove(c);
		return ret;
	}
	c->fd = openat(c->parent_fd, c->name, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	ret = c->fd < 0 ? -errno : cgroup_id(c->parent_fd, c->name, &c->id);
	if (ret)
		run_cgroup_remove(c);
	return ret;
}

int run_cgroup_enter(const struct run_cgroup *c)
{
	int fd = openat(c->fd, "cgroup.procs", O_WRONLY | O_CLOEXEC), ret = 0;

	if (fd < 0)
		return -errno;
	if (write(fd, "0", 1) != 1)
		ret = -errno;
	close(fd);
	return ret;
}

bool run_cgroup_populated(const struct run_cgroup *c)
{
	return c->fd >= 0 && populated_at(c->fd);
}

/* cgroup.events signals POLLPRI on each change. */
int run_cgroup_wait_empty(const struct run_cgroup *c)
{
	struct pollfd p = { .events = POLLPRI };

	p.fd = openat(c->fd, "cgroup.events", O_RDONLY | O_CLOEXEC);
	if (p.fd < 0)
		return -errno;
	while (populated_at(c->fd))
		if (poll(&p, 1, 1000) < 0 && errno != EINTR)
			break;
	close(p.fd);
	return 0;
}

int run_cgroup_remove(struct run_cgroup *c)
{
	int ret = 0;

	if (c->fd >= 0)
		close(c->fd);
	if (c->parent_fd >= 0 && c->name[0] &&
	    unlinkat(c->parent_fd, c->name, AT_REMOVEDIR) < 0)
		ret = -errno;
	if (c->parent_fd >= 0)
		close(c->parent_fd);
	c->fd = c->parent_fd = -1;
	c->name[0] = c->path[0] = '\0';
	return ret;
}

void run_cgroup_forget(struct run_cgroup *c)
{
	if (c->fd >= 0)
		close(c->fd);
	if (c->parent_fd >= 0)
		close(c->parent_fd);
	c->fd = c->parent_fd = -1;
	c->name[0] = c->path[0] = '\0';
}
