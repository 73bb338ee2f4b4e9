// SPDX-License-Identifier: GPL-2.0-or-later
/* The perf payload stream: generate and verify (see perf-stream.h). */
#include <stdlib.h>
#include <string.h>

#include "perf-stream.h"

/* One period, then its first PERF_STREAM_VIEW_MAX bytes again, so that a
 * view never wraps. */
#define TABLE_LEN (PERF_STREAM_PERIOD + PERF_STREAM_VIEW_MAX)

struct perf_stream {
	uint8_t table[TABLE_LEN];
};

static uint64_t splitmix64(uint64_t x)
{
	x += 0x9e3779b97f4a7c15ULL;
	x = (x ^ (x >> 30)) * 0xbf58476d1ce4e5b9ULL;
	x = (x ^ (x >> 27)) * 0x94d049bb133111ebULL;
	return x ^ (x >> 31);
}

struct perf_stream *perf_stream_new(uint64_t seed)
{
	struct perf_stream *s = malloc(sizeof(*s));
	uint64_t x = splitmix64(seed) | 1; /* xorshift needs a non-zero state */

	if (!s)
		return NULL;
	for (size_t i = 0; i < PERF_STREAM_PERIOD; i++) {
		if (i % 8 == 0) {
			x ^= x >> 12;
			x ^= x << 25;
			x ^= x >> 27;
		}
		s->table[i] = (uint8_t)((x * 0x2545f4914f6cdd1dULL) >> (56 - 8 * (i % 8)));
	}
	memcpy(s->table + PERF_STREAM_PERIOD, s->table, PERF_STREAM_VIEW_MAX);
	return s;
}

void perf_stream_free(struct perf_stream *s)
{
	free(s);
}

const uint8_t *perf_stream_view(const struct perf_stream *s, uint64_t offset, size_t *len)
{
	if (*len > PERF_STREAM_VIEW_MAX)
		*len = PERF_STREAM_VIEW_MAX;
	return s->table + offset % PERF_STREAM_PERIOD;
}

void perf_stream_fill(const struct perf_stream *s, uint64_t offset, void *buf, size_t len)
{
	uint8_t *p = buf;

	while (len) {
		size_t n = len;
		const uint8_t *v = perf_stream_view(s, offset, &n);

		memcpy(p, v, n);
		p += n;
		offset += n;
		len -= n;
	}
}

static uint64_t count_differing(const uint8_t *a, const uint8_t *b, size_t len)
{
	uint64_t bad = 0;

	for (size_t i = 0; i < len; i++)
		bad += a[i] != b[i];
	return bad;
}

uint64_t perf_stream_check(const struct perf_stream *s, uint64_t offset,
			   const void *buf, size_t len)
{
	const uint8_t *p = buf;
	uint64_t bad = 0;

	while (len) {
		size_t n = len;
		const uint8_t *v = perf_stream_view(s, offset, &n);

		/* memcmp is the fast path; count bytes only when it differs */
		if (memcmp(p, v, n) != 0)
			bad += count_differing(p, v, n);
		p += n;
		offset += n;
		len -= n;
	}
	return bad;
}
