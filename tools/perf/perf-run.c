// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * The transfer loop of a perf test, one thread, non-blocking. The receiver
 * keeps the time: when the duration is over it sends "stop"; the sender
 * then shuts its side down, the receiver reads to the end of the stream
 * and sends its result. An end of stream before "stop" means the sender
 * went away. Both ends sample the kernel's counters every PERF_SAMPLE_S
 * in the same loop (poll timeout).
 */
#include <errno.h>
#include <math.h>
#include <poll.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>

#include "perf.h"
#include "perf-stream.h"
#include "clock.h"
#include "util.h"

#define SEND_CHUNK (256 * 1024)
#define RECV_CHUNK (256 * 1024)

struct loop {
	struct perf_test *t;
	struct perf_stream *stream;
	uint8_t *buf;                     /* receiver */
	double t0, next_sample, next_interval, deadline;
	double last_progress_t;
	uint64_t last_progress;
	double hard_deadline;              /* sender: no stop by then, give up */
	uint8_t ctl[PERF_STOP_LEN + PERF_RESULT_LEN]; /* sender: stop, result */
	size_t ctl_len;
	bool stop_sent;                    /* receiver */
	bool shut, done;
};

/* Sample the counters; an interval may end; no progress for too long fails. */
static int tick(struct loop *l, double now)
{
	struct perf_test *t = l->t;
	struct mpk_info info;
	bool have = mpk_info_get(t->fd, &info) == 0;

	perf_stats_sample(&t->stats, now - l->t0, have ? &info : NULL, t->app_bytes);
	if (t->stats.total > l->last_progress) {
		l->last_progress = t->stats.total;
		l->last_progress_t = now;
	} else if (now - l->last_progress_t > PERF_IDLE_TIMEOUT_S) {
		return -ETIMEDOUT;
	}
	if (now >= l->next_interval) {
		perf_stats_close_interval(&t->stats);
		l->next_interval += t->interval;
		perf_report_progress(&t->stats);
	}
	l->next_sample += PERF_SAMPLE_S;
	if (l->next_sample < now)
		l->next_sample = now + PERF_SAMPLE_S;
	return 0;
}

/* The subflows there at the start (the progress counts from zero). */
static int first_sample(struct loop *l)
{
	struct mpk_info info;

	if (mpk_info_get(l->t->fd, &info) < 0)
		return 0;
	return perf_stats_sample(&l->t->stats, 0, &info, 0);
}

static int send_some(struct loop *l, double until)
{
	struct perf_test *t = l->t;

	for (;;) {
		size_t len = SEND_CHUNK;
		/* straight from the stream's table: no per-byte work */
		const uint8_t *v = perf_stream_view(l->stream, t->app_bytes, &len);
		ssize_t n = send(t->fd, v, len, MSG_DONTWAIT | MSG_NOSIGNAL);

		if (n < 0)
			return errno == EAGAIN || errno == EINTR ? 0 : -errno;
		t->app_bytes += n;
		if (clock_mono_s() >= until)
			return 0;
	}
}

static int recv_some(struct loop *l, double until)
{
	struct perf_test *t = l->t;

	for (;;) {
		ssize_t n = recv(t->fd, l->buf, RECV_CHUNK, MSG_DONTWAIT);

		if (n == 0) {
			l->done = true;
			return 0;
		}
		if (n < 0)
			return errno == EAGAIN || errno == EINTR ? 0 : -errno;
		t->result.mismatches += perf_stream_check(l->stream, t->app_bytes, l->buf, n);
		t->app_bytes += n;
		if (clock_mono_s() >= until)
			return 0;
	}
}

/* Sender: the receiver's "stop", then after our shutdown its result. */
static int recv_control(struct loop *l)
{
	ssize_t n = recv(l->t->fd, l->ctl + l->ctl_len, sizeof(l->ctl) - l->ctl_len,
			 MSG_DONTWAIT);
	bool had_stop = l->ctl_len >= PERF_STOP_LEN;

	if (n == 0)
		return -ECONNRESET;
	if (n < 0)
		return errno == EAGAIN || errno == EINTR ? 0 : -errno;
	l->ctl_len += n;
	if (!had_stop && l->ctl_len >= PERF_STOP_LEN) {
		if (perf_stop_decode(l->ctl) < 0)
			return -EPROTO;
		if (shutdown(l->t->fd, SHUT_WR) < 0)
			return -errno;
		l->shut = true;
	}
	if (l->ctl_len < sizeof(l->ctl))
		return 0;
	l->done = true;
	return perf_result_decode(l->ctl + PERF_STOP_LEN, &l->t->result);
}

static int do_io(struct loop *l, short revents)
{
	int ret = 0;

	if (!l->t->sender)
		return revents ? recv_some(l, l->next_sample) : 0;
	if (revents & (POLLIN | POLLERR | POLLHUP))
		ret = recv_control(l);
	if (ret == 0 && !l->shut && (revents & POLLOUT))
		ret = send_some(l, l->next_sample);
	return ret;
}

