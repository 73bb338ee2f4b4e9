// SPDX-License-Identifier: GPL-2.0-or-later
/* Plain-language hints for the known traps, from what `check` gathered. */
#include <arpa/inet.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "check-state.h"
#include "util.h"

struct hint_list {
	struct check_hint *hints;
	size_t n, max;
};

__attribute__((format(printf, 3, 4)))
static void add(struct hint_list *l, const char *id, const char *fmt, ...)
{
	va_list ap;

	if (l->n == l->max)
		return;
	l->hints[l->n].id = id;
	va_start(ap, fmt);
	vsnprintf(l->hints[l->n].text, sizeof(l->hints[l->n].text), fmt, ap);
	va_end(ap);
	l->n++;
}

static const struct check_endpoint *find_endpoint(const struct check_state *s,
						  uint32_t flag, bool need_no_dev)
{
	for (size_t i = 0; i < s->num_endpoints; i++) {
		const struct check_endpoint *ep = &s->endpoint[i];

		if (!(ep->ep.flags & flag))
			continue;
		if (need_no_dev && ep->dev[0])
			continue;
		return ep;
	}
	return NULL;
}

/* Where the rp_filter that hurts an endpoint is set. */
static const char *rp_filter_device(const struct check_endpoint *ep)
{
	const char *dev = check_endpoint_dev(ep);

	return dev[0] ? dev : "all";
}

/* The first subflow endpoint whose interface filters strictly. */
static const struct check_endpoint *strict_rp_endpoint(const struct check_state *s)
{
	for (size_t i = 0; i < s->num_endpoints; i++) {
		const struct check_endpoint *ep = &s->endpoint[i];

		if ((ep->ep.flags & MPK_EP_SUBFLOW) && ep->ep.family == AF_INET &&
		    (ep->rp_filter == 1 || (ep->rp_filter < 0 && s->rp_filter_all == 1)))
			return ep;
	}
	return NULL;
}

static void kernel_pm_hints(const struct check_state *s, struct hint_list *l)
{
	const struct check_endpoint *ep;
	char addr[INET6_ADDRSTRLEN];

	if (s->endpoints_known && s->num_endpoints == 0)
		add(l, "no-endpoints", "no MPTCP endpoints are configured: this host will not "
		    "open extra subflows or announce addresses by itself; add one per extra "
		    "path, e.g. 'mptcpkit endpoint add ADDR dev IFNAME subflow' on a client, "
		    "'... signal' on a server");
	if (s->limits_known && s->limits.add_addr_accepted == 0)
		add(l, "add-addr-accepted-zero", "the add_addr_accepted limit is 0: addresses "
		    "the peer announces (ADD_ADDR) are ignored; on a client raise it, e.g. "
		    "'mptcpkit limits set add_addr_accepted 2'");
	if (s->limits_known && s->limits.subflows == 0 && s->num_endpoints > 0)
		add(l, "subflows-limit-zero", "the subflows limit is 0: no extra subflow can "
		    "be opened or accepted; raise it, e.g. 'mptcpkit limits set subflows 2'");
	ep = find_endpoint(s, MPK_EP_SUBFLOW, true);
	if (ep) {
		check_endpoint_addr(ep, addr, sizeof(addr));
		add(l, "subflow-without-dev", "subflow endpoint id %u (%s) has no device: the "
		    "extra subflow may leave through the same interface as the first; give it "
		    "one, e.g. 'mptcpkit endpoint add %s dev IFNAME subflow'",
		    ep->ep.id, addr, addr);
	}
	ep = strict_rp_endpoint(s);
	if (ep)
		add(l, "strict-rp-filter", "strict reverse-path filtering (rp_filter = 1) on "
		    "%s with subflow endpoint %s: replies to the extra subflow's SYN can be "
		    "dropped; use loose mode, e.g. 'sysctl -w net.ipv4.conf.all.rp_filter=2' "
		    "and the same for the interface", rp_filter_device(ep),
		    check_endpoint_addr(ep, addr, sizeof(addr)));
}

/* A signal endpoint whose address is on no interface here. */
static const struct check_endpoint *foreign_signal(const struct check_state *s)
{
	for (size_t i = 0; i < s->num_endpoints; i++) {
		const struct check_endpoint *ep = &s->endpoint[i];

		if ((ep->ep.flags & MPK_EP_SIGNAL) && !ep->addr_dev[0])
			return ep;
	}
	return NULL;
}

