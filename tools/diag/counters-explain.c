// SPDX-License-Identifier: GPL-2.0-or-later
/* Notes from the MPTcpExt counters. */
#include <string.h>

#include "counters-explain.h"

/* The counters that count fallbacks, each a cause of its own. */
static const char *const fallback_counters[] = {
	"DSSCorruptionFallback", "DssFallback", "MPCapableDataFallback", "MD5SigFallback",
	"SimultConnectFallback", "MPFallbackTokenInit", "InfiniteMapRx", "FallbackFailed",
};

struct notes {
	struct counter_note *v;
	size_t n, max;
};

static void add(struct notes *ns, enum counter_note_kind kind, const char *counter,
		uint64_t a, uint64_t b)
{
	if (ns->n == ns->max)
		return;
	ns->v[ns->n++] = (struct counter_note){ .kind = kind, .counter = counter, .a = a, .b = b };
}

/* The note when a (and so the counter behind it) is not zero. */
static void add_if(struct notes *ns, enum counter_note_kind kind, uint64_t a, uint64_t b)
{
	if (a)
		add(ns, kind, NULL, a, b);
}

static uint64_t get(const struct netstat *s, const char *name)
{
	return netstat_get(s, name);
}

static void explain_handshake(const struct netstat *s, struct notes *ns)
{
	add_if(ns, NOTE_SYN_NO_MPC, get(s, "MPCapableFallbackSYNACK"), 0);
	add_if(ns, NOTE_SYN_BLACKHOLE, get(s, "MPCapableSYNTXDrop"),
	       get(s, "MPCapableSYNTXDisabled"));
	add_if(ns, NOTE_PASSIVE_FALLBACK, get(s, "MPCapableFallbackACK"), 0);
}

static void explain_joins(const struct netstat *s, struct notes *ns)
{
	uint64_t err = get(s, "MPJoinSynTxCreatSkErr") + get(s, "MPJoinSynTxBindErr") +
		       get(s, "MPJoinSynTxConnectErr");
	uint64_t tx = get(s, "MPJoinSynTx"), ack = get(s, "MPJoinSynAckRx");

	/* SynTx also counts the joins that failed before leaving (the *Err). */
	tx = tx > err ? tx - err : 0;
	if (tx > ack)
		add(ns, NOTE_JOIN_UNANSWERED, NULL, tx, ack);
	add_if(ns, NOTE_JOIN_CREATE_ERR, err, 0);
	add_if(ns, NOTE_JOIN_REJECTED, get(s, "MPJoinRejected"), 0);
	add_if(ns, NOTE_JOIN_NO_TOKEN, get(s, "MPJoinNoTokenFound"), 0);
	add_if(ns, NOTE_JOIN_HMAC, get(s, "MPJoinSynAckHMacFailure") +
	       get(s, "MPJoinAckHMacFailure"), 0);
}

static uint64_t minus(uint64_t a, uint64_t b)
{
	return a > b ? a - b : 0;
}

/* An abort (MP_FASTCLOSE) also sends an MP_RST on each subflow: the
 * resets that tell of trouble are the others. */
static void explain_resets(const struct netstat *s, struct notes *ns)
{
	uint64_t ftx = get(s, "MPFastcloseTx"), frx = get(s, "MPFastcloseRx");
	uint64_t rtx = minus(get(s, "MPRstTx"), ftx), rrx = minus(get(s, "MPRstRx"), frx);

	if (ftx || frx)
		add(ns, NOTE_FASTCLOSE, NULL, ftx, frx);
	if (rtx || rrx)
		add(ns, NOTE_RESETS, NULL, rtx, rrx);
}

size_t counters_explain(const struct netstat *s, struct counter_note *notes, size_t max)
{
	struct notes ns = { .v = notes, .max = max };

	explain_handshake(s, &ns);
	explain_joins(s, &ns);
	for (size_t i = 0; i < sizeof(fallback_counters) / sizeof(fallback_counters[0]); i++) {
		uint64_t a = get(s, fallback_counters[i]);

		if (a)
			add(&ns, NOTE_FALLBACK_CAUSE, fallback_counters[i], a, 0);
	}
	/* Under the limit the kernel echoes an ADD_ADDR and counts no drop:
	 * announcements that never led to a join are the sign of it. */
	if (!get(s, "MPJoinSynTx"))
		add_if(&ns, NOTE_ADD_ADDR_UNUSED, get(s, "AddAddr"), 0);
	add_if(&ns, NOTE_ADD_ADDR_DROPPED, get(s, "AddAddrDrop"), 0);
	add_if(&ns, NOTE_ADD_ADDR_TX_DROP, get(s, "AddAddrTxDrop") + get(s, "EchoAddTxDrop"), 0);
	explain_resets(s, &ns);
	add_if(&ns, NOTE_CSUM, get(s, "DataCsumErr"), 0);
	add_if(&ns, NOTE_STALE, get(s, "SubflowStale"), get(s, "SubflowRecover"));
	return ns.n;
}