/* Wait for the socket until the next thing to do; 0 or -errno. */
static int wait_io(struct loop *l, double now, short *revents)
{
	double until = l->next_sample;
	struct pollfd p = { .fd = l->t->fd, .events = POLLIN };
	int n;

	if (l->t->sender && !l->shut)
		p.events |= POLLOUT;
	if (!l->t->sender && !l->stop_sent)
		until = fmin(until, l->deadline);
	n = poll(&p, 1, until > now ? (int)ceil((until - now) * 1000) : 0);
	if (n < 0 && errno != EINTR)
		return -errno;
	*revents = n > 0 ? p.revents : 0;
	return 0;
}

/* Receiver: the duration is over. */
static int send_stop(struct loop *l)
{
	uint8_t b[PERF_STOP_LEN];

	perf_stop_encode(b);
	l->stop_sent = true;
	return perf_write_full(l->t->fd, b, sizeof(b), PERF_CONTROL_TIMEOUT_MS);
}

static int loop_step(struct loop *l, volatile sig_atomic_t *stop)
{
	double now = clock_mono_s();
	short revents = 0;
	int ret = 0;

	if (now >= l->next_sample)
		ret = tick(l, now);
	if (ret < 0)
		return ret;
	if (stop && *stop)
		return -EINTR;
	/* the receiver asks the sender to stop once the time is up */
	if (!l->t->sender && !l->stop_sent && now >= l->deadline)
		ret = send_stop(l);
	if (ret < 0)
		return ret;
	if (l->t->sender && !l->shut && now >= l->hard_deadline)
		return -ETIMEDOUT;
	ret = wait_io(l, now, &revents);
	if (ret < 0)
		return ret;
	ret = do_io(l, revents);
	if (ret < 0)
		return ret;
	/* The stream ended before we asked: the sender is gone. */
	return l->done && !l->t->sender && !l->stop_sent ? -ECONNABORTED : 0;
}

/* The end: last sample, last interval, the receiver's result. */
static int finish(struct loop *l)
{
	struct perf_test *t = l->t;
	double now = clock_mono_s();
	uint8_t res[PERF_RESULT_LEN];

	/* A last partial interval, unless it is only a moment. */
	if (now - l->t0 - t->stats.samples[t->stats.interval_first].t >= 0.1 ||
	    !t->stats.nintervals)
		l->next_interval = now;
	tick(l, now);
	t->seconds = now - l->t0;
	if (t->sender)
		return 0;
	t->result.bytes = t->app_bytes;
	t->result.elapsed_us = (uint64_t)(t->seconds * 1e6);
	perf_result_encode(&t->result, res);
	return perf_write_full(t->fd, res, sizeof(res), PERF_CONTROL_TIMEOUT_MS);
}

int perf_test_run(struct perf_test *t, volatile sig_atomic_t *stop)
{
	struct loop l = { .t = t };
	int ret = -ENOMEM;

	if (perf_stats_init(&t->stats, t->sender) < 0)
		return -ENOMEM;
	l.stream = perf_stream_new(t->hello.seed);
	l.buf = t->sender ? NULL : malloc(RECV_CHUNK);
	if (!l.stream || (!t->sender && !l.buf))
		goto out;
	l.t0 = l.last_progress_t = clock_mono_s();
	l.next_sample = l.t0 + PERF_SAMPLE_S;
	l.next_interval = l.t0 + t->interval;
	l.deadline = l.t0 + t->hello.duration_ms / 1000.0;
	l.hard_deadline = l.deadline + PERF_STOP_GRACE_S;
	ret = first_sample(&l);
	while (!l.done && ret == 0)
		ret = loop_step(&l, stop);
	if (ret == 0)
		ret = finish(&l);
out:
	free(l.buf);
	perf_stream_free(l.stream);
	return ret;
}

bool perf_test_verified(const struct perf_test *t)
{
	return t->result.bytes > 0 && t->result.mismatches == 0 &&
	       (!t->sender || t->result.bytes == t->app_bytes);
}

void perf_test_describe(struct perf_test *t, const struct mpk_status *status)
{
	struct sockaddr_storage ss;
	socklen_t len = sizeof(ss);

	t->status = *status;
	strcpy(t->local, "?");
	strcpy(t->remote, "?");
	if (getsockname(t->fd, (struct sockaddr *)&ss, &len) == 0)
		mpk_addr_format((struct sockaddr *)&ss, t->local, sizeof(t->local));
	len = sizeof(ss);
	if (getpeername(t->fd, (struct sockaddr *)&ss, &len) == 0)
		mpk_addr_format((struct sockaddr *)&ss, t->remote, sizeof(t->remote));
}

const char *perf_strerror(int err)
{
	if (err == -ETIMEDOUT)
		return "the peer stopped responding (timed out)";
	if (err == -ECONNRESET || err == -EPIPE)
		return "the peer closed the connection";
	if (err == -ECONNABORTED)
		return "the peer ended the test early (closed before the end)";
	if (err == -EPROTO)
		return "the peer does not speak the mptcpkit perf protocol";
	return mpk_strerror(err);
}
