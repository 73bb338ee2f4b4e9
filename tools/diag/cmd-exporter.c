// SPDX-License-Identifier: GPL-2.0-or-later
/* mptcpkit exporter: Prometheus metrics of this network namespace's MPTCP
 * connections and counters, on HTTP. */
#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <arpa/inet.h>

#include "commands.h"
#include "exporter-http.h"
#include "print.h"
#include "util.h"

#define DEFAULT_LISTEN "127.0.0.1:9814"

static const char usage[] =
	"Usage: " PROG_NAME " exporter [--listen ADDR:PORT] [--once]\n"
	"Serve Prometheus metrics at http://ADDR:PORT/metrics (default " DEFAULT_LISTEN "):\n"
	"every MPTcpExt counter (mptcp_ext_*_total), connections by state, fallbacks\n"
	"by cause, subflows and their bytes per interface, listeners. Each scrape\n"
	"takes a fresh snapshot. Runs until SIGINT or SIGTERM. IPv6: [ADDR]:PORT.\n"
	"  --once   print the page once on stdout and exit (no HTTP)\n"
	"Kernels that keep the subflows' MPTCP attributes to CAP_NET_ADMIN show\n"
	"them only to root (6.18 shows them to everyone).\n";

/* ADDR:PORT or [ADDR6]:PORT into ss; 0 or -EINVAL. */
static int parse_listen(const char *arg, struct sockaddr_storage *ss, socklen_t *len)
{
	char host[INET6_ADDRSTRLEN + 2];
	const char *colon = strrchr(arg, ':');
	size_t hl;
	long port;

	if (!colon || parse_long(colon + 1, 1, 65535, &port) < 0)
		return -EINVAL;
	hl = (size_t)(colon - arg);
	if (hl >= sizeof(host))
		return -EINVAL;
	memcpy(host, arg, hl);
	host[hl] = '\0';
	memset(ss, 0, sizeof(*ss));
	if (host[0] == '[' && hl > 2 && host[hl - 1] == ']') {
		struct sockaddr_in6 *s6 = (struct sockaddr_in6 *)ss;

		host[hl - 1] = '\0';
		s6->sin6_family = AF_INET6;
		s6->sin6_port = htons((uint16_t)port);
		*len = sizeof(*s6);
		return inet_pton(AF_INET6, host + 1, &s6->sin6_addr) == 1 ? 0 : -EINVAL;
	}
	struct sockaddr_in *s4 = (struct sockaddr_in *)ss;

	s4->sin_family = AF_INET;
	s4->sin_port = htons((uint16_t)port);
	*len = sizeof(*s4);
	return inet_pton(AF_INET, host, &s4->sin_addr) == 1 ? 0 : -EINVAL;
}

static int print_once(void)
{
	char *page;
	size_t len;

	if (exporter_scrape(&page, &len) < 0)
		return fail("exporter: out of memory");
	fwrite(page, 1, len, stdout);
	free(page);
	return 0;
}

/* Serve until SIGINT or SIGTERM (blocked first, so that libmicrohttpd's
 * thread never takes them). */
static int serve(const char *listen_arg, const struct sockaddr_storage *ss, socklen_t len)
{
	struct exporter *e;
	sigset_t set;
	int sig, err;

	sigemptyset(&set);
	sigaddset(&set, SIGINT);
	sigaddset(&set, SIGTERM);
	pthread_sigmask(SIG_BLOCK, &set, NULL);
	err = exporter_start((const struct sockaddr *)ss, len, &e);
	if (err == -EADDRINUSE)
		return fail("exporter: %s: address already in use", listen_arg);
	if (err == -EIO)
		return fail("exporter: libmicrohttpd would not start on %s", listen_arg);
	if (err < 0)
		return fail("exporter: listen on %s: %s", listen_arg, strerror(-err));
	print_open_object(NULL);
	print_string("listen", PROG_NAME " exporter: serving http://%s/metrics\n", listen_arg);
	print_close_object();
	fflush(stdout);
	sigwait(&set, &sig);
	exporter_stop(e);
	return 0;
}

int cmd_exporter(int argc, char **argv)
{
	const char *listen_arg = DEFAULT_LISTEN;
	struct sockaddr_storage ss;
	bool once = false;
	socklen_t len;

	if (wants_help(argc, argv)) {
		fputs(usage, stdout);
		return 0;
	}
	for (int i = 1; i < argc; i++) {
		if (!strcmp(argv[i], "--listen") && i + 1 < argc)
			listen_arg = argv[++i];
		else if (!strcmp(argv[i], "--once"))
			once = true;
		else
			return fail("exporter: unexpected '%s' (try '" PROG_NAME
				    " exporter --help')", argv[i]);
	}
	if (once)
		return print_once();
	if (parse_listen(listen_arg, &ss, &len) < 0)
		return fail("exporter: bad --listen '%s': expected ADDR:PORT or [ADDR6]:PORT",
			    listen_arg);
	return serve(listen_arg, &ss, len);
}
