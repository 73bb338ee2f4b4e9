// SPDX-License-Identifier: GPL-2.0-or-later
/* perf -s: accept tests one after another until a signal (or one, with -1). */
#include <errno.h>
#include <poll.h>
#include <signal.h>
#include <string.h>
#include <unistd.h>

#include "perf.h"
#include "print.h"
#include "util.h"


static volatile sig_atomic_t stop;

static void on_signal(int sig)
{
	stop = 1;
}

static void catch_signals(void)
{
	/* No SA_RESTART: poll() returns EINTR and the loops see stop. */
	struct sigaction sa = { .sa_handler = on_signal };

	sigemptyset(&sa.sa_mask);
	sigaction(SIGINT, &sa, NULL);
	sigaction(SIGTERM, &sa, NULL);
	signal(SIGPIPE, SIG_IGN);
}

/* The next connection: its descriptor, -EINTR when stopped, or -errno. */
static int next_client(int lfd, struct mpk_status *status)
{
	while (!stop) {
		struct pollfd p = { .fd = lfd, .events = POLLIN };
		int n = poll(&p, 1, 500), fd;

		if (n < 0 && errno != EINTR)
			return -errno;
		if (n <= 0)
			continue;
		fd = mpk_accept(lfd, NULL, NULL, MPK_NONBLOCK | MPK_CLOEXEC, status);
		if (fd >= 0)
			return fd;
		if (fd != -EAGAIN && fd != -ECONNABORTED && fd != -EINTR)
			return fd;
	}
	return -EINTR;
}

/* The control exchange; 0 or -errno (the client was told when refused). */
static int greet(struct perf_test *t)
{
	int ret = perf_hello_recv(t->fd, &t->hello);

	if (ret < 0)
		return ret;
	if (t->hello.duration_ms == 0 || t->hello.duration_ms > PERF_DURATION_MAX_S * 1000u) {
		perf_ack_send(t->fd, 1);
		return -EINVAL;
	}
	t->sender = t->hello.flags & PERF_FLAG_REVERSE;
	return perf_ack_send(t->fd, 0);
}

/* One test on an accepted connection; 0, or 1 when it failed. */
static int serve(int fd, const struct mpk_status *status, const struct perf_opts *o)
{
	struct perf_test t;
	int ret;

	memset(&t, 0, sizeof(t));
	t.fd = fd;
	t.interval = o->interval;
	perf_test_describe(&t, status);
	ret = greet(&t);
	if (ret < 0) {
		fail("perf: client %s: %s", t.remote, perf_strerror(ret));
		return 1;
	}
	perf_report_start(&t);
	ret = perf_test_run(&t, &stop);
	if (ret == 0)
		perf_report_end(&t);
	else if (ret != -EINTR)
		fail("perf: test with %s: %s", t.remote, perf_strerror(ret));
	perf_stats_free(&t.stats);
	return ret == 0 || ret == -EINTR ? 0 : 1;
}

int perf_server(const struct perf_opts *o)
{
	struct mpk_status status;
	int lfd, fd, ret = 0;

	catch_signals();
	lfd = mpk_listen(NULL, o->port, AF_UNSPEC, 0, MPK_NONBLOCK | MPK_CLOEXEC, &status);
	if (lfd < 0)
		return fail("perf: listen on port %s: %s", o->port, mpk_strerror(lfd));
	print_text("listening on port %s, mptcp %s (%s)\n", o->port, status.mptcp ? "yes" : "no",
		   mpk_reason_name(status.reason));
	fflush(stdout);
	while ((fd = next_client(lfd, &status)) >= 0) {
		ret = serve(fd, &status, o);
		close(fd);
		if (o->once || stop)
			break;
	}
	close(lfd);
	if (fd < 0 && fd != -EINTR)
		return fail("perf: accept: %s", mpk_strerror(fd));
	return ret;
}
