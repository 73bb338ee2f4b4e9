// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * sockopt-prog connect|late ADDR PORT OPTION | listen|bound PORT OPTION: a TCP
 * program with no MPTCP code that sets OPTION (a name from lib/sockopt.c's
 * table, "-" for none) on a new socket, after SO_KEEPALIVE, TCP_NODELAY and
 * SO_RCVBUF, the socket made with SOCK_NONBLOCK | SOCK_CLOEXEC, then
 * connects (sends OPTION, prints the reply) or listens (accepts one and
 * prints whether it is MPTCP); "bound" binds before setting OPTION, so a
 * swap must bind again; "late" connects first, then sets OPTION (nothing
 * may be swapped then). First it prints what became of the socket:
 *   set=ok|ERRNO proto=mptcp|tcp fd=same|moved nonblock=1 cloexec=1 kept=1
 * kept: the earlier options are still set. For mptcpkit run's policies.
 */
#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include "sockopt.h"

#ifndef TCP_IS_MPTCP
#define TCP_IS_MPTCP 43
#endif
#define RCVBUF 100000

static int get_int(int fd, int level, int name)
{
	int v = -1;
	socklen_t len = sizeof(v);

	getsockopt(fd, level, name, &v, &len);
	return v;
}

static void set_int(int fd, int level, int name, int v)
{
	if (setsockopt(fd, level, name, &v, sizeof(v)) < 0)
		perror("sockopt-prog: setsockopt");
}

/* TCP_REPAIR on a socket makes connect() skip the handshake: off again
 * before going on, as a program that checks repair support would. */
static int set_named(int fd, const char *name)
{
	const struct mpk_sockopt *o = mpk_sockopt_by_name(name);
	char buf[256];
	socklen_t len;
	int ret, err;

	if (!strcmp(name, "-"))
		return 0;
	if (!o) {
		fprintf(stderr, "sockopt-prog: unknown option %s\n", name);
		exit(2);
	}
	len = mpk_sockopt_example(o, buf, sizeof(buf));
	ret = setsockopt(fd, o->level, o->optname, buf, len);
	err = errno;
	if (ret == 0 && o->level == IPPROTO_TCP && o->optname == TCP_REPAIR)
		set_int(fd, IPPROTO_TCP, TCP_REPAIR, 0);
	return ret < 0 ? err : 0;
}

static void report(int fd, int fd0, int err)
{
	int fl = fcntl(fd, F_GETFL), fdfl = fcntl(fd, F_GETFD);
	bool kept = get_int(fd, SOL_SOCKET, SO_KEEPALIVE) == 1 &&
		    get_int(fd, IPPROTO_TCP, TCP_NODELAY) == 1 &&
		    get_int(fd, SOL_SOCKET, SO_RCVBUF) == 2 * RCVBUF;

	printf("set=%s proto=%s fd=%s nonblock=%d cloexec=%d kept=%d\n",
	       err ? strerrorname_np(err) : "ok",
	       get_int(fd, SOL_SOCKET, SO_PROTOCOL) == IPPROTO_MPTCP ? "mptcp" : "tcp",
	       fd == fd0 ? "same" : "moved", !!(fl & O_NONBLOCK), !!(fdfl & FD_CLOEXEC), kept);
	fflush(stdout);
}

/* A v4-mapped ADDR ("::ffff:a.b.c.d") makes an IPv6 socket (IPv6 options). */
static int make_addr(const char *addr, int port, struct sockaddr_storage *ss, socklen_t *len)
{
	struct sockaddr_in *a4 = (struct sockaddr_in *)ss;
	struct sockaddr_in6 *a6 = (struct sockaddr_in6 *)ss;

	memset(ss, 0, sizeof(*ss));
	if (inet_pton(AF_INET, addr, &a4->sin_addr) == 1) {
		a4->sin_family = AF_INET;
		a4->sin_port = htons((unsigned short)port);
		*len = sizeof(*a4);
	} else if (inet_pton(AF_INET6, addr, &a6->sin6_addr) == 1) {
		a6->sin6_family = AF_INET6;
		a6->sin6_port = htons((unsigned short)port);
		*len = sizeof(*a6);
	} else {
		return -1;
	}
	return ss->ss_family;
}

