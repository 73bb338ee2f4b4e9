// SPDX-License-Identifier: GPL-2.0-or-later
/* perf's payload stream, its bookkeeping and the SVG writer. */
#include <errno.h>
#include <math.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <arpa/inet.h>
#include <sys/socket.h>
#include <cmocka.h>

#include "perf-proto.h"

#include "perf-stats.h"
#include "perf-stream.h"
#include "svg-plot.h"

#define MIB (1024 * 1024)
#define LEN (3 * MIB + 13)

static uint8_t *stream_bytes(uint64_t seed, uint64_t offset, size_t len)
{
	struct perf_stream *s = perf_stream_new(seed);
	uint8_t *b = malloc(len);

	assert_non_null(s);
	assert_non_null(b);
	perf_stream_fill(s, offset, b, len);
	perf_stream_free(s);
	return b;
}

/* Pieces of odd sizes at odd offsets make the same stream as one call. */
static void test_chunks_same_stream(void **state)
{
	struct perf_stream *s = perf_stream_new(42);
	uint8_t *whole = stream_bytes(42, 0, LEN), *pieces = malloc(LEN);
	size_t off = 0, n = 1;

	while (off < LEN) {
		n = (n * 7919 + 13) % 70001 + 1;
		if (n > LEN - off)
			n = LEN - off;
		perf_stream_fill(s, off, pieces + off, n);
		assert_int_equal(perf_stream_check(s, off, whole + off, n), 0);
		off += n;
	}
	assert_memory_equal(whole, pieces, LEN);
	assert_int_equal(perf_stream_check(s, 0, pieces, LEN), 0);
	free(whole);
	free(pieces);
	perf_stream_free(s);
}

static void test_single_flip_detected(void **state)
{
	const size_t where[] = { 0, 7, 8, 4095, MIB - 1, MIB, 2 * MIB + 5, LEN - 1 };
	struct perf_stream *s = perf_stream_new(7);
	uint8_t *b = stream_bytes(7, 0, LEN);

	for (size_t i = 0; i < sizeof(where) / sizeof(where[0]); i++) {
		b[where[i]] ^= 0x10;
		assert_int_equal(perf_stream_check(s, 0, b, LEN), 1);
		/* also when checked in pieces that split words */
		assert_int_equal(perf_stream_check(s, 0, b, 3) +
				 perf_stream_check(s, 3, b + 3, LEN - 3), 1);
		b[where[i]] ^= 0x10;
	}
	assert_int_equal(perf_stream_check(s, 0, b, LEN), 0);
	free(b);
	perf_stream_free(s);
}

/* Another seed, a shifted stream or a repeated MiB do not pass. */
static void test_wrong_streams_fail(void **state)
{
	struct perf_stream *s = perf_stream_new(1);
	uint8_t *other = stream_bytes(2, 0, MIB), *next = stream_bytes(1, 1, MIB);
	uint8_t *second = stream_bytes(1, MIB, MIB);

	assert_true(perf_stream_check(s, 0, other, MIB) > MIB / 2);
	assert_true(perf_stream_check(s, 0, next, MIB) > MIB / 2);
	assert_true(perf_stream_check(s, 0, second, MIB) > MIB / 2);
	assert_int_equal(perf_stream_check(s, MIB, second, MIB), 0);
	free(other);
	free(next);
	free(second);
	perf_stream_free(s);
}

static void set_subflow(struct mpk_subflow_info *sf, int k, uint64_t acked)
{
	struct sockaddr_in *l = (struct sockaddr_in *)&sf->local;
	struct sockaddr_in *r = (struct sockaddr_in *)&sf->remote;

	memset(sf, 0, sizeof(*sf));
	l->sin_family = r->sin_family = AF_INET;
	l->sin_addr.s_addr = htonl(0x0a000001 + (k << 8));
	l->sin_port = htons(40000 + k);
	r->sin_addr.s_addr = htonl(0x0a000102);
	r->sin_port = htons(5301);
	sf->id = k + 1;
	sf->has_tcp_info = true;
	sf->bytes_acked = acked;
}

