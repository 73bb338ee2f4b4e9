/* SPDX-License-Identifier: GPL-2.0-or-later */
/* Finding a subflow's local port with sock_diag, so that 'subflow destroy'
 * and 'subflow change' need not be told it. */
#ifndef MPTCPKIT_PM_SOCKDIAG_H
#define MPTCPKIT_PM_SOCKDIAG_H

#include <stdint.h>

#include "mptcpkit.h"

/* The local port of the one established subflow of connection token from
 * local->addr to remote->addr port remote->port. 0 and *lport; -ENOENT when
 * none matches, -EEXIST when several do, another -errno otherwise. */
int pm_find_subflow_lport(uint32_t token, const struct mpk_endpoint *local,
			  const struct mpk_endpoint *remote, uint16_t *lport);

#endif
