// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * 'mptcpkit pmd --client' (this very program) in the demo lab's client
 * namespace, beside the run with the kernel's path manager alone: started
 * after the lab's own endpoints are flushed (two managers of endpoints at
 * once fight), ready once it has made the endpoint of path 2, stopped by
 * its pid.
 */
#include <arpa/inet.h>
#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "mptcpkit.h"
#include "demo.h"
#include "lab.h"

#define PATH2_CLIENT_ADDR "10.0.2.1"	/* the lab's path 2, client side (lab.h) */
#define PMD_READY_S 5.0
#define PMD_STOP_S 5.0
#define POLL_S 0.05

static void nap(void)
{
	nanosleep(&(struct timespec){ 0, (long)(POLL_S * 1e9) }, NULL);
}

/* pmd's own words (the last line it logged) explain a failure best. */
static void keep_pmd_error(struct demo_pmd *p, const char *what)
{
	char tail[1024], *line;
	off_t len = lseek(p->err_fd, 0, SEEK_END);
	off_t from = len > (off_t)sizeof(tail) - 1 ? len - (off_t)sizeof(tail) + 1 : 0;
	ssize_t n = pread(p->err_fd, tail, sizeof(tail) - 1, from);

	tail[n > 0 ? n : 0] = '\0';
	while (n > 0 && tail[n - 1] == '\n')
		tail[--n] = '\0';
	line = strrchr(tail, '\n');
	line = line ? line + 1 : tail;
	snprintf(p->error, sizeof(p->error), "pmd %s%s%.200s", what, *line ? ": " : "", line);
}

/* Runs fn in a child inside the client namespace (a netlink socket talks
 * to the namespace it was opened in). fn's 0 or -errno. */
static int in_client_ns(const struct demo_ctx *c, int (*fn)(void))
{
	int status;
	pid_t pid = fork();

	if (pid == 0) {
		int ret = lab_enter_ns(c->client_ns);

		_exit(ret < 0 ? -ret : -fn());
	}
	if (pid < 0 || waitpid(pid, &status, 0) < 0)
		return -errno;
	return WIFEXITED(status) ? -WEXITSTATUS(status) : -EINTR;
}

/* The lab's endpoint of path 2 goes: pmd makes its own. */
static int flush_endpoints(void)
{
	struct mpk_pm *pm = NULL;
	int ret = mpk_pm_open(&pm);

	if (ret == 0)
		ret = mpk_pm_endpoint_flush(pm);
	mpk_pm_close(pm);
	return ret;
}

/* 0 once pmd has made the endpoint of path 2 (the one the extra subflow
 * needs), -ENOENT before. */
static int path2_endpoint(void)
{
	struct mpk_endpoint *eps = NULL;
	struct mpk_pm *pm = NULL;
	struct in_addr want;
	size_t n = 0;
	int ret = mpk_pm_open(&pm);

	inet_pton(AF_INET, PATH2_CLIENT_ADDR, &want);
	if (ret == 0)
		ret = mpk_pm_endpoint_list(pm, &eps, &n);
	mpk_pm_close(pm);
	if (ret < 0)
		return ret;
	ret = -ENOENT;
	for (size_t i = 0; i < n; i++) {
		if (eps[i].family == AF_INET && eps[i].addr.v4.s_addr == want.s_addr)
			ret = 0;
	}
	free(eps);
	return ret;
}

static int wait_ready(const struct demo_ctx *c, struct demo_pmd *p)
{
	for (int i = 0; i < PMD_READY_S / POLL_S && !*c->stop; i++) {
		if (waitpid(p->pid, NULL, WNOHANG) == p->pid) {
			p->pid = -1;
			keep_pmd_error(p, "exited at start");
			return -ECHILD;
		}
		if (in_client_ns(c, path2_endpoint) == 0)
			return 0;
		nap();
	}
	if (*c->stop)
		return -EINTR;
	keep_pmd_error(p, "made no endpoint for path 2 within 5 s");
	return -ETIMEDOUT;
}

int demo_pmd_start(const struct demo_ctx *c, struct demo_pmd *p)
{
	char *argv[] = { (char *)c->self, "pmd", "--client", NULL };
	int ret;

	*p = (struct demo_pmd){ .pid = -1 };
	p->err_fd = memfd_create("demo-pmd-err", MFD_CLOEXEC);
	if (p->err_fd < 0)
		return -errno;
	ret = in_client_ns(c, flush_endpoints);
	if (ret < 0) {
		snprintf(p->error, sizeof(p->error), "flushing the lab's endpoints: %s",
			 strerror(-ret));
		return ret;
	}
	p->pid = lab_spawn(c->client_ns, argv, p->err_fd, p->err_fd);
	if (p->pid < 0) {
		ret = -errno;
		snprintf(p->error, sizeof(p->error), "pmd: %s", strerror(-ret));
		return ret;
	}
	return wait_ready(c, p);
}

/* 0 once pid has exited (status filled), -ETIMEDOUT after PMD_STOP_S. */
static int wait_exit(pid_t pid, int *status)
{
	for (int i = 0; i < PMD_STOP_S / POLL_S; i++) {
		if (waitpid(pid, status, WNOHANG) == pid)
			return 0;
		nap();
	}
	return -ETIMEDOUT;
}

/* SIGTERM (pmd undoes what it changed), SIGKILL if it takes too long. */
int demo_pmd_stop(struct demo_pmd *p)
{
	int status = 0, ret = 0;

	if (p->pid > 0) {
		kill(p->pid, SIGTERM);
		ret = wait_exit(p->pid, &status);
		if (ret < 0) {
			kill(p->pid, SIGKILL);
			waitpid(p->pid, &status, 0);
		} else if (!WIFEXITED(status) || WEXITSTATUS(status) != 0) {
			ret = -EIO;
		}
		if (ret < 0)
			keep_pmd_error(p, ret == -ETIMEDOUT ? "did not stop within 5 s" : "failed");
		p->pid = -1;
	}
	if (p->err_fd >= 0)
		close(p->err_fd);
	p->err_fd = -1;
	return ret;
}
