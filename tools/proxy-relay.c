// SPDX-License-Identifier: GPL-2.0-or-later
/* One direction of a relay: splice() through a pipe, read/write where not. */
#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <unistd.h>
#include <sys/socket.h>

#include "proxy-internal.h"

/* A pipe of 1 MiB (fs.pipe-max-size's default) moves bulk data in fewer
 * splice() calls than the 64 KiB default; it holds pages only while data
 * is in flight, so idle connections cost nothing. */
#ifndef PIPE_CHUNK
#define PIPE_CHUNK (1024 * 1024)
#endif
#define COPY_CHUNK (16 * 1024)
#define ROUNDS 8                /* then let other connections run */

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
}

static size_t pending(const struct pdir *d)
{
	return d->copy ? d->len - d->off : d->in_pipe;
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
	return !d->copy && d->bytes > 0;
}

/* Fill: >0 bytes taken in, 0 nothing now (EAGAIN) or EOF (d->eof), -errno. */
static ssize_t fill(struct pdir *d)
{
	ssize_t n;

	if (!d->copy) {
		/* Pipes only for connections that move data: idle ones hold none. */
		if (d->pipe[0] < 0) {
			if (pipe2(d->pipe, O_NONBLOCK | O_CLOEXEC) < 0)
				return -errno;
			/* Best effort: a smaller pipe only means more calls. */
			fcntl(d->pipe[1], F_SETPIPE_SZ, PIPE_CHUNK);
		}
		n = splice(d->from, NULL, d->pipe[1], NULL, PIPE_CHUNK,
			   SPLICE_F_MOVE | SPLICE_F_NONBLOCK);
		if (n < 0 && errno == EINVAL && d->bytes == 0) {
			d->copy = true; /* this socket cannot splice: copy instead */
			return fill(d);
		}
		if (n > 0)
			d->in_pipe += (size_t)n;
	} else {
		if (!d->buf && !(d->buf = malloc(COPY_CHUNK)))
			return -ENOMEM;
		n = read(d->from, d->buf, COPY_CHUNK);
		if (n > 0) {
			d->off = 0;
			d->len = (size_t)n;
		}
	}
	if (n == 0)
		d->eof = true;
	if (n < 0)
		return errno == EAGAIN ? 0 : -errno;
	return n;
}

/* Drain: >0 bytes passed on, 0 'to' is full, -errno. */
static ssize_t drain(struct pdir *d)
{
	ssize_t n;

	if (!d->copy)
		n = splice(d->pipe[0], NULL, d->to, NULL, d->in_pipe,
			   SPLICE_F_MOVE | SPLICE_F_NONBLOCK);
	else
		n = send(d->to, d->buf + d->off, d->len - d->off, MSG_NOSIGNAL);
	if (n < 0)
		return errno == EAGAIN ? 0 : -errno;
	if (d->copy)
		d->off += (size_t)n;
	else
		d->in_pipe -= (size_t)n;
	d->bytes += (uint64_t)n;
	return n;
}

int pdir_pump(struct pdir *d)
{
	for (int i = 0; i < ROUNDS && !d->shut; i++) {
		ssize_t n;

		if (pending(d) == 0 && !d->eof) {
			n = fill(d);
			if (n < 0)
				return (int)n;
			if (n == 0 && !d->eof)
				break;
		}
		if (pending(d) > 0) {
			n = drain(d);
			if (n < 0)
				return (int)n;
			if (n == 0)
				break;
		}
		if (d->eof && pending(d) == 0) {
			/* Half-close carried on: the other side may still talk. */
			if (shutdown(d->to, SHUT_WR) < 0 && errno != ENOTCONN)
				return -errno;
			d->shut = true;
		}
	}
	return 0;
}
