/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The perf control exchange, on the test connection itself:
 *   client -> server  hello  (24 bytes): magic "MPKP", version 1, flags
 *                      (bit 0: reverse), duration in ms, seed
 *   server -> client  ack    (8 bytes): magic "MPKA", status (0 = go)
 *   sender -> receiver the payload stream, until:
 *   receiver -> sender stop   (8 bytes) when the duration is over: magic
 *                      "MPKS", 0; the sender then shuts its side down
 *                      (an end of stream before the stop is an error)
 *   receiver -> sender result (32 bytes) after end of stream: magic
 *                      "MPKR", 0, bytes received, mismatched bytes,
 *                      microseconds from start to end of stream
 * All integers big-endian. Every wait has a timeout.
 */
#ifndef MPTCPKIT_PERF_PROTO_H
#define MPTCPKIT_PERF_PROTO_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define PERF_FLAG_REVERSE 0x1
#define PERF_CONTROL_TIMEOUT_MS 5000
#define PERF_HELLO_LEN 24
#define PERF_ACK_LEN 8
#define PERF_STOP_LEN 8
#define PERF_RESULT_LEN 32
#define PERF_STOP_GRACE_S 30.0 /* sender: the stop is this late, give up */

struct perf_hello {
	uint32_t flags;
	uint32_t duration_ms;
	uint64_t seed;
};

struct perf_result {
	uint64_t bytes;
	uint64_t mismatches;
	uint64_t elapsed_us;
};

/* Read or write exactly len bytes on a (non-blocking) socket within
 * timeout_ms; 0, -ETIMEDOUT, -ECONNRESET (peer closed early) or -errno. */
int perf_read_full(int fd, void *buf, size_t len, int timeout_ms);
int perf_write_full(int fd, const void *buf, size_t len, int timeout_ms);

int perf_hello_send(int fd, const struct perf_hello *h);
/* -EPROTO for something that is not a perf client. */
int perf_hello_recv(int fd, struct perf_hello *h);
int perf_ack_send(int fd, uint32_t status);
/* The server's status in *status; -EPROTO for something else than a perf server. */
int perf_ack_recv(int fd, uint32_t *status);

void perf_stop_encode(uint8_t out[PERF_STOP_LEN]);
/* 0, or -EPROTO. */
int perf_stop_decode(const uint8_t in[PERF_STOP_LEN]);

void perf_result_encode(const struct perf_result *r, uint8_t out[PERF_RESULT_LEN]);
/* 0, or -EPROTO. */
int perf_result_decode(const uint8_t in[PERF_RESULT_LEN], struct perf_result *r);

#endif
