// SPDX-License-Identifier: GPL-2.0-or-later
/* pmd's statistics file: written by pmd, read by the exporter (see
 * pmd-stats.h). Also where both find pmd's files and tell a live pmd. */
#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <unistd.h>

#include "pmd-stats.h"

#ifndef SO_NETNS_COOKIE
#define SO_NETNS_COOKIE 71
#endif

/* The namespace's cookie (5.14+), which the kernel never hands out twice
 * while it runs; 0 where it has none. A namespace's inode is reused once
 * it is freed: files named by it were adopted in a new namespace by a pmd
 * that had nothing to do with the killed one that wrote them. */
static unsigned long long netns_cookie(void)
{
	unsigned long long cookie = 0;
	socklen_t len = sizeof(cookie);
	int fd = socket(AF_UNIX, SOCK_DGRAM | SOCK_CLOEXEC, 0);

	if (fd < 0)
		return 0;
	if (getsockopt(fd, SOL_SOCKET, SO_NETNS_COOKIE, &cookie, &len) < 0)
		cookie = 0;
	close(fd);
	return cookie;
}

int pmd_run_file(const char *suffix, char *buf, size_t len)
{
	/* Asked once per namespace: a socket() that failed later (no
	 * descriptor left) must not rename pmd's files mid-run. */
	static unsigned long long cookie;
	static ino_t cookie_ns;
	const char *dir = getenv("MPTCPKIT_STATE_DIR");
	struct stat st;

	if (stat("/proc/self/ns/net", &st))
		return -errno;
	if (st.st_ino != cookie_ns) {
		cookie = netns_cookie();
		cookie_ns = st.st_ino;
	}
	dir = dir && *dir ? dir : PMD_STATE_DIR;
	if (cookie)
		snprintf(buf, len, "%s/pmd-c%llu.%s", dir, cookie, suffix);
	else
		snprintf(buf, len, "%s/pmd-%llu.%s", dir, (unsigned long long)st.st_ino, suffix);
	return 0;
}

int pmd_run_dir_create(const char *path)
{
	char dir[256];
	char *slash;

	snprintf(dir, sizeof(dir), "%s", path);
	slash = strrchr(dir, '/');
	if (slash)
		*slash = '\0';
	if (mkdir(dir, 0755) && errno != EEXIST)
		return -errno;
	return 0;
}

bool pmd_pid_running(int pid)
{
	char path[64], comm[32] = "";
	FILE *f;

	if (pid <= 0 || pid == getpid() || (kill(pid, 0) && errno == ESRCH))
		return false;
	snprintf(path, sizeof(path), "/proc/%d/comm", pid);
	f = fopen(path, "re");
	if (!f)
		return false;
	if (!fgets(comm, sizeof(comm), f))
		comm[0] = '\0';
	fclose(f);
	return !strncmp(comm, "mptcpkit", 8);
}

int pmd_stats_path(char *buf, size_t len)
{
	return pmd_run_file("stats", buf, len);
}

void pmd_stats_count(struct pmd_stats *s, const char *action)
{
	int i;

	for (i = 0; i < s->nactions; i++) {
		if (!strncmp(s->action[i].name, action, sizeof(s->action[i].name) - 1))
			break;
	}
	if (i == s->nactions) {
		if (s->nactions >= PMD_STATS_ACTIONS_MAX)
			return;
		snprintf(s->action[s->nactions++].name, sizeof(s->action[0].name), "%s", action);
	}
	s->action[i].count++;
}

static int write_stats(FILE *f, const void *data)
{
	const struct pmd_stats *s = data;

	fprintf(f, "pid %d\n", s->pid);
	for (int i = 0; i < s->nactions; i++)
		fprintf(f, "action %s %llu\n", s->action[i].name,
			(unsigned long long)s->action[i].count);
	for (int i = 0; i < s->npaths; i++)
		fprintf(f, "path %s %s %s\n", s->path[i].dev, s->path[i].address,
			s->path[i].alive ? "alive" : "dead");
	if (s->joins.join[0])
		fprintf(f, "joins %s %llu %llu %llu %llu\n", s->joins.join,
			(unsigned long long)s->joins.received,
			(unsigned long long)s->joins.accepted,
			(unsigned long long)s->joins.unknown_token,
			(unsigned long long)s->joins.rejected);
	return ferror(f) ? -EIO : 0;
}

/* Whole or not at all: a temporary file renamed over the old one. */
int pmd_run_file_write(const char *suffix, pmd_write_fn write, const void *data)
{
	char path[256], tmp[272];
	FILE *f;
	int ret = pmd_run_file(suffix, path, sizeof(path));

	if (!ret)
		ret = pmd_run_dir_create(path);
	if (ret)
		return ret;
	snprintf(tmp, sizeof(tmp), "%s.tmp", path);
	f = fopen(tmp, "we");
	if (!f)
		return -errno;
	ret = write(f, data);
	if (fclose(f) && !ret)
		ret = -errno;
	if (!ret && rename(tmp, path))
		ret = -errno;
	if (ret)
		unlink(tmp);
	return ret;
}

int pmd_stats_save(const struct pmd_stats *s)
{
	return pmd_run_file_write("stats", write_stats, s);
}

/* "joins ADDRESS:PORT RECEIVED ACCEPTED UNKNOWN_TOKEN REJECTED" */
static bool joins_line(struct pmd_stats *s, const char *line)
{
	unsigned long long r, a, u, j;
	char join[64];

	if (sscanf(line, "joins %63s %llu %llu %llu %llu", join, &r, &a, &u, &j) != 5)
		return false;
	memcpy(s->joins.join, join, sizeof(join));
	s->joins.received = r;
	s->joins.accepted = a;
	s->joins.unknown_token = u;
	s->joins.rejected = j;
	return true;
}

static void stats_line(void *data, const char *line)
{
	struct pmd_stats *s = data;
	unsigned long long n;
	char dev[IF_NAMESIZE], addr[48], state[8];
	char name[32];

	if (sscanf(line, "pid %d", &s->pid) == 1 || joins_line(s, line))
		return;
	if (sscanf(line, "action %31s %llu", name, &n) == 2 && s->nactions < PMD_STATS_ACTIONS_MAX) {
		memcpy(s->action[s->nactions].name, name, sizeof(name));
		s->action[s->nactions++].count = n;
		return;
	}
	if (sscanf(line, "path %15s %47s %7s", dev, addr, state) == 3 &&
	    s->npaths < PMD_STATS_PATHS_MAX) {
		memcpy(s->path[s->npaths].dev, dev, sizeof(dev));
		memcpy(s->path[s->npaths].address, addr, sizeof(addr));
		s->path[s->npaths++].alive = !strcmp(state, "alive");
	}
}

int pmd_run_file_read(const char *suffix, pmd_line_fn line_fn, void *data)
{
	char path[256], line[256];
	FILE *f;
	int ret = pmd_run_file(suffix, path, sizeof(path));

	if (ret)
		return ret;
	f = fopen(path, "re");
	if (!f)
		return -errno;
	while (fgets(line, sizeof(line), f))
		line_fn(data, line);
	fclose(f);
	return 0;
}

int pmd_stats_load(struct pmd_stats *s)
{
	int ret;

	memset(s, 0, sizeof(*s));
	ret = pmd_run_file_read("stats", stats_line, s);
	if (ret)
		return ret;
	return pmd_pid_running(s->pid) ? 0 : -ENOENT;
}

void pmd_stats_remove(void)
{
	char path[256];

	if (!pmd_stats_path(path, sizeof(path)))
		unlink(path);
}
