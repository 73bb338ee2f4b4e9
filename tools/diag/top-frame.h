/* SPDX-License-Identifier: GPL-2.0-or-later */
/* One frame of 'mptcpkit top' printed through print.c (text or JSON, the
 * same calls): connections sorted by rate, each with its subflows beneath
 * it, sorted by rate too. The terminal view prints it into a memory stream
 * and draws the lines. */
#ifndef MPTCPKIT_TOP_FRAME_H
#define MPTCPKIT_TOP_FRAME_H

#include <stdbool.h>

#include "diag.h"
#include "top-rates.h"

/* interval: seconds between the snapshots; interactive: the header says
 * how to quit. 0 or -ENOMEM. */
int top_frame_print(const struct diag_snapshot *s, const struct top_rates *r,
		    double interval, bool interactive);

/* "1.5 MB/s" style (SI units) into buf. */
const char *top_human_rate(double bytes_per_s, char *buf, size_t len);

#endif
