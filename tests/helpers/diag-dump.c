// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * diag-dump [conns|listeners|subflows|fallback]...: one snapshot of the
 * diag engine (tools/diag/diag.c), one line per socket, for the namespace
 * tests to compare with ss:
 *   conn LOCAL REMOTE STATE token=HEX fallback=0|1 subflows=N
 *   listen LOCAL
 *   sf LOCAL REMOTE STATE IFNAME token=HEX ids=L,R backup=0|1 rtt=US
 * Exit 0, or 1 with the reason on stderr.
 */
#include <stdio.h>
#include <string.h>

#include "diag.h"

static void print_conn(const struct diag_snapshot *s, const struct diag_conn *c)
{
	char l[MPK_ADDRSTRLEN], r[MPK_ADDRSTRLEN];
	size_t first;

	mpk_addr_format((const struct sockaddr *)&c->local, l, sizeof(l));
	mpk_addr_format((const struct sockaddr *)&c->remote, r, sizeof(r));
	if (c->listener) {
		printf("listen %s\n", l);
		return;
	}
	printf("conn %s %s %u token=%08x fallback=%d subflows=%zu\n", l, r, c->state,
	       c->info.token, c->fallback, diag_subflows_of(s, c->info.token, &first));
}

static void print_subflow(const struct diag_subflow *sf)
{
	char l[MPK_ADDRSTRLEN], r[MPK_ADDRSTRLEN];

	mpk_addr_format((const struct sockaddr *)&sf->tcp.local, l, sizeof(l));
	mpk_addr_format((const struct sockaddr *)&sf->tcp.remote, r, sizeof(r));
	printf("sf %s %s %u %s token=%08x ids=%u,%u backup=%d rtt=%u\n", l, r, sf->tcp.state,
	       sf->tcp.ifname[0] ? sf->tcp.ifname : "-", sf->token, sf->local_id,
	       sf->remote_id, sf->backup, sf->tcp.rtt_us);
}

static unsigned int parse_what(int argc, char **argv)
{
	static const struct { const char *name; unsigned int bit; } names[] = {
		{ "conns", DIAG_CONNS }, { "listeners", DIAG_LISTENERS },
		{ "subflows", DIAG_SUBFLOWS }, { "fallback", DIAG_FALLBACK },
	};
	unsigned int what = 0;

	for (int i = 1; i < argc; i++)
		for (size_t k = 0; k < sizeof(names) / sizeof(names[0]); k++)
			if (!strcmp(argv[i], names[k].name))
				what |= names[k].bit;
	return what ? what : DIAG_CONNS | DIAG_LISTENERS | DIAG_SUBFLOWS | DIAG_FALLBACK;
}

int main(int argc, char **argv)
{
	struct diag_snapshot s;
	struct diag *d;
	int err = diag_open(&d);

	if (err == 0)
		err = diag_take(d, parse_what(argc, argv), &s);
	if (err < 0) {
		fprintf(stderr, "diag-dump: %s\n", strerror(-err));
		return 1;
	}
	for (size_t i = 0; i < s.nconns; i++)
		print_conn(&s, &s.conns[i]);
	for (size_t i = 0; i < s.nsubflows; i++)
		print_subflow(&s.subflows[i]);
	diag_snapshot_free(&s);
	diag_close(d);
	return 0;
}
