// SPDX-License-Identifier: GPL-2.0-or-later
/* The lab's option parsing, and 'lab status' / 'lab list'. */
#include <errno.h>
#include <inttypes.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "lab-cli.h"
#include "print.h"
#include "util.h"

static int parse_loss(const char *s, double *out)
{
	char *end;

	errno = 0;
	*out = s ? strtod(s, &end) : NAN;
	if (!s || !*s || *end || errno || !(*out >= 0 && *out < 100))
		return -EINVAL;
	return 0;
}

/* The options of every lab subcommand; each subcommand allows some kinds. */
enum lab_option {
	OPT_NAME, OPT_PATHS, OPT_RATE, OPT_DELAY, OPT_LOSS, OPT_CC, OPT_FORCE, OPT_ROUTER,
	OPT_BALANCER,
};

static const struct {
	const char *name;
	int kind;		/* LAB_OPT_* */
	enum lab_option id;
} options[] = {
	{ "--name", LAB_OPT_NAME, OPT_NAME },
	{ "--paths", LAB_OPT_SHAPE, OPT_PATHS },
	{ "--rate", LAB_OPT_SHAPE, OPT_RATE },
	{ "--loss", LAB_OPT_SHAPE, OPT_LOSS },
	{ "--delay", LAB_OPT_SHAPE, OPT_DELAY },
	{ "--cc", LAB_OPT_SHAPE, OPT_CC },
	{ "--force", LAB_OPT_FORCE, OPT_FORCE },
	{ "-f", LAB_OPT_FORCE, OPT_FORCE },
	{ "--router", LAB_OPT_TOPOLOGY, OPT_ROUTER },
	{ "--balancer", LAB_OPT_TOPOLOGY, OPT_BALANCER },
};

#define NOPTIONS (sizeof(options) / sizeof(options[0]))

/* The option arg is, or NOPTIONS. */
static size_t find_option(const char *arg)
{
	size_t k = 0;

	while (k < NOPTIONS && strcmp(arg, options[k].name))
		k++;
	return k;
}

/* The number of one option; 0 or -EINVAL. */
static int parse_number(enum lab_option id, const char *val, struct lab_opts *o)
{
	switch (id) {
	case OPT_PATHS:
		return parse_long(val, 1, LAB_PATHS_MAX, &o->paths);
	case OPT_RATE:
		return parse_long(val, 1, 100000, &o->rate);
	case OPT_DELAY:
		return parse_long(val, 0, 10000, &o->delay);
	case OPT_LOSS:
		return parse_loss(val, &o->loss);
	case OPT_BALANCER:
		return parse_long(val, 1, LAB_BACKENDS_MAX, &o->backends);
	default:
		return -EINVAL;
	}
}

/* One --option VALUE; 0, or 1 after printing what is wrong. */
static int parse_value(enum lab_option id, const char *opt, const char *val,
		       struct lab_opts *o)
{
	if (!val)
		return fail("lab: %s needs a value", opt);
	if (id == OPT_NAME) {
		o->name = val;
		return 0;
	}
	if (id == OPT_CC) {
		if (!*val || strlen(val) >= 16)
			return fail("lab: %s '%s': not a valid value", opt, val);
		o->cc = val;
		return 0;
	}
	if (parse_number(id, val, o) == 0)
		return 0;
	if (id == OPT_PATHS)
		return fail("lab: --paths '%s': expected a number from 1 to %d", val, LAB_PATHS_MAX);
	if (id == OPT_BALANCER)
		return fail("lab: --balancer '%s': expected a number of backends from 1 to %d",
			    val, LAB_BACKENDS_MAX);
	return fail("lab: %s '%s': not a valid value", opt, val);
}

int lab_parse(int argc, char **argv, int allowed, struct lab_opts *o,
	      char **pos, int maxpos, bool stop_early)
{
	int npos = 0, i;

	*o = (struct lab_opts){ .name = "default", .paths = 2, .rate = 50 };
	for (i = 1; i < argc; i++) {
		size_t k = find_option(argv[i]);

		if (!strcmp(argv[i], "--")) {
			i++;
			break;
		}
		if (argv[i][0] != '-') {
			if (npos == maxpos && stop_early)
				break;
			if (npos == maxpos)
				return fail("lab %s: unexpected argument '%s'", argv[0], argv[i]);
			pos[npos++] = argv[i];
			continue;
		}
		if (k == NOPTIONS || !(options[k].kind & allowed))
			return fail("lab %s: unknown option '%s'", argv[0], argv[i]);
		if (options[k].id == OPT_FORCE || options[k].id == OPT_ROUTER) {	/* flags */
			o->force |= options[k].id == OPT_FORCE;
			o->router |= options[k].id == OPT_ROUTER;
			continue;
		}
		if (parse_value(options[k].id, argv[i], i + 1 < argc ? argv[i + 1] : NULL, o))
			return 1;
		i++;
	}
	if (o->router && o->backends)
		return fail("lab %s: --router and --balancer are two topologies: one of them",
			    argv[0]);
	o->npos = npos;
	o->rest = i;
	return 0;
}

static void print_path(const struct lab *lab, int k, int cut_mask)
{
	char buf[LAB_ADDR_LEN];
	const char *state = "unknown";
	/* In the router topology the paths run from the router to the far end. */
	const char *near = lab->router ? "router" : "client", *far = lab->router ? "far" : "server";

	if (cut_mask >= 0)
		state = cut_mask & (1 << (k - 1)) ? "down" : "up";
	print_open_object(NULL);
	print_int("path", "path %" PRId64, k);
	print_string(near, lab->router ? "  router %s" : "  client %s",
		     lab_path_addr(k, LAB_CLIENT, buf));
	print_string(far, lab->router ? "  far %s" : "  server %s",
		     lab_path_addr(k, LAB_SERVER, buf));
	print_string("device", "  device %s", lab_path_dev(k, buf));
	print_int("rate", "  rate %" PRId64 " Mbit/s", lab->rate_mbit);
	print_string("state", "  state %s\n", state);
	print_close_object();
}

