// SPDX-License-Identifier: GPL-2.0-or-later
/* Byte rates between two snapshots, by socket cookie. */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "top-rates.h"

/* A socket's cookie and its byte counters, sorted by cookie for lookup. */
struct seen {
	uint64_t cookie, tx, rx;
};

static int seen_order(const void *a, const void *b)
{
	const struct seen *x = a, *y = b;

	return (x->cookie > y->cookie) - (x->cookie < y->cookie);
}

static const struct seen *seen_find(const struct seen *v, size_t n, uint64_t cookie)
{
	struct seen key = { .cookie = cookie };

	return n ? bsearch(&key, v, n, sizeof(*v), seen_order) : NULL;
}

static double per_second(uint64_t now, uint64_t before, double seconds)
{
	return now > before && seconds > 0 ? (double)(now - before) / seconds : 0;
}

/* A connection's bytes: the kernel's MPTCP-level counters (6.5+), else the
 * sum of its subflows' TCP counters (retransmissions included). */
static void conn_bytes(const struct diag_snapshot *s, const struct diag_conn *c,
		       uint64_t *tx, uint64_t *rx)
{
	size_t first, n;

	*tx = c->info.bytes_sent;
	*rx = c->info.bytes_received;
	if (c->info.known & MPK_CONN_KNOWN_BYTES)
		return;
	n = diag_subflows_of(s, c->info.token, &first);
	for (size_t i = first; i < first + n; i++) {
		*tx += s->subflows[i].tcp.bytes_sent;
		*rx += s->subflows[i].tcp.bytes_received;
	}
}

static struct seen *conns_seen(const struct diag_snapshot *s)
{
	struct seen *v = malloc((s->nconns ? s->nconns : 1) * sizeof(*v));

	if (!v)
		return NULL;
	for (size_t i = 0; i < s->nconns; i++) {
		v[i].cookie = s->conns[i].cookie;
		conn_bytes(s, &s->conns[i], &v[i].tx, &v[i].rx);
	}
	qsort(v, s->nconns, sizeof(*v), seen_order);
	return v;
}

static struct seen *subflows_seen(const struct diag_snapshot *s)
{
	struct seen *v = malloc((s->nsubflows ? s->nsubflows : 1) * sizeof(*v));

	if (!v)
		return NULL;
	for (size_t i = 0; i < s->nsubflows; i++)
		v[i] = (struct seen){ s->subflows[i].cookie, s->subflows[i].tcp.bytes_sent,
				      s->subflows[i].tcp.bytes_received };
	qsort(v, s->nsubflows, sizeof(*v), seen_order);
	return v;
}

static void rate_of(struct rate *r, const struct seen *before, uint64_t tx, uint64_t rx,
		    double seconds)
{
	r->tx = before ? per_second(tx, before->tx, seconds) : 0;
	r->rx = before ? per_second(rx, before->rx, seconds) : 0;
}

int top_rates_compute(const struct diag_snapshot *prev, const struct diag_snapshot *cur,
		      double seconds, struct top_rates *out)
{
	struct seen *pc = conns_seen(prev), *ps = subflows_seen(prev);

	out->conn = calloc(cur->nconns ? cur->nconns : 1, sizeof(*out->conn));
	out->subflow = calloc(cur->nsubflows ? cur->nsubflows : 1, sizeof(*out->subflow));
	if (!pc || !ps || !out->conn || !out->subflow) {
		free(pc);
		free(ps);
		top_rates_free(out);
		return -ENOMEM;
	}
	for (size_t i = 0; i < cur->nconns; i++) {
		const struct diag_conn *c = &cur->conns[i];
		uint64_t tx, rx;

		conn_bytes(cur, c, &tx, &rx);
		rate_of(&out->conn[i], seen_find(pc, prev->nconns, c->cookie), tx, rx, seconds);
	}
	for (size_t i = 0; i < cur->nsubflows; i++) {
		const struct diag_subflow *sf = &cur->subflows[i];

		rate_of(&out->subflow[i], seen_find(ps, prev->nsubflows, sf->cookie),
			sf->tcp.bytes_sent, sf->tcp.bytes_received, seconds);
	}
	free(pc);
	free(ps);
	return 0;
}

void top_rates_free(struct top_rates *r)
{
	free(r->conn);
	free(r->subflow);
	r->conn = NULL;
	r->subflow = NULL;
}
