// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * sockinfo: creates the sockets 'mptcpkit run' must and must not touch and
 * prints, for each, the protocol the kernel gave and the flags it kept:
 *   NAME proto=N nonblock=0|1 cloexec=0|1
 */
#include <fcntl.h>
#include <netinet/in.h>
#include <stdio.h>
#include <sys/socket.h>
#include <unistd.h>

static void show(const char *name, int family, int type, int protocol)
{
	int fd = socket(family, type, protocol), proto = -1;
	socklen_t len = sizeof(proto);

	if (fd < 0) {
		printf("%s error\n", name);
		return;
	}
	getsockopt(fd, SOL_SOCKET, SO_PROTOCOL, &proto, &len);
	printf("%s proto=%d nonblock=%d cloexec=%d\n", name, proto,
	       !!(fcntl(fd, F_GETFL) & O_NONBLOCK), !!(fcntl(fd, F_GETFD) & FD_CLOEXEC));
	close(fd);
}

int main(void)
{
	show("tcp4", AF_INET, SOCK_STREAM, 0);
	show("tcp4-ipproto", AF_INET, SOCK_STREAM, IPPROTO_TCP);
	show("tcp6", AF_INET6, SOCK_STREAM, 0);
	show("tcp4-nonblock-cloexec", AF_INET, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
	show("tcp4-nonblock", AF_INET, SOCK_STREAM | SOCK_NONBLOCK, 0);
	show("tcp4-cloexec", AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
	show("udp4", AF_INET, SOCK_DGRAM, 0);
	show("udp6", AF_INET6, SOCK_DGRAM, 0);
	show("unix-stream", AF_UNIX, SOCK_STREAM, 0);
	show("tcp4-explicit-mptcp", AF_INET, SOCK_STREAM, IPPROTO_MPTCP);
	show("raw-icmp", AF_INET, SOCK_RAW, IPPROTO_ICMP);
	return 0;
}
