// SPDX-License-Identifier: GPL-2.0-or-later
/* mptcpkit limits: the in-kernel path manager's limits, as `ip mptcp limits`. */
#include <inttypes.h>
#include <stdio.h>
#include <string.h>

#include "commands.h"
#include "pm-args.h"
#include "print.h"
#include "util.h"

static const char usage[] =
	"Usage: " PROG_NAME " limits set [subflows N] [add_addr_accepted N]\n"
	"       " PROG_NAME " limits show\n"
	"Per network namespace: extra subflows per connection, and ADD_ADDRs\n"
	"accepted per connection (0-8 each). 'set' needs CAP_NET_ADMIN.\n";

static int limits_show(struct mpk_pm *pm, int argc, char **argv)
{
	struct mpk_limits l;
	int err;

	if (argc)
		return fail("limits show: unexpected '%s'", argv[0]);
	err = mpk_pm_limits_get(pm, &l);
	if (err < 0)
		return pm_fail(pm, "limits show", err);
	print_open_object(NULL);
	print_uint("add_addr_accepted", "add_addr_accepted %" PRIu64 " ", l.add_addr_accepted);
	print_uint("subflows", "subflows %" PRIu64 " ", l.subflows);
	print_text("\n");
	print_close_object();
	return 0;
}

static int limits_set(struct mpk_pm *pm, int argc, char **argv)
{
	struct mpk_limits l = { MPK_LIMIT_KEEP, MPK_LIMIT_KEEP };
	int err;

	for (int i = 0; i < argc; i++) {
		uint32_t *dst;
		const char *v;
		long n;

		if (!strcmp(argv[i], "subflows"))
			dst = &l.subflows;
		else if (!strcmp(argv[i], "add_addr_accepted"))
			dst = &l.add_addr_accepted;
		else
			return fail("limits set: unknown keyword '%s'", argv[i]);
		v = pm_next_value(argc, argv, &i);
		if (!v)
			return 1;
		if (parse_long(v, 0, UINT32_MAX - 1, &n) < 0)
			return fail("limits set: bad %s '%s': expected a number", argv[i - 1], v);
		*dst = (uint32_t)n;
	}
	if (l.subflows == MPK_LIMIT_KEEP && l.add_addr_accepted == MPK_LIMIT_KEEP)
		return fail("limits set: give subflows N and/or add_addr_accepted N");
	err = mpk_pm_limits_set(pm, &l);
	return err < 0 ? pm_fail(pm, "limits set", err) : 0;
}

static const struct pm_verb verbs[] = {
	{ "show", limits_show },
	{ "set", limits_set },
};

int cmd_limits(int argc, char **argv)
{
	return pm_run_verb(verbs, sizeof(verbs) / sizeof(verbs[0]), usage, argc, argv);
}
