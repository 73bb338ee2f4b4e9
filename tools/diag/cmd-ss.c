// SPDX-License-Identifier: GPL-2.0-or-later
/* mptcpkit ss: every MPTCP connection of the network namespace, its
 * subflows beneath it, from the diag engine. */
#include <errno.h>
#include <stdbool.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <arpa/inet.h>
#include <netinet/tcp.h>

#include "commands.h"
#include "diag.h"
#include "diag-cli.h"
#include "diag-names.h"
#include "feature-text.h"
#include "print.h"
#include "ss-filter.h"
#include "util.h"

static const char usage[] =
	"Usage: " PROG_NAME " [-j] ss [-l|-a] [-S] [FILTER]\n"
	"Every MPTCP connection in this network namespace (from the kernel's\n"
	"mptcp_diag), each subflow beneath it: addresses, interface, ids,\n"
	"backup, rtt, cwnd, bytes, retransmits, last activity. Connections\n"
	"that fell back to TCP are shown with the reason.\n"
	"  -l, --listening  only the MPTCP listeners\n"
	"  -a, --all        connections and listeners\n"
	"  -S, --no-subflows  the connections only: no TCP dump, so faster on a\n"
	"                   busy host (and without the fallbacks that only a TCP\n"
	"                   socket shows)\n"
	"FILTER, as ss(8)'s: sport|dport [OP] [:]PORT, src|dst [OP] ADDR[/LEN][:PORT],\n"
	"state NAME, joined by and, or, not, ( ). OP: = != < <= > >=.\n"
	"A connection is shown when the filter matches it or one of its subflows.\n"
	"Kernels that keep the subflows' MPTCP attributes to CAP_NET_ADMIN show\n"
	"them only to root (6.18 shows them to everyone).\n";

struct ss_opts {
	bool listeners, connections, subflows;
	struct ss_filter filter;
};

static const char *const cause_text[] = {
	[DIAG_FALLBACK_NONE] = "",
	[DIAG_FALLBACK_NO_ANSWER] = "the peer answered without MPTCP",
	[DIAG_FALLBACK_PEER_TCP] = "the peer connected without MPTCP",
	[DIAG_FALLBACK_LATER] = "after MPTCP had started",
};
static const char *const cause_key[] = {
	[DIAG_FALLBACK_NONE] = "none",
	[DIAG_FALLBACK_NO_ANSWER] = "no_answer",
	[DIAG_FALLBACK_PEER_TCP] = "peer_tcp",
	[DIAG_FALLBACK_LATER] = "later",
};

static void print_addr(const char *key, const char *fmt, const struct sockaddr_storage *ss)
{
	char buf[MPK_ADDRSTRLEN];

	print_string(key, fmt, mpk_addr_format((const struct sockaddr *)ss, buf, sizeof(buf)));
}

static void print_subflow(const struct diag_subflow *sf)
{
	const struct mpk_subflow_info *t = &sf->tcp;

	print_open_object(NULL);
	print_string("dev", "    %-6s ", t->ifname[0] ? t->ifname : "?");
	print_addr("local", "%s", &t->local);
	print_addr("remote", " -> %s ", &t->remote);
	print_string("state", NULL, diag_state_name(t->state));
	if (t->state != TCP_ESTABLISHED)
		print_text("%s ", diag_state_short(t->state));
	print_uint("local_id", "id %" PRIu64, sf->local_id);
	print_uint("remote_id", "/%" PRIu64 " ", sf->remote_id);
	print_bool("backup", sf->backup ? "backup " : NULL, sf->backup);
	print_uint("rtt_us", NULL, t->rtt_us);
	/* integers: a float conversion per line is a good part of the time */
	print_text("rtt %u.%03ums ", t->rtt_us / 1000, t->rtt_us % 1000);
	print_uint("cwnd", "cwnd %" PRIu64 " ", t->snd_cwnd);
	print_uint("sent", "sent %" PRIu64 " ", t->bytes_sent);
	print_uint("received", "received %" PRIu64 " ", t->bytes_received);
	print_uint("retrans", "retrans %" PRIu64 " ", t->total_retrans);
	print_uint("lastsnd_ms", "lastsnd %" PRIu64 "ms ", t->last_data_sent_ms);
	print_uint("lastrcv_ms", "lastrcv %" PRIu64 "ms", t->last_data_recv_ms);
	print_text("\n");
	print_close_object();
}

/* A connection whose kernel lacks the MPTCP-level byte counters was shown:
 * one note says why its counters are '?'. */
static bool counters_unknown;

/* key and its value, or '?' (null) where the kernel has no such counter:
 * a zero there would be a wrong answer. */
static void print_counter(const char *key, const char *fmt, uint64_t val, bool known)
{
	if (known) {
		print_uint(key, fmt, val);
		return;
	}
	print_null(key, NULL);
	print_text("%s ? ", key);
	counters_unknown = true;
}

static void print_conn_counters(const struct diag_conn *c, size_t nsub)
{
	bool known = c->info.known & MPK_CONN_KNOWN_BYTES;
	char token[16];

	snprintf(token, sizeof(token), "%08x", c->info.token);
	print_string("token", "token %s ", token);
	print_counter("sent", "sent %" PRIu64 " ", c->info.bytes_sent, known);
	print_counter("received", "received %" PRIu64 " ", c->info.bytes_received, known);
	print_counter("retrans", "retrans %" PRIu64 " ", c->info.retransmits, known);
	print_uint("num_subflows", "subflows %" PRIu64, nsub);
	/* DSS checksums (pmd asks for them); shown where the kernel gives the
	 * byte counters (MPTCP_INFO of 6.0+), which tell a full answer */
	if (known) {
		print_bool("checksum", NULL, c->info.csum_enabled);
		if (c->info.csum_enabled)
			print_text(" checksums");
	}
}

