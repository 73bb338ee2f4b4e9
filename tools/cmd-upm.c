// SPDX-License-Identifier: GPL-2.0-or-later
/* mptcpkit announce / remove / subflow: the userspace path manager's
 * commands (net.mptcp.path_manager=userspace), one connection (token) at a
 * time. iproute2 has none of them; the keywords follow mptcpd and the
 * kernel's pm_nl_ctl. */
#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "commands.h"
#include "pm-args.h"
#include "pm-sockdiag.h"
#include "print.h"
#include "util.h"

static const char usage_announce[] =
	"Usage: " PROG_NAME " announce token T id ID ADDR [port P] [dev IF]\n"
	"Announce (ADD_ADDR) a local address to the peer of connection T.\n";
static const char usage_remove[] =
	"Usage: " PROG_NAME " remove token T id ID\n"
	"Withdraw (REMOVE_ADDR) the address announced with id ID.\n";
static const char usage_subflow[] =
	"Usage: " PROG_NAME " subflow create token T [lid ID] [laddr ADDR] raddr ADDR rport P [dev IF] [backup]\n"
	"       " PROG_NAME " subflow destroy token T laddr ADDR [lport P] raddr ADDR rport P\n"
	"       " PROG_NAME " subflow change token T laddr ADDR [lport P] raddr ADDR rport P backup|nobackup\n"
	"Open, close or change a subflow of connection T (userspace path manager).\n"
	"T comes from '" PROG_NAME " monitor' (created/established events).\n"
	"All need CAP_NET_ADMIN.\n";

struct upm_args {
	uint32_t token;
	bool has_token;
	struct mpk_endpoint local;
	struct mpk_endpoint remote;
	bool backup;
	bool nobackup;
};

/* One keyword and its value; 0, or 1 after printing the error. */
static int parse_pair(const char *key, const char *v, struct upm_args *a)
{
	if (!strcmp(key, "token"))
		return a->has_token = true, pm_parse_token(v, &a->token);
	if (!strcmp(key, "id") || !strcmp(key, "lid"))
		return pm_parse_id(v, &a->local.id);
	if (!strcmp(key, "laddr"))
		return pm_parse_addr(v, &a->local);
	if (!strcmp(key, "lport") || !strcmp(key, "port"))
		return pm_parse_port(v, &a->local.port);
	if (!strcmp(key, "raddr"))
		return pm_parse_addr(v, &a->remote);
	if (!strcmp(key, "rport"))
		return pm_parse_port(v, &a->remote.port);
	if (!strcmp(key, "dev"))
		return pm_parse_dev(v, &a->local.ifindex);
	return -1;
}

/* allowed: the keywords this action takes, space-separated, plus
 * "ADDR" for a bare local address and the words "backup"/"nobackup". */
static int parse_args(const char *cmd, int argc, char **argv, const char *allowed,
		      struct upm_args *a)
{
	for (int i = 0; i < argc; i++) {
		const char *w = argv[i];
		char word[24];
		const char *v;

		snprintf(word, sizeof(word), " %s ", w);
		if (!strstr(allowed, word) && !(strchr(w, '.') || strchr(w, ':')))
			return fail("%s: unknown keyword '%s'", cmd, w);
		if (!strcmp(w, "backup") || !strcmp(w, "nobackup")) {
			*(w[0] == 'b' ? &a->backup : &a->nobackup) = true;
			continue;
		}
		if (!strstr(allowed, word)) { /* a bare address */
			if (!strstr(allowed, " ADDR ") || a->local.family)
				return fail("%s: unexpected '%s'", cmd, w);
			if (pm_parse_addr(w, &a->local))
				return 1;
			continue;
		}
		if (!(v = pm_next_value(argc, argv, &i)) || parse_pair(w, v, a))
			return 1;
	}
	if (!a->has_token)
		return fail("%s: 'token T' is required", cmd);
	return 0;
}

int cmd_announce(int argc, char **argv)
{
	struct upm_args a = { 0 };
	struct mpk_pm *pm;
	int err;

	if (wants_help(argc, argv))
		return fputs(usage_announce, stdout), 0;
	if (parse_args("announce", argc - 1, argv + 1, " token id port dev ADDR ", &a))
		return 1;
	if (!a.local.family || !a.local.id)
		return fail("announce: an address and 'id ID' (1-255) are required");
	if (!(pm = pm_open_or_fail()))
		return 1;
	err = mpk_pm_announce(pm, a.token, &a.local);
	err = err < 0 ? pm_fail(pm, "announce", err) : 0;
	mpk_pm_close(pm);
	return err;
}

