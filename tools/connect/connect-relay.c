// SPDX-License-Identifier: GPL-2.0-or-later
/* A poll() loop with one large buffer per direction. */
#include <errno.h>
#include <poll.h>
#include <stdbool.h>
#include <stdlib.h>
#include <sys/ioctl.h>
#include <sys/socket.h>
#include <linux/sockios.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <unistd.h>

#include "connect-relay.h"

/* Large enough that a 64 MiB transfer costs few system calls. */
#define RELAY_BUF_SIZE (512 * 1024)
/* How often to look whether the peer acknowledged everything, at our EOF. */
#define RELAY_DRAIN_POLL_MS 20

struct direction {
	char *data;
	size_t len, off;  /* bytes held, bytes already written */
	bool eof;         /* no more input */
	bool any;         /* something was read */
	bool draining;    /* eof, all written, waiting for the peer's ACKs */
	bool pushed;      /* eof, all written, the tail pushed (push_tail) */
	bool done;        /* eof and everything written (and shut down) */
};

static bool pending(const struct direction *d)
{
	return d->off < d->len;
}

/* Read into an empty buffer; 0, or -errno. */
static int fill(struct direction *d, ssize_t n)
{
	if (n < 0)
		return errno == EINTR || errno == EAGAIN ? 0 : -errno;
	d->len = (size_t)n;
	d->off = 0;
	d->eof = n == 0;
	d->any |= n > 0;
	return 0;
}

/* Account for a write of n bytes; 0, or -errno. */
static int drained(struct direction *d, ssize_t n, uint64_t *count)
{
	if (n < 0)
		return errno == EINTR || errno == EAGAIN ? 0 : -errno;
	d->off += (size_t)n;
	*count += (uint64_t)n;
	return 0;
}

static void half_closed(struct relay *r, enum relay_half why)
{
	if (r->half_done)
		return;
	r->half_done = true;
	if (r->half_closed)
		r->half_closed(r->arg, why);
}

/* Bytes sent that the peer has not acknowledged; 0 when it cannot tell
 * (kernels without SIOCOUTQ on MPTCP sockets shut down at once). */
static int unacked(int sock)
{
	int n = 0;

	if (ioctl(sock, SIOCOUTQ, &n) < 0)
		return 0;
	return n;
}

/* At our end of input, let the last segment out now. With Nagle on, a
 * sub-MSS tail waits while an earlier small segment is unacknowledged
 * (Minshall's check). TCP's tail escapes it by carrying the FIN, but an
 * MPTCP subflow's does not (the DATA_FIN is an option), and an MPTCP sender
 * leaves small segments mid-stream where a DSS mapping ends: measured, the
 * tail of a 95 KB download waited one RTT in most runs
 * (bench/short-upstream.md). Here, draining waits for those ACKs before the
 * shutdown, so the tail would wait too. Nothing more will be written, so
 * there is nothing left for Nagle to coalesce: TCP_NODELAY pushes what is
 * queued (on MPTCP it is set on every subflow). Best effort. */
static void push_tail(int sock, struct direction *up)
{
	int one = 1;

	if (up->pushed || !up->eof || pending(up) || !up->any)
		return;
	setsockopt(sock, IPPROTO_TCP, TCP_NODELAY, &one, sizeof(one));
	up->pushed = true;
}

/* Our side: shut down when the rules in connect-relay.h say so. */
static void finish_up(struct relay *r, struct direction *up, const struct direction *down)
{
	up->draining = false;
	if (up->done || !up->eof || pending(up))
		return;
	push_tail(r->sock, up);
	if (!up->any && r->eof == RELAY_EOF_KEEP) {
		up->done = true;	/* nothing to send: keep the connection whole */
		if (r->dir_done)
			r->dir_done(r->arg);
		return;
	}
	if (r->eof == RELAY_EOF_KEEP && !down->eof && unacked(r->sock) > 0) {
		up->draining = true;
		return;
	}
	if (r->dir_done)
		r->dir_done(r->arg);
	shutdown(r->sock, SHUT_WR);
	half_closed(r, RELAY_HALF_OURS);
	up->done = true;
}

static void finish_down(struct relay *r, struct direction *down)
{
	if (down->done || !down->eof || pending(down))
		return;
	if (r->dir_done)
		r->dir_done(r->arg);
	half_closed(r, RELAY_HALF_PEER);
	down->done = true;
}