static void print_conn(const struct diag_snapshot *s, const struct diag_conn *c)
{
	enum diag_fallback_cause cause = diag_fallback_cause(s, c);
	size_t first, n = diag_subflows_of(s, c->info.token, &first);

	print_open_object(NULL);
	print_string("state", NULL, diag_state_name(c->state));
	print_text("%-10s ", diag_state_short(c->state));
	print_addr("local", "%-22s ", &c->local);
	if (c->listener)
		print_text("%-22s ", "*");
	else
		print_addr("remote", "%-22s ", &c->remote);
	if (!c->fallback_accepted && !c->listener)
		print_conn_counters(c, n);
	print_bool("fallback", NULL, c->fallback);
	if (c->fallback)
		print_text("%sfallback: %s", c->fallback_accepted ? "" : " ", cause_text[cause]);
	print_string("fallback_cause", NULL, cause_key[cause]);
	print_text("\n");
	if (!c->listener) {
		print_open_array("subflows");
		for (size_t i = first; i < first + n; i++)
			print_subflow(&s->subflows[i]);
		print_close_array();
	}
	print_close_object();
}

static bool conn_matches(const struct ss_filter *f, const struct diag_snapshot *s,
			 const struct diag_conn *c)
{
	size_t first = 0, n;

	if (ss_filter_match(f, &c->local, &c->remote, c->state))
		return true;
	n = c->listener ? 0 : diag_subflows_of(s, c->info.token, &first);
	for (size_t i = first; i < first + n; i++) {
		const struct mpk_subflow_info *t = &s->subflows[i].tcp;

		if (ss_filter_match(f, &t->local, &t->remote, t->state))
			return true;
	}
	return false;
}

static int port_cmp(const struct sockaddr_storage *a, const struct sockaddr_storage *b)
{
	/* sin_port and sin6_port sit at the same offset */
	uint16_t x = ntohs(((const struct sockaddr_in *)a)->sin_port);
	uint16_t y = ntohs(((const struct sockaddr_in *)b)->sin_port);

	return (x > y) - (x < y);
}

/* Connections before listeners, then by local and remote port. */
static int conn_order(const void *a, const void *b)
{
	const struct diag_conn *x = a, *y = b;
	int d;

	if (x->listener != y->listener)
		return x->listener - y->listener;
	if ((d = port_cmp(&x->local, &y->local)))
		return d;
	return port_cmp(&x->remote, &y->remote);
}

static void print_all(struct diag_snapshot *s, const struct ss_opts *o)
{
	qsort(s->conns, s->nconns, sizeof(*s->conns), conn_order);
	print_open_object(NULL);
	print_open_array("connections");
	for (size_t i = 0; i < s->nconns; i++) {
		const struct diag_conn *c = &s->conns[i];

		if ((c->listener ? o->listeners : o->connections) && conn_matches(&o->filter, s, c))
			print_conn(s, c);
	}
	print_close_array();
	if (counters_unknown) {
		char text[200];

		print_string("note", "?: %s\n", feature_needs(MPK_FEATURE_BYTE_COUNTERS, true,
							       text, sizeof(text)));
	}
	print_close_object();
}

static int parse_args(int argc, char **argv, struct ss_opts *o)
{
	char err[160];
	int i = 1;

	o->connections = o->subflows = true;
	for (; i < argc && argv[i][0] == '-'; i++) {
		if (!strcmp(argv[i], "-l") || !strcmp(argv[i], "--listening")) {
			o->listeners = true;
			o->connections = false;
		} else if (!strcmp(argv[i], "-a") || !strcmp(argv[i], "--all")) {
			o->listeners = o->connections = true;
		} else if (!strcmp(argv[i], "-j") || !strcmp(argv[i], "--json")) {
			print_set_json(true);
		} else if (!strcmp(argv[i], "-S") || !strcmp(argv[i], "--no-subflows")) {
			o->subflows = false;
		} else if (!strcmp(argv[i], "-n") || !strcmp(argv[i], "--numeric")) {
			continue; /* always numeric; accepted for ss's users */
		} else {
			return fail("ss: unknown option '%s' (try '" PROG_NAME " ss --help')", argv[i]);
		}
	}
	if (ss_filter_parse(argc - i, argv + i, &o->filter, err, sizeof(err)) < 0)
		return fail("ss: bad filter: %s", err);
	return 0;
}

int cmd_ss(int argc, char **argv)
{
	struct ss_opts o = { .listeners = false };
	unsigned int what = DIAG_CONNS | DIAG_SUBFLOWS | DIAG_FALLBACK;
	struct diag_snapshot snap;
	int err;

	if (wants_help(argc, argv)) {
		fputs(usage, stdout);
		return 0;
	}
	if (parse_args(argc, argv, &o))
		return 1;
	/* some kernels without it answer the dump with nothing, not ENOENT:
	 * an empty list would say "no connections", not "cannot see them" */
	if (mpk_feature_probe(MPK_FEATURE_DIAG) == 0)
		return diag_fail("ss", -ENOENT);
	if (o.listeners)
		what |= DIAG_LISTENERS;
	if (!o.subflows)
		what |= DIAG_NO_TCP;
	/* thousands of lines: fewer, larger writes */
	setvbuf(stdout, NULL, _IOFBF, 1 << 16);
	err = diag_take_once(what, &snap);
	if (err < 0)
		return diag_fail("ss", err);
	print_all(&snap, &o);
	diag_snapshot_free(&snap);
	return 0;
}