/* Complete: every namespace of its topology there, and the state file. */
static bool lab_complete(struct lab *lab)
{
	if (!lab_ns_exists(lab->client_ns) || !lab_ns_exists(lab->server_ns) ||
	    lab_state_read(lab) < 0)
		return false;
	return !lab->router || (lab_ns_exists(lab->router_ns) && lab_ns_exists(lab->far_ns));
}

/* One proxy of the router topology: its PID and whether it still runs. */
static void print_proxy(const char *key, const char *mode, pid_t pid, const char *ns,
			const char *listen)
{
	bool running = lab_pid_in_ns(pid, ns);

	print_open_object(key);
	print_string("mode", "%s", mode);
	print_string("listen", " %s", listen);
	print_int("pid", " pid %" PRId64, pid);
	print_bool("running", running ? "\n" : " (not running)\n", running);
	print_close_object();
}

static void print_router(const struct lab *lab, bool complete)
{
	char rlisten[LAB_LISTEN_LEN], flisten[LAB_LISTEN_LEN];

	snprintf(rlisten, sizeof(rlisten), LAB_LAN_ROUTER ":%d", LAB_PROXY_PORT);
	lab_router_socks(flisten);
	print_string("topology", "topology router: client " LAB_LAN_CLIENT " -> router "
		     LAB_LAN_ROUTER " => paths => far " LAB_WAN_FAR " -> server "
		     LAB_WAN_SERVER "\n", "router");
	print_string("router_ns", "router %s\n", lab->router_ns);
	print_string("far_ns", "far %s\n", lab->far_ns);
	if (!complete)
		return;
	print_text("router proxy: ");
	print_proxy("router_proxy", "transparent", lab->router_pid, lab->router_ns, rlisten);
	print_text("far proxy: ");
	print_proxy("far_proxy", "socks", lab->far_pid, lab->far_ns, flisten);
}

static void print_balancer(const struct lab *lab)
{
	char ns[LAB_NS_LEN], addr[LAB_ADDR_LEN];

	print_string("topology", "topology balancer: client => paths => balancer (server, "
		     "service " LAB_VIP ":" LAB_BALANCER_PORT_STR ") -> backends\n", "balancer");
	print_open_array("backends");
	for (int k = 1; k <= lab->backends; k++) {
		print_open_object(NULL);
		print_int("backend", "backend%" PRId64, k);
		print_string("ns", " %s", lab_backend_ns(lab, k, ns));
		print_string("address", " %s", lab_backend_addr(k, addr));
		print_int("join_port", " join port %" PRId64 "\n", LAB_JOIN_PORT);
		print_close_object();
	}
	print_close_array();
}

int lab_print_status(struct lab *lab)
{
	bool complete = lab_complete(lab);
	int mask = complete ? lab_link_cut_mask(lab) : -1;

	print_open_object(NULL);
	print_string("name", "lab %s", lab->name);
	print_bool("complete", complete ? "\n" : "  (incomplete: '" PROG_NAME
		   " lab down' removes it)\n", complete);
	print_string("client", "client %s\n", lab->client_ns);
	print_string("server", "server %s\n", lab->server_ns);
	if (lab->router)
		print_router(lab, complete);
	else if (lab->backends)
		print_balancer(lab);
	else
		print_string("topology", NULL, "paths");
	print_int("rate", "rate %" PRId64 " Mbit/s", complete ? lab->rate_mbit : 0);
	print_double("loss", "  loss %g %%", complete ? lab->loss_pct : 0);
	print_int("delay", "  delay %" PRId64 " ms", complete ? lab->delay_ms : 0);
	print_string("cc", "  cc %s\n", complete ? lab->cc : "");
	print_open_array("paths");
	for (int k = 1; complete && k <= lab->paths; k++)
		print_path(lab, k, mask);
	print_close_array();
	print_close_object();
	return 0;
}

int lab_cmd_status(int argc, char **argv)
{
	struct lab_opts o;
	struct lab lab;

	if (lab_parse(argc, argv, LAB_OPT_NAME, &o, NULL, 0, false))
		return 1;
	if (lab_init(&lab, o.name) < 0)
		return fail("lab status: bad name '%s'", o.name);
	if (!lab_exists(&lab))
		return fail("lab status: no lab '%s' (see '" PROG_NAME " lab list')", o.name);
	return lab_print_status(&lab);
}

static void list_one(const char *name, void *arg)
{
	struct lab lab;
	bool complete;

	if (lab_init(&lab, name) < 0)
		return;
	complete = lab_complete(&lab);
	print_open_object(NULL);
	print_string("name", "%s", name);
	print_string("topology", lab.router ? "  router" : NULL, lab.router ? "router" : "paths");
	print_bool("complete", complete ? NULL : "  (incomplete)", complete);
	print_int("paths", complete ? "  paths %" PRId64 : NULL, lab.paths);
	print_int("rate", complete ? "  rate %" PRId64 " Mbit/s" : NULL, lab.rate_mbit);
	print_text("\n");
	print_close_object();
}

int lab_cmd_list(int argc, char **argv)
{
	struct lab_opts o;

	if (lab_parse(argc, argv, 0, &o, NULL, 0, false))
		return 1;
	print_open_array(NULL);
	lab_list(list_one, NULL);
	print_close_array();
	return 0;
}
