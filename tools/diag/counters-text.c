// SPDX-License-Identifier: GPL-2.0-or-later
/* Words for the MPTcpExt counters (after the kernel's net/mptcp/mib.c and
 * the MPTCP documentation) and for the notes drawn from them. */
#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <string.h>

#include "counters-text.h"
#include "print.h"
#include "util.h"

static const struct {
	const char *name, *text;
} known[] = {
	{ "MPCapableSYNRX", "SYNs received with MP_CAPABLE" },
	{ "MPCapableSYNTX", "SYNs sent with MP_CAPABLE" },
	{ "MPCapableSYNACKRX", "SYN-ACKs received with MP_CAPABLE" },
	{ "MPCapableACKRX", "third ACKs received with MP_CAPABLE" },
	{ "MPCapableFallbackACK", "handshakes to a listener here that fell back (ACK without MP_CAPABLE)" },
	{ "MPCapableFallbackSYNACK", "connections opened here that fell back (SYN-ACK without MP_CAPABLE)" },
	{ "MPCapableSYNTXDrop", "MP_CAPABLE SYNs retransmitted without MPTCP (dropped on the way?)" },
	{ "MPCapableSYNTXDisabled", "SYNs sent without MPTCP: MPTCP off after a blackhole" },
	{ "MPCapableEndpAttempt", "MP_CAPABLE SYNs to the port of a signal endpoint (refused)" },
	{ "MPFallbackTokenInit", "fallbacks: no connection token could be made" },
	{ "MPTCPRetrans", "MPTCP-level retransmissions (data re-sent on another subflow)" },
	{ "MPJoinNoTokenFound", "MP_JOINs for no known connection" },
	{ "MPJoinSynRx", "MP_JOIN SYNs received" },
	{ "MPJoinSynBackupRx", "MP_JOIN SYNs received with the backup flag" },
	{ "MPJoinSynAckRx", "MP_JOIN SYN-ACKs received" },
	{ "MPJoinSynAckBackupRx", "MP_JOIN SYN-ACKs received with the backup flag" },
	{ "MPJoinSynAckHMacFailure", "MP_JOIN SYN-ACKs with a wrong HMAC" },
	{ "MPJoinAckRx", "MP_JOIN third ACKs received" },
	{ "MPJoinAckHMacFailure", "MP_JOIN ACKs with a wrong HMAC" },
	{ "MPJoinRejected", "MP_JOINs refused by the path manager here (limits)" },
	{ "MPJoinSynTx", "MP_JOIN SYNs this host tried to send" },
	{ "MPJoinSynTxCreatSkErr", "joins not sent: no socket could be created" },
	{ "MPJoinSynTxBindErr", "joins not sent: bind to the local address failed" },
	{ "MPJoinSynTxConnectErr", "joins not sent: connect failed (no route?)" },
	{ "DSSNotMatching", "DSS mappings that did not match the data" },
	{ "DSSCorruptionFallback", "fallbacks: the data stream was changed on the way" },
	{ "DSSCorruptionReset", "subflows reset: the data stream was changed on the way" },
	{ "InfiniteMapTx", "infinite mappings sent (falling back)" },
	{ "InfiniteMapRx", "infinite mappings received (the peer fell back)" },
	{ "DSSNoMatchTCP", "DSS mappings not matching the TCP sequence" },
	{ "DataCsumErr", "DSS checksum errors" },
	{ "OFOQueueTail", "segments queued at the tail of the out-of-order queue" },
	{ "OFOQueue", "segments put in the out-of-order queue" },
	{ "OFOMerge", "segments merged in the out-of-order queue" },
	{ "NoDSSInWindow", "segments outside the window" },
	{ "DuplicateData", "duplicate data received (already had it from another subflow)" },
	{ "AddAddr", "ADD_ADDRs received" },
	{ "AddAddrTx", "ADD_ADDRs sent" },
	{ "AddAddrTxDrop", "ADD_ADDRs not sent (no room in the options)" },
	{ "EchoAdd", "ADD_ADDR echoes received" },
	{ "EchoAddTx", "ADD_ADDR echoes sent" },
	{ "EchoAddTxDrop", "ADD_ADDR echoes not sent" },
	{ "PortAdd", "ADD_ADDRs received with a port" },
	{ "AddAddrDrop", "ADD_ADDRs from peers dropped (the path manager was busy)" },
	{ "MPJoinPortSynRx", "MP_JOIN SYNs received on an announced port" },
	{ "MPJoinPortSynAckRx", "MP_JOIN SYN-ACKs received from an announced port" },
	{ "MPJoinPortAckRx", "MP_JOIN ACKs received on an announced port" },
	{ "MismatchPortSynRx", "MP_JOIN SYNs to a port that does not match the announced one" },
	{ "MismatchPortAckRx", "MP_JOIN ACKs to a port that does not match the announced one" },
	{ "RmAddr", "REMOVE_ADDRs received" },
	{ "RmAddrDrop", "REMOVE_ADDRs ignored" },
	{ "RmAddrTx", "REMOVE_ADDRs sent" },
	{ "RmAddrTxDrop", "REMOVE_ADDRs not sent" },
	{ "RmSubflow", "subflows removed" },
	{ "MPPrioTx", "MP_PRIO (backup changes) sent" },
	{ "MPPrioRx", "MP_PRIO (backup changes) received" },
	{ "MPFailTx", "MP_FAIL sent" },
	{ "MPFailRx", "MP_FAIL received" },
	{ "MPFastcloseTx", "MP_FASTCLOSE sent (connections aborted here)" },
	{ "MPFastcloseRx", "MP_FASTCLOSE received (connections aborted by the peer)" },
	{ "MPRstTx", "MP_RST sent (subflows reset here)" },
	{ "MPRstRx", "MP_RST received (subflows reset by the peer)" },
	{ "SubflowStale", "subflows found stale (RTOs in a row, net.mptcp.stale_loss_cnt)" },
	{ "SubflowRecover", "stale subflows that recovered" },
	{ "SndWndShared", "subflows sharing the send window" },
	{ "RcvWndShared", "receive window updates shared between subflows" },
	{ "RcvWndConflictUpdate", "receive window conflicts, updated" },
	{ "RcvWndConflict", "receive window conflicts" },
	{ "MPCurrEstab", "MPTCP connections established now (a gauge)" },
	{ "Blackhole", "MPTCP blackholes detected (MP_CAPABLE SYNs dropped on the way)" },
	{ "MPCapableDataFallback", "fallbacks: the first data came without a DSS mapping" },
	{ "MD5SigFallback", "fallbacks: TCP MD5 signatures in use" },
	{ "DssFallback", "fallbacks: a subflow carried data without DSS" },
	{ "SimultConnectFallback", "fallbacks: simultaneous connect" },
	{ "FallbackFailed", "fallbacks that could not be made (connection reset)" },
	{ "WinProbe", "MPTCP-level zero window probes" },
};

