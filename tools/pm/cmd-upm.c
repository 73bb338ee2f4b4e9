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

/* The words the commands take: most with a value after them. */
enum upm_word {
	W_TOKEN, W_ID, W_LID, W_LADDR, W_LPORT, W_PORT, W_RADDR, W_RPORT, W_DEV,
	W_BACKUP, W_NOBACKUP,
	W_ADDR, /* a bare local address (announce) */
};
#define W(w) (1u << (w))

static const struct {
	const char *name;
	enum upm_word word;
} keywords[] = {
	{ "token", W_TOKEN }, { "id", W_ID }, { "lid", W_LID }, { "laddr", W_LADDR },
	{ "lport", W_LPORT }, { "port", W_PORT }, { "raddr", W_RADDR }, { "rport", W_RPORT },
	{ "dev", W_DEV }, { "backup", W_BACKUP }, { "nobackup", W_NOBACKUP },
};

#define NKEYWORDS (sizeof(keywords) / sizeof(keywords[0]))

/* The keyword w is, or NKEYWORDS when none. */
static size_t find_keyword(const char *w)
{
	size_t k = 0;

	while (k < NKEYWORDS && strcmp(w, keywords[k].name))
		k++;
	return k;
}

static bool looks_like_address(const char *w)
{
	return strchr(w, '.') || strchr(w, ':');
}

/* The value v of one keyword; 0, or 1 after printing the error. */
static int parse_value(enum upm_word word, const char *v, struct upm_args *a)
{
	switch (word) {
	case W_TOKEN:
		a->has_token = true;
		return pm_parse_token(v, &a->token);
	case W_ID:
	case W_LID:
		return pm_parse_id(v, &a->local.id);
	case W_LADDR:
		return pm_parse_addr(v, &a->local);
	case W_LPORT:
	case W_PORT:
		return pm_parse_port(v, &a->local.port);
	case W_RADDR:
		return pm_parse_addr(v, &a->remote);
	case W_RPORT:
		return pm_parse_port(v, &a->remote.port);
	case W_DEV:
		return pm_parse_dev(v, &a->local.ifindex);
	default:
		return 0; /* the words without a value are handled by the caller */
	}
}

/* A word that is no keyword: the bare local address, where allowed. */
static int parse_bare(const char *cmd, const char *w, unsigned int allowed,
		      struct upm_args *a)
{
	if (!looks_like_address(w))
		return fail("%s: unknown keyword '%s'", cmd, w);
	if (!(allowed & W(W_ADDR)) || a->local.family)
		return fail("%s: unexpected '%s'", cmd, w);
	return pm_parse_addr(w, &a->local);
}

/* allowed: W() of the words this action takes. */
static int parse_args(const char *cmd, int argc, char **argv, unsigned int allowed,
		      struct upm_args *a)
{
	for (int i = 0; i < argc; i++) {
		size_t k = find_keyword(argv[i]);
		enum upm_word word;
		const char *v;

		if (k == NKEYWORDS || !(allowed & W(keywords[k].word))) {
			if (parse_bare(cmd, argv[i], allowed, a))
				return 1;
			continue;
		}
		word = keywords[k].word;
		if (word == W_BACKUP || word == W_NOBACKUP) {
			a->backup |= word == W_BACKUP;
			a->nobackup |= word == W_NOBACKUP;
			continue;
		}
		v = pm_next_value(argc, argv, &i);
		if (!v || parse_value(word, v, a))
			return 1;
	}
	if (!a->has_token)
		return fail("%s: 'token T' is required", cmd);
	return 0;
}

/* After one userspace PM call: say why it failed, close; the exit code. */
static int pm_call_result(struct mpk_pm *pm, const char *what, int err)
{
	int ret = 0;

	if (err < 0)
		ret = pm_fail_needs(pm, what, err, MPK_FEATURE_USERSPACE_PM);
	mpk_pm_close(pm);
	return ret;
}

int cmd_announce(int argc, char **argv)
{
	struct upm_args a = { 0 };
	struct mpk_pm *pm;

	if (wants_help(argc, argv)) {
		fputs(usage_announce, stdout);
		return 0;
	}
	if (parse_args("announce", argc - 1, argv + 1,
		       W(W_TOKEN) | W(W_ID) | W(W_PORT) | W(W_DEV) | W(W_ADDR), &a))
		return 1;
	if (!a.local.family || !a.local.id)
		return fail("announce: an address and 'id ID' (1-255) are required");
	pm = pm_open_or_fail();
	if (!pm)
		return 1;
	return pm_call_result(pm, "announce", mpk_pm_announce(pm, a.token, &a.local));
}

