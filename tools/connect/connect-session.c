// SPDX-License-Identifier: GPL-2.0-or-later
/* What connect and listen share: options, the "connected" report, the
 * relay and the subflows shown at the end. Reports go to stderr: stdout
 * carries the data. */
#include <errno.h>
#include <getopt.h>
#include <inttypes.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "print.h"
#include "connect-relay.h"
#include "connect-session.h"
#include "feature-text.h"
#include "util.h"

enum { OPT_INFO = 256 };

int session_parse(int argc, char **argv, const char *usage, const char *extra,
		  int (*on_extra)(int opt, const char *arg, void *data), void *data,
		  struct session_opts *o)
{
	static const struct option longopts[] = {
		{ "verbose", no_argument, NULL, 'v' },
		{ "info", no_argument, NULL, OPT_INFO },
		{ "timeout", required_argument, NULL, 'w' },
		{ "help", no_argument, NULL, 'h' },
		{ "bind", required_argument, NULL, 'b' },
		{ "keep-open", no_argument, NULL, 'k' },
		{ "shutdown", no_argument, NULL, 'N' },
		{ "no-stdin", no_argument, NULL, 'd' },
		{ 0 },
	};
	char optstring[32];
	long secs;
	int opt;

	snprintf(optstring, sizeof(optstring), "+:46vhNdw:%s", extra);
	memset(o, 0, sizeof(*o));
	print_set_stream(stderr); /* stdout carries the data */
	optind = 1;
	opterr = 0;
	while ((opt = getopt_long(argc, argv, optstring, longopts, NULL)) != -1) {
		switch (opt) {
		case '4': o->family = AF_INET; break;
		case '6': o->family = AF_INET6; break;
		case 'v': o->verbose = o->info = true; break;
		case OPT_INFO: o->info = true; break;
		case 'N': o->eof_now = true; break;
		case 'd': o->no_input = true; break;
		case 'h':
			fputs(usage, stdout);
			o->help = true; /* the rest does not matter */
			return 0;
		case 'w':
			if (parse_long(optarg, 1, 86400, &secs))
				return fail("%s: bad timeout '%s': seconds from 1 to 86400",
					    argv[0], optarg);
			o->idle_timeout = (int)secs;
			break;
		case ':':
			return fail("%s: option '%s' needs an argument", argv[0], argv[optind - 1]);
		case '?':
			return fail("%s: unknown option '%s' (try '" PROG_NAME " %s --help')",
				    argv[0], argv[optind - 1], argv[0]);
		default:
			if (!strchr(extra, opt))
				return fail("%s: unknown option '%s'", argv[0], argv[optind - 1]);
			if (on_extra(opt, optarg, data))
				return 1;
		}
	}
	o->first = optind;
	return 0;
}

static void print_addr(const char *key, const char *fmt, int fd, bool peer)
{
	struct sockaddr_storage ss;
	socklen_t len = sizeof(ss);
	char buf[MPK_ADDRSTRLEN] = "?";
	int ret = peer ? getpeername(fd, (struct sockaddr *)&ss, &len)
		       : getsockname(fd, (struct sockaddr *)&ss, &len);

	if (ret == 0)
		mpk_addr_format((struct sockaddr *)&ss, buf, sizeof(buf));
	print_string(key, fmt, buf);
}

static void report_connected(int fd, const struct mpk_status *st, const struct session_opts *o)
{
	if (!print_is_json() && !o->verbose)
		return;
	print_open_object(NULL);
	print_text(PROG_NAME ": connected ");
	print_bool("mptcp", NULL, st->mptcp);
	print_string("reason", NULL, mpk_reason_name(st->reason));
	print_addr("local", "from %s ", fd, false);
	print_addr("remote", "to %s ", fd, true);
	print_text("over %s", st->mptcp ? "MPTCP" : "TCP");
	if (!st->mptcp)
		print_text(" (%s: %s)", mpk_reason_name(st->reason), mpk_reason_describe(st->reason));
	print_text("\n");
	print_close_object();
}

static void print_subflow(const struct mpk_subflow_info *sf)
{
	char local[MPK_ADDRSTRLEN], remote[MPK_ADDRSTRLEN];

	print_open_object(NULL);
	print_string("local", "  %s", mpk_addr_format((const struct sockaddr *)&sf->local,
							 local, sizeof(local)));
	print_string("remote", " -> %s", mpk_addr_format((const struct sockaddr *)&sf->remote,
							    remote, sizeof(remote)));
	print_string("ifname", " dev %s\n", sf->ifname[0] ? sf->ifname : "?");
	print_close_object();
}

static void report_info(const struct mpk_info *info, const struct relay *r)
{
	print_open_object(NULL);
	print_bool("mptcp", PROG_NAME ": connection done: mptcp %s", info->mptcp);
	print_uint("num_subflows", ", %" PRIu64 " subflow(s)", info->num_subflows);
	print_uint("sent", ", sent %" PRIu64 " bytes", r->sent);
	print_uint("received", ", received %" PRIu64 " bytes\n", r->received);
	print_open_array("subflows");
	for (unsigned int i = 0; i < info->num_subflows; i++)
		print_subflow(&info->subflow[i]);
	print_close_array();
	print_close_object();
}