/* The socket, options (bound to ss first if given) and the report; the
 * socket (blocking again). */
static int prepare(int family, const char *opt, const struct sockaddr_storage *ss,
		   socklen_t len)
{
	int fd = socket(family, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0), fd0 = fd, err;

	if (fd < 0) {
		perror("sockopt-prog: socket");
		exit(1);
	}
	set_int(fd, SOL_SOCKET, SO_KEEPALIVE, 1);
	set_int(fd, IPPROTO_TCP, TCP_NODELAY, 1);
	set_int(fd, SOL_SOCKET, SO_RCVBUF, RCVBUF);
	if (ss) {
		set_int(fd, SOL_SOCKET, SO_REUSEADDR, 1);
		if (bind(fd, (const struct sockaddr *)ss, len) < 0) {
			perror("sockopt-prog: bind");
			exit(1);
		}
	}
	err = set_named(fd, opt);
	report(fd, fd0, err);
	fcntl(fd, F_SETFL, fcntl(fd, F_GETFL) & ~O_NONBLOCK);
	return fd;
}

static int do_connect(const char *addr, int port, const char *opt, bool late)
{
	struct sockaddr_storage ss;
	socklen_t len;
	char buf[512];
	ssize_t n;
	int family = make_addr(addr, port, &ss, &len), fd;

	if (family < 0)
		return 2;
	fd = prepare(family, late ? "-" : opt, NULL, 0);
	if (connect(fd, (struct sockaddr *)&ss, len) < 0) {
		perror("sockopt-prog: connect");
		return 1;
	}
	if (late)
		report(fd, fd, set_named(fd, opt));
	snprintf(buf, sizeof(buf), "%s\n", opt);
	if (write(fd, buf, strlen(buf)) < 0)
		return 1;
	while ((n = read(fd, buf, sizeof(buf))) > 0)
		fwrite(buf, 1, (size_t)n, stdout);
	close(fd);
	return n < 0;
}

static int do_listen(int port, const char *opt, bool bound)
{
	struct sockaddr_storage ss;
	socklen_t len;
	char buf[256];
	int fd, c;
	ssize_t n;

	make_addr("0.0.0.0", port, &ss, &len);
	fd = prepare(AF_INET, opt, bound ? &ss : NULL, len);
	set_int(fd, SOL_SOCKET, SO_REUSEADDR, 1);
	if ((!bound && bind(fd, (struct sockaddr *)&ss, len) < 0) || listen(fd, 4) < 0) {
		perror("sockopt-prog: listen");
		return 1;
	}
	c = accept(fd, NULL, NULL);
	if (c < 0) {
		perror("sockopt-prog: accept");
		return 1;
	}
	n = read(c, buf, sizeof(buf) - 1);
	buf[n > 0 ? n : 0] = '\0';
	printf("accepted %s\n", get_int(c, IPPROTO_TCP, TCP_IS_MPTCP) == 1 ? "mptcp" : "tcp");
	if (n > 0 && write(c, buf, (size_t)n) < 0)
		return 1;
	close(c);
	close(fd);
	return 0;
}

int main(int argc, char **argv)
{
	if (argc == 5 && (!strcmp(argv[1], "connect") || !strcmp(argv[1], "late")))
		return do_connect(argv[2], atoi(argv[3]), argv[4], !strcmp(argv[1], "late"));
	if (argc == 4 && (!strcmp(argv[1], "listen") || !strcmp(argv[1], "bound")))
		return do_listen(atoi(argv[2]), argv[3], !strcmp(argv[1], "bound"));
	fprintf(stderr, "usage: sockopt-prog connect|late ADDR PORT OPTION | listen|bound PORT OPTION\n");
	return 2;
}
