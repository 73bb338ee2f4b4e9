/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The payload of `mptcpkit perf`: a deterministic pseudo-random byte stream
 * from a 64-bit seed, cheap enough to send and check at memory speed.
 *
 * Byte k of the stream is byte (k mod P) of a table of xorshift64* output
 * from the seed, with P = PERF_STREAM_PERIOD, a prime just under 1 MiB:
 * the table stays in cache, the sender sends straight from it (no per-byte
 * work) and the receiver checks with memcmp(). Because P is prime, no
 * power-of-two shift, chunk size or page size lines up with the period:
 * lost, repeated or misplaced data shows up as mismatches.
 */
#ifndef MPTCPKIT_PERF_STREAM_H
#define MPTCPKIT_PERF_STREAM_H

#include <stddef.h>
#include <stdint.h>

#define PERF_STREAM_PERIOD 1048573u       /* bytes, prime */
#define PERF_STREAM_VIEW_MAX (512 * 1024) /* longest contiguous view */

struct perf_stream;

/* A stream for this seed; NULL when out of memory. */
struct perf_stream *perf_stream_new(uint64_t seed);
void perf_stream_free(struct perf_stream *s);

/* The stream from offset on, contiguous for *len bytes: *len is cut to
 * PERF_STREAM_VIEW_MAX. Valid until perf_stream_free(). */
const uint8_t *perf_stream_view(const struct perf_stream *s, uint64_t offset, size_t *len);

/* Copy the len bytes of the stream that start at offset. */
void perf_stream_fill(const struct perf_stream *s, uint64_t offset, void *buf, size_t len);

/* How many of these len bytes differ from the stream at offset. */
uint64_t perf_stream_check(const struct perf_stream *s, uint64_t offset,
			   const void *buf, size_t len);

#endif
