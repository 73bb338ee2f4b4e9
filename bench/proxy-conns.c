// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * Short connections through a proxy: 1 KiB request, 1 KiB reply.
 *   proxy-conns server PORT          answer each connection: read 1 KiB,
 *                                    write 1 KiB, close (epoll, one thread)
 *   proxy-conns hold PORT            accept and keep every connection
 *   proxy-conns client HOST PORT SECS PARALLEL
 *                                    PARALLEL processes, each in a loop:
 *                                    connect, send 1 KiB, read 1 KiB, close;
 *                                    prints "conns N per_s X errors E"
 * Plain TCP sockets: force them with mptcpkit run where MPTCP is wanted.
 * Loopback client sockets bind 127.0.0.2-127.0.0.250 in turn, so that
 * TIME-WAIT does not run out of ports.
 */
#include <errno.h>
#include <fcntl.h>
#include <netdb.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/epoll.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <sys/wait.h>

#define MSG 1024

static double now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static void raise_nofile(void)
{
	struct rlimit rl;

	if (getrlimit(RLIMIT_NOFILE, &rl) == 0) {
		rl.rlim_cur = rl.rlim_max;
		setrlimit(RLIMIT_NOFILE, &rl);
	}
}

static int listen_on(const char *port)
{
	struct sockaddr_in sa = { .sin_family = AF_INET, .sin_port = htons((uint16_t)atoi(port)) };
	int one = 1, fd = socket(AF_INET, SOCK_STREAM | SOCK_NONBLOCK, 0);

	if (fd < 0 || setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one)) < 0 ||
	    bind(fd, (struct sockaddr *)&sa, sizeof(sa)) < 0 || listen(fd, 4096) < 0) {
		perror("proxy-conns: listen");
		exit(1);
	}
	return fd;
}

/* Per connection: bytes of the request read so far, in the epoll data. */
static void server(const char *port, int hold)
{
	static char reply[MSG];
	struct epoll_event ev, evs[256];
	int lfd = listen_on(port), ep = epoll_create1(0);
	char buf[MSG];

	ev.events = EPOLLIN;
	ev.data.u64 = (uint64_t)lfd;
	epoll_ctl(ep, EPOLL_CTL_ADD, lfd, &ev);
	for (;;) {
		int n = epoll_wait(ep, evs, 256, -1);

		for (int i = 0; i < n; i++) {
			int fd = (int)(evs[i].data.u64 & 0xffffffff);
			uint32_t got = (uint32_t)(evs[i].data.u64 >> 32);
			ssize_t r;

			if (fd == lfd) {
				int c;

				while ((c = accept4(lfd, NULL, NULL, SOCK_NONBLOCK)) >= 0) {
					if (hold)
						continue;
					ev.events = EPOLLIN;
					ev.data.u64 = (uint64_t)c;
					epoll_ctl(ep, EPOLL_CTL_ADD, c, &ev);
				}
				continue;
			}
			r = read(fd, buf, sizeof(buf));
			if (r > 0 && got + (uint32_t)r < MSG) {
				ev.events = EPOLLIN;
				ev.data.u64 = (uint64_t)fd | ((uint64_t)(got + (uint32_t)r) << 32);
				epoll_ctl(ep, EPOLL_CTL_MOD, fd, &ev);
				continue;
			}
			if (r > 0 && write(fd, reply, MSG) < 0)
				r = -1;
			close(fd);
		}
	}
}

static int one_conn(const struct sockaddr_in *dst, int k)
{
	struct sockaddr_in src = { .sin_family = AF_INET };
	char buf[MSG] = { 0 };
	size_t got = 0;
	int fd = socket(AF_INET, SOCK_STREAM, 0);

	if (fd < 0)
		return -1;
	if (dst->sin_addr.s_addr == htonl(INADDR_LOOPBACK)) {
		src.sin_addr.s_addr = htonl(0x7f000002u + (uint32_t)(k % 249));
		bind(fd, (struct sockaddr *)&src, sizeof(src));
	}
	if (connect(fd, (const struct sockaddr *)dst, sizeof(*dst)) < 0 ||
	    write(fd, buf, MSG) != MSG) {
		close(fd);
		return -1;
	}
	while (got < MSG) {
		ssize_t r = read(fd, buf, sizeof(buf));

		if (r <= 0)
			break;
		got += (size_t)r;
	}
	close(fd);
	return got == MSG ? 0 : -1;
}

static void client(const char *host, const char *port, double secs, int parallel)
{
	struct sockaddr_in dst = { .sin_family = AF_INET, .sin_port = htons((uint16_t)atoi(port)) };
	long total = 0, errors = 0;
	int fds[2];
	double t0 = now();

	if (inet_pton(AF_INET, host, &dst.sin_addr) != 1 || pipe(fds) < 0) {
		fprintf(stderr, "proxy-conns: bad host %s\n", host);
		exit(1);
	}
	for (int p = 0; p < parallel; p++) {
		if (fork() == 0) {
			long n[2] = { 0, 0 };

			for (int k = p; now() - t0 < secs; k += parallel)
				n[one_conn(&dst, k) ? 1 : 0]++;
			if (write(fds[1], n, sizeof(n)) < 0)
				_exit(1);
			_exit(0);
		}
	}
	close(fds[1]);
	for (int p = 0; p < parallel; p++) {
		long n[2];

		if (read(fds[0], n, sizeof(n)) == (ssize_t)sizeof(n)) {
			total += n[0];
			errors += n[1];
		}
	}
	while (wait(NULL) > 0)
		;
	printf("conns %ld per_s %.0f errors %ld\n", total, (double)total / (now() - t0), errors);
}

int main(int argc, char **argv)
{
	raise_nofile();
	if (argc == 3 && !strcmp(argv[1], "server"))
		server(argv[2], 0);
	else if (argc == 3 && !strcmp(argv[1], "hold"))
		server(argv[2], 1);
	else if (argc == 6 && !strcmp(argv[1], "client"))
		client(argv[2], argv[3], atof(argv[4]), atoi(argv[5]));
	else {
		fprintf(stderr, "usage: proxy-conns server PORT | hold PORT | client HOST PORT SECS PARALLEL\n");
		return 2;
	}
	return 0;
}