/* Behind an L4 load balancer: joins that go astray. */
static void balancer_hints(const struct check_state *s, struct hint_list *l)
{
	const struct check_endpoint *ep;
	char addr[INET6_ADDRSTRLEN];

	if (s->counters_known && s->join_no_token && s->c_flag_sysctl != 0)
		add(l, "joins-astray", "%llu MP_JOIN%s arrived for connections this host does "
		    "not have (MPJoinNoTokenFound): behind a load balancer, joins balanced apart "
		    "from their connection land on the wrong backend and are refused; on each "
		    "backend tell clients not to join the service address and announce one of "
		    "its own: 'mptcpkit pmd --server --balanced VIP:PORT --join ADDR:PORT'",
		    (unsigned long long)s->join_no_token, s->join_no_token == 1 ? "" : "s");
	else if (s->counters_known && s->join_no_token)
		add(l, "joins-to-initial-address", "%llu MP_JOIN%s for unknown connections arrived "
		    "although clients are told not to join the address they connected to "
		    "(allow_join_initial_addr_port = 0): some clients ignore the C flag (Linux "
		    "before 6.18 with endpoints of its own, other stacks), or an announced "
		    "address is balanced too: route each backend's join address to it alone",
		    (unsigned long long)s->join_no_token, s->join_no_token == 1 ? "" : "s");
	if (s->c_flag_sysctl == 0 && s->endpoints_known && !find_endpoint(s, MPK_EP_SIGNAL, false))
		add(l, "c-flag-no-announce", "clients are told not to join the address they "
		    "connected to (allow_join_initial_addr_port = 0), but no signal endpoint "
		    "announces another: every connection keeps one subflow; add one, e.g. "
		    "'mptcpkit endpoint add ADDR port PORT signal'");
	ep = foreign_signal(s);
	if (ep && s->c_flag_sysctl == 0)
		add(l, "announced-not-here", "signal endpoint %s is no address of this host: "
		    "clients told to join it reach this backend only if the balancer routes it "
		    "here", check_endpoint_addr(ep, addr, sizeof(addr)));
	if (s->c_flag_sysctl == 0 && s->counters_known && s->add_addr_tx >= 10 && !s->join_syn_rx)
		add(l, "announced-unreachable", "%llu addresses were announced and no join "
		    "arrived: the announced address is not reachable from the clients (is it "
		    "routed, or forwarded by the balancer, straight to this backend? is a "
		    "firewall in the way?)", (unsigned long long)s->add_addr_tx);
}

/* What the kernel does and mptcpkit cannot change: bench/bbr-upstream.md. */
static void cc_hints(const struct check_state *s, struct hint_list *l)
{
	if (!strcmp(s->cc, "bbr"))
		add(l, "cc-bbr", "congestion control bbr (net.ipv4.tcp_congestion_control): "
		    "on MPTCP subflows its rate estimate can read many times a path's rate "
		    "(a burst after a pause, acknowledged within a short round trip); one "
		    "subflow then queues and stalls the others (0.945 of two TCP connections "
		    "measured); for bulk transfers prefer cubic");
}

size_t check_hints(const struct check_state *s, struct check_hint *hints, size_t max)
{
	struct hint_list l = { hints, 0, max };

	if (s->enabled == 0 || s->reason == MPK_REASON_DISABLED) {
		add(&l, "mptcp-disabled", "MPTCP is disabled in this network namespace: enable "
		    "it with 'sysctl -w net.mptcp.enabled=1'");
		return l.n;
	}
	if (s->reason != MPK_REASON_AVAILABLE)
		return l.n; /* the reason says it all; nothing below would matter */
	if (s->pm == CHECK_PM_USERSPACE) {
		if (!s->pm_listener)
			add(&l, "userspace-pm-no-daemon", "the path manager is 'userspace' but no "
			    "program listens to MPTCP path-manager events: no extra subflow will "
			    "be created; start one (e.g. 'mptcpkit pmd' or mptcpd) or set "
			    "'sysctl -w net.mptcp.path_manager=kernel'");
	} else {
		kernel_pm_hints(s, &l);
	}
	balancer_hints(s, &l);
	cc_hints(s, &l);
	add(&l, "bind-wildcard", "a listener bound to one address refuses joins to another "
	    "announced address: servers should bind the wildcard address");
	return l.n;
}

const char *check_endpoint_dev(const struct check_endpoint *ep)
{
	return ep->dev[0] ? ep->dev : ep->addr_dev;
}

const char *check_endpoint_addr(const struct check_endpoint *ep, char *buf, size_t len)
{
	return in46_format(ep->ep.family, &ep->ep.addr, buf, len);
}
