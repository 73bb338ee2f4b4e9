// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * mpk-xfer: a bulk transfer through libmptcpkit, for the tests.
 *
 *   mpk-xfer server [-L] [-b ADDR] PORT      receive one connection until EOF
 *   mpk-xfer client [-L] HOST PORT BYTES     send BYTES of pseudo-random data
 *
 * Each side prints one JSON line: bytes, an FNV-1a 64 checksum of the data,
 * whether the connection is MPTCP and why, and its subflows from
 * mpk_info_get() sampled during the transfer: the most subflows seen, and
 * each subflow's addresses and interface at the sample that had the most.
 * -L reads the subflows through the legacy path (MPTCP_SUBFLOW_ADDRS, no
 * interface names) instead of MPTCP_FULL_INFO.
 */
#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <sys/time.h>
#include <json-c/json.h>

#include "mptcpkit.h"
#include "internal.h"

#define CHUNK (64 * 1024)
#define SAMPLE_EVERY (1024 * 1024) /* bytes between two samples */

struct xfer {
	uint64_t bytes;
	uint64_t hash;          /* FNV-1a 64 */
	struct mpk_status status;
	bool legacy;
	unsigned int samples;
	struct mpk_info best;   /* the sample with the most subflows */
};

static int die(const char *what, int err)
{
	fprintf(stderr, "mpk-xfer: %s: %s\n", what, mpk_strerror(err));
	exit(1);
}

static void hash_update(struct xfer *x, const unsigned char *p, size_t n)
{
	for (size_t i = 0; i < n; i++)
		x->hash = (x->hash ^ p[i]) * 0x100000001b3ULL;
	x->bytes += n;
}

/* Deterministic data: xorshift64 from a fixed seed. */
static void fill_random(unsigned char *buf, size_t n, uint64_t *state)
{
	for (size_t i = 0; i < n; i += 8) {
		*state ^= *state << 13;
		*state ^= *state >> 7;
		*state ^= *state << 17;
		memcpy(buf + i, state, n - i < 8 ? n - i : 8);
	}
}

static void sample(struct xfer *x, int fd)
{
	struct mpk_info info;

	if (mpk_info_get(fd, &info) < 0)
		return;
	if (x->legacy && info.mptcp) {
		memset(&info, 0, sizeof(info));
		info.mptcp = true;
		if (mpk_info_get_legacy(fd, &info) < 0)
			return;
	}
	x->samples++;
	if (x->samples == 1 || info.num_subflows > x->best.num_subflows)
		x->best = info;
}

static const char *source_name(enum mpk_info_source s)
{
	return s == MPK_INFO_FULL ? "full" : s == MPK_INFO_LEGACY ? "legacy" : "tcp";
}

static void print_result(const char *role, const struct xfer *x)
{
	struct json_object *o = json_object_new_object(), *subs = json_object_new_array();
	char hash[17], addr[MPK_ADDRSTRLEN];

	snprintf(hash, sizeof(hash), "%016" PRIx64, x->hash);
	json_object_object_add(o, "role", json_object_new_string(role));
	json_object_object_add(o, "bytes", json_object_new_int64((int64_t)x->bytes));
	json_object_object_add(o, "checksum", json_object_new_string(hash));
	json_object_object_add(o, "mptcp", json_object_new_boolean(x->status.mptcp));
	json_object_object_add(o, "reason",
			       json_object_new_string(mpk_reason_name(x->status.reason)));
	json_object_object_add(o, "samples", json_object_new_int(x->samples));
	json_object_object_add(o, "source", json_object_new_string(source_name(x->best.source)));
	json_object_object_add(o, "subflows_max", json_object_new_int(x->best.num_subflows));
	for (unsigned int i = 0; i < x->best.num_subflows; i++) {
		const struct mpk_subflow_info *s = &x->best.subflow[i];
		struct json_object *sub = json_object_new_object();

		mpk_addr_format((const struct sockaddr *)&s->local, addr, sizeof(addr));
		json_object_object_add(sub, "local", json_object_new_string(addr));
		mpk_addr_format((const struct sockaddr *)&s->remote, addr, sizeof(addr));
		json_object_object_add(sub, "remote", json_object_new_string(addr));
		json_object_object_add(sub, "ifname", json_object_new_string(s->ifname));
		json_object_array_add(subs, sub);
	}
	json_object_object_add(o, "subflows", subs);
	printf("%s\n", json_object_to_json_string_ext(o, JSON_C_TO_STRING_PLAIN));
	json_object_put(o);
}

