// SPDX-License-Identifier: GPL-2.0-or-later
/* The perf control exchange (see perf-proto.h). */
#include <errno.h>
#include <poll.h>
#include <string.h>
#include <unistd.h>
#include <sys/socket.h>

#include "perf-proto.h"
#include "clock.h"
#include "util.h"

#define MAGIC_HELLO 0x4d504b50u  /* "MPKP" */
#define MAGIC_ACK 0x4d504b41u    /* "MPKA" */
#define MAGIC_RESULT 0x4d504b52u /* "MPKR" */
#define MAGIC_STOP 0x4d504b53u   /* "MPKS" */
#define VERSION 1

/* Wait for events until deadline (ms); 0 or -ETIMEDOUT / -errno. */
static int wait_fd(int fd, short events, int64_t deadline)
{
	struct pollfd p = { .fd = fd, .events = events };
	int64_t left = deadline - (int64_t)clock_mono_ms();
	int n;

	if (left <= 0)
		return -ETIMEDOUT;
	n = poll(&p, 1, (int)left);
	if (n < 0)
		return -errno;
	return n == 0 ? -ETIMEDOUT : 0;
}

int perf_read_full(int fd, void *buf, size_t len, int timeout_ms)
{
	int64_t deadline = (int64_t)clock_mono_ms() + timeout_ms;
	size_t done = 0;

	while (done < len) {
		ssize_t n = recv(fd, (char *)buf + done, len - done, MSG_DONTWAIT);
		int ret;

		if (n == 0)
			return -ECONNRESET;
		if (n > 0) {
			done += n;
			continue;
		}
		if (errno != EAGAIN && errno != EINTR)
			return -errno;
		ret = wait_fd(fd, POLLIN, deadline);
		if (ret < 0)
			return ret;
	}
	return 0;
}

int perf_write_full(int fd, const void *buf, size_t len, int timeout_ms)
{
	int64_t deadline = (int64_t)clock_mono_ms() + timeout_ms;
	size_t done = 0;

	while (done < len) {
		ssize_t n = send(fd, (const char *)buf + done, len - done,
				 MSG_DONTWAIT | MSG_NOSIGNAL);
		int ret;

		if (n > 0) {
			done += n;
			continue;
		}
		if (n < 0 && errno != EAGAIN && errno != EINTR)
			return -errno;
		ret = wait_fd(fd, POLLOUT, deadline);
		if (ret < 0)
			return ret;
	}
	return 0;
}

static void put32(uint8_t *p, uint32_t v)
{
	p[0] = v >> 24;
	p[1] = v >> 16;
	p[2] = v >> 8;
	p[3] = v;
}

static void put64(uint8_t *p, uint64_t v)
{
	put32(p, v >> 32);
	put32(p + 4, (uint32_t)v);
}

static uint32_t get32(const uint8_t *p)
{
	return (uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 | (uint32_t)p[2] << 8 | p[3];
}

static uint64_t get64(const uint8_t *p)
{
	return (uint64_t)get32(p) << 32 | get32(p + 4);
}

int perf_hello_send(int fd, const struct perf_hello *h)
{
	uint8_t b[PERF_HELLO_LEN];

	put32(b, MAGIC_HELLO);
	put32(b + 4, VERSION);
	put32(b + 8, h->flags);
	put32(b + 12, h->duration_ms);
	put64(b + 16, h->seed);
	return perf_write_full(fd, b, sizeof(b), PERF_CONTROL_TIMEOUT_MS);
}

int perf_hello_recv(int fd, struct perf_hello *h)
{
	uint8_t b[PERF_HELLO_LEN];
	int ret = perf_read_full(fd, b, sizeof(b), PERF_CONTROL_TIMEOUT_MS);

	if (ret < 0)
		return ret;
	if (get32(b) != MAGIC_HELLO || get32(b + 4) != VERSION)
		return -EPROTO;
	h->flags = get32(b + 8);
	h->duration_ms = get32(b + 12);
	h->seed = get64(b + 16);
	return 0;
}

int perf_ack_send(int fd, uint32_t status)
{
	uint8_t b[PERF_ACK_LEN];

	put32(b, MAGIC_ACK);
	put32(b + 4, status);
	return perf_write_full(fd, b, sizeof(b), PERF_CONTROL_TIMEOUT_MS);
}

int perf_ack_recv(int fd, uint32_t *status)
{
	uint8_t b[PERF_ACK_LEN];
	int ret = perf_read_full(fd, b, sizeof(b), PERF_CONTROL_TIMEOUT_MS);

	if (ret < 0)
		return ret;
	if (get32(b) != MAGIC_ACK)
		return -EPROTO;
	*status = get32(b + 4);
	return 0;
}

void perf_stop_encode(uint8_t out[PERF_STOP_LEN])
{
	put32(out, MAGIC_STOP);
	put32(out + 4, 0);
}

int perf_stop_decode(const uint8_t in[PERF_STOP_LEN])
{
	return get32(in) == MAGIC_STOP ? 0 : -EPROTO;
}

void perf_result_encode(const struct perf_result *r, uint8_t out[PERF_RESULT_LEN])
{
	put32(out, MAGIC_RESULT);
	put32(out + 4, 0);
	put64(out + 8, r->bytes);
	put64(out + 16, r->mismatches);
	put64(out + 24, r->elapsed_us);
}

int perf_result_decode(const uint8_t in[PERF_RESULT_LEN], struct perf_result *r)
{
	if (get32(in) != MAGIC_RESULT)
		return -EPROTO;
	r->bytes = get64(in + 8);
	r->mismatches = get64(in + 16);
	r->elapsed_us = get64(in + 24);
	return 0;
}
