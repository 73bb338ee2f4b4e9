// SPDX-License-Identifier: MIT
/*
 * hello-server: answer hello clients over Multipath TCP, and tell for each
 * connection whether it really runs MPTCP -- and if not, why.
 *
 *   hello-server [-j] [-b ADDR] [-n COUNT] PORT
 *
 * By default it listens on every address, IPv6 and IPv4 on one socket.
 * -b ADDR listens on one address only; -n COUNT stops after COUNT
 * connections; -j prints one JSON line per connection.
 *
 * The listening socket is MPTCP when the kernel allows it, TCP otherwise.
 * Each accepted connection is MPTCP only if the client asked for it too:
 * a plain TCP client (or a middlebox stripping MPTCP options) gives a
 * connection that fell back to TCP, which works just the same.
 *
 * Build: cc hello-server.c $(pkg-config --cflags --libs libmptcpkit)
 */
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <sys/time.h>

#include <mptcpkit.h>

static const char *prog = "hello-server";

static int usage(void)
{
	fprintf(stderr, "usage: %s [-j] [-b ADDR] [-n COUNT] PORT\n", prog);
	return 2;
}

/* Read the greeting line and answer it. A client that says nothing for
 * 5 seconds is dropped, so one silent client cannot block the others. */
static void answer_client(int fd)
{
	struct timeval timeout = { .tv_sec = 5 };
	char line[128], answer[200];
	size_t got = 0;
	ssize_t n;

	setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &timeout, sizeof(timeout));
	while (got < sizeof(line) - 1 && !memchr(line, '\n', got) &&
	       (n = read(fd, line + got, sizeof(line) - 1 - got)) > 0)
		got += n;
	line[got] = '\0';
	line[strcspn(line, "\r\n")] = '\0';
	n = snprintf(answer, sizeof(answer), "hi, you said \"%s\"\n", line);
	if (send(fd, answer, n, MSG_NOSIGNAL) != n) /* EPIPE, not SIGPIPE */
		fprintf(stderr, "%s: could not answer a client\n", prog);
}

/* One line per connection: who, MPTCP or TCP, and why. */
static void print_connection(const struct sockaddr *peer, const struct mpk_status *st,
			     bool json)
{
	char addr[MPK_ADDRSTRLEN];

	mpk_addr_format(peer, addr, sizeof(addr));
	if (json)
		printf("{\"peer\":\"%s\",\"mptcp\":%s,\"reason\":\"%s\"}\n", addr,
		       st->mptcp ? "true" : "false", mpk_reason_name(st->reason));
	else
		printf("connection from %s: %s (%s: %s)\n", addr, st->mptcp ? "MPTCP" : "TCP",
		       mpk_reason_name(st->reason), mpk_reason_describe(st->reason));
	fflush(stdout); /* tests and pipes read it as it happens */
}

int main(int argc, char **argv)
{
	const char *bind_addr = NULL;
	struct mpk_status listener, conn;
	long count = -1; /* forever */
	bool json = false;
	int opt, lfd;

	while ((opt = getopt(argc, argv, "jb:n:")) != -1) {
		if (opt == 'j')
			json = true;
		else if (opt == 'b')
			bind_addr = optarg;
		else if (opt == 'n' && (count = atol(optarg)) > 0)
			continue;
		else
			return usage();
	}
	if (argc - optind != 1)
		return usage();

	/* NULL host: every address, dual-stack where the system allows. */
	lfd = mpk_listen(bind_addr, argv[optind], AF_UNSPEC, 0, MPK_CLOEXEC, &listener);
	if (lfd < 0) {
		fprintf(stderr, "%s: cannot listen on %s port %s: %s\n", prog,
			bind_addr ? bind_addr : "every address", argv[optind],
			mpk_strerror(lfd));
		return 1;
	}
	if (!json) {
		printf("listening on port %d: %s (%s: %s)\n", mpk_local_port(lfd),
		       listener.mptcp ? "MPTCP" : "TCP", mpk_reason_name(listener.reason),
		       mpk_reason_describe(listener.reason));
		fflush(stdout);
	}

	for (long served = 0; count < 0 || served < count; served++) {
		struct sockaddr_storage peer;
		socklen_t len = sizeof(peer);
		int fd = mpk_accept(lfd, (struct sockaddr *)&peer, &len, MPK_CLOEXEC, &conn);

		if (fd < 0) {
			fprintf(stderr, "%s: accept: %s\n", prog, mpk_strerror(fd));
			continue;
		}
		/* A TCP listener gives TCP connections: its reason is the one. */
		if (!listener.mptcp)
			conn = listener;
		print_connection((struct sockaddr *)&peer, &conn, json);
		answer_client(fd);
		close(fd);
	}
	close(lfd);
	return 0;
}