/* Read until EOF, sampling the connection as data comes. */
static void receive_all(struct xfer *x, int fd)
{
	static unsigned char buf[CHUNK];
	uint64_t next_sample = 0;
	ssize_t n;

	while ((n = read(fd, buf, sizeof(buf))) > 0) {
		if (x->bytes >= next_sample) {
			sample(x, fd);
			next_sample += SAMPLE_EVERY;
		}
		hash_update(x, buf, n);
	}
	if (n < 0)
		die("read", -errno);
	sample(x, fd);
}

static int run_server(const char *bind_addr, const char *port, struct xfer *x)
{
	struct timeval timeout = { .tv_sec = 20 };
	struct mpk_status listener;
	int lfd, fd;

	lfd = mpk_listen(bind_addr, port, AF_UNSPEC, 1, MPK_CLOEXEC, &listener);
	if (lfd < 0)
		die("listen", lfd);
	fd = mpk_accept(lfd, NULL, NULL, MPK_CLOEXEC, &x->status);
	if (fd < 0)
		die("accept", fd);
	if (!listener.mptcp)
		x->status = listener;
	setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &timeout, sizeof(timeout));
	receive_all(x, fd);
	print_result("server", x);
	close(fd);
	close(lfd);
	return 0;
}

static void send_all(struct xfer *x, int fd, uint64_t total)
{
	static unsigned char buf[CHUNK];
	uint64_t state = 0x9e3779b97f4a7c15ULL, next_sample = 0;

	while (x->bytes < total) {
		size_t n = total - x->bytes < CHUNK ? total - x->bytes : CHUNK;
		size_t off = 0;

		if (x->bytes >= next_sample) {
			sample(x, fd);
			next_sample += SAMPLE_EVERY;
		}
		fill_random(buf, n, &state);
		while (off < n) {
			ssize_t w = write(fd, buf + off, n - off);

			if (w < 0)
				die("write", -errno);
			off += w;
		}
		hash_update(x, buf, n);
	}
}

static int run_client(const char *host, const char *port, const char *bytes, struct xfer *x)
{
	struct timeval timeout = { .tv_sec = 20 };
	char *end, c;
	unsigned long long total = strtoull(bytes, &end, 10);
	int fd;

	if (!*bytes || *end || *bytes == '-')
		die("bytes", -EINVAL);
	fd = mpk_connect(host, port, AF_UNSPEC, MPK_CLOEXEC, &x->status);
	if (fd < 0)
		die("connect", fd);
	setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &timeout, sizeof(timeout));
	send_all(x, fd, total);
	sample(x, fd);
	/* Say we are done, and wait for the server to have read everything. */
	if (shutdown(fd, SHUT_WR) < 0 || read(fd, &c, 1) < 0)
		die("finish", -errno);
	print_result("client", x);
	close(fd);
	return 0;
}

static int usage(void)
{
	fprintf(stderr, "usage: mpk-xfer server [-L] [-b ADDR] PORT\n"
			"       mpk-xfer client [-L] HOST PORT BYTES\n");
	return 2;
}

int main(int argc, char **argv)
{
	struct xfer x = { .hash = 0xcbf29ce484222325ULL };
	const char *bind_addr = NULL;
	int opt;

	if (argc < 2)
		return usage();
	optind = 2;
	while ((opt = getopt(argc, argv, "Lb:")) != -1) {
		if (opt == 'L')
			x.legacy = true;
		else if (opt == 'b')
			bind_addr = optarg;
		else
			return usage();
	}
	if (strcmp(argv[1], "server") == 0 && argc - optind == 1)
		return run_server(bind_addr, argv[optind], &x);
	if (strcmp(argv[1], "client") == 0 && argc - optind == 3 && !bind_addr)
		return run_client(argv[optind], argv[optind + 1], argv[optind + 2], &x);
	return usage();
}
