// SPDX-License-Identifier: GPL-2.0-or-later
/* The MPTcpExt reader and the notes drawn from the counters
 * (tools/diag/netstat.c, tools/diag/counters-explain.c). */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <cmocka.h>

#include "counters-explain.h"
#include "netstat.h"

static const char sample[] =
	"TcpExt: SyncookiesSent SyncookiesRecv\n"
	"TcpExt: 1 2\n"
	"MPTcpExt: MPCapableSYNTX MPCapableFallbackSYNACK MPJoinSynTx MPJoinSynAckRx "
	"AddAddrDrop MPRstTx MPFastcloseTx FutureCounter\n"
	"MPTcpExt: 10 3 5 2 1 4 1 77\n";

static int parse(const char *text, struct netstat *s)
{
	return netstat_parse(text, strlen(text), s);
}

static void reads_every_counter_known_or_not(void **state)
{
	static struct netstat s;

	assert_int_equal(parse(sample, &s), 0);
	assert_int_equal(s.n, 8);
	assert_string_equal(s.c[0].name, "MPCapableSYNTX");
	assert_int_equal(netstat_get(&s, "MPCapableSYNTX"), 10);
	assert_string_equal(s.c[7].name, "FutureCounter");
	assert_int_equal(netstat_get(&s, "FutureCounter"), 77);
	assert_int_equal(netstat_get(&s, "Absent"), 0);
}

static void refuses_what_does_not_parse(void **state)
{
	static struct netstat s;

	assert_int_equal(parse("TcpExt: A\nTcpExt: 1\n", &s), -ENODATA);
	assert_int_equal(parse("MPTcpExt: A B\nMPTcpExt: 1\n", &s), -EBADMSG);
	assert_int_equal(parse("MPTcpExt: A\nMPTcpExt: 1 2\n", &s), -EBADMSG);
	assert_int_equal(parse("MPTcpExt: A\nMPTcpExt: -1\n", &s), -EBADMSG);
	assert_int_equal(parse("MPTcpExt: A\nMPTcpExt: 12x\n", &s), -EBADMSG);
	assert_int_equal(parse("MPTcpExt: A\nMPTcpExt: 99999999999999999999999\n", &s), -EBADMSG);
	assert_int_equal(parse("MPTcpExt: A\n", &s), -EBADMSG);
	assert_int_equal(parse("", &s), -ENODATA);
}

static void delta_by_name(void **state)
{
	static struct netstat before, now, d;

	assert_int_equal(parse("MPTcpExt: A B MPCurrEstab\nMPTcpExt: 1 5 9\n", &before), 0);
	assert_int_equal(parse("MPTcpExt: B A C MPCurrEstab\nMPTcpExt: 7 1 3 2\n", &now), 0);
	netstat_delta(&now, &before, &d);
	assert_int_equal(netstat_get(&d, "A"), 0);
	assert_int_equal(netstat_get(&d, "B"), 2);
	assert_int_equal(netstat_get(&d, "C"), 3);
	/* a gauge that went down: its current value */
	assert_int_equal(netstat_get(&d, "MPCurrEstab"), 2);
}

static const struct counter_note *find(const struct counter_note *n, size_t len,
				       enum counter_note_kind kind)
{
	for (size_t i = 0; i < len; i++)
		if (n[i].kind == kind)
			return &n[i];
	return NULL;
}

static void notes_for_what_matters(void **state)
{
	static struct netstat s;
	struct counter_note n[COUNTER_NOTES_MAX];
	const struct counter_note *x;
	size_t len;

	assert_int_equal(parse(sample, &s), 0);
	len = counters_explain(&s, n, COUNTER_NOTES_MAX);
	assert_non_null(x = find(n, len, NOTE_SYN_NO_MPC));
	assert_int_equal(x->a, 3);
	assert_non_null(x = find(n, len, NOTE_JOIN_UNANSWERED));
	assert_int_equal(x->a, 5);
	assert_int_equal(x->b, 2);
	assert_non_null(find(n, len, NOTE_ADD_ADDR_DROPPED));
	assert_non_null(x = find(n, len, NOTE_FASTCLOSE));
	assert_int_equal(x->a, 1);
	/* the abort's own MP_RST is left out of the resets */
	assert_non_null(x = find(n, len, NOTE_RESETS));
	assert_int_equal(x->a, 3);
	assert_null(find(n, len, NOTE_CSUM));
	/* joins were sent: the announcements may have been used */
	assert_null(find(n, len, NOTE_ADD_ADDR_UNUSED));
	assert_int_equal(len, 5);
}

static void announcements_never_joined(void **state)
{
	static struct netstat s;
	struct counter_note n[COUNTER_NOTES_MAX];

	assert_int_equal(parse("MPTcpExt: AddAddr EchoAddTx MPJoinSynTx\nMPTcpExt: 2 2 0\n", &s), 0);
	assert_int_equal(counters_explain(&s, n, COUNTER_NOTES_MAX), 1);
	assert_int_equal(n[0].kind, NOTE_ADD_ADDR_UNUSED);
	assert_int_equal(n[0].a, 2);
}

static void quiet_counters_no_notes(void **state)
{
	static struct netstat s;
	struct counter_note n[COUNTER_NOTES_MAX];

	assert_int_equal(parse("MPTcpExt: MPCapableSYNTX MPCapableSYNACKRX MPJoinSynTx "
			       "MPJoinSynAckRx MPFastcloseTx MPRstTx\nMPTcpExt: 4 4 2 2 1 1\n", &s), 0);
	assert_int_equal(counters_explain(&s, n, COUNTER_NOTES_MAX), 1);
	assert_int_equal(n[0].kind, NOTE_FASTCLOSE);
}

static void join_errors_are_not_unanswered(void **state)
{
	static struct netstat s;
	struct counter_note n[COUNTER_NOTES_MAX];
	size_t len;

	assert_int_equal(parse("MPTcpExt: MPJoinSynTx MPJoinSynAckRx MPJoinSynTxBindErr "
			       "DSSCorruptionFallback\nMPTcpExt: 3 2 1 6\n", &s), 0);
	len = counters_explain(&s, n, COUNTER_NOTES_MAX);
	assert_null(find(n, len, NOTE_JOIN_UNANSWERED));
	assert_non_null(find(n, len, NOTE_JOIN_CREATE_ERR));
	assert_non_null(find(n, len, NOTE_FALLBACK_CAUSE));
	assert_string_equal(find(n, len, NOTE_FALLBACK_CAUSE)->counter, "DSSCorruptionFallback");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(reads_every_counter_known_or_not),
		cmocka_unit_test(refuses_what_does_not_parse),
		cmocka_unit_test(delta_by_name),
		cmocka_unit_test(notes_for_what_matters),
		cmocka_unit_test(quiet_counters_no_notes),
		cmocka_unit_test(join_errors_are_not_unanswered),
		cmocka_unit_test(announcements_never_joined),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
