// SPDX-License-Identifier: GPL-2.0-or-later
/* When a half-close onto an MPTCP leg may wait for the leg's joins (the
 * relay, proxy-relay.c, asks with mpk_conn_state_get(): a TCP or fallen-
 * back leg fails that call and never waits; pure, unit tested). */
#include "proxy.h"

bool proxy_joins_pending(const struct mpk_conn_info *m, unsigned int established)
{
	if (m->fallback)
		return false;
	/* a join under way (SYN sent, not yet established) */
	if (established < m->subflows_total)
		return true;
	/* an endpoint left that the in-kernel PM may still use */
	return m->local_addr_used < m->local_addr_max && m->subflows < m->subflows_max;
}