/* The pending error of a socket that hung up, -EPIPE if it has none. */
static int socket_error(int sock)
{
	int err = 0;
	socklen_t len = sizeof(err);

	if (getsockopt(sock, SOL_SOCKET, SO_ERROR, &err, &len) < 0 || err == 0)
		return -EPIPE;
	return -err;
}

static int fail_at(struct relay *r, enum relay_stage what, int err)
{
	r->failed = what;
	return err;
}

const char *relay_stage_name(enum relay_stage stage)
{
	static const char *const names[] = {
		[RELAY_OK] = "done",
		[RELAY_ALLOCATING] = "allocating buffers",
		[RELAY_WAITING] = "waiting",
		[RELAY_IDLE] = "idle",
		[RELAY_READING_INPUT] = "reading standard input",
		[RELAY_RECEIVING] = "receiving",
		[RELAY_SENDING] = "sending",
		[RELAY_WRITING_OUTPUT] = "writing standard output",
	};

	if ((size_t)stage >= sizeof(names) / sizeof(names[0]))
		return "?";
	return names[stage];
}

/* One poll() round; 0, or -errno with r->failed set. */
static int relay_step(struct relay *r, struct direction *up, struct direction *down)
{
	struct pollfd p[3] = {
		{ .fd = -1 }, { .fd = r->sock }, { .fd = -1 },
	};
	int err = 0, ret, timeout;

	if (!up->eof && !pending(up))
		p[0] = (struct pollfd){ .fd = r->in_fd, .events = POLLIN };
	if (pending(up))
		p[1].events |= POLLOUT;
	if (!down->eof && !pending(down))
		p[1].events |= POLLIN;
	if (pending(down))
		p[2] = (struct pollfd){ .fd = r->out_fd, .events = POLLOUT };
	/* Watch the socket for errors only while not waiting on stdout. */
	if (!p[1].events && pending(down))
		p[1].fd = -1;

	timeout = r->idle_timeout_ms > 0 ? r->idle_timeout_ms - r->idle_ms : -1;
	if (up->draining && (timeout < 0 || timeout > RELAY_DRAIN_POLL_MS))
		timeout = RELAY_DRAIN_POLL_MS;
	ret = poll(p, 3, timeout);
	if (ret < 0)
		return errno == EINTR ? 0 : fail_at(r, RELAY_WAITING, -errno);
	if (ret == 0) {
		r->idle_ms += timeout;
		if (r->idle_timeout_ms > 0 && r->idle_ms >= r->idle_timeout_ms)
			return fail_at(r, RELAY_IDLE, -ETIMEDOUT);
		return 0;
	}
	r->idle_ms = 0;

	if (p[0].revents)
		err = fill(up, read(r->in_fd, up->data, RELAY_BUF_SIZE));
	if (err)
		return fail_at(r, RELAY_READING_INPUT, err);
	if (p[1].revents & (POLLIN | POLLERR | POLLHUP) && (p[1].events & POLLIN))
		err = fill(down, recv(r->sock, down->data, RELAY_BUF_SIZE, MSG_DONTWAIT));
	if (err)
		return fail_at(r, RELAY_RECEIVING, err);
	if (p[1].revents & (POLLOUT | POLLERR | POLLHUP) && pending(up))
		err = drained(up, send(r->sock, up->data + up->off, up->len - up->off,
				       MSG_DONTWAIT | MSG_NOSIGNAL), &r->sent);
	if (err)
		return fail_at(r, RELAY_SENDING, err);
	if (p[2].revents)
		err = drained(down, write(r->out_fd, down->data + down->off,
					  down->len - down->off), &r->received);
	if (err)
		return fail_at(r, RELAY_WRITING_OUTPUT, err);
	/* Hung up while we still have to send: the peer is gone. */
	if ((p[1].revents & (POLLHUP | POLLERR)) && !p[1].events && !up->done)
		return fail_at(r, RELAY_SENDING, socket_error(r->sock));
	return 0;
}

int relay_run(struct relay *r)
{
	struct direction up = { 0 }, down = { 0 };
	int err = 0;

	up.data = malloc(RELAY_BUF_SIZE);
	down.data = malloc(RELAY_BUF_SIZE);
	if (!up.data || !down.data) {
		err = fail_at(r, RELAY_ALLOCATING, -ENOMEM);
		goto out;
	}
	r->failed = RELAY_OK;
	r->idle_ms = 0;
	r->half_done = false;
	up.eof = r->no_input;
	while (!err && !(up.done && down.done)) {
		err = relay_step(r, &up, &down);
		finish_down(r, &down);
		finish_up(r, &up, &down);
	}
out:
	free(up.data);
	free(down.data);
	return err;
}
