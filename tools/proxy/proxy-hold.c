// SPDX-License-Identifier: GPL-2.0-or-later
/* When a half-close onto an MPTCP leg may wait for the leg's joins (the
 * relay, proxy-relay.c, asks; pure, unit tested). */
#include <netinet/tcp.h>

#include "proxy.h"

bool proxy_joins_pending(const struct mpk_info *info)
{
	const struct mpk_conn_info *m = &info->conn;
	unsigned int established = 0;

	if (!info->mptcp || m->fallback)
		return false;
	for (unsigned int i = 0; i < info->num_subflows; i++)
		established += info->subflow[i].has_tcp_info &&
			       info->subflow[i].state == TCP_ESTABLISHED;
	/* a join under way (SYN sent, not yet established) */
	if (established < m->subflows_total)
		return true;
	/* an endpoint left that the in-kernel PM may still use */
	return m->local_addr_used < m->local_addr_max && m->subflows < m->subflows_max;
}
