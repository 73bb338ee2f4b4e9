// SPDX-License-Identifier: GPL-2.0-or-later
/* Prometheus text for the exporter. */
#include <ctype.h>
#include <errno.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <net/if.h>

#include "counters-text.h"
#include "diag-names.h"
#include "exporter-metrics.h"

struct page {
	char *buf;
	size_t len, cap;
	bool failed;
};

static void put(struct page *p, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

static void put(struct page *p, const char *fmt, ...)
{
	va_list ap;
	int n;

	for (;;) {
		va_start(ap, fmt);
		n = p->failed ? 0 : vsnprintf(p->buf + p->len, p->cap - p->len, fmt, ap);
		va_end(ap);
		if (p->failed || (size_t)n < p->cap - p->len)
			break;
		char *b = realloc(p->buf, p->cap * 2 + (size_t)n);

		if (!b) {
			p->failed = true;
			return;
		}
		p->buf = b;
		p->cap = p->cap * 2 + (size_t)n;
	}
	if (!p->failed)
		p->len += (size_t)n;
}

static void header(struct page *p, const char *name, const char *type, const char *help)
{
	put(p, "# HELP %s %s\n# TYPE %s %s\n", name, help, name, type);
}

/* A label value with \, " and newline escaped, into buf. */
static const char *label(const char *s, char *buf, size_t len)
{
	size_t o = 0;

	for (; *s && o + 3 < len; s++) {
		if (*s == '\\' || *s == '"' || *s == '\n') {
			buf[o++] = '\\';
			buf[o++] = *s == '\n' ? 'n' : *s;
		} else {
			buf[o++] = *s;
		}
	}
	buf[o] = '\0';
	return buf;
}

/* "RX" or "TX" closing a run of capitals ("SYNRX", "SYNTXDrop"): a word
 * of its own. */
static bool rx_tx_at(const char *name, size_t i)
{
	const char *s = name + i;

	return i >= 2 && isupper((unsigned char)s[-1]) && isupper((unsigned char)s[-2]) &&
	       (s[0] == 'R' || s[0] == 'T') && s[1] == 'X' &&
	       (!s[2] || !isupper((unsigned char)s[2]) || islower((unsigned char)s[3]));
}

void metrics_snake_case(const char *name, char *buf, size_t len)
{
	size_t o = 0;

	for (size_t i = 0; name[i] && o + 2 < len; i++) {
		unsigned char c = (unsigned char)name[i], prev = i ? (unsigned char)name[i - 1] : 0;
		unsigned char next = (unsigned char)name[i + 1];
		/* a word starts at a capital after a small letter or a digit, at
		 * the last capital of an acronym ("SYNAck"), and at RX/TX */
		bool starts = i && isupper(c) && (islower(prev) || isdigit(prev) ||
						 (isupper(prev) && islower(next)) ||
						 rx_tx_at(name, i));

		/* no words of one letter ("HMac" is "hmac", not "h_mac") */
		bool one_letter = o == 1 || (o >= 2 && buf[o - 2] == '_');

		if (starts && o && buf[o - 1] != '_' && !one_letter)
			buf[o++] = '_';
		buf[o++] = isalnum(c) ? (char)tolower(c) : '_';
	}
	buf[o] = '\0';
}

static void render_counters(struct page *p, const struct netstat *s)
{
	for (size_t i = 0; i < s->n; i++) {
		const char *d = counter_describe(s->c[i].name);
		bool gauge = !strcmp(s->c[i].name, "MPCurrEstab");
		char snake[NETSTAT_NAME_MAX * 2], name[NETSTAT_NAME_MAX * 2 + 32];
		char help[200];

		metrics_snake_case(s->c[i].name, snake, sizeof(snake));
		snprintf(name, sizeof(name), "mptcp_ext_%s%s", snake, gauge ? "" : "_total");
		snprintf(help, sizeof(help), "%s (MPTcpExt %s)", d ? d : "kernel counter",
			 s->c[i].name);
		header(p, name, gauge ? "gauge" : "counter", help);
		put(p, "%s %llu\n", name, (unsigned long long)s->c[i].value);
	}
}

static void render_conns(struct page *p, const struct diag_snapshot *s)
{
	static const char *const causes[] = {
		[DIAG_FALLBACK_NO_ANSWER] = "no_answer",
		[DIAG_FALLBACK_PEER_TCP] = "peer_tcp",
		[DIAG_FALLBACK_LATER] = "later",
	};
	size_t by_state[256] = { 0 }, by_cause[DIAG_FALLBACK_LATER + 1] = { 0 }, listeners = 0;

	for (size_t i = 0; i < s->nconns; i++) {
		const struct diag_conn *c = &s->conns[i];

		if (c->listener) {
			listeners++;
			continue;
		}
		by_state[c->state]++;
		by_cause[diag_fallback_cause(s, c)]++;
	}
	header(p, "mptcp_connections", "gauge",
	       "MPTCP connections (fallen-back ones included) by TCP state");
	for (unsigned int st = 0; st < 256; st++)
		if (by_state[st] || st == 1 /* TCP_ESTABLISHED: always there */)
			put(p, "mptcp_connections{state=\"%s\"} %zu\n", diag_state_name((uint8_t)st),
			    by_state[st]);
	header(p, "mptcp_connections_fallback", "gauge",
	       "MPTCP connections running as TCP, by the side that saw the fallback");
	for (size_t k = DIAG_FALLBACK_NO_ANSWER; k <= DIAG_FALLBACK_LATER; k++)
		put(p, "mptcp_connections_fallback{cause=\"%s\"} %zu\n", causes[k], by_cause[k]);
	header(p, "mptcp_listeners", "gauge", "MPTCP listening sockets");
	put(p, "mptcp_listeners %zu\n", listeners);
}

#define IFACES_MAX 64

struct iface_sum {
	char name[IF_NAMESIZE];
	size_t subflows;
	unsigned long long sent, received;
};

static struct iface_sum *iface_slot(struct iface_sum *t, size_t *n, const char *name)
{
	const char *key = name[0] ? name : "unknown";

	for (size_t i = 0; i < *n; i++)
		if (!strcmp(t[i].name, key))
			return &t[i];
	if (*n == IFACES_MAX)
		return iface_slot(t, n, "other");
	memset(&t[*n], 0, sizeof(t[*n]));
	snprintf(t[*n].name, sizeof(t[*n].name), "%s", key);
	return &t[(*n)++];
}

static void render_iface_metric(struct page *p, const struct iface_sum *t, size_t n,
				const char *name, const char *help, int which)
{
	char buf[IF_NAMESIZE * 2];

	header(p, name, "gauge", help);
	for (size_t i = 0; i < n; i++)
		put(p, "%s{interface=\"%s\"} %llu\n", name, label(t[i].name, buf, sizeof(buf)),
		    which == 0 ? (unsigned long long)t[i].subflows :
		    which == 1 ? t[i].sent : t[i].received);
}

static void render_subflows(struct page *p, const struct diag_snapshot *s)
{
	struct iface_sum t[IFACES_MAX + 1];
	size_t n = 0;

	for (size_t i = 0; i < s->nsubflows; i++) {
		const struct mpk_subflow_info *sf = &s->subflows[i].tcp;
		struct iface_sum *slot = iface_slot(t, &n, sf->ifname);

		slot->subflows++;
		slot->sent += sf->bytes_sent;
		slot->received += sf->bytes_received;
	}
	render_iface_metric(p, t, n, "mptcp_subflows", "MPTCP subflows by local interface", 0);
	/* Sums over the subflows open now: they drop when a subflow closes,
	 * so gauges, not counters. */
	render_iface_metric(p, t, n, "mptcp_subflow_sent_bytes",
			    "bytes sent by the open subflows, by local interface", 1);
	render_iface_metric(p, t, n, "mptcp_subflow_received_bytes",
			    "bytes received by the open subflows, by local interface", 2);
}

/* Backend mode: the joins that reached this backend, labelled with its
 * join address (each backend's exporter names its own: per backend). */
static void render_pmd_joins(struct page *p, const struct pmd_stats_joins *j)
{
	const struct { const char *result; uint64_t n; } r[] = {
		{ "received", j->received }, { "accepted", j->accepted },
		{ "unknown_token", j->unknown_token }, { "rejected", j->rejected },
	};
	char a[80];

	header(p, "mptcpkit_pmd_joins_total", "counter",
	       "MP_JOINs at this backend since pmd --balanced started, by result "
	       "(unknown_token: joins the balancer sent astray)");
	for (size_t i = 0; i < sizeof(r) / sizeof(r[0]); i++)
		put(p, "mptcpkit_pmd_joins_total{join=\"%s\",result=\"%s\"} %llu\n",
		    label(j->join, a, sizeof(a)), r[i].result, (unsigned long long)r[i].n);
}

static void render_pmd(struct page *p, const struct pmd_stats *s)
{
	char a[64], b[64];

	header(p, "mptcpkit_pmd_actions_total", "counter",
	       "decisions of mptcpkit pmd, by action (see its log)");
	for (int i = 0; i < s->nactions; i++)
		put(p, "mptcpkit_pmd_actions_total{action=\"%s\"} %llu\n",
		    label(s->action[i].name, a, sizeof(a)), (unsigned long long)s->action[i].count);
	header(p, "mptcpkit_pmd_path_up", "gauge",
	       "1 when pmd's health checks find the path alive, 0 when dead");
	for (int i = 0; i < s->npaths; i++)
		put(p, "mptcpkit_pmd_path_up{interface=\"%s\",address=\"%s\"} %d\n",
		    label(s->path[i].dev, a, sizeof(a)), label(s->path[i].address, b, sizeof(b)),
		    s->path[i].alive);
	if (s->joins.join[0])
		render_pmd_joins(p, &s->joins);
}

int metrics_render(const struct metrics_input *in, char **out, size_t *len)
{
	struct page p = { .cap = 16384 };

	p.buf = malloc(p.cap);
	if (!p.buf)
		return -ENOMEM;
	p.buf[0] = '\0';
	header(&p, "mptcp_diag_up", "gauge", "1 when sock_diag (mptcp_diag) answered");
	put(&p, "mptcp_diag_up %d\n", in->snap != NULL);
	header(&p, "mptcp_counters_up", "gauge", "1 when /proc/net/netstat had MPTcpExt counters");
	put(&p, "mptcp_counters_up %d\n", in->counters != NULL);
	if (in->snap) {
		header(&p, "mptcp_diag_duration_seconds", "gauge",
		       "time taken by the sock_diag dumps of this scrape");
		put(&p, "mptcp_diag_duration_seconds %.6f\n", in->diag_seconds);
		render_conns(&p, in->snap);
		render_subflows(&p, in->snap);
	}
	if (in->counters)
		render_counters(&p, in->counters);
	header(&p, "mptcpkit_pmd_up", "gauge", "1 when mptcpkit pmd runs in this network namespace");
	put(&p, "mptcpkit_pmd_up %d\n", in->pmd != NULL);
	if (in->pmd)
		render_pmd(&p, in->pmd);
	if (p.failed) {
		free(p.buf);
		return -ENOMEM;
	}
	*out = p.buf;
	*len = p.len;
	return 0;
}
