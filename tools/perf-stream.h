/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The payload of `mptcpkit perf`: a deterministic pseudo-random byte stream
 * from a 64-bit seed, cheap enough to generate and check at memory speed.
 *
 * Word i (8 bytes, little-endian) of the stream is
 *   table[i mod N] XOR block_key(i / N)
 * where table is N = 128 Ki words (1 MiB) of xorshift64* output from the
 * seed and block_key() a splitmix64 of the seed and the block number, so
 * every MiB differs and a shifted, duplicated or reordered piece shows up.
 */
#ifndef MPTCPKIT_PERF_STREAM_H
#define MPTCPKIT_PERF_STREAM_H

#include <stddef.h>
#include <stdint.h>

struct perf_stream;

/* A stream for this seed; NULL when out of memory. */
struct perf_stream *perf_stream_new(uint64_t seed);
void perf_stream_free(struct perf_stream *s);

/* The len bytes of the stream that start at byte offset. */
void perf_stream_fill(const struct perf_stream *s, uint64_t offset, void *buf, size_t len);

/* How many of these len bytes differ from the stream at offset. */
uint64_t perf_stream_check(const struct perf_stream *s, uint64_t offset,
			   const void *buf, size_t len);

#endif