/* Subflows come and go as events; bytes are per subflow and per interval. */
static void test_stats_subflows(void **state)
{
	struct perf_stats st;
	struct mpk_info info;

	assert_int_equal(perf_stats_init(&st, true), 0);
	memset(&info, 0, sizeof(info));
	info.mptcp = true;
	info.source = MPK_INFO_FULL;
	info.num_subflows = 2;
	set_subflow(&info.subflow[0], 0, 1000);
	set_subflow(&info.subflow[1], 1, 500);
	info.conn.bytes_acked = 1500;
	perf_stats_sample(&st, 0.05, &info, 2000);
	assert_int_equal(st.nsf, 2);
	assert_int_equal(st.nevents, 2);
	assert_true(st.events[0].added && st.events[1].added);
	set_subflow(&info.subflow[0], 0, 3000);
	info.num_subflows = 1;
	info.conn.bytes_acked = 3500;
	perf_stats_sample(&st, 0.10, &info, 4000);
	assert_int_equal(st.nevents, 3);
	assert_false(st.events[2].added);
	assert_int_equal(st.events[2].subflow, 1);
	assert_int_equal(st.sf[0].bytes, 3000);
	assert_int_equal(st.sf[1].bytes, 500);
	assert_int_equal(st.total, 3500);
	assert_int_equal(perf_stats_close_interval(&st), 0);
	assert_int_equal(st.nintervals, 1);
	assert_int_equal(st.intervals[0].bytes, 3500);
	assert_int_equal(st.intervals[0].sub[0], 3000);
	assert_true(st.intervals[0].seen[1]);
	/* the same addresses again: a new subflow, counted from zero */
	info.num_subflows = 2;
	set_subflow(&info.subflow[1], 1, 100);
	perf_stats_sample(&st, 0.15, &info, 4000);
	assert_int_equal(st.nsf, 3);
	assert_int_equal(st.sf[2].bytes, 100);
	perf_stats_free(&st);
}

/* 0.3 s without progress in the middle; the idle tail does not count. */
static void test_stats_max_stall(void **state)
{
	struct perf_stats st;
	uint64_t bytes = 0;
	double len, start;

	assert_int_equal(perf_stats_init(&st, false), 0);
	for (int i = 1; i <= 40; i++) {
		if (i <= 10 || (i > 16 && i <= 30))
			bytes += 100000;
		perf_stats_sample(&st, i * 0.05, NULL, bytes);
	}
	perf_stats_max_stall(&st, &len, &start);
	assert_true(fabs(len - 0.30) < 1e-6);
	assert_true(fabs(start - 0.50) < 1e-6);
	perf_stats_free(&st);
}

static void test_svg_nice_step(void **state)
{
	assert_true(fabs(svg_nice_step(10, 12) - 1) < 1e-9);
	assert_true(fabs(svg_nice_step(95, 8) - 20) < 1e-9);
	assert_true(fabs(svg_nice_step(0.7, 12) - 0.1) < 1e-9);
	assert_true(fabs(svg_nice_step(4000, 8) - 500) < 1e-9);
}

static size_t count(const char *hay, const char *needle)
{
	size_t n = 0;

	for (const char *p = hay; (p = strstr(p, needle)); p++)
		n++;
	return n;
}

/* A gap (NAN) splits a line; text is escaped; markers are drawn. */
static void test_svg_write(void **state)
{
	const double x[] = { 0, 1, 2, 3 }, a[] = { 1, 2, 3, 4 }, b[] = { 5, NAN, 6, 7 };
	const struct svg_series series[] = { { "total", a, "#000", true }, { "<a&b>", b, NULL, false } };
	const struct svg_marker markers[] = { { 1.5, "#1 closed" } };
	const struct svg_plot p = { "t", "time (s)", "Mbit/s", x, 4, series, 2, markers, 1 };
	char *out = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&out, &len);

	assert_int_equal(svg_plot_write(f, &p), 0);
	fclose(f);
	assert_int_equal(count(out, "<polyline"), 3);
	assert_int_equal(count(out, "data-series=\"1\""), 2);
	assert_non_null(strstr(out, "&lt;a&amp;b&gt;"));
	assert_non_null(strstr(out, "#1 closed"));
	assert_non_null(strstr(out, "</svg>"));
	free(out);
}

