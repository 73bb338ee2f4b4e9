// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * Names in SOCKS requests, resolved off the loop: one worker thread runs
 * getaddrinfo() for each job and hands the job back through a pipe, so a
 * slow resolver delays only the connections waiting for it. A job whose
 * connection ended meanwhile is dropped when it comes back.
 */
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "proxy-internal.h"

static void *worker(void *arg)
{
	struct presolver *r = arg;

	for (;;) {
		struct presolve_job *job;

		pthread_mutex_lock(&r->mu);
		while (!r->head && !r->stop)
			pthread_cond_wait(&r->cv, &r->mu);
		job = r->head;
		if (job) {
			r->head = job->next;
			if (!r->head)
				r->tail = NULL;
		}
		pthread_mutex_unlock(&r->mu);
		if (!job)
			return NULL; /* stopping, nothing queued */
		job->err = paddrs_resolve(job->host, job->port, &job->out);
		/* Blocks only if the loop has 8000 results unread. */
		if (write(r->pipe[1], &job, sizeof(job)) != (ssize_t)sizeof(job))
			free(job);
	}
}

int presolver_start(struct presolver *r)
{
	sigset_t all, old;
	int err;

	memset(r, 0, sizeof(*r));
	if (pipe2(r->pipe, O_CLOEXEC) < 0)
		return -errno;
	fcntl(r->pipe[0], F_SETFL, O_NONBLOCK);
	pthread_mutex_init(&r->mu, NULL);
	pthread_cond_init(&r->cv, NULL);
	/* The worker takes no signal: SIGTERM and SIGHUP are the loop's,
	 * through its signalfd (a thread that did not block them would die
	 * of them). */
	sigfillset(&all);
	pthread_sigmask(SIG_BLOCK, &all, &old);
	err = pthread_create(&r->thread, NULL, worker, r);
	pthread_sigmask(SIG_SETMASK, &old, NULL);
	if (err) {
		close(r->pipe[0]);
		close(r->pipe[1]);
		return -err;
	}
	r->started = true;
	return 0;
}

void presolver_stop(struct presolver *r)
{
	struct presolve_job *job;

	if (!r->started)
		return;
	pthread_mutex_lock(&r->mu);
	r->stop = true;
	/* Queued jobs are not run: their connections are gone. */
	while ((job = r->head)) {
		r->head = job->next;
		free(job);
	}
	r->tail = NULL;
	pthread_cond_signal(&r->cv);
	pthread_mutex_unlock(&r->mu);
	pthread_join(r->thread, NULL);
	while ((job = presolver_read(r)))
		free(job);
	close(r->pipe[0]);
	close(r->pipe[1]);
	pthread_mutex_destroy(&r->mu);
	pthread_cond_destroy(&r->cv);
	r->started = false;
}

int presolver_submit(struct presolver *r, struct pconn *c, const char *host,
		     const char *port, struct presolve_job **out)
{
	struct presolve_job *job = calloc(1, sizeof(*job));

	if (!job)
		return -ENOMEM;
	job->c = c;
	strncpy(job->host, host, sizeof(job->host) - 1);
	strncpy(job->port, port, sizeof(job->port) - 1);
	pthread_mutex_lock(&r->mu);
	if (r->tail)
		r->tail->next = job;
	else
		r->head = job;
	r->tail = job;
	pthread_cond_signal(&r->cv);
	pthread_mutex_unlock(&r->mu);
	*out = job;
	return 0;
}

struct presolve_job *presolver_read(struct presolver *r)
{
	struct presolve_job *job;

	if (read(r->pipe[0], &job, sizeof(job)) != (ssize_t)sizeof(job))
		return NULL;
	return job;
}
