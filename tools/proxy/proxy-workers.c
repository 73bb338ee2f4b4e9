// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * --workers N: N processes, each with its own epoll loop and its own
 * listener on the same port (SO_REUSEPORT: the kernel spreads new
 * connections between the listeners). Processes rather than threads: the
 * loop keeps its one scratch buffer and needs no locks. The first process
 * passes the signals it gets on to the others and waits for them at the
 * end; a worker whose first process dies gets SIGTERM (and drains).
 */
#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <unistd.h>
#include <sys/prctl.h>
#include <sys/wait.h>

#include "proxy-internal.h"

/* In the new worker: a listener of its own in place of the inherited one. */
static int become_worker(struct proxy *p, const struct proxy_config *cfg, pid_t first)
{
	char port[8];

	free(p->workers);
	p->workers = NULL;
	p->n_workers = 0;
	p->worker = true;
	if (prctl(PR_SET_PDEATHSIG, SIGTERM) < 0 || getppid() != first)
		return -ECHILD; /* the first process is gone already */
	snprintf(port, sizeof(port), "%d", p->port);
	close(p->lfd);
	p->lfd = proxy_listen(cfg, port, true, &p->lst);
	return p->lfd < 0 ? p->lfd : 0;
}

int proxy_workers_start(struct proxy *p, const struct proxy_config *cfg)
{
	pid_t first = getpid();

	if (cfg->workers <= 1)
		return 0;
	p->workers = calloc((size_t)cfg->workers, sizeof(*p->workers));
	if (!p->workers)
		return -ENOMEM;
	fflush(NULL); /* nothing buffered twice */
	for (int i = 1; i < cfg->workers; i++) {
		pid_t pid = fork();

		if (pid < 0)
			return -errno; /* proxy_close() stops those started */
		if (pid == 0)
			return become_worker(p, cfg, first);
		p->workers[p->n_workers++] = pid;
	}
	return 0;
}

void proxy_workers_signal(struct proxy *p, int sig)
{
	for (int i = 0; i < p->n_workers; i++)
		kill(p->workers[i], sig);
}

/* At the end of the first process: the workers drain as it did (their
 * own drain timeout), then they are waited for. */
void proxy_workers_stop(struct proxy *p)
{
	proxy_workers_signal(p, SIGTERM);
	for (int i = 0; i < p->n_workers; i++)
		while (waitpid(p->workers[i], NULL, 0) < 0 && errno == EINTR)
			;
	free(p->workers);
	p->workers = NULL;
	p->n_workers = 0;
}
