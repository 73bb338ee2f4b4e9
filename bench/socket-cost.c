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
 */
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>
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

int main(int argc, char **argv)
{
	double t0;
	long n;
	int ret;

	if (argc < 3 || (n = atol(argv[2])) <= 0) {
		fprintf(stderr, "usage: socket-cost sockets N PROTO | pipe N | sockopt N PROTO | swap N\n");
		return 2;
	}
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