/* --info on a kernel without MPTCP_INFO (before 5.16): neither whether the
 * connection fell back nor its subflows can be asked; say so, not "1". */
static void report_info_unknown(const struct relay *r)
{
	char text[200];

	print_open_object(NULL);
	print_null("mptcp", NULL);
	print_null("num_subflows", NULL);
	print_text(PROG_NAME ": connection done: mptcp and subflows unknown");
	print_uint("sent", ", sent %" PRIu64 " bytes", r->sent);
	print_uint("received", ", received %" PRIu64 " bytes\n", r->received);
	print_string("note", PROG_NAME ": %s\n",
		     feature_needs(MPK_FEATURE_MPTCP_INFO, false, text, sizeof(text)));
	print_close_object();
}

struct snapshot {
	int fd;
	bool have;
	struct mpk_info info;
	bool mptcp;	/* the connection runs MPTCP */
	bool verbose;
};

/* Subflows the kernel still describes: a closed one reports no peer port. */
static unsigned int live_subflows(const struct mpk_info *info)
{
	unsigned int n = 0;

	for (unsigned int i = 0; i < info->num_subflows; i++) {
		const struct sockaddr_in *sin = (const struct sockaddr_in *)&info->subflow[i].remote;

		/* sin_port sits at the same place in sockaddr_in6 */
		if (sin->sin_port != 0)
			n++;
	}
	return n;
}

/* Keep the view with the most live subflows: when the connection closes,
 * its subflows lose their addresses, and some may be gone. */
static void take_snapshot(void *arg)
{
	struct snapshot *s = arg;
	static struct mpk_info now;

	if (mpk_info_get(s->fd, &now) < 0)
		return;
	if (!s->have || live_subflows(&now) > live_subflows(&s->info)) {
		s->info = now;
		s->have = true;
	}
}

static const char *const half_why[] = {
	[RELAY_HALF_OURS] = "we_closed",
	[RELAY_HALF_PEER] = "peer_closed",
};
static const char *const half_text[] = {
	[RELAY_HALF_OURS] = "we sent our end of data (DATA_FIN)",
	[RELAY_HALF_PEER] = "the peer sent its end of data (DATA_FIN)",
};

/* -v: from a half-close on, the kernel refuses every MP_JOIN: the
 * connection keeps only the subflows it has. */
static void report_half_closed(void *arg, enum relay_half why)
{
	struct snapshot *s = arg;
	static struct mpk_info now;

	if (!s->verbose || !s->mptcp)
		return;
	if (mpk_info_get(s->fd, &now) < 0)
		now.num_subflows = 0;
	print_open_object(NULL);
	print_text(PROG_NAME ": ");
	print_bool("no_new_subflows", NULL, true);
	print_string("why", NULL, half_why[why]);
	print_text("the connection can no longer take new subflows: %s", half_text[why]);
	print_uint("subflows", "; it keeps its %" PRIu64 " subflow(s)\n",
		   live_subflows(&now));
	print_close_object();
}

static const char *relay_error_text(const struct relay *r, int err)
{
	bool on_socket = r->failed == RELAY_SENDING || r->failed == RELAY_RECEIVING;

	if (on_socket && (err == -EPIPE || err == -ECONNRESET))
		return "the peer went away (connection reset)";
	if (err == -ETIMEDOUT)
		return "nothing moved for the -w time (is the peer gone?)";
	return strerror(-err);
}

int session_run(const char *cmd, int fd, const struct mpk_status *st,
		const struct session_opts *o)
{
	static struct snapshot snap;
	struct relay r = { .sock = fd, .in_fd = STDIN_FILENO, .out_fd = STDOUT_FILENO,
			   .idle_timeout_ms = o->idle_timeout * 1000,
			   .eof = o->eof_now ? RELAY_EOF_NOW : RELAY_EOF_KEEP,
			   .no_input = o->no_input,
			   .half_closed = report_half_closed, .arg = &snap };
	int err;

	report_connected(fd, st, o);
	snap.fd = fd;
	snap.have = false;
	snap.mptcp = st->mptcp;
	snap.verbose = o->verbose;
	if (o->info) {
		r.dir_done = take_snapshot;
	}
	err = relay_run(&r);
	if (o->info && st->mptcp && mpk_feature_probe(MPK_FEATURE_MPTCP_INFO) == 0) {
		report_info_unknown(&r);
	} else if (o->info) {
		take_snapshot(&snap);
		if (snap.have)
			report_info(&snap.info, &r);
	}
	close(fd);
	if (err)
		return fail("%s: %s: %s", cmd, relay_stage_name(r.failed),
			    relay_error_text(&r, err));
	return 0;
}
