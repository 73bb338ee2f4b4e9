/* SPDX-License-Identifier: GPL-2.0-or-later */
/* What the commands on the diag engine (ss, top, exporter) share at the
 * command layer: one snapshot, and the one line on stderr when it fails. */
#ifndef MPTCPKIT_DIAG_CLI_H
#define MPTCPKIT_DIAG_CLI_H

#include "diag.h"

/* One snapshot through a handle opened for it; 0 or -errno. */
int diag_take_once(unsigned int what, struct diag_snapshot *out);

/* "mptcpkit: WHAT: ..." for a diag_open/diag_take error; returns 1. */
int diag_fail(const char *what, int err);

#endif
