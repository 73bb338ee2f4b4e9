// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * mptcpkit check --sockopts: for each socket option a TCP program may use,
 * whether the running kernel accepts it on an MPTCP socket (set and get),
 * whether it accepts it on TCP, and what `mptcpkit run` does with it (the
 * policy, MPTCPKIT_SOCKOPTS applied). Probed live, as the forcing code does.
 */
#include <errno.h>
#include <netinet/in.h>
#include <stdlib.h>
#include <string.h>

#include "check-sockopts.h"
#include "print.h"
#include "sockopt.h"
#include "util.h"

static const char *level_name(int level)
{
	switch (level) {
	case SOL_SOCKET: return "socket";
	case IPPROTO_IP: return "ip";
	case IPPROTO_IPV6: return "ipv6";
	case IPPROTO_TCP: return "tcp";
	default: return "?";
	}
}

/* "ok", the errno's name, or "-" (not probed). */
static const char *outcome(int err)
{
	const char *name;

	if (err < 0)
		return "-";
	if (err == 0)
		return "ok";
	name = strerrorname_np(err);
	return name ? name : "error";
}

static void print_one(const struct mpk_sockopt *o, const struct mpk_sockopt_probe *r,
		      const struct mpk_sockopt_policies *ps)
{
	bool refused = mpk_sockopt_probe_refused(r);
	enum mpk_sockopt_policy p = mpk_sockopt_policy_for(ps, o->level, o->optname);

	print_open_object(NULL);
	print_string("name", "  %-26s", o->name);
	print_string("level", " %-6s", level_name(o->level));
	print_int("optname", NULL, o->optname);
	print_string("set", " set %-12s", outcome(r->mptcp_set));
	print_string("get", " get %-12s", outcome(r->mptcp_get));
	print_string("tcp_set", " tcp_set %-12s", outcome(r->tcp_set));
	print_bool("refused", NULL, refused);
	if (refused)
		print_string("policy", " policy %s\n", mpk_sockopt_policy_name(p));
	else
		print_null("policy", " policy -\n");
	print_close_object();
}

static int load_policies(struct mpk_sockopt_policies *ps)
{
	const char *spec = getenv("MPTCPKIT_SOCKOPTS"), *bad = NULL;

	mpk_sockopt_policies_init(ps);
	if (spec && mpk_sockopt_policies_parse(ps, spec, &bad) < 0)
		return -fail("check: MPTCPKIT_SOCKOPTS: bad item '%.*s' (NAME=tcp|ignore|error)",
			     (int)strcspn(bad, ", "), bad);
	return 0;
}

int check_sockopts(void)
{
	struct mpk_sockopt_policies ps;
	unsigned refused = 0;

	if (load_policies(&ps) < 0)
		return 2;
	print_open_object(NULL);
	print_text("Socket options on an unconnected MPTCP socket (this kernel, probed now);\n"
		   "policy: what 'mptcpkit run' does when MPTCP refuses one:\n");
	print_open_array("sockopts");
	for (size_t i = 0; i < mpk_sockopt_count(); i++) {
		const struct mpk_sockopt *o = mpk_sockopt_at(i);
		struct mpk_sockopt_probe r;
		int err = mpk_sockopt_probe(o, &r);

		if (err < 0) {
			print_close_array();
			print_close_object();
			return fail("check: cannot create an MPTCP socket: %s", strerror(-err));
		}
		refused += mpk_sockopt_probe_refused(&r);
		print_one(o, &r, &ps);
	}
	print_close_array();
	print_uint("refused", "%u options refused on MPTCP", refused);
	print_uint("known", " of %u known\n", mpk_sockopt_count());
	print_close_object();
	return 0;
}
