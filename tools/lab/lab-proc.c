// SPDX-License-Identifier: GPL-2.0-or-later
/* The lab's processes by namespace: which process lives in which namespace,
 * and stopping every process of a namespace. lab-setup.c (lab down) and
 * lab-router.c (the router topology's proxies) both use them, so they live
 * below both. */
#include <dirent.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "lab.h"
#include "util.h"

static bool in_ns(const char *pid, const struct stat *ns)
{
	char path[300];
	struct stat st;

	snprintf(path, sizeof(path), "/proc/%s/ns/net", pid);
	return stat(path, &st) == 0 && st.st_ino == ns->st_ino && st.st_dev == ns->st_dev;
}

bool lab_pid_in_ns(pid_t pid, const char *ns)
{
	char path[128], p[24];
	struct stat st;

	if (pid <= 0 || netns_path(ns, path, sizeof(path)) < 0 || stat(path, &st) < 0)
		return false;
	snprintf(p, sizeof(p), "%d", (int)pid);
	return in_ns(p, &st);
}

/* Signal every process in ns; how many there were. */
static int signal_ns(const struct stat *ns, int sig)
{
	DIR *dir = opendir("/proc");
	struct dirent *e;
	int n = 0;

	while (dir && (e = readdir(dir))) {
		pid_t pid = atoi(e->d_name);

		if (pid > 1 && pid != getpid() && in_ns(e->d_name, ns)) {
			kill(pid, sig);
			n++;
		}
	}
	if (dir)
		closedir(dir);
	return n;
}

void lab_ns_kill_all(const char *ns)
{
	struct timespec tick = { 0, 50 * 1000 * 1000 };
	char path[128];
	struct stat st;

	if (netns_path(ns, path, sizeof(path)) < 0 || stat(path, &st) < 0 ||
	    signal_ns(&st, SIGTERM) == 0)
		return;
	for (int i = 0; i < 20 && signal_ns(&st, 0) > 0; i++)
		nanosleep(&tick, NULL);
	signal_ns(&st, SIGKILL);
}
