// SPDX-License-Identifier: GPL-2.0-or-later
/* mptcpkit endpoint: the in-kernel path manager's endpoints, with the
 * grammar and output of `ip mptcp endpoint`. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "commands.h"
#include "pm-args.h"
#include "print.h"
#include "util.h"

static const char usage[] =
	"Usage: " PROG_NAME " endpoint add ADDR [port P] [id ID] [dev IF] [FLAG...]\n"
	"       " PROG_NAME " endpoint delete id ID [ADDR]\n"
	"       " PROG_NAME " endpoint change id ID [backup|nobackup] [fullmesh|nofullmesh]\n"
	"       " PROG_NAME " endpoint show [id ID]\n"
	"       " PROG_NAME " endpoint flush\n"
	"FLAG: signal, subflow, backup, fullmesh, laminar (6.18+).\n"
	"The in-kernel path manager's local addresses (net.mptcp.path_manager=kernel).\n"
	"Changes need CAP_NET_ADMIN.\n";

/* The words after the verb: address, port, id, dev, and flags (when
 * flags is not NULL; 'no' + name clears a flag in *clear). */
struct ep_args {
	struct mpk_endpoint ep;
	bool has_id;
	uint32_t clear;
};

static int parse_flag(const char *word, struct ep_args *a, bool flags_ok)
{
	bool no = !strncmp(word, "no", 2);
	uint32_t bit;

	if (!flags_ok || mpk_endpoint_flag_from_name(no ? word + 2 : word, &bit) < 0)
		return fail("endpoint: unknown flag or keyword '%s'", word);
	if (no)
		a->clear |= bit;
	else
		a->ep.flags |= bit;
	return 0;
}

/* The value v after keyword w (id, port or dev); 0, or 1 after the error. */
static int parse_value(const char *w, const char *v, struct ep_args *a)
{
	if (!strcmp(w, "id")) {
		a->has_id = true;
		return pm_parse_id(v, &a->ep.id);
	}
	if (!strcmp(w, "port"))
		return pm_parse_port(v, &a->ep.port);
	return pm_parse_dev(v, &a->ep.ifindex);
}

static int parse_address(const char *w, struct ep_args *a)
{
	if (a->ep.family)
		return fail("endpoint: more than one address ('%s')", w);
	return pm_parse_addr(w, &a->ep);
}

static int parse_words(int argc, char **argv, struct ep_args *a, bool flags_ok)
{
	for (int i = 0; i < argc; i++) {
		const char *w = argv[i];
		const char *v;
		int ret;

		if (!strcmp(w, "id") || !strcmp(w, "port") || !strcmp(w, "dev")) {
			v = pm_next_value(argc, argv, &i);
			if (!v)
				return 1;
			ret = parse_value(w, v, a);
		} else if (strchr(w, '.') || strchr(w, ':')) {
			ret = parse_address(w, a);
		} else {
			ret = parse_flag(w, a, flags_ok);
		}
		if (ret)
			return ret;
	}
	return 0;
}

static int ep_add(struct mpk_pm *pm, int argc, char **argv)
{
	struct ep_args a = { 0 };
	int err;

	if (parse_words(argc, argv, &a, true))
		return 1;
	if (!a.ep.family)
		return fail("endpoint add: an address is required");
	if (a.clear)
		return fail("endpoint add: 'no...' flags belong to 'endpoint change'");
	if (pm_require_flags("endpoint add", a.ep.flags))
		return 1;
	err = mpk_pm_endpoint_add(pm, &a.ep);
	return err < 0 ? pm_fail(pm, "endpoint add", err) : 0;
}

static int ep_delete(struct mpk_pm *pm, int argc, char **argv)
{
	struct ep_args a = { 0 };
	int err;

	if (parse_words(argc, argv, &a, false))
		return 1;
	if (!a.has_id)
		return fail("endpoint delete: 'id ID' is required");
	err = mpk_pm_endpoint_delete(pm, &a.ep);
	return err < 0 ? pm_fail(pm, "endpoint delete", err) : 0;
}

static int ep_change(struct mpk_pm *pm, int argc, char **argv)
{
	const uint32_t changeable = MPK_EP_BACKUP | MPK_EP_FULLMESH;
	struct ep_args a = { 0 };
	struct mpk_endpoint cur;
	int err;

	if (parse_words(argc, argv, &a, true))
		return 1;
	if (!a.has_id || !a.ep.id)
		return fail("endpoint change: 'id ID' (1-255) is required");
	if ((a.ep.flags | a.clear) & ~changeable)
		return fail("endpoint change: only backup and fullmesh can change");
	if (pm_require_flags("endpoint change", a.ep.flags))
		return 1;
	/* the kernel sets both flags from the request: keep the other one */
	err = mpk_pm_endpoint_get(pm, a.ep.id, &cur);
	if (err == -ENOENT)
		return fail("endpoint change: no endpoint with id %u", a.ep.id);
	if (err < 0)
		return pm_fail(pm, "endpoint change", err);
	cur.flags = (cur.flags | a.ep.flags) & ~a.clear;
	if (!a.ep.family)
		cur.family = AF_UNSPEC; /* the kernel then finds it by id */
	else if (a.ep.family != cur.family || memcmp(&a.ep.addr, &cur.addr, sizeof(cur.addr)))
		return fail("endpoint change: id %u has another address", a.ep.id);
	err = mpk_pm_endpoint_set_flags(pm, &cur);
	return err < 0 ? pm_fail_needs(pm, "endpoint change", err, MPK_FEATURE_SET_FLAGS) : 0;
}

static int print_cb(const struct mpk_endpoint *ep, void *data)
{
	pm_print_endpoint(ep);
	return 0;
}

static int ep_show(struct mpk_pm *pm, int argc, char **argv)
{
	struct ep_args a = { 0 };
	struct mpk_endpoint ep;
	int err;

	if (parse_words(argc, argv, &a, false))
		return 1;
	if (a.ep.family || a.ep.port || a.ep.ifindex)
		return fail("endpoint show: only 'id ID' is accepted");
	if (a.has_id) {
		err = mpk_pm_endpoint_get(pm, a.ep.id, &ep);
		if (err == -ENOENT)
			return fail("endpoint show: no endpoint with id %u", a.ep.id);
		if (err < 0)
			return pm_fail(pm, "endpoint show", err);
	}
	/* a JSON array either way, like ip -j mptcp endpoint show */
	print_open_array(NULL);
	err = a.has_id ? print_cb(&ep, NULL) : mpk_pm_endpoint_dump(pm, print_cb, NULL);
	print_close_array();
	return err < 0 ? pm_fail(pm, "endpoint show", err) : 0;
}

static int ep_flush(struct mpk_pm *pm, int argc, char **argv)
{
	int err;

	if (argc)
		return fail("endpoint flush: unexpected '%s'", argv[0]);
	err = mpk_pm_endpoint_flush(pm);
	return err < 0 ? pm_fail(pm, "endpoint flush", err) : 0;
}

static const struct pm_verb verbs[] = {
	{ "add", ep_add },
	{ "delete", ep_delete },
	{ "change", ep_change },
	{ "show", ep_show },
	{ "list", ep_show },
	{ "flush", ep_flush },
};

int cmd_endpoint(int argc, char **argv)
{
	return pm_run_verb(verbs, sizeof(verbs) / sizeof(verbs[0]), usage, argc, argv);
}
