// SPDX-License-Identifier: GPL-2.0-or-later
/* A subflow's local port, looked up in a snapshot of the diag engine:
 * MPTCP subflows are TCP sockets whose ULP information carries the
 * connection's token. */
#include <errno.h>
#include <string.h>
#include <arpa/inet.h>
#include <netinet/tcp.h>

#include "diag.h"
#include "internal.h"
#include "pm-sockdiag.h"

static void endpoint_sockaddr(struct sockaddr_storage *ss, const struct mpk_endpoint *ep)
{
	memset(ss, 0, sizeof(*ss));
	ss->ss_family = (sa_family_t)ep->family;
	if (ep->family == AF_INET)
		((struct sockaddr_in *)ss)->sin_addr = ep->addr.v4;
	else
		((struct sockaddr_in6 *)ss)->sin6_addr = ep->addr.v6;
}

static uint16_t port_of(const struct sockaddr_storage *ss)
{
	if (ss->ss_family == AF_INET)
		return ntohs(((const struct sockaddr_in *)ss)->sin_port);
	return ntohs(((const struct sockaddr_in6 *)ss)->sin6_port);
}

static bool subflow_matches(const struct diag_subflow *sf, const struct sockaddr_storage *l,
			    const struct sockaddr_storage *r, uint16_t rport)
{
	return sf->tcp.state == TCP_ESTABLISHED && port_of(&sf->tcp.remote) == rport &&
	       mpk_same_host((const struct sockaddr *)l, &sf->tcp.local) &&
	       mpk_same_host((const struct sockaddr *)r, &sf->tcp.remote);
}

int pm_find_subflow_lport(uint32_t token, const struct mpk_endpoint *local,
			  const struct mpk_endpoint *remote, uint16_t *lport)
{
	struct sockaddr_storage l, r;
	struct diag_snapshot snap;
	struct diag *d;
	size_t first, n;
	int ret, matches = 0;

	ret = diag_open(&d);
	if (ret < 0)
		return ret;
	ret = diag_take(d, DIAG_SUBFLOWS, &snap);
	diag_close(d);
	if (ret < 0)
		return ret;
	endpoint_sockaddr(&l, local);
	endpoint_sockaddr(&r, remote);
	n = diag_subflows_of(&snap, token, &first);
	for (size_t i = first; i < first + n; i++) {
		if (!subflow_matches(&snap.subflows[i], &l, &r, remote->port))
			continue;
		matches++;
		*lport = port_of(&snap.subflows[i].tcp.local);
	}
	diag_snapshot_free(&snap);
	if (matches != 1)
		return matches ? -EEXIST : -ENOENT;
	return 0;
}