int cmd_remove(int argc, char **argv)
{
	struct upm_args a = { 0 };
	struct mpk_pm *pm;
	int err;

	if (wants_help(argc, argv))
		return fputs(usage_remove, stdout), 0;
	if (parse_args("remove", argc - 1, argv + 1, " token id ", &a))
		return 1;
	if (!a.local.id)
		return fail("remove: 'id ID' (1-255) is required");
	if (!(pm = pm_open_or_fail()))
		return 1;
	err = mpk_pm_remove(pm, a.token, a.local.id);
	err = err < 0 ? pm_fail(pm, "remove", err) : 0;
	mpk_pm_close(pm);
	return err;
}

static int subflow_check(const char *verb, const struct upm_args *a)
{
	if (!a->remote.family || !a->remote.port)
		return fail("subflow %s: 'raddr ADDR' and 'rport P' are required", verb);
	if (a->local.family && a->local.family != a->remote.family)
		return fail("subflow %s: laddr and raddr are of different families", verb);
	if (!strcmp(verb, "create")) {
		if (!a->local.family && !a->local.id)
			return fail("subflow create: 'lid ID' or 'laddr ADDR' is required");
		return 0;
	}
	if (!a->local.family)
		return fail("subflow %s: 'laddr ADDR' is required", verb);
	if (!strcmp(verb, "change") && a->backup == a->nobackup)
		return fail("subflow change: say 'backup' or 'nobackup'");
	return 0;
}

/* destroy without lport: the kernel needs it, sock_diag knows it. */
static int find_lport(struct upm_args *a)
{
	int err = pm_find_subflow_lport(a->token, &a->local, &a->remote, &a->local.port);

	if (err == -ENOENT)
		return fail("subflow destroy: no established subflow of token %u from laddr "
			    "to raddr/rport", a->token);
	if (err == -EEXIST)
		return fail("subflow destroy: several subflows match: give 'lport P'");
	if (err < 0)
		return fail("subflow destroy: finding the local port: %s (give 'lport P')",
			    mpk_strerror(err));
	return 0;
}

static int subflow_do(struct mpk_pm *pm, const char *verb, struct upm_args *a)
{
	if (!strcmp(verb, "create")) {
		if (a->backup)
			a->local.flags |= MPK_EP_BACKUP;
		return mpk_pm_subflow_create(pm, a->token, &a->local, &a->remote);
	}
	if (!strcmp(verb, "destroy"))
		return mpk_pm_subflow_destroy(pm, a->token, &a->local, &a->remote);
	return mpk_pm_subflow_set_backup(pm, a->token, &a->local, &a->remote, a->backup);
}

int cmd_subflow(int argc, char **argv)
{
	static const char *const allowed[][2] = {
		{ "create", " token lid id laddr raddr rport dev backup " },
		{ "destroy", " token laddr lport raddr rport " },
		{ "change", " token laddr lport raddr rport backup nobackup " },
	};
	struct upm_args a = { 0 };
	const char *verb = argc > 1 ? argv[1] : "";
	struct mpk_pm *pm;
	char what[32];
	int err;

	if (wants_help(argc, argv))
		return fputs(usage_subflow, stdout), 0;
	for (size_t i = 0; i < 3; i++) {
		if (strcmp(verb, allowed[i][0]))
			continue;
		snprintf(what, sizeof(what), "subflow %s", verb);
		if (parse_args(what, argc - 2, argv + 2, allowed[i][1], &a) ||
		    subflow_check(verb, &a))
			return 1;
		if (!strcmp(verb, "destroy") && !a.local.port && find_lport(&a))
			return 1;
		if (!(pm = pm_open_or_fail()))
			return 1;
		err = subflow_do(pm, verb, &a);
		err = err < 0 ? pm_fail(pm, what, err) : 0;
		mpk_pm_close(pm);
		return err;
	}
	return fail("subflow: unknown action '%s' (create, destroy, change)", verb);
}