const char *counter_describe(const char *name)
{
	for (size_t i = 0; i < sizeof(known) / sizeof(known[0]); i++)
		if (!strcmp(known[i].name, name))
			return known[i].text;
	return NULL;
}

static const char *const note_ids[] = {
	[NOTE_SYN_NO_MPC] = "syn-no-mp-capable",
	[NOTE_SYN_BLACKHOLE] = "syn-blackhole",
	[NOTE_PASSIVE_FALLBACK] = "passive-fallback",
	[NOTE_JOIN_UNANSWERED] = "joins-unanswered",
	[NOTE_JOIN_CREATE_ERR] = "joins-not-started",
	[NOTE_JOIN_REJECTED] = "joins-rejected",
	[NOTE_JOIN_NO_TOKEN] = "joins-no-token",
	[NOTE_JOIN_HMAC] = "joins-bad-hmac",
	[NOTE_FALLBACK_CAUSE] = "fallback",
	[NOTE_ADD_ADDR_UNUSED] = "add-addr-unused",
	[NOTE_ADD_ADDR_DROPPED] = "add-addr-dropped",
	[NOTE_ADD_ADDR_TX_DROP] = "add-addr-not-sent",
	[NOTE_FASTCLOSE] = "connections-aborted",
	[NOTE_RESETS] = "subflow-resets",
	[NOTE_CSUM] = "dss-checksum",
	[NOTE_STALE] = "subflows-stale",
};

const char *counter_note_id(enum counter_note_kind kind)
{
	return note_ids[kind];
}

