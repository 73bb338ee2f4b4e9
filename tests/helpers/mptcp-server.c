// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * mptcp-server PORT COUNT: an MPTCP server (libmptcpkit) that accepts COUNT
 * connections one after the other and prints, for each, whether the kernel
 * says it runs MPTCP ("mptcp") or TCP ("tcp"), then echoes the first line
 * back. The server-side proof that a forced client really used MPTCP.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "mptcpkit.h"

static void serve(int fd)
{
	struct mpk_status st;
	char buf[256];
	ssize_t n;

	mpk_conn_status(fd, &st);
	n = read(fd, buf, sizeof(buf) - 1);
	if (n < 0)
		n = 0;
	buf[n] = '\0';
	buf[strcspn(buf, "\n")] = '\0';
	printf("%s %s\n", st.mptcp ? "mptcp" : "tcp", buf);
	fflush(stdout);
	if (write(fd, buf, strlen(buf)) < 0 || write(fd, "\n", 1) < 0)
		perror("mptcp-server: write");
}

int main(int argc, char **argv)
{
	int lfd, count;

	if (argc != 3) {
		fprintf(stderr, "usage: mptcp-server PORT COUNT\n");
		return 2;
	}
	lfd = mpk_listen("0.0.0.0", argv[1], AF_INET, 16, 0, NULL);
	if (lfd < 0) {
		fprintf(stderr, "mptcp-server: listen: %s\n", mpk_strerror(lfd));
		return 1;
	}
	count = atoi(argv[2]);
	for (int i = 0; i < count; i++) {
		int fd = mpk_accept(lfd, NULL, NULL, MPK_CLOEXEC, NULL);

		if (fd < 0) {
			fprintf(stderr, "mptcp-server: accept: %s\n", mpk_strerror(fd));
			return 1;
		}
		serve(fd);
		close(fd);
	}
	close(lfd);
	return 0;
}
