// SPDX-License-Identifier: MIT
/*
 * hello-client: say hello to a server over Multipath TCP, and tell whether
 * MPTCP was really used -- and if not, why.
 *
 *   hello-client [-4|-6] [-j] HOST PORT
 *
 * Two things can keep a connection off MPTCP, and a correct client looks at
 * both:
 *  1. socket(..., IPPROTO_MPTCP) is refused (old kernel, MPTCP disabled,
 *     blocked by a security policy): the library then gives a plain TCP
 *     socket and says why ("socket-time reason");
 *  2. the socket is MPTCP but the peer, or a middlebox on the way, does not
 *     speak it: the connection silently falls back to TCP. Only asking the
 *     live connection tells.
 * Either way the connection works: MPTCP is an improvement, never a
 * requirement.
 *
 * Build: cc hello-client.c $(pkg-config --cflags --libs libmptcpkit)
 */
#include <stdbool.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include <mptcpkit.h>

static const char *prog = "hello-client";

static int usage(void)
{
	fprintf(stderr, "usage: %s [-4|-6] [-j] HOST PORT\n", prog);
	return 2;
}

/* One line: "what: MPTCP (available: MPTCP is in use)". */
static void print_status(const char *what, bool mptcp, enum mpk_reason reason)
{
	printf("%s: %s (%s: %s)\n", what, mptcp ? "MPTCP" : "TCP",
	       mpk_reason_name(reason), mpk_reason_describe(reason));
}

/* Send the greeting, then read the answer until the server closes. */
static int say_hello(int fd, char *answer, size_t size)
{
	static const char greeting[] = "hello\n";
	size_t got = 0;
	ssize_t n;

	/* MSG_NOSIGNAL: a server that already closed gives EPIPE, not SIGPIPE. */
	if (send(fd, greeting, strlen(greeting), MSG_NOSIGNAL) != (ssize_t)strlen(greeting))
		return -1;
	while (got < size - 1 && (n = read(fd, answer + got, size - 1 - got)) > 0)
		got += n;
	if (n < 0 || got == 0)
		return -1;
	answer[got] = '\0';
	answer[strcspn(answer, "\n")] = '\0'; /* one line */
	return 0;
}

int main(int argc, char **argv)
{
	int family = AF_UNSPEC, opt, fd;
	bool json = false;
	struct mpk_status status, live;
	enum mpk_reason at_socket;
	char answer[256];

	while ((opt = getopt(argc, argv, "46j")) != -1) {
		if (opt == '4')
			family = AF_INET;
		else if (opt == '6')
			family = AF_INET6;
		else if (opt == 'j')
			json = true;
		else
			return usage();
	}
	if (argc - optind != 2)
		return usage();

	/* Resolve the name and try each address, with an MPTCP socket when
	 * the kernel gives one and a TCP socket otherwise. */
	fd = mpk_connect(argv[optind], argv[optind + 1], family, MPK_CLOEXEC, &status);
	if (fd < 0) {
		fprintf(stderr, "%s: cannot connect to %s port %s: %s\n", prog,
			argv[optind], argv[optind + 1], mpk_strerror(fd));
		return 1;
	}

	/* status says why MPTCP could not be had when socket() refused it;
	 * a fallback happens after socket(), so then the socket was MPTCP. */
	at_socket = status.reason == MPK_REASON_FALLBACK ? MPK_REASON_AVAILABLE
							 : status.reason;

	if (say_hello(fd, answer, sizeof(answer)) < 0) {
		fprintf(stderr, "%s: no answer from %s port %s\n", prog,
			argv[optind], argv[optind + 1]);
		close(fd);
		return 1;
	}

	/* Ask the live connection, now that data went both ways: MPTCP can
	 * fall back during the handshake and even on the first data. */
	live = status;
	if (at_socket == MPK_REASON_AVAILABLE && mpk_conn_status(fd, &live) < 0)
		live = status;
	close(fd);

	if (json) {
		/* Fixed keys and names only: no escaping needed. */
		printf("{\"socket_reason\":\"%s\",\"mptcp\":%s,\"reason\":\"%s\"}\n",
		       mpk_reason_name(at_socket), live.mptcp ? "true" : "false",
		       mpk_reason_name(live.reason));
	} else {
		print_status("socket", at_socket == MPK_REASON_AVAILABLE, at_socket);
		print_status("connection", live.mptcp, live.reason);
		printf("answer: %s\n", answer);
	}
	return 0;
}