/* Each note in words: the formats take the note's a, then its b. */
static const char *const note_formats[] = {
	[NOTE_SYN_NO_MPC] = "%" PRIu64 " connection(s) opened here fell back to TCP: the "
		"SYN-ACK had no MP_CAPABLE (the peer has no MPTCP, or a middlebox on the way "
		"strips the option)",
	[NOTE_SYN_BLACKHOLE] = "%" PRIu64 " MP_CAPABLE SYN(s) were dropped on the way and "
		"retried as TCP; %" PRIu64 " SYN(s) then went out without MPTCP "
		"(net.mptcp.blackhole_timeout)",
	[NOTE_PASSIVE_FALLBACK] = "%" PRIu64 " handshake(s) to a listener here fell back to "
		"TCP: the client's third ACK had no MP_CAPABLE (a middlebox?)",
	[NOTE_JOIN_UNANSWERED] = "%" PRIu64 " join(s) (MP_JOIN SYN) sent, only %" PRIu64
		" answered: a path that drops them, or a server that refuses joins (a listener "
		"bound to one address, its subflows limit)",
	[NOTE_JOIN_CREATE_ERR] = "%" PRIu64 " join(s) could not be started here (socket, bind "
		"or connect failed: an endpoint address gone, or no route from it)",
	[NOTE_JOIN_REJECTED] = "%" PRIu64 " join(s) from peers refused here: the subflows "
		"limit (mptcpkit limits) or the path manager said no",
	[NOTE_JOIN_NO_TOKEN] = "%" PRIu64 " join(s) for no known connection (it closed, or the "
		"join went to another host behind a load balancer)",
	[NOTE_JOIN_HMAC] = "%" PRIu64 " join(s) with a wrong HMAC (a middlebox changing "
		"options, or an attack)",
	[NOTE_ADD_ADDR_UNUSED] = "%" PRIu64 " address(es) announced by peers (ADD_ADDR) and no "
		"join to any: the add_addr_accepted limit keeps them unused (default 0; "
		"mptcpkit limits set add_addr_accepted N)",
	[NOTE_ADD_ADDR_DROPPED] = "%" PRIu64 " address(es) announced by peers (ADD_ADDR) were "
		"dropped: the path manager was still busy with an earlier one",
	[NOTE_ADD_ADDR_TX_DROP] = "%" PRIu64 " ADD_ADDR(s) could not be sent (no room for the "
		"option)",
	[NOTE_FASTCLOSE] = "connections aborted (MP_FASTCLOSE): %" PRIu64 " here, %" PRIu64
		" by the peer (closed with unread data, or a program killed)",
	[NOTE_RESETS] = "subflows reset outside aborts: %" PRIu64 " MP_RST sent, %" PRIu64
		" received (errors on a subflow, or a path manager closing it)",
	[NOTE_CSUM] = "%" PRIu64 " DSS checksum error(s): something on the way changes the "
		"payload",
	[NOTE_STALE] = "%" PRIu64 " subflow(s) found stale (RTOs in a row), %" PRIu64
		" recovered: a path that loses packets or died silently",
};

/* The formats are the table's above. */
#pragma GCC diagnostic ignored "-Wformat-nonliteral"

void counter_note_text(const struct counter_note *n, char *buf, size_t len)
{
	const char *d;

	if (n->kind == NOTE_FALLBACK_CAUSE) {
		d = counter_describe(n->counter);
		snprintf(buf, len, "%" PRIu64 " %s (%s)", n->a, d ? d : "fallbacks", n->counter);
	} else if ((size_t)n->kind < sizeof(note_formats) / sizeof(note_formats[0]) &&
		   note_formats[n->kind]) {
		snprintf(buf, len, note_formats[n->kind], n->a, n->b);
	} else {
		snprintf(buf, len, "?");
	}
}

void counters_print(const struct netstat *s, bool all)
{
	size_t shown = 0;

	print_open_object("counters");
	for (size_t i = 0; i < s->n; i++) {
		const struct netstat_counter *c = &s->c[i];
		const char *d = counter_describe(c->name);

		if (!c->value && !all)
			continue;
		print_text("  %-24s ", c->name);
		print_uint(c->name, "%12" PRIu64, c->value);
		print_text("%s%s\n", d ? "  " : "", d ? d : "");
		shown++;
	}
	if (!shown)
		print_text("  (none)\n");
	print_close_object();
}

void counters_print_notes(const struct netstat *s, const char *key, const char *heading)
{
	struct counter_note notes[COUNTER_NOTES_MAX];
	size_t n = counters_explain(s, notes, COUNTER_NOTES_MAX);
	char text[400];

	print_text("%s:%s\n", heading, n ? "" : " nothing worth a note");
	print_open_array(key);
	for (size_t i = 0; i < n; i++) {
		counter_note_text(&notes[i], text, sizeof(text));
		print_open_object(NULL);
		print_string("id", "  - [%s] ", counter_note_id(notes[i].kind));
		print_string("text", "%s\n", text);
		print_close_object();
	}
	print_close_array();
}

void counters_print_check(void)
{
	static struct netstat s;
	int err = netstat_read(NETSTAT_PATH, &s);

	if (err < 0) {
		print_text("\nMPTCP counters: %s\n", err == -ENODATA ? "none (no MPTcpExt in "
			   NETSTAT_PATH ")" : strerror(-err));
		print_null("counter_notes", NULL);
		return;
	}
	print_text("\n");
	counters_print_notes(&s, "counter_notes", "What the MPTCP counters say (since boot; "
			     PROG_NAME " counters for all)");
}
