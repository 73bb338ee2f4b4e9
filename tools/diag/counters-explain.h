/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * What the non-zero MPTcpExt counters mean for a user, as notes: a kind
 * and the numbers behind it. A pure function of the counters (unit-tested);
 * the words are made at the edge (counters-text.c).
 * Engine rule: 0 or -errno, never prints.
 */
#ifndef MPTCPKIT_COUNTERS_EXPLAIN_H
#define MPTCPKIT_COUNTERS_EXPLAIN_H

#include <stddef.h>
#include <stdint.h>

#include "netstat.h"

enum counter_note_kind {
	NOTE_SYN_NO_MPC,        /* a: SYN-ACKs without MP_CAPABLE (MPCapableFallbackSYNACK) */
	NOTE_SYN_BLACKHOLE,     /* a: MP_CAPABLE SYNs dropped on the way, b: sent without
				 * MPTCP since (MPCapableSYNTXDrop, MPCapableSYNTXDisabled) */
	NOTE_PASSIVE_FALLBACK,  /* a: handshakes to our listeners that fell back
				 * (MPCapableFallbackACK) */
	NOTE_JOIN_UNANSWERED,   /* a: MP_JOIN SYNs sent, b: answered (MPJoinSynTx, SynAckRx) */
	NOTE_JOIN_CREATE_ERR,   /* a: joins that could not be started (MPJoinSynTx*Err) */
	NOTE_JOIN_REJECTED,     /* a: joins refused here (MPJoinRejected) */
	NOTE_JOIN_NO_TOKEN,     /* a: joins for no known connection (MPJoinNoTokenFound) */
	NOTE_JOIN_HMAC,         /* a: joins with a bad HMAC (MPJoin*HMacFailure) */
	NOTE_FALLBACK_CAUSE,    /* a: fallbacks counted by `counter` (one note per cause) */
	NOTE_ADD_ADDR_UNUSED,   /* a: ADD_ADDRs received, and no join sent at all
				 * (AddAddr, MPJoinSynTx 0): the add_addr_accepted
				 * limit (default 0) keeps announced addresses unused */
	NOTE_ADD_ADDR_DROPPED,  /* a: ADD_ADDRs dropped by a busy path manager (AddAddrDrop) */
	NOTE_ADD_ADDR_TX_DROP,  /* a: ADD_ADDRs that could not be sent (AddAddrTxDrop,
				 * EchoAddTxDrop) */
	NOTE_FASTCLOSE,         /* a: connections aborted here, b: by the peer
				 * (MPFastcloseTx, MPFastcloseRx) */
	NOTE_RESETS,            /* a: MP_RST sent, b: received, those of the aborts
				 * (MP_FASTCLOSE) left out (MPRstTx, MPRstRx) */
	NOTE_CSUM,              /* a: DSS checksum errors (DataCsumErr) */
	NOTE_STALE,             /* a: subflows found stale, b: recovered (SubflowStale,
				 * SubflowRecover) */
};

struct counter_note {
	enum counter_note_kind kind;
	const char *counter;    /* NOTE_FALLBACK_CAUSE: the counter's name */
	uint64_t a, b;
};

#define COUNTER_NOTES_MAX 24

/* Notes for the counters in s (absolute values, or a delta): up to max,
 * most telling first; returns how many. */
size_t counters_explain(const struct netstat *s, struct counter_note *notes, size_t max);

#endif
