// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * libFuzzer target for the reader of /proc/net/netstat (tools/diag/netstat.c)
 * and the notes drawn from what it read (tools/diag/counters-explain.c), the
 * input taken as the file's text. Seeds: tests/fuzz/corpus-netstat.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "counters-explain.h"
#include "netstat.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static struct netstat s, d;
	struct counter_note notes[COUNTER_NOTES_MAX];
	char *text;

	if (size > 65536)
		return 0;
	/* not NUL-terminated, as read() leaves it */
	text = malloc(size ? size : 1);
	if (!text)
		return 0;
	memcpy(text, data, size);
	if (netstat_parse(text, size, &s) == 0) {
		counters_explain(&s, notes, COUNTER_NOTES_MAX);
		netstat_delta(&s, &s, &d);
		counters_explain(&d, notes, COUNTER_NOTES_MAX);
	}
	free(text);
	return 0;
}
