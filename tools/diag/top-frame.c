// SPDX-License-Identifier: GPL-2.0-or-later
/* A frame of top: rows sorted by rate, printed through print.c. */
#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <time.h>

#include "diag-names.h"
#include "print.h"
#include "top-frame.h"

/* Rows to sort: an index and its rate. */
struct row {
	size_t i;
	double rate;
};

static int by_rate_desc(const void *a, const void *b)
{
	const struct row *x = a, *y = b;

	if (x->rate != y->rate)
		return x->rate < y->rate ? 1 : -1;
	return (x->i > y->i) - (x->i < y->i);
}

const char *top_human_rate(double v, char *buf, size_t len)
{
	static const char *const unit[] = { "B/s", "kB/s", "MB/s", "GB/s", "TB/s" };
	size_t u = 0;

	while (v >= 1000 && u < 4) {
		v /= 1000;
		u++;
	}
	snprintf(buf, len, u ? "%.1f %s" : "%.0f %s", v, unit[u]);
	return buf;
}

static void print_rates(const struct rate *r, const char *indent)
{
	char tx[24], rx[24];

	print_double("tx_bytes_per_s", NULL, r->tx);
	print_double("rx_bytes_per_s", NULL, r->rx);
	print_text("%s%10s %10s  ", indent, top_human_rate(r->tx, tx, sizeof(tx)),
		   top_human_rate(r->rx, rx, sizeof(rx)));
}

static void print_addr(const char *key, const char *fmt, const struct sockaddr_storage *ss)
{
	char buf[MPK_ADDRSTRLEN];

	print_string(key, fmt, mpk_addr_format((const struct sockaddr *)ss, buf, sizeof(buf)));
}

static void print_subflow(const struct diag_subflow *sf, const struct rate *r)
{
	print_open_object(NULL);
	print_rates(r, "  ");
	print_string("dev", "%-6s ", sf->tcp.ifname[0] ? sf->tcp.ifname : "?");
	print_addr("local", "%s", &sf->tcp.local);
	print_addr("remote", " -> %s", &sf->tcp.remote);
	print_bool("backup", sf->backup ? " backup" : NULL, sf->backup);
	print_uint("rtt_us", NULL, sf->tcp.rtt_us);
	print_text(" rtt %.3fms", sf->tcp.rtt_us / 1000.0);
	print_uint("cwnd", " cwnd %" PRIu64 "\n", sf->tcp.snd_cwnd);
	print_close_object();
}

static int print_subflows(const struct diag_snapshot *s, const struct top_rates *r,
			  const struct diag_conn *c)
{
	size_t first, n = diag_subflows_of(s, c->info.token, &first);
	struct row *rows = malloc((n ? n : 1) * sizeof(*rows));

	if (!rows)
		return -ENOMEM;
	for (size_t k = 0; k < n; k++)
		rows[k] = (struct row){ first + k, r->subflow[first + k].tx + r->subflow[first + k].rx };
	qsort(rows, n, sizeof(*rows), by_rate_desc);
	print_open_array("subflows");
	for (size_t k = 0; k < n; k++)
		print_subflow(&s->subflows[rows[k].i], &r->subflow[rows[k].i]);
	print_close_array();
	free(rows);
	return 0;
}

static int print_conn(const struct diag_snapshot *s, const struct top_rates *r, size_t i)
{
	const struct diag_conn *c = &s->conns[i];
	char token[16];

	snprintf(token, sizeof(token), c->fallback_accepted ? "-" : "%08x", c->info.token);
	print_open_object(NULL);
	print_rates(&r->conn[i], "");
	print_string("state", NULL, diag_state_name(c->state));
	print_text("%-10s ", diag_state_short(c->state));
	print_addr("local", "%-22s ", &c->local);
	print_addr("remote", "%-22s ", &c->remote);
	print_string("token", "%s", token);
	print_bool("fallback", c->fallback ? " fallback" : NULL, c->fallback);
	print_text("\n");
	int ret = print_subflows(s, r, c);

	print_close_object();
	return ret;
}

static void print_header(const struct diag_snapshot *s, size_t nconns, double interval,
			 bool interactive)
{
	char when[16];
	time_t now = time(NULL);
	struct tm tm;

	strftime(when, sizeof(when), "%H:%M:%S", localtime_r(&now, &tm));
	print_uint("num_connections", "mptcpkit top - %" PRIu64 " connections", nconns);
	print_uint("num_subflows", ", %" PRIu64 " subflows", s->nsubflows);
	print_double("interval", ", every %g s", interval);
	print_string("time", " - %s", when);
	print_text("%s\n", interactive ? "  (q quits)" : "");
	print_text("%10s %10s  %-10s %-22s %-22s %s\n", "TX", "RX", "STATE", "LOCAL", "REMOTE",
		   "TOKEN");
}

int top_frame_print(const struct diag_snapshot *s, const struct top_rates *r,
		    double interval, bool interactive)
{
	struct row *rows = malloc((s->nconns ? s->nconns : 1) * sizeof(*rows));
	size_t n = 0;
	int ret = 0;

	if (!rows)
		return -ENOMEM;
	for (size_t i = 0; i < s->nconns; i++)
		if (!s->conns[i].listener)
			rows[n++] = (struct row){ i, r->conn[i].tx + r->conn[i].rx };
	qsort(rows, n, sizeof(*rows), by_rate_desc);
	print_open_object(NULL);
	print_header(s, n, interval, interactive);
	print_open_array("connections");
	for (size_t k = 0; k < n && ret == 0; k++)
		ret = print_conn(s, r, rows[k].i);
	print_close_array();
	print_close_object();
	free(rows);
	return ret;
}
