// SPDX-License-Identifier: GPL-2.0-or-later
/* The lab's option parsing, and 'lab status' / 'lab list'. */
#include <errno.h>
#include <inttypes.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "lab-cli.h"
#include "lab-paths.h"
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
	OPT_PATH, OPT_PROFILE, OPT_ENGINE,
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
	{ "--path", LAB_OPT_SHAPE, OPT_PATH },
	{ "--profile", LAB_OPT_SHAPE, OPT_PROFILE },
	{ "--engine", LAB_OPT_SHAPE, OPT_ENGINE },
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

/* "equal, wifi-lte, ..." */
static const char *profile_names(void)
{
	static char names[256];
	size_t off = 0;
	const struct lab_profile *p;

	names[0] = '\0';
	for (int i = 0; (p = lab_profile_at(i)) && off < sizeof(names); i++)
		off += (size_t)snprintf(names + off, sizeof(names) - off, "%s%s", i ? ", " : "",
					p->name);
	return names;
}

int lab_opts_shape(const struct lab_opts *o, struct lab *lab)
{
	const struct lab_profile *p = o->profile ? lab_profile_find(o->profile) : NULL;

	lab->paths = (int)o->paths;
	lab->rate_mbit = o->rate;
	lab->loss_pct = o->loss;
	lab->delay_ms = o->delay;
	lab_shape_uniform(lab);
	if (p) {
		if (o->paths_given && o->paths != p->paths)
			return fail("lab: --profile %s has %d paths, not %ld", p->name, p->paths,
				    o->paths);
		lab->paths = p->paths;
		memcpy(lab->shape, p->shape, sizeof(p->shape));
		lab->rate_mbit = p->shape[0].rate_kbit[LAB_DOWN] / 1000;
		lab->delay_ms = 0;
		snprintf(lab->profile, sizeof(lab->profile), "%s", p->name);
	}
	for (int i = 0; i < o->npath_specs; i++) {
		int ret = lab_shape_parse(o->path_specs[i], lab->paths, lab->shape);

		if (ret == -ERANGE)
			return fail("lab: --path '%s': a path from 1 to %d and values in range "
				    "(rate 0.1-10000 Mbit/s, delay 0-5000 ms, jitter 0-1000 ms "
				    "and at most the delay, loss 0-50 %%)", o->path_specs[i],
				    lab->paths);
		if (ret < 0)
			return fail("lab: --path '%s': expected K:key=V[,key=V...] with keys rate, "
				    "delay, jitter, loss and V one value or DOWN/UP",
				    o->path_specs[i]);
	}
	lab->shaped = true;
	lab->engine = !o->engine || !strcmp(o->engine, "auto") ? LAB_ENGINE_NONE :
		      !strcmp(o->engine, "netem") ? LAB_ENGINE_NETEM : LAB_ENGINE_NFQUEUE;
	return 0;
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
	if (id == OPT_PATH) {
		if (o->npath_specs == (int)(sizeof(o->path_specs) / sizeof(o->path_specs[0])))
			return fail("lab: too many --path options");
		o->path_specs[o->npath_specs++] = val;
		return 0;
	}
	if (id == OPT_PROFILE) {
		if (!lab_profile_find(val))
			return fail("lab: --profile '%s': no such profile (%s)", val,
				    profile_names());
		o->profile = val;
		return 0;
	}
	if (id == OPT_ENGINE) {
		if (strcmp(val, "auto") && strcmp(val, "netem") && strcmp(val, "nfqueue"))
			return fail("lab: --engine '%s': expected auto, netem or nfqueue", val);
		o->engine = val;
		return 0;
	}
	if (id == OPT_CC) {
		if (!*val || strlen(val) >= 16)
			return fail("lab: %s '%s': not a valid value", opt, val);
		o->cc = val;
		return 0;
	}
	if (parse_number(id, val, o) == 0) {
		o->paths_given |= id == OPT_PATHS;
		return 0;
	}
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

/* rate (down), then each way: text "rate 10/5 Mbit/s  delay 30/30 ms ..." */
static void print_shape(const struct lab_shape *s)
{
	print_int("rate", NULL, s->rate_kbit[LAB_DOWN] / 1000);
	print_double("rate_down", "  rate %g", s->rate_kbit[LAB_DOWN] / 1000.0);
	print_double("rate_up", "/%g Mbit/s", s->rate_kbit[LAB_UP] / 1000.0);
	print_double("delay_down", "  delay %g", s->delay_us[LAB_DOWN] / 1000.0);
	print_double("delay_up", "/%g ms", s->delay_us[LAB_UP] / 1000.0);
	print_double("jitter_down", "  jitter %g", s->jitter_us[LAB_DOWN] / 1000.0);
	print_double("jitter_up", "/%g ms", s->jitter_us[LAB_UP] / 1000.0);
	print_double("loss_down", "  loss %g", s->loss_ppm[LAB_DOWN] / 10000.0);
	print_double("loss_up", "/%g %%", s->loss_ppm[LAB_UP] / 10000.0);
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
	print_shape(&lab->shape[k - 1]);
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
	print_string("profile", "profile %s", complete && lab->profile[0] ? lab->profile : "none");
	print_string("engine", "  delay engine %s", complete ? lab_engine_name(lab->engine) : "none");
	print_int("delay_pid_client", lab->delay_pid[0] ? "  delay elements: client pid %" PRId64 : NULL,
		  lab->delay_pid[0]);
	print_int("delay_pid_server", lab->delay_pid[1] ? "  server pid %" PRId64 : NULL,
		  lab->delay_pid[1]);
	print_text("\n");
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
