// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * Connections that can no longer take new subflows, and the addresses
 * whose subflows they cannot lose.
 *
 * What the running kernel does (6.18, net/mptcp/subflow.c and pm*.c;
 * measured in tests/netns/34-connect-halfclose.sh and 97-pmd-halfclose.sh):
 *  - an MP_JOIN is accepted only while the connection is fully established
 *    and its path manager accepts subflows (mptcp_can_accept_new_subflow():
 *    mptcp_is_fully_established() && pm.accept_subflow); otherwise the
 *    server counts MPTcpExtMPJoinRejected and resets the join. Once either
 *    side has sent DATA_FIN (shutdown(SHUT_WR): FIN_WAIT1/2, CLOSING,
 *    LAST_ACK here, CLOSE_WAIT at the peer) the connection is not
 *    ESTABLISHED any more: no join is accepted, and the in-kernel PM of
 *    the other side creates none;
 *  - pm.accept_subflow is cleared when the subflow limit is reached;
 *  - a fallen-back connection has no path manager at all;
 *  - such a connection lives on the subflows it has. The kernel keeps a
 *    subflow whose link goes down and resumes it when the link returns;
 *    deleting the endpoint of its address (or SUBFLOW_DESTROY) closes it
 *    for good, and a connection left with no subflow is dead.
 * So an address pins its endpoint while it carries an established subflow
 * of such a connection that has no established subflow from another
 * address whose path is alive: that subflow is the connection's last hope.
 */
#include <errno.h>
#include <stdlib.h>
#include <netinet/tcp.h>

#include "diag.h"
#include "diag-names.h"
#include "pmd.h"

#define LOGGED_MAX 1024

struct pin {
	int family;
	union mpk_in46 ip;
};

struct pmd_stuck {
	uint32_t *logged;	/* tokens said once; kept while they live */
	int nlogged;
	uint32_t *stuck;	/* tokens of the last scan */
	int nstuck;
	struct pin pin[PMD_ADDRS_MAX];
	int npins;
};

const char *pmd_stuck_text(enum pmd_stuck_why why)
{
	static const char *const text[] = {
		[PMD_STUCK_NONE] = "it can take new subflows",
		[PMD_STUCK_HALF_CLOSED] = ("half-closed (a side sent DATA_FIN): the kernel "
					   "refuses every join"),
		[PMD_STUCK_FALLBACK] = "fell back to TCP",
		[PMD_STUCK_LIMITS] = "its subflow limit is reached",
	};

	return (size_t)why < sizeof(text) / sizeof(text[0]) ? text[why] : "?";
}

static const char *why_name(enum pmd_stuck_why why)
{
	static const char *const name[] = {
		[PMD_STUCK_NONE] = "none", [PMD_STUCK_HALF_CLOSED] = "half_closed",
		[PMD_STUCK_FALLBACK] = "fallback", [PMD_STUCK_LIMITS] = "limits",
	};

	return (size_t)why < sizeof(name) / sizeof(name[0]) ? name[why] : "?";
}

enum pmd_stuck_why pmd_stuck_why(const struct diag_conn *c)
{
	if (c->listener)
		return PMD_STUCK_NONE;
	if (c->fallback || c->info.fallback)
		return PMD_STUCK_FALLBACK;
	switch (c->state) {
	case TCP_ESTABLISHED:
		break;
	case TCP_FIN_WAIT1: case TCP_FIN_WAIT2: case TCP_CLOSE_WAIT:
	case TCP_CLOSING: case TCP_LAST_ACK:
		return PMD_STUCK_HALF_CLOSED;
	default:	/* not yet, or no longer, a connection */
		return PMD_STUCK_NONE;
	}
	if (c->info.subflows_max && c->info.subflows >= c->info.subflows_max)
		return PMD_STUCK_LIMITS;
	return PMD_STUCK_NONE;
}

int pmd_stuck_open(struct pmd_stuck **out)
{
	struct pmd_stuck *st = calloc(1, sizeof(*st));

	if (!st || !(st->logged = calloc(LOGGED_MAX, sizeof(uint32_t))) ||
	    !(st->stuck = calloc(LOGGED_MAX, sizeof(uint32_t)))) {
		pmd_stuck_close(st);
		return -ENOMEM;
	}
	*out = st;
	return 0;
}

void pmd_stuck_close(struct pmd_stuck *st)
{
	if (!st)
		return;
	free(st->logged);
	free(st->stuck);
	free(st);
}

