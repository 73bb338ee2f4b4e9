// SPDX-License-Identifier: GPL-2.0-or-later
/* perf -c: connect, agree on the test, run it, report. */
#include <errno.h>
#include <poll.h>
#include <signal.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <sys/random.h>
#include <sys/socket.h>

#include "perf.h"
#include "print.h"
#include "clock.h"
#include "util.h"

#define CONNECT_TIMEOUT_MS 5000

/* A non-blocking connection within CONNECT_TIMEOUT_MS; fd or -errno. */
static int connect_within(const struct perf_opts *o, struct mpk_status *status)
{
	int flags = MPK_NONBLOCK | MPK_CLOEXEC | (o->tcp ? MPK_TCP_ONLY : 0);
	int64_t deadline = (int64_t)clock_mono_ms() + CONNECT_TIMEOUT_MS;
	struct mpk_connector *c;
	int ret = mpk_connector_new(o->host, o->port, AF_UNSPEC, flags, &c);

	if (ret < 0)
		return ret;
	while ((ret = mpk_connector_step(c, status)) == -EINPROGRESS) {
		struct pollfd p = { .fd = mpk_connector_fd(c), .events = POLLOUT };
		int64_t left = deadline - (int64_t)clock_mono_ms();

		if (left <= 0 || poll(&p, 1, (int)left) == 0) {
			ret = -ETIMEDOUT;
			break;
		}
	}
	mpk_connector_free(c);
	return ret;
}

static uint64_t new_seed(void)
{
	uint64_t seed;

	if (getrandom(&seed, sizeof(seed), GRND_NONBLOCK) != sizeof(seed))
		seed = (uint64_t)time(NULL) << 20 ^ (uint64_t)getpid();
	return seed;
}

/* Send the hello, wait for the go; 0 or an exit code after fail(). */
static int agree(struct perf_test *t, const struct perf_opts *o)
{
	uint32_t go;
	int ret;

	t->hello.flags = o->reverse ? PERF_FLAG_REVERSE : 0;
	t->hello.duration_ms = (uint32_t)(o->seconds * 1000 + 0.5);
	t->hello.seed = new_seed();
	ret = perf_hello_send(t->fd, &t->hello);
	if (ret == 0)
		ret = perf_ack_recv(t->fd, &go);
	if (ret < 0)
		return fail("perf: start the test with %s: %s", t->remote, perf_strerror(ret));
	if (go != 0)
		return fail("perf: %s refused the test (status %u)", t->remote, go);
	return 0;
}

static int run(struct perf_test *t, const struct perf_opts *o)
{
	int ret;

	ret = agree(t, o);
	if (ret != 0)
		return ret;
	perf_report_start(t);
	ret = perf_test_run(t, NULL);
	if (ret < 0)
		return fail("perf: test with %s: %s", t->remote, perf_strerror(ret));
	perf_report_end(t);
	ret = o->plot ? perf_plot_write(t, o) : 0;
	if (ret < 0)
		return fail("perf: write %s: %s", o->plot, mpk_strerror(ret));
	if (!perf_test_verified(t))
		return fail("perf: payload verification failed: %llu of %llu bytes differ",
			    (unsigned long long)t->result.mismatches,
			    (unsigned long long)t->result.bytes);
	return 0;
}

int perf_client(const struct perf_opts *o)
{
	struct perf_test t;
	struct mpk_status status;
	int ret;

	signal(SIGPIPE, SIG_IGN);
	memset(&t, 0, sizeof(t));
	t.client = true;
	t.sender = !o->reverse;
	t.tcp_only = o->tcp;
	t.interval = o->interval;
	t.fd = connect_within(o, &status);
	if (t.fd < 0)
		return fail("perf: connect to %s port %s: %s", o->host, o->port,
			    mpk_strerror(t.fd));
	/* After connect: an MPTCP socket hands the algorithm to the subflows
	 * it has and to those that join later; nothing is sent yet. */
	if (o->cc && setsockopt(t.fd, IPPROTO_TCP, TCP_CONGESTION, o->cc, strlen(o->cc)) < 0) {
		ret = -errno;
		close(t.fd);
		return fail("perf: --cc %s: %s", o->cc, mpk_strerror(ret));
	}
	perf_test_describe(&t, &status);
	ret = run(&t, o);
	perf_stats_free(&t.stats);
	close(t.fd);
	return ret;
}
