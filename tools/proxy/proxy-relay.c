// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * One direction of a relay. The first bytes are copied: read into a
 * scratch buffer and sent at once; only what the receiver does not take
 * is kept (on the heap, at most one read's worth). A direction whose read
 * fills the scratch buffer carries bulk data: from then on it moves with
 * splice() through a pipe, no copy. Short connections thus never pay for
 * a pipe, idle ones hold no memory at all, and bulk ones are zero-copy.
 * Where splicing does not pay (a leg is MPTCP: see pconn_relay_start),
 * bulk data is read into a buffer of the direction's own, 1 MiB once it
 * has moved 1 MiB like the pipes, and sent from there.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <sys/socket.h>

#include "clock.h"
#include "proxy-internal.h"

#define COPY_CHUNK (64 * 1024)
/* A pipe starts at the default 64 KiB; a direction that has moved 1 MiB
 * gets a 1 MiB pipe (fs.pipe-max-size's default), which moves bulk data
 * in fewer splice() calls (15% more throughput on loopback). Growing every
 * pipe at once costs short connections dearly (page allocations). */
#define PIPE_SMALL (64 * 1024)
#define PIPE_BIG (1024 * 1024)
#define ROUNDS 8  /* then let other connections run */
/* Bulk copying: reads of 1 MiB rather than 64 KiB took the proxy's CPU per
 * GB from MPTCP from 0.43 to 0.35 s (fewer calls; MPTCP's recvmsg has a
 * fixed cost per call), measured on loopback, 8 rounds. */
#define COPY_BIG (1024 * 1024)

/* The loop is single-threaded: one scratch buffer serves every copy. */
static char scratch[COPY_CHUNK];

void pdir_init(struct pdir *d, int from, int to, bool copy)
{
	*d = (struct pdir){ .from = from, .to = to, .pipe = { -1, -1 }, .copy = copy };
}

void pdir_free(struct pdir *d)
{
	if (d->pipe[0] >= 0) {
		close(d->pipe[0]);
		close(d->pipe[1]);
	}
	d->pipe[0] = d->pipe[1] = -1;
	free(d->buf);
	d->buf = NULL;
	d->cap = 0;
}

static size_t pending(const struct pdir *d)
{
	return d->len - d->off + d->in_pipe;
}

bool pdir_wants_read(const struct pdir *d)
{
	return !d->eof && pending(d) == 0;
}

bool pdir_wants_write(const struct pdir *d)
{
	return pending(d) > 0;
}

bool pdir_done(const struct pdir *d)
{
	return d->shut;
}

bool pdir_spliced(const struct pdir *d)
{
	return d->pipe[0] >= 0 && !d->copy;
}

/* A half-close onto an MPTCP leg waits (at most hold_ms from its EOF)
 * while the leg still opens subflows: its DATA_FIN makes the peer refuse
 * every join from then on (the kernel accepts an MP_JOIN only while the
 * connection is ESTABLISHED; tools/pmd/pmd-stuck.c), so a client that
 * sends its request and half-closes in the leg's first round trips would
 * leave it one subflow, and one path, for the whole answer. The endpoints
 * see the same bytes and the same half-close, later by the time the joins
 * take. No wait when the other direction is done: the connection ends. */
static bool fin_waits(struct pdir *d)
{
	struct mpk_conn_info m;
	unsigned int established;
	int64_t now;

	if (!d->hold_ms || (d->other && d->other->shut))
		return d->held = false;
	now = (int64_t)clock_mono_ms();
	if (!d->hold_until)
		d->hold_until = now + d->hold_ms;
	/* looked at every 20 ms: the counters alone, one getsockopt */
	d->held = now < d->hold_until && mpk_conn_state_get(d->to, &m, &established) == 0 &&
		  proxy_joins_pending(&m, established);
	return d->held;
}

static int pipe_open(struct pdir *d)
{
	if (pipe2(d->pipe, O_NONBLOCK | O_CLOEXEC) < 0)
		return -errno;
	d->pipe_size = PIPE_SMALL;
	return 0;
}

/* Splice in: >0 taken, 0 nothing now or EOF (d->eof), -errno. */
static ssize_t fill_pipe(struct pdir *d)
{
	ssize_t n;

	if (d->pipe[0] < 0 && pipe_open(d) < 0)
		return -errno;
	if (!d->grown && d->bytes >= PIPE_BIG) {
		/* Best effort: a smaller pipe only means more calls. */
		int sz = fcntl(d->pipe[1], F_SETPIPE_SZ, PIPE_BIG);

		d->grown = true;
		if (sz > 0)
			d->pipe_size = (size_t)sz;
	}
	d->asked = d->pipe_size;
	n = splice(d->from, NULL, d->pipe[1], NULL, d->pipe_size,
		   SPLICE_F_MOVE | SPLICE_F_NONBLOCK);
	if (n < 0 && errno == EINVAL && d->in_pipe == 0) {
		d->copy = true; /* this socket cannot splice: copy from now on */
		return 0;
	}
	if (n > 0)
		d->in_pipe += (size_t)n;
	else if (n == 0)
		d->eof = true;
	return n < 0 ? (errno == EAGAIN ? 0 : -errno) : n;
}

/* Keep what the receiver did not take (at most one read's worth). */
static int keep(struct pdir *d, const char *p, size_t n)
{
	if (!d->buf) {
		if (!(d->buf = malloc(COPY_CHUNK)))
			return -ENOMEM;
		d->cap = COPY_CHUNK;
	}
	memcpy(d->buf, p, n);
	d->off = 0;
	d->len = n;
	return 0;
}

/* The buffer a bulk copying direction reads into, grown once it has moved
 * COPY_BIG. Called only when it holds nothing. */
static int bulk_buf(struct pdir *d)
{
	size_t want = d->bytes >= COPY_BIG ? COPY_BIG : COPY_CHUNK;
	char *b;

	if (d->cap >= want)
		return 0;
	b = realloc(d->buf, want);
	if (!b)
		return d->buf ? 0 : -ENOMEM; /* the smaller one still works */
	d->buf = b;
	d->cap = want;
	return 0;
}

/* Copy: read, send at once. >0 moved or kept, 0 nothing now or EOF, -errno.
 * Bulk data is read into the direction's buffer (what is not sent stays
 * there), the first bytes into the shared scratch buffer. */
static ssize_t copy_once(struct pdir *d)
{
	bool own = d->bulk;
	char *p;
	ssize_t n, sent;

	if (own && bulk_buf(d) < 0)
		return -ENOMEM;
	p = own ? d->buf : scratch;
	d->asked = own ? d->cap : sizeof(scratch);
	n = read(d->from, p, d->asked);
	if (n == 0)
		d->eof = true;
	if (n <= 0)
		return n < 0 && errno != EAGAIN ? -errno : 0;
	if ((size_t)n == d->asked)
		d->bulk = true;
	sent = send(d->to, p, (size_t)n, MSG_NOSIGNAL);
	if (sent < 0 && errno != EAGAIN)
		return -errno;
	if (sent < 0)
		sent = 0;
	d->bytes += (uint64_t)sent;
	if (sent < n && own) {
		d->off = (size_t)sent;
		d->len = (size_t)n;
	} else if (sent < n && keep(d, scratch + sent, (size_t)(n - sent)) < 0) {
		return -ENOMEM;
	}
	return n;
}

/* Pass on what is held: >0 bytes, 0 'to' is full, -errno. */
static ssize_t drain(struct pdir *d)
{
	ssize_t n;

	if (d->in_pipe)
		n = splice(d->pipe[0], NULL, d->to, NULL, d->in_pipe,
			   SPLICE_F_MOVE | SPLICE_F_NONBLOCK);
	else
		n = send(d->to, d->buf + d->off, d->len - d->off, MSG_NOSIGNAL);
	if (n < 0)
		return errno == EAGAIN ? 0 : -errno;
	if (d->in_pipe)
		d->in_pipe -= (size_t)n;
	else
		d->off += (size_t)n;
	if (d->off == d->len)
		d->off = d->len = 0;
	d->bytes += (uint64_t)n;
	return n;
}

static ssize_t fill(struct pdir *d)
{
	if (d->bulk && !d->copy) {
		ssize_t n = fill_pipe(d);

		if (n != 0 || !d->copy)
			return n;
	}
	return copy_once(d);
}

int pdir_pump(struct pdir *d)
{
	for (int i = 0; i < ROUNDS && !d->shut; i++) {
		bool short_read = false;
		ssize_t n;

		if (pending(d) == 0 && !d->eof) {
			n = fill(d);
			if (n < 0)
				return (int)n;
			if (n == 0 && !d->eof)
				break;
			/* Less than asked: the socket is probably empty now;
			 * level-triggered epoll says so again if it is not,
			 * which saves a read that would only say EAGAIN. */
			short_read = n > 0 && (size_t)n < d->asked;
		}
		if (pending(d) > 0) {
			n = drain(d);
			if (n < 0)
				return (int)n;
			if (n == 0)
				break;
		}
		if (d->eof && pending(d) == 0) {
			if (fin_waits(d))
				break;
			/* Half-close carried on: the other side may still talk.
			 * When the other direction is done already, both
			 * sockets are closed next, and close() sends the FIN
			 * (nothing unread is left on either): no shutdown(). */
			if (!(d->other && d->other->shut) && shutdown(d->to, SHUT_WR) < 0 &&
			    errno != ENOTCONN)
				return -errno;
			d->shut = true;
		}
		/* After epoll's hang-up the EOF is right behind the data:
		 * read on to it now rather than on the next wake-up. */
		if (short_read && pending(d) == 0 && !d->rdhup)
			break;
	}
	return 0;
}
