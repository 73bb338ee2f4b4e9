// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * socket-cost sockets N PROTO | pipe N | sockopt N PROTO | swap N: the cost
 * of one socket()+close() of AF_INET/SOCK_STREAM with protocol PROTO (0 =
 * TCP, 262 = MPTCP), of one 1-byte pipe write+read, of one setsockopt() of
 * an option MPTCP accepts (TCP_NODELAY, on one socket of protocol PROTO:
 * forced sockets are MPTCP, which costs more per call), or of one socket() +
 * setsockopt(TCP_USER_TIMEOUT) + close() (MPTCP refuses it: a forced socket
 * is swapped for TCP), averaged over N; prints nanoseconds per operation.
 * Run it under 'mptcpkit run' to see what forcing costs.
 *
 * socket-cost pair N BATCH: TCP (protocol 0, which a forcing mode turns
 * into MPTCP) against MPTCP asked directly, in the same process, in
 * alternating batches of BATCH; prints the median over the N batch pairs of
 * time(TCP batch) / time(MPTCP batch). On a shared or emulated machine the
 * noise hits both sides of a pair alike, which separate runs cannot offer.
 */
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>

#ifndef IPPROTO_MPTCP
#define IPPROTO_MPTCP 262
#endif
#include <unistd.h>

static double now_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec * 1e9 + ts.tv_nsec;
}

static int sockets(long n, int proto)
{
	for (long i = 0; i < n; i++) {
		int fd = socket(AF_INET, SOCK_STREAM, proto);

		if (fd < 0) {
			perror("socket");
			return 1;
		}
		close(fd);
	}
	return 0;
}

static int pipes(long n)
{
	int p[2];
	char c = 'x';

	if (pipe(p) < 0)
		return 1;
	for (long i = 0; i < n; i++)
		if (write(p[1], &c, 1) != 1 || read(p[0], &c, 1) != 1)
			return 1;
	return 0;
}

static int sockopts(long n, int proto)
{
	int fd = socket(AF_INET, SOCK_STREAM, proto), one = 1;

	if (fd < 0)
		return 1;
	for (long i = 0; i < n; i++)
		if (setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof(one)) < 0) {
			perror("setsockopt");
			return 1;
		}
	close(fd);
	return 0;
}

static int swaps(long n)
{
	int ms = 5000;

	for (long i = 0; i < n; i++) {
		int fd = socket(AF_INET, SOCK_STREAM, 0);

		if (fd < 0 || setsockopt(fd, IPPROTO_TCP, TCP_USER_TIMEOUT, &ms, sizeof(ms)) < 0) {
			perror("socket/setsockopt");
			return 1;
		}
		close(fd);
	}
	return 0;
}

static int cmp_double(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;

	return (x > y) - (x < y);
}

static double batch_ns(long n, int proto)
{
	double t0 = now_ns();

	if (sockets(n, proto))
		return -1;
	return now_ns() - t0;
}

/* Pairs alternate which goes first, so that neither always follows the other. */
static int pairs(long n, long batch)
{
	double *r = calloc((size_t)n, sizeof(*r));

	if (!r || batch <= 0)
		return 1;
	for (long i = 0; i < n; i++) {
		double a, b;

		if (i % 2) {
			b = batch_ns(batch, IPPROTO_MPTCP);
			a = batch_ns(batch, 0);
		} else {
			a = batch_ns(batch, 0);
			b = batch_ns(batch, IPPROTO_MPTCP);
		}
		if (a < 0 || b <= 0) {
			free(r);
			return 1;
		}
		r[i] = a / b;
	}
	qsort(r, (size_t)n, sizeof(*r), cmp_double);
	printf("%.3f\n", n % 2 ? r[n / 2] : (r[n / 2 - 1] + r[n / 2]) / 2);
	free(r);
	return 0;
}

int main(int argc, char **argv)
{
	double t0;
	long n;
	int ret;

	if (argc < 3 || (n = atol(argv[2])) <= 0) {
		fprintf(stderr, "usage: socket-cost sockets N PROTO | pipe N | sockopt N PROTO | swap N | pair N BATCH\n");
		return 2;
	}
	if (!strcmp(argv[1], "pair"))
		return pairs(n, argc > 3 ? atol(argv[3]) : 100);
	t0 = now_ns();
	if (!strcmp(argv[1], "sockets"))
		ret = sockets(n, argc > 3 ? atoi(argv[3]) : 0);
	else if (!strcmp(argv[1], "sockopt"))
		ret = sockopts(n, argc > 3 ? atoi(argv[3]) : 0);
	else if (!strcmp(argv[1], "swap"))
		ret = swaps(n);
	else
		ret = pipes(n);
	if (!ret)
		printf("%.0f\n", (now_ns() - t0) / n);
	return ret;
}