int cmd_remove(int argc, char **argv)
{
	struct upm_args a = { 0 };
	struct mpk_pm *pm;

	if (wants_help(argc, argv)) {
		fputs(usage_remove, stdout);
		return 0;
	}
	if (parse_args("remove", argc - 1, argv + 1, W(W_TOKEN) | W(W_ID), &a))
		return 1;
	if (!a.local.id)
		return fail("remove: 'id ID' (1-255) is required");
	pm = pm_open_or_fail();
	if (!pm)
		return 1;
	return pm_call_result(pm, "remove", mpk_pm_remove(pm, a.token, a.local.id));
}

/* What every subflow action needs: the remote end, one family. */
static int subflow_check_remote(const char *what, const struct upm_args *a)
{
	if (!a->remote.family || !a->remote.port)
		return fail("%s: 'raddr ADDR' and 'rport P' are required", what);
	if (a->local.family && a->local.family != a->remote.family)
		return fail("%s: laddr and raddr are of different families", what);
	return 0;
}

static int subflow_check_laddr(const char *what, const struct upm_args *a)
{
	if (!a->local.family)
		return fail("%s: 'laddr ADDR' is required", what);
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

/* Each action: its checks (an exit code), then its call (0 or -errno). */
static int create_check(const char *what, struct upm_args *a)
{
	if (subflow_check_remote(what, a))
		return 1;
	if (!a->local.family && !a->local.id)
		return fail("subflow create: 'lid ID' or 'laddr ADDR' is required");
	if (a->backup)
		a->local.flags |= MPK_EP_BACKUP;
	return 0;
}

static int create_call(struct mpk_pm *pm, const struct upm_args *a)
{
	return mpk_pm_subflow_create(pm, a->token, &a->local, &a->remote);
}

static int destroy_check(const char *what, struct upm_args *a)
{
	if (subflow_check_remote(what, a) || subflow_check_laddr(what, a))
		return 1;
	if (!a->local.port)
		return find_lport(a);
	return 0;
}

static int destroy_call(struct mpk_pm *pm, const struct upm_args *a)
{
	return mpk_pm_subflow_destroy(pm, a->token, &a->local, &a->remote);
}

static int change_check(const char *what, struct upm_args *a)
{
	if (subflow_check_remote(what, a) || subflow_check_laddr(what, a))
		return 1;
	if (a->backup == a->nobackup)
		return fail("subflow change: say 'backup' or 'nobackup'");
	return 0;
}

static int change_call(struct mpk_pm *pm, const struct upm_args *a)
{
	return mpk_pm_subflow_set_backup(pm, a->token, &a->local, &a->remote, a->backup);
}

static const struct {
	const char *verb;
	unsigned int allowed; /* W() of its words */
	int (*check)(const char *what, struct upm_args *a);
	int (*call)(struct mpk_pm *pm, const struct upm_args *a);
} subflow_verbs[] = {
	{ "create", W(W_TOKEN) | W(W_LID) | W(W_ID) | W(W_LADDR) | W(W_RADDR) | W(W_RPORT) |
		    W(W_DEV) | W(W_BACKUP), create_check, create_call },
	{ "destroy", W(W_TOKEN) | W(W_LADDR) | W(W_LPORT) | W(W_RADDR) | W(W_RPORT),
	  destroy_check, destroy_call },
	{ "change", W(W_TOKEN) | W(W_LADDR) | W(W_LPORT) | W(W_RADDR) | W(W_RPORT) |
		    W(W_BACKUP) | W(W_NOBACKUP), change_check, change_call },
};

int cmd_subflow(int argc, char **argv)
{
	const char *verb = argc > 1 ? argv[1] : "";
	struct upm_args a = { 0 };
	struct mpk_pm *pm;
	char what[32];

	if (wants_help(argc, argv)) {
		fputs(usage_subflow, stdout);
		return 0;
	}
	for (size_t i = 0; i < sizeof(subflow_verbs) / sizeof(subflow_verbs[0]); i++) {
		if (strcmp(verb, subflow_verbs[i].verb))
			continue;
		snprintf(what, sizeof(what), "subflow %s", verb);
		if (parse_args(what, argc - 2, argv + 2, subflow_verbs[i].allowed, &a) ||
		    subflow_verbs[i].check(what, &a))
			return 1;
		pm = pm_open_or_fail();
		if (!pm)
			return 1;
		return pm_call_result(pm, what, subflow_verbs[i].call(pm, &a));
	}
	return fail("subflow: unknown action '%s' (create, destroy, change)", verb);
}
