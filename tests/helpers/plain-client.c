// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * plain-client ADDR PORT [TEXT]: a TCP client with no MPTCP in it, for
 * 'mptcpkit run' to force. Sends TEXT (default "hello") and a newline,
 * prints what comes back until the server closes. Numeric addresses only,
 * so it links statically too.
 */
#include <arpa/inet.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

static int connect_to(const char *addr, const char *port)
{
	struct sockaddr_in6 a6 = { .sin6_family = AF_INET6 };
	struct sockaddr_in a4 = { .sin_family = AF_INET };
	int fd;

	a4.sin_port = a6.sin6_port = htons((unsigned short)atoi(port));
	if (inet_pton(AF_INET, addr, &a4.sin_addr) == 1) {
		fd = socket(AF_INET, SOCK_STREAM, 0);
		if (fd >= 0 && connect(fd, (struct sockaddr *)&a4, sizeof(a4)) == 0)
			return fd;
	} else if (inet_pton(AF_INET6, addr, &a6.sin6_addr) == 1) {
		fd = socket(AF_INET6, SOCK_STREAM, IPPROTO_TCP);
		if (fd >= 0 && connect(fd, (struct sockaddr *)&a6, sizeof(a6)) == 0)
			return fd;
	} else {
		fprintf(stderr, "plain-client: bad address %s\n", addr);
		return -1;
	}
	perror("plain-client: connect");
	return -1;
}

int main(int argc, char **argv)
{
	char buf[512];
	ssize_t n;
	int fd;

	if (argc < 3) {
		fprintf(stderr, "usage: plain-client ADDR PORT [TEXT]\n");
		return 2;
	}
	fd = connect_to(argv[1], argv[2]);
	if (fd < 0)
		return 1;
	snprintf(buf, sizeof(buf), "%s\n", argc > 3 ? argv[3] : "hello");
	if (write(fd, buf, strlen(buf)) < 0)
		return 1;
	while ((n = read(fd, buf, sizeof(buf))) > 0)
		fwrite(buf, 1, (size_t)n, stdout);
	close(fd);
	return n < 0;
}
