// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * fork-client ADDR PORT CLIENT: connects like plain-client, then forks and
 * execs CLIENT ADDR PORT child, which connects too: both must be forced.
 */
#include <arpa/inet.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

static int one_exchange(const char *addr, const char *port)
{
	struct sockaddr_in a = { .sin_family = AF_INET };
	char buf[256];
	ssize_t n;
	int fd = socket(AF_INET, SOCK_STREAM, 0);

	a.sin_port = htons((unsigned short)atoi(port));
	if (fd < 0 || inet_pton(AF_INET, addr, &a.sin_addr) != 1 ||
	    connect(fd, (struct sockaddr *)&a, sizeof(a)) < 0) {
		perror("fork-client: connect");
		return 1;
	}
	if (write(fd, "parent\n", 7) != 7)
		return 1;
	while ((n = read(fd, buf, sizeof(buf))) > 0)
		fwrite(buf, 1, (size_t)n, stdout);
	close(fd);
	return 0;
}

int main(int argc, char **argv)
{
	int status;
	pid_t pid;

	if (argc != 4) {
		fprintf(stderr, "usage: fork-client ADDR PORT CLIENT\n");
		return 2;
	}
	if (one_exchange(argv[1], argv[2]))
		return 1;
	fflush(stdout);
	pid = fork();
	if (pid == 0) {
		execl(argv[3], argv[3], argv[1], argv[2], "child", (char *)NULL);
		perror("fork-client: exec");
		_exit(127);
	}
	if (pid < 0 || waitpid(pid, &status, 0) < 0)
		return 1;
	return WIFEXITED(status) ? WEXITSTATUS(status) : 1;
}
