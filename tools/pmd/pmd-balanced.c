// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * pmd --server --balanced VIP:PORT --join ADDR[:PORT]: a backend behind an
 * L4 load balancer (RFC 8684 3.1's C flag, mptcp.dev's load-balancer page).
 *
 * The balancer spreads the clients' first subflows over the backends, and
 * would spread their joins independently: a join that lands on another
 * backend finds no connection for its token and is refused. So:
 *  - net.mptcp.allow_join_initial_addr_port = 0 (restored at stop): the
 *    MP_CAPABLE handshake carries the C flag, clients never join the
 *    address they connected to (the balancer's);
 *  - one signal endpoint for the join address, with its port when given:
 *    announced on every connection, and routed to this backend alone;
 *  - the join counters watched: joins for tokens this backend does not
 *    know are joins the balancer sent astray.
 * What the kernel does (6.18, measured in tests/netns/97-pmd-balanced.sh):
 * an endpoint whose address (and port, when it has one) is the address a
 * connection arrived at is that connection's initial endpoint and is never
 * announced to it, so behind a balancer that translates addresses (nft
 * dnat, IPVS NAT) the join address needs a port of its own. The in-kernel
 * PM cannot announce an address this host does not own (mptcp_net-next
 * #337): the join address must be one of this backend's, or the VIP put on
 * it (lo, as for direct routing).
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "clock.h"
#include "mptcpkit.h"
#include "netstat.h"
#include "pmd.h"
#include "sysctl.h"
#include "util.h"

#define C_FLAG_SYSCTL "net/mptcp/allow_join_initial_addr_port"
#define WATCH_MS 1000

/* The join counters, cumulative since pmd started. */
struct joins {
	uint64_t syn_rx;	/* MP_JOIN SYNs received */
	uint64_t accepted;	/* ... whose third ACK completed the join */
	uint64_t no_token;	/* ... for no connection of this host */
	uint64_t rejected;	/* ... refused for another reason (limits, state) */
};

struct pmd_balanced {
	const struct pmd_balanced_config *cfg;
	struct mpk_pm *pm;
	struct mpk_endpoint ep;	/* the join endpoint pmd added (id 0: none) */
	int c_flag_before;	/* allow_join_initial_addr_port; -1: not changed */
	struct joins base, last;
	uint64_t watch_at;
	struct netstat *ns;
};

static bool is_local(const struct pmd_net *net, int family, const union mpk_in46 *ip)
{
	for (int i = 0; i < net->naddrs; i++) {
		if (net->addrs[i].family == family && pmd_in46_equal(family, &net->addrs[i].ip, ip))
			return true;
	}
	return false;
}

static bool join_is_vip(const struct pmd_balanced_config *b)
{
	return b->join_family == b->vip_family &&
	       pmd_in46_equal(b->vip_family, &b->join, &b->vip);
}

/* Bad input: one line, and nothing changed yet. */
static int check_input(const struct pmd_config *cfg, const struct pmd_net *net)
{
	const struct pmd_balanced_config *b = &cfg->balanced;
	char a[INET6_ADDRSTRLEN];

	if (cfg->mode != PMD_MODE_SERVER)
		return fail("pmd: --balanced: backend mode is a server's (add --server)");
	if (cfg->pm != PMD_PM_KERNEL)
		return fail("pmd: --balanced: the join address is announced by the in-kernel "
			    "path manager (use --pm kernel)");
	if (b->join_family == AF_UNSPEC)
		return fail("pmd: --balanced needs --join ADDR[:PORT], this backend's own "
			    "join address");
	pmd_in46_format(b->join_family, &b->join, a, sizeof(a));
	if (join_is_vip(b) && (!b->join_port || b->join_port == b->vip_port))
		return fail("pmd: --join %s: the service's own address and port; joins must "
			    "reach this backend by another (add a port: %s:PORT)", a, a);
	if (!is_local(net, b->join_family, &b->join) && join_is_vip(b))
		return fail("pmd: --join %s: the service address is not on this backend, and "
			    "the in-kernel path manager cannot announce an address it does "
			    "not own (mptcp_net-next #337): add it to lo, or join by an "
			    "address of this backend", a);
	if (!is_local(net, b->join_family, &b->join))
		return fail("pmd: --join %s: not an address of this backend", a);
	return 0;
}

/* A pmd in backend mode that was killed (SIGKILL, a crash) left its join
 * endpoint and the C flag: take back the sysctl's value from before it,
 * and keep its endpoint as this pmd's (deleting it would close the joins
 * that use it, and while they live the kernel cannot listen on its port
 * again: EADDRINUSE). A state file whose endpoint
 * is not here is stale: its namespace is gone and the kernel gave this one
 * the same inode number (seen: a test's later run adopted an earlier run's
 * C flag), so it is ignored. */
static void adopt(struct pmd_balanced *b, struct pmd_saved *saved)
{
	struct mpk_endpoint *eps = NULL;
	bool found = false;
	size_t n = 0;

	if (pmd_state_load(saved) || !saved->have_balanced)
		return;
	if (!mpk_pm_endpoint_list(b->pm, &eps, &n)) {
		for (size_t i = 0; i < n && !found; i++) {
			if (eps[i].id == saved->join.id && eps[i].port == saved->join.port &&
			    pmd_in46_equal(eps[i].family, &eps[i].addr, &saved->join.addr)) {
				found = true;
				if (eps[i].port == b->cfg->join_port &&
				    pmd_in46_equal(eps[i].family, &eps[i].addr, &b->cfg->join))
					b->ep = eps[i];	/* the same --join: kept */
				else	/* another --join now: the old one goes */
					mpk_pm_endpoint_delete(b->pm, &eps[i]);
			}
		}
		free(eps);
	}
	if (!found) {
		pmd_state_remove();
		return;
	}
	b->c_flag_before = saved->c_flag_before;
	pmd_log_begin("adopt");
	pmd_log_addr("join", saved->join.family, &saved->join.addr);
	pmd_log_uint("allow_join_initial_addr_port", (uint64_t)saved->c_flag_before);
	pmd_log_end("left by a pmd in backend mode that did not stop (SIGKILL or crash)");
}

static void save_state(const struct pmd_balanced *b)
{
	struct pmd_saved s = { .pid = getpid(), .have_balanced = true,
			       .c_flag_before = b->c_flag_before, .join = b->ep };

	if (pmd_state_save(&s))
		pmd_log_error("save-state", "cannot write the state file under " PMD_STATE_DIR);
}

static int clear_c_flag_sysctl(struct pmd_balanced *b)
{
	int ret;

	if (b->c_flag_before >= 0)	/* adopted */
		return sysctl_write(C_FLAG_SYSCTL, "0") ?
		       fail("pmd: --balanced: setting net.mptcp.allow_join_initial_addr_port") : 0;
	ret = sysctl_read_int(C_FLAG_SYSCTL, &b->c_flag_before);

	if (ret) {
		b->c_flag_before = -1;
		return ret == -ENOENT ? fail("pmd: --balanced: this kernel has no "
					     "net.mptcp.allow_join_initial_addr_port (5.14+)")
				      : fail("pmd: --balanced: reading "
					     "net.mptcp.allow_join_initial_addr_port: %s",
					     strerror(-ret));
	}
	ret = sysctl_write(C_FLAG_SYSCTL, "0");
	if (ret) {
		b->c_flag_before = -1;
		return fail("pmd: --balanced: setting net.mptcp.allow_join_initial_addr_port: %s",
			    strerror(-ret));
	}
	return 0;
}

static int add_endpoint_failed(const struct pmd_balanced_config *c, int err,
			       const char *ack)
{
	char a[INET6_ADDRSTRLEN];

	pmd_in46_format(c->join_family, &c->join, a, sizeof(a));
	if (err == -EADDRINUSE)
		return fail("pmd: --join %s:%u: the port is in use on this backend "
			    "(another listener)", a, c->join_port);
	if (err == -EEXIST)
		return fail("pmd: --join %s: an endpoint for it exists already "
			    "(not pmd's: 'mptcpkit endpoint show')", a);
	return fail("pmd: --join %s: adding its signal endpoint: %s", a,
		    ack ? ack : mpk_strerror(err));
}

/* The kernel chose the id: read it back by address and port. */
static int find_id(struct pmd_balanced *b)
{
	struct mpk_endpoint *eps = NULL;
	size_t n = 0;
	int ret = mpk_pm_endpoint_list(b->pm, &eps, &n);

	if (ret)
		return ret;
	ret = -ENOENT;
	for (size_t i = 0; i < n; i++) {
		if (eps[i].family == b->ep.family && eps[i].port == b->ep.port &&
		    pmd_in46_equal(b->ep.family, &eps[i].addr, &b->ep.addr)) {
			b->ep.id = eps[i].id;
			ret = 0;
		}
	}
	free(eps);
	return ret;
}

static int add_endpoint(struct pmd_balanced *b)
{
	const struct pmd_balanced_config *c = b->cfg;
	struct mpk_endpoint ep = { .family = c->join_family, .addr = c->join,
				   .port = c->join_port, .flags = MPK_EP_SIGNAL };
	int ret = mpk_pm_endpoint_add(b->pm, &ep);

	if (ret)
		return add_endpoint_failed(c, ret, mpk_pm_ext_ack(b->pm));
	b->ep = ep;
	if (find_id(b)) {
		b->ep.id = 0;
		return fail("pmd: --join: the endpoint added is not listed by the kernel");
	}
	return 0;
}

static void read_joins(struct pmd_balanced *b, struct joins *j)
{
	if (netstat_read(NETSTAT_PATH, b->ns))
		return;
	j->syn_rx = netstat_get(b->ns, "MPJoinSynRx");
	j->accepted = netstat_get(b->ns, "MPJoinAckRx");
	j->no_token = netstat_get(b->ns, "MPJoinNoTokenFound");
	j->rejected = netstat_get(b->ns, "MPJoinRejected");
}

static void log_start(const struct pmd_balanced *b)
{
	const struct pmd_balanced_config *c = b->cfg;

	pmd_log_begin("balanced");
	pmd_log_addr("service", c->vip_family, &c->vip);
	pmd_log_uint("service_port", c->vip_port);
	pmd_log_addr("join", c->join_family, &c->join);
	if (c->join_port)
		pmd_log_uint("join_port", c->join_port);
	pmd_log_uint("id", b->ep.id);
	pmd_log_end("clients are told not to join the service address (C flag); the join "
		    "address is announced on every connection");
}

static int open_pm(struct pmd_balanced *b)
{
	int ret = mpk_pm_open(&b->pm);

	if (ret == -EPERM)
		return fail("pmd: the mptcp_pm netlink family needs CAP_NET_ADMIN");
	if (ret)
		return fail("pmd: the mptcp_pm netlink family: %s", mpk_strerror(ret));
	return 0;
}

int pmd_balanced_start(const struct pmd_config *cfg, const struct pmd_net *net,
		       struct pmd_balanced **out)
{
	struct pmd_balanced *b;
	struct pmd_saved saved;

	if (check_input(cfg, net))
		return -EINVAL;
	b = calloc(1, sizeof(*b));
	if (!b) {
		fail("pmd: out of memory");
		return -ENOMEM;
	}
	b->ns = calloc(1, sizeof(*b->ns));
	b->cfg = &cfg->balanced;
	b->c_flag_before = -1;
	if (!b->ns || open_pm(b)) {
		pmd_balanced_stop(b);
		return -EINVAL;
	}
	adopt(b, &saved);
	if (clear_c_flag_sysctl(b) || (!b->ep.id && add_endpoint(b))) {
		pmd_balanced_stop(b);
		return -EINVAL;
	}
	save_state(b);
	read_joins(b, &b->base);
	b->last = b->base;
	b->watch_at = clock_mono_ms();
	log_start(b);
	if (!cfg->balanced.join_port && !is_local(net, cfg->balanced.vip_family, &cfg->balanced.vip)) {
		pmd_log_begin("warning");
		pmd_log_addr("join", cfg->balanced.join_family, &cfg->balanced.join);
		pmd_log_end("the service address is not on this backend, so the balancer "
			    "translates it: if it translates to the join address, connections "
			    "arrive at it and the kernel never announces it to them (give "
			    "--join a port of its own)");
	}
	*out = b;
	return 0;
}

static void log_joins(const struct joins *j)
{
	pmd_log_begin("joins");
	pmd_log_uint("received", j->syn_rx);
	pmd_log_uint("accepted", j->accepted);
	pmd_log_uint("unknown_token", j->no_token);
	pmd_log_uint("rejected", j->rejected);
	pmd_log_end(NULL);
}

void pmd_balanced_step(struct pmd_balanced *b)
{
	uint64_t now = clock_mono_ms();
	struct joins j, d;

	if (!b || now - b->watch_at < WATCH_MS)
		return;
	j = b->last;
	b->watch_at = now;
	read_joins(b, &j);
	d = (struct joins){ j.syn_rx - b->base.syn_rx, j.accepted - b->base.accepted,
			    j.no_token - b->base.no_token, j.rejected - b->base.rejected };
	if (!memcmp(&j, &b->last, sizeof(j)))
		return;
	log_joins(&d);
	if (j.no_token > b->last.no_token) {
		pmd_log_begin("warning");
		pmd_log_uint("unknown_token", j.no_token - b->last.no_token);
		pmd_log_end("joins for connections this backend does not have: the balancer "
			    "sends other backends' joins here (is every backend in backend "
			    "mode, its join address routed straight to it?)");
	}
	b->last = j;
}

void pmd_balanced_stats(const struct pmd_balanced *b, struct pmd_stats *s)
{
	const struct pmd_balanced_config *c;
	char a[INET6_ADDRSTRLEN];

	if (!b)
		return;
	c = b->cfg;
	pmd_in46_format(c->join_family, &c->join, a, sizeof(a));
	if (!c->join_port)
		snprintf(s->joins.join, sizeof(s->joins.join), "%s", a);
	else if (c->join_family == AF_INET6)
		snprintf(s->joins.join, sizeof(s->joins.join), "[%s]:%u", a, c->join_port);
	else
		snprintf(s->joins.join, sizeof(s->joins.join), "%s:%u", a, c->join_port);
	s->joins.received = b->last.syn_rx - b->base.syn_rx;
	s->joins.accepted = b->last.accepted - b->base.accepted;
	s->joins.unknown_token = b->last.no_token - b->base.no_token;
	s->joins.rejected = b->last.rejected - b->base.rejected;
}

int pmd_balanced_stop(struct pmd_balanced *b)
{
	char v[16];
	int err = 0, ret;

	if (!b)
		return 0;
	if (b->ep.id) {
		ret = mpk_pm_endpoint_delete(b->pm, &b->ep);
		if (ret && ret != -ENOENT) {
			pmd_log_error("delete-endpoint", mpk_strerror(ret));
			err = ret;
		} else {
			pmd_log_begin("delete-endpoint");
			pmd_log_addr("address", b->ep.family, &b->ep.addr);
			pmd_log_uint("id", b->ep.id);
			pmd_log_end("pmd stopping (the join endpoint)");
		}
	}
	if (b->c_flag_before >= 0) {
		snprintf(v, sizeof(v), "%d", b->c_flag_before);
		ret = sysctl_write(C_FLAG_SYSCTL, v);
		if (ret) {
			pmd_log_error("restore-sysctl", strerror(-ret));
			err = ret;
		}
	}
	if (!err && b->ep.id)
		pmd_state_remove();
	mpk_pm_close(b->pm);
	free(b->ns);
	free(b);
	return err;
}