/* The y of the n-th marker label ("class=\"mlabel\">" preceded by y="..."). */
static int label_y(const char *svg, int n)
{
	const char *p = svg;

	for (int i = 0; i <= n; i++) {
		p = strstr(p, "class=\"mlabel\">");
		assert_non_null(p);
		p++;
	}
	while (p > svg && strncmp(p, "y=\"", 3) != 0)
		p--;
	return atoi(p + 3);
}

/* Labels of markers close together never overlap: the demo's "#2 added"
 * written over "path 1 restored", 0.3 s apart on a 60 s plot. A label far
 * enough along goes back to the first line. */
static void test_svg_marker_labels(void **state)
{
	const double x[] = { 0, 60 }, a[] = { 1, 2 };
	const struct svg_series series[] = { { "total", a, NULL, true } };
	const struct svg_marker markers[] = {
		{ 20.0, "path 1 restored" }, { 20.3, "#2 added" }, { 21.0, "#3 added" },
		{ 40.0, "path 2 cut" },
	};
	const struct svg_plot p = { "t", "time (s)", "Mbit/s", x, 2, series, 1, markers, 4 };
	char *out = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&out, &len);

	assert_int_equal(svg_plot_write(f, &p), 0);
	fclose(f);
	assert_int_not_equal(label_y(out, 0), label_y(out, 1));
	assert_int_not_equal(label_y(out, 1), label_y(out, 2));
	assert_int_not_equal(label_y(out, 0), label_y(out, 2));
	assert_int_equal(label_y(out, 3), label_y(out, 0));
	free(out);
}

/* The control messages survive the trip; something else is refused. */
static void test_proto_roundtrip(void **state)
{
	const struct perf_hello h = { PERF_FLAG_REVERSE, 4000, 0x0123456789abcdefULL };
	const struct perf_result r = { 1ULL << 40, 3, 4000123 };
	struct perf_hello h2;
	struct perf_result r2;
	uint8_t buf[PERF_RESULT_LEN];
	uint32_t status = 9;
	int sv[2];

	assert_int_equal(socketpair(AF_UNIX, SOCK_STREAM, 0, sv), 0);
	assert_int_equal(perf_hello_send(sv[0], &h), 0);
	assert_int_equal(perf_hello_recv(sv[1], &h2), 0);
	assert_int_equal(h2.flags, h.flags);
	assert_int_equal(h2.duration_ms, h.duration_ms);
	assert_true(h2.seed == h.seed);
	assert_int_equal(perf_ack_send(sv[1], 0), 0);
	assert_int_equal(perf_ack_recv(sv[0], &status), 0);
	assert_int_equal(status, 0);
	perf_result_encode(&r, buf);
	assert_int_equal(perf_result_decode(buf, &r2), 0);
	assert_true(r2.bytes == r.bytes && r2.mismatches == 3 && r2.elapsed_us == 4000123);
	perf_stop_encode(buf);
	assert_int_equal(perf_stop_decode(buf), 0);
	assert_int_equal(perf_result_decode(buf, &r2), -EPROTO);
	/* an HTTP request is not a perf client; a closed peer is not a hang */
	assert_int_equal(write(sv[0], "GET / HTTP/1.1\r\nHost: x\r\n\r\n", 28), 28);
	assert_int_equal(perf_hello_recv(sv[1], &h2), -EPROTO);
	close(sv[0]);
	assert_int_equal(perf_ack_recv(sv[1], &status), -ECONNRESET);
	close(sv[1]);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_chunks_same_stream),
		cmocka_unit_test(test_single_flip_detected),
		cmocka_unit_test(test_wrong_streams_fail),
		cmocka_unit_test(test_stats_subflows),
		cmocka_unit_test(test_stats_max_stall),
		cmocka_unit_test(test_svg_nice_step),
		cmocka_unit_test(test_svg_write),
		cmocka_unit_test(test_svg_marker_labels),
		cmocka_unit_test(test_proto_roundtrip),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
