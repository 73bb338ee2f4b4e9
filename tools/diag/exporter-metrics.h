/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The exporter's /metrics page in the Prometheus text format (0.0.4): every
 * MPTcpExt counter (mptcp_ext_<name>_total; MPCurrEstab as a gauge),
 * connections by state, fallen-back connections by cause, subflows and
 * their bytes per interface, listeners; what pmd did and the health of
 * its paths, when a pmd runs in the namespace. A pure function of a diag snapshot
 * and the counters, so that the tests can feed it anything.
 * Engine rule: 0 or -errno, never prints.
 */
#ifndef MPTCPKIT_EXPORTER_METRICS_H
#define MPTCPKIT_EXPORTER_METRICS_H

#include <stddef.h>

#include "diag.h"
#include "netstat.h"
#include "pmd-stats.h"

struct metrics_input {
	const struct diag_snapshot *snap;  /* NULL: sock_diag failed */
	const struct netstat *counters;    /* NULL: /proc/net/netstat failed */
	const struct pmd_stats *pmd;       /* NULL: no pmd runs in the namespace */
	double diag_seconds;               /* how long the snapshot took */
};

/* The page into a malloc'ed NUL-terminated *out (length *len); 0 or -ENOMEM. */
int metrics_render(const struct metrics_input *in, char **out, size_t *len);

/* CamelCase counter names in snake_case ("MPCapableSYNRX" ->
 * "mp_capable_synrx"), into buf; characters outside [A-Za-z0-9] become '_'. */
void metrics_snake_case(const char *name, char *buf, size_t len);

#endif