static int by_token(const void *a, const void *b)
{
	uint32_t x = *(const uint32_t *)a, y = *(const uint32_t *)b;

	return x < y ? -1 : x > y;
}

/* v sorted (a server may hold thousands of half-closed connections) */
static bool has_token(const uint32_t *v, int n, uint32_t token)
{
	return n > 0 && bsearch(&token, v, (size_t)n, sizeof(*v), by_token);
}

bool pmd_stuck_token(const struct pmd_stuck *st, uint32_t token)
{
	return st && token && has_token(st->stuck, st->nstuck, token);
}

bool pmd_stuck_pins(const struct pmd_stuck *st, int family, const union mpk_in46 *ip)
{
	for (int i = 0; st && i < st->npins; i++) {
		if (st->pin[i].family == family && pmd_in46_equal(family, &st->pin[i].ip, ip))
			return true;
	}
	return false;
}

static void add_pin(struct pmd_stuck *st, int family, const union mpk_in46 *ip)
{
	if (!pmd_stuck_pins(st, family, ip) && st->npins < PMD_ADDRS_MAX)
		st->pin[st->npins++] = (struct pin){ family, *ip };
}

/* Once per connection: which one, in what state, why, on how many subflows. */
static void log_once(struct pmd_stuck *st, const struct diag_conn *c,
		     enum pmd_stuck_why why, unsigned int established,
		     const uint32_t *before, int nbefore)
{
	uint32_t token = c->info.token;

	if (st->nlogged < LOGGED_MAX)
		st->logged[st->nlogged++] = token;
	if (has_token(before, nbefore, token))
		return;
	pmd_log_begin("no-new-subflows");
	pmd_log_uint("token", token);
	pmd_log_str("state", diag_state_name(c->state));
	pmd_log_str("reason", why_name(why));
	pmd_log_uint("subflows", established);
	pmd_log_end(pmd_stuck_text(why));
}

/* Its established subflows: pin their address when none is from another
 * address with a path that is alive. */
static unsigned int pin_subflows(struct pmd_stuck *st, const struct diag_snapshot *s,
				 uint32_t token, pmd_alive_fn alive, void *data)
{
	size_t first = 0, n = diag_subflows_of(s, token, &first);
	unsigned int est = 0;

	for (size_t i = first; i < first + n; i++) {
		const struct diag_subflow *sf = &s->subflows[i];
		union mpk_in46 ip, other;
		int family = pmd_sockaddr_in46(&sf->tcp.local, &ip);
		bool spare = false;

		if (sf->tcp.state != TCP_ESTABLISHED)
			continue;
		est++;
		for (size_t j = first; j < first + n && !spare; j++) {
			const struct diag_subflow *o = &s->subflows[j];

			spare = o->tcp.state == TCP_ESTABLISHED &&
				pmd_sockaddr_in46(&o->tcp.local, &other) == family &&
				!pmd_in46_equal(family, &other, &ip) &&
				alive(data, family, &other);
		}
		if (!spare)
			add_pin(st, family, &ip);
	}
	return est;
}

void pmd_stuck_scan(struct pmd_stuck *st, const struct diag_snapshot *s,
		    pmd_alive_fn alive, void *data)
{
	uint32_t before[LOGGED_MAX];
	int nbefore = st->nlogged;

	for (int i = 0; i < nbefore; i++)
		before[i] = st->logged[i];
	st->nlogged = 0;	/* the tokens still stuck are kept again below */
	st->nstuck = 0;
	st->npins = 0;
	for (size_t i = 0; i < s->nconns; i++) {
		const struct diag_conn *c = &s->conns[i];
		enum pmd_stuck_why why = pmd_stuck_why(c);
		unsigned int est;

		if (why == PMD_STUCK_NONE || !c->info.token)
			continue;
		est = pin_subflows(st, s, c->info.token, alive, data);
		if (st->nstuck < LOGGED_MAX)
			st->stuck[st->nstuck++] = c->info.token;
		/* a fallback has no subflow pmd could close: nothing to say */
		if (why != PMD_STUCK_FALLBACK)
			log_once(st, c, why, est, before, nbefore);
	}
	qsort(st->stuck, (size_t)st->nstuck, sizeof(*st->stuck), by_token);
	qsort(st->logged, (size_t)st->nlogged, sizeof(*st->logged), by_token);
}
