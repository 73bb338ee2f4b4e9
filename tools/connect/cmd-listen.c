// SPDX-License-Identifier: GPL-2.0-or-later
/* mptcpkit listen: netcat-like server over MPTCP, one connection at a time. */
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "commands.h"
#include "print.h"
#include "connect-session.h"
#include "util.h"

static const char listen_usage[] =
	"Usage: " PROG_NAME " [-j] listen [-4|-6] [-b ADDR] [-k] [-j] [-v] [--info] [-w SECS] PORT\n\n"
	"Wait for a connection on PORT over MPTCP (plain TCP when MPTCP cannot be\n"
	"had), then copy standard input to it and it to standard output, like\n"
	"'connect'. Bind the wildcard address (the default) so that the peer can\n"
	"join extra subflows to any address this host announces.\n\n"
	"  -4, -6       IPv4 or IPv6 only\n"
	"  -b ADDR      listen on this address only\n"
	"  -k           serve connections one after another until killed\n"
	"  -N, -d       as for 'connect': standard input at its end before any byte\n"
	"               (a script's </dev/null) sends nothing and keeps the\n"
	"               connection whole until the peer ends; -N shuts down at once\n"
	"  -j, --json   for each connection, one JSON line on stderr:\n"
	"               {\"mptcp\":..., \"reason\":..., \"local\":..., \"remote\":...}\n"
	"  --info       at the end of each connection, its subflows on stderr\n"
	"  -w SECS      give up a connection when nothing moves for SECS seconds\n"
	"  -v           a line on stderr when listening, per connection, when it can\n"
	"               no longer take new subflows (half-closed), and --info\n";

struct listen_args {
	const char *bind;
	bool keep;
};

static int listen_extra(int opt, const char *arg, void *data)
{
	struct listen_args *a = data;

	if (opt == 'b')
		a->bind = arg;
	else if (opt == 'k')
		a->keep = true;
	return 0;
}

/* The listener's reason wins when MPTCP was refused at socket time. */
static void merge_status(const struct mpk_status *listener, struct mpk_status *conn)
{
	if (!listener->mptcp)
		*conn = *listener;
}

static int serve(int lfd, const struct mpk_status *lst, const struct session_opts *o,
		 bool keep)
{
	int ret = 0;

	do {
		struct mpk_status st;
		int fd = mpk_accept(lfd, NULL, NULL, MPK_CLOEXEC, &st);

		if (fd < 0)
			return fail("listen: accepting a connection: %s", mpk_strerror(fd));
		merge_status(lst, &st);
		ret = session_run("listen", fd, &st, o);
	} while (keep);
	return ret;
}

int cmd_listen(int argc, char **argv)
{
	struct listen_args a = { 0 };
	struct session_opts o;
	struct mpk_status lst;
	long port;
	int first, lfd, ret;

	ret = session_parse(argc, argv, listen_usage, "b:k", listen_extra, &a, &o);
	if (ret || o.help)
		return ret;
	first = o.first;
	if (argc - first != 1)
		return fail("listen: %s (usage: " PROG_NAME " listen [-4|-6] [-b ADDR] [-k] PORT)",
			    argc == first ? "missing PORT" : "too many arguments");
	if (parse_long(argv[first], 0, 65535, &port))
		return fail("listen: bad port '%s': a number from 0 to 65535", argv[first]);
	signal(SIGPIPE, SIG_IGN);
	lfd = mpk_listen(a.bind, argv[first], o.family, 0, MPK_CLOEXEC, &lst);
	if (lfd < 0)
		return fail("listen: %s port %s: %s", a.bind ? a.bind : "any address",
			    argv[first], mpk_strerror(lfd));
	if (o.verbose && !print_is_json())
		fprintf(stderr, PROG_NAME ": listening on port %d over %s\n",
			mpk_local_port(lfd), lst.mptcp ? "MPTCP" : "TCP");
	ret = serve(lfd, &lst, &o, a.keep);
	close(lfd);
	return ret;
}
