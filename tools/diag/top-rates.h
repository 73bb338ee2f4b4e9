/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Rates for 'mptcpkit top': bytes per second of each connection (MPTCP
 * level) and each subflow between two diag snapshots, sockets matched by
 * their cookie. A pure function (unit-tested).
 * Engine rule: 0 or -errno, never prints.
 */
#ifndef MPTCPKIT_TOP_RATES_H
#define MPTCPKIT_TOP_RATES_H

#include <stddef.h>

#include "diag.h"

struct rate {
	double tx, rx;      /* bytes per second; 0 for a socket new in cur */
};

struct top_rates {
	struct rate *conn;      /* one per cur->conns[i] */
	struct rate *subflow;   /* one per cur->subflows[j] */
};

/* Rates of cur against prev (taken seconds earlier; prev may be empty).
 * 0, or -ENOMEM; free with top_rates_free. */
int top_rates_compute(const struct diag_snapshot *prev, const struct diag_snapshot *cur,
		      double seconds, struct top_rates *out);
void top_rates_free(struct top_rates *r);

#endif
