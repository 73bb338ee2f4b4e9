// SPDX-License-Identifier: GPL-2.0-or-later
/* The perf payload stream: generate and verify (see perf-stream.h). */
#include <endian.h>
#include <stdlib.h>
#include <string.h>

#include "perf-stream.h"

#define TABLE_SHIFT 17
#define TABLE_WORDS (1u << TABLE_SHIFT)
#define TABLE_MASK (TABLE_WORDS - 1)

struct perf_stream {
	uint64_t seed;
	uint64_t table[TABLE_WORDS];
};

static uint64_t splitmix64(uint64_t x)
{
	x += 0x9e3779b97f4a7c15ULL;
	x = (x ^ (x >> 30)) * 0xbf58476d1ce4e5b9ULL;
	x = (x ^ (x >> 27)) * 0x94d049bb133111ebULL;
	return x ^ (x >> 31);
}

static uint64_t block_key(const struct perf_stream *s, uint64_t block)
{
	return splitmix64(s->seed ^ splitmix64(block));
}

struct perf_stream *perf_stream_new(uint64_t seed)
{
	struct perf_stream *s = malloc(sizeof(*s));
	uint64_t x = splitmix64(seed) | 1; /* xorshift needs a non-zero state */

	if (!s)
		return NULL;
	s->seed = seed;
	for (size_t i = 0; i < TABLE_WORDS; i++) {
		x ^= x >> 12;
		x ^= x << 25;
		x ^= x >> 27;
		s->table[i] = htole64(x * 0x2545f4914f6cdd1dULL);
	}
	return s;
}

void perf_stream_free(struct perf_stream *s)
{
	free(s);
}

/* Word i as it appears on the wire (the table is stored little-endian). */
static uint64_t wire_word(const struct perf_stream *s, uint64_t i)
{
	return s->table[i & TABLE_MASK] ^ htole64(block_key(s, i >> TABLE_SHIFT));
}

/* Whole words from word index i, at most to the end of i's block. */
static size_t run_words(uint64_t i, size_t len)
{
	size_t left = TABLE_WORDS - (i & TABLE_MASK);

	return len / 8 < left ? len / 8 : left;
}

void perf_stream_fill(const struct perf_stream *s, uint64_t offset, void *buf, size_t len)
{
	uint8_t *p = buf;

	while (len) {
		uint64_t i = offset >> 3;
		size_t b = offset & 7, n;

		if (b || len < 8) { /* a piece of one word */
			uint64_t w = wire_word(s, i);

			n = 8 - b < len ? 8 - b : len;
			memcpy(p, (uint8_t *)&w + b, n);
		} else {
			const uint64_t *t = &s->table[i & TABLE_MASK];
			uint64_t key = htole64(block_key(s, i >> TABLE_SHIFT));
			size_t words = run_words(i, len);

			for (size_t k = 0; k < words; k++) {
				uint64_t w = t[k] ^ key;

				memcpy(p + 8 * k, &w, 8);
			}
			n = 8 * words;
		}
		p += n;
		offset += n;
		len -= n;
	}
}

static unsigned int bytes_differing(uint64_t diff)
{
	unsigned int n = 0;

	for (; diff; diff >>= 8)
		n += (diff & 0xff) != 0;
	return n;
}

/* Mismatched bytes in a run of whole words (fast path: no difference). */
static uint64_t check_words(const uint64_t *t, uint64_t key, const uint8_t *p, size_t words)
{
	uint64_t any = 0, bad = 0;

	for (size_t k = 0; k < words; k++) {
		uint64_t w;

		memcpy(&w, p + 8 * k, 8);
		any |= w ^ t[k] ^ key;
	}
	if (!any)
		return 0;
	for (size_t k = 0; k < words; k++) {
		uint64_t w;

		memcpy(&w, p + 8 * k, 8);
		bad += bytes_differing(w ^ t[k] ^ key);
	}
	return bad;
}

uint64_t perf_stream_check(const struct perf_stream *s, uint64_t offset,
			   const void *buf, size_t len)
{
	const uint8_t *p = buf;
	uint64_t bad = 0;

	while (len) {
		uint64_t i = offset >> 3;
		size_t b = offset & 7, n;

		if (b || len < 8) {
			uint64_t w = wire_word(s, i);

			n = 8 - b < len ? 8 - b : len;
			for (size_t k = 0; k < n; k++)
				bad += p[k] != ((uint8_t *)&w)[b + k];
		} else {
			size_t words = run_words(i, len);

			bad += check_words(&s->table[i & TABLE_MASK],
					   htole64(block_key(s, i >> TABLE_SHIFT)), p, words);
			n = 8 * words;
		}
		p += n;
		offset += n;
		len -= n;
	}
	return bad;
}
