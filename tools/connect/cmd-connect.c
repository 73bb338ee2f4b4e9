// SPDX-License-Identifier: GPL-2.0-or-later
/* mptcpkit connect: netcat-like client over MPTCP, TCP when MPTCP is refused. */
#include <signal.h>
#include <stdio.h>

#include "commands.h"
#include "connect-session.h"
#include "util.h"

static const char connect_usage[] =
	"Usage: " PROG_NAME " [-j] connect [-4|-6] [-N|-d] [-j] [-v] [--info] [-w SECS] HOST PORT\n\n"
	"Connect to HOST PORT over MPTCP (plain TCP when MPTCP cannot be had) and copy\n"
	"standard input to the connection and the connection to standard output.\n"
	"At end of input the sending side is shut down once the peer has acknowledged\n"
	"all of it (a half-closed MPTCP connection can take no new subflow); input\n"
	"that ends before any byte (</dev/null) means nothing to send: the side stays\n"
	"open. The program ends when the peer has closed its side too.\n\n"
	"  -N         shut the sending side down at end of input, at once\n"
	"  -d         do not read standard input (nothing to send)\n"
	"  -4, -6     IPv4 or IPv6 only\n"
	"  -j, --json once connected, one JSON line on stderr:\n"
	"             {\"mptcp\":..., \"reason\":..., \"local\":..., \"remote\":...}\n"
	"  --info     at the end, the connection's subflows on stderr\n"
	"  -w SECS    give up when nothing moves for SECS seconds (default: never)\n"
	"  -v         a line on stderr when connected, one when the connection can\n"
	"             no longer take new subflows (half-closed), and --info\n";

static int no_extra(int opt, const char *arg, void *data)
{
	return 1;
}

int cmd_connect(int argc, char **argv)
{
	struct session_opts o;
	struct mpk_status st;
	long port;
	int first, fd, ret;

	ret = session_parse(argc, argv, connect_usage, "", no_extra, NULL, &o);
	if (ret || o.help)
		return ret;
	first = o.first;
	if (argc - first != 2)
		return fail("connect: %s (usage: " PROG_NAME " connect [-4|-6] HOST PORT)",
			    argc - first < 2 ? "missing HOST or PORT" : "too many arguments");
	if (parse_long(argv[first + 1], 1, 65535, &port))
		return fail("connect: bad port '%s': a number from 1 to 65535",
			    argv[first + 1]);
	signal(SIGPIPE, SIG_IGN);
	fd = mpk_connect(argv[first], argv[first + 1], o.family, MPK_CLOEXEC, &st);
	if (fd < 0)
		return fail("connect: %s port %s: %s", argv[first], argv[first + 1],
			    mpk_strerror(fd));
	return session_run("connect", fd, &st, &o);
}
