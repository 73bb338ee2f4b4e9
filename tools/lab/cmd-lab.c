// SPDX-License-Identifier: GPL-2.0-or-later
/* mptcpkit lab: a multipath network in two namespaces on this machine. */
#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "commands.h"
#include "lab.h"
#include "lab-cli.h"
#include "print.h"
#include "util.h"

static const char usage[] =
	"Usage: " PROG_NAME " lab up [--name NAME] [--paths N] [--rate MBIT] [--loss PCT] [--delay MS]\n"
	"                     [--cc ALGO] [--router | --balancer N] [--profile NAME]\n"
	"                     [--engine auto|netem|nfqueue]\n"
	"                     [--path K:rate=MBIT,delay=MS,jitter=MS,loss=PCT]...\n"
	"       " PROG_NAME " lab down [--name NAME] [--force]\n"
	"       " PROG_NAME " lab link K down|up [--name NAME]\n"
	"       " PROG_NAME " lab exec client|server|router|far|backendK [--name NAME] [--] CMD [ARG...]\n"
	"       " PROG_NAME " lab status [--name NAME]\n"
	"       " PROG_NAME " lab list\n\n"
	"A client and a server network namespace (mpk-lab-NAME-client/-server)\n"
	"joined by N paths (default 2, at most 8): path k is veth 'pathk' with\n"
	"10.0.k.1/24 on the client and 10.0.k.2/24 on the server, limited to MBIT\n"
	"(default 50) each way with tbf, optionally with PCT % random loss each way\n"
	"(nftables). The client has an MPTCP 'subflow' endpoint per extra path, so\n"
	"one connection to 10.0.1.2 uses every path. 'link K down' cuts path K\n"
	"(its packets vanish; the interfaces stay up), 'link K up' restores it.\n"
	"TCP congestion control: ALGO, by default cubic (the kernel's default) or,\n"
	"where namespaces may not choose it, reno: loss-based like cubic.\n"
	"--router: the router topology instead, four namespaces: a plain TCP client\n"
	"(10.1.0.2, default route via the router) -> a router (10.1.0.1, whose N\n"
	"paths with their endpoints are the client's above: 10.0.k.1) running\n"
	"'" PROG_NAME " proxy transparent' on the client's traffic -> the far end\n"
	"(10.0.k.2) running '" PROG_NAME " proxy socks' -> a plain TCP server\n"
	"(10.2.0.2). Any TCP connection from the client goes over MPTCP on every\n"
	"path. 'lab down' stops the proxies; their -j logs are\n"
	LAB_STATE_DIR "/lab-NAME-router.log and -far.log.\n"
	"--balancer N: the server namespace is an L4 load balancer (nftables, from\n"
	"'" PROG_NAME " balancer install') for the service " LAB_VIP ":" LAB_BALANCER_PORT_STR
	" in front of N\n"
	"backends (1..8, mpk-lab-NAME-backendK, 10.3.K.2), each running\n"
	"'" PROG_NAME " pmd --server --balanced' with its own join address\n"
	"10.3.K.2:7000 (pmd logs " LAB_STATE_DIR "/lab-NAME-backendK.log). Run servers\n"
	"with 'lab exec backendK'; connect from the client to " LAB_VIP ".\n"
	"Paths that are not equal: --path K:key=V,... sets path K's rate (Mbit/s),\n"
	"one-way delay and jitter (ms) and loss (%); V is one value for both ways\n"
	"or DOWN/UP (DOWN: server to client). --profile NAME sets every path from\n"
	"a named profile (equal, wifi-lte, dsl-4g, fibre-sat, slow-second; see\n"
	"mptcpkit-paths(7)), --path after it changes one. Delay comes from netem\n"
	"where the kernel has it, else from the NFQUEUE delay element ('lab\n"
	"delayd', one per receiving namespace, stopped by 'lab down'); --engine\n"
	"picks one.\n"
	"NAME defaults to 'default'. Needs root.\n";

static int usage_error(const char *what)
{
	return fail("lab: %s (try '" PROG_NAME " lab --help')", what);
}

static int lab_open(const char *cmd, const struct lab_opts *o, struct lab *lab, bool must_exist)
{
	if (lab_init(lab, o->name) < 0)
		return fail("lab %s: bad name '%s' (1-%d letters, digits, '_' or '-')",
			    cmd, o->name, LAB_NAME_MAX);
	if (must_exist && !lab_exists(lab))
		return fail("lab %s: no lab '%s' (see '" PROG_NAME " lab list')", cmd, o->name);
	return 0;
}

/* What lab_up()'s error means to the user; the exit code. */
static int lab_up_failed(const struct lab *lab, int err)
{
	if (err == -EEXIST)
		return fail("lab up: lab '%s' exists", lab->name);
	if (err == -ENOENT)
		return fail("lab up: --cc %s: not available to network namespaces here "
			    "(see /proc/sys/net/ipv4/tcp_allowed_congestion_control)", lab->cc);
	if (err == -EOPNOTSUPP)
		return fail("lab up: a delay needs the netem qdisc or the NFQUEUE delay element "
			    "(libnetfilter_queue); %s", lab->engine == LAB_ENGINE_NETEM ?
			    "this kernel has no netem" : "neither is here");
	if (err == -EPROTONOSUPPORT)
		return fail("lab up: the delay element needs iptables' NFQUEUE target: %s "
			    "(nothing was left behind)", lab_error());
	return fail("lab up: %s (nothing was left behind)", lab_strerror(err));
}

static int lab_cmd_up(int argc, char **argv)
{
	struct lab_opts o;
	struct lab lab;
	int ret;

	if (lab_parse(argc, argv, LAB_OPT_NAME | LAB_OPT_SHAPE | LAB_OPT_TOPOLOGY, &o, NULL, 0,
		      false) != 0)
		return 1;
	if (lab_open("up", &o, &lab, false))
		return 1;
	if (lab_exists(&lab))
		return fail("lab up: lab '%s' exists (remove it with '" PROG_NAME
			    " lab down --name %s')", lab.name, lab.name);
	lab.router = o.router;
	lab.backends = (int)o.backends;
	if (lab_opts_shape(&o, &lab))
		return 1;
	if (o.cc)
		snprintf(lab.cc, sizeof(lab.cc), "%s", o.cc);
	ret = lab_up(&lab);
	if (ret < 0)
		return lab_up_failed(&lab, ret);
	return lab_print_status(&lab);
}

static int lab_cmd_down(int argc, char **argv)
{
	struct lab_opts o;
	struct lab lab;
	int ret;

	if (lab_parse(argc, argv, LAB_OPT_NAME | LAB_OPT_FORCE, &o, NULL, 0, false) != 0)
		return 1;
	if (lab_open("down", &o, &lab, false))
		return 1;
	/* A state file without namespaces (removed by hand) is listed: removable. */
	if (!o.force && !lab_exists(&lab) && !lab_has_state(&lab))
		return fail("lab down: no lab '%s' (see '" PROG_NAME " lab list')", lab.name);
	ret = lab_down(&lab);
	if (ret < 0)
		return fail("lab down: %s", lab_strerror(ret));
	return 0;
}

static int lab_cmd_link(int argc, char **argv)
{
	struct lab_opts o;
	struct lab lab;
	char *pos[2];
	long k;
	bool up;
	int ret;

	if (lab_parse(argc, argv, LAB_OPT_NAME, &o, pos, 2, false))
		return 1;
	if (o.npos != 2)
		return usage_error("link needs a path number and 'down' or 'up'");
	if (lab_open("link", &o, &lab, true))
		return 1;
	if (lab_state_read(&lab) < 0)
		lab.paths = LAB_PATHS_MAX;
	if (parse_long(pos[0], 1, lab.paths, &k) < 0)
		return fail("lab link: no path '%s' (1..%d)", pos[0], lab.paths);
	if (strcmp(pos[1], "down") && strcmp(pos[1], "up"))
		return fail("lab link: '%s': expected 'down' or 'up'", pos[1]);
	up = !strcmp(pos[1], "up");
	ret = lab_link_set(&lab, (int)k, up);
	if (ret < 0)
		return fail("lab link: %s", lab_strerror(ret));
	print_open_object(NULL);
	print_int("path", "path %" PRId64, k);
	print_string("state", " %s\n", up ? "up" : "down");
	print_close_object();
	return 0;
}

/* The namespaces 'lab exec' knows, by the word that names them. */
enum lab_where { WHERE_CLIENT, WHERE_SERVER, WHERE_ROUTER, WHERE_FAR, WHERE_NONE };

static enum lab_where where_of(const char *word)
{
	static const char *const words[] = { "client", "server", "router", "far" };

	for (int i = 0; i < WHERE_NONE; i++) {
		if (!strcmp(word, words[i]))
			return i;
	}
	return WHERE_NONE;
}

static const char *where_ns(const struct lab *lab, enum lab_where w)
{
	const char *nss[] = { lab->client_ns, lab->server_ns, lab->router_ns, lab->far_ns };

	return nss[w];
}

/* ip netns exec NS CMD...: the command with the namespace's own /sys. */
static int exec_in(const char *ns, int argc, char **argv, int rest)
{
	char **cmd = calloc(argc - rest + 5, sizeof(*cmd));

	if (!cmd)
		return fail("lab exec: %s", strerror(errno));
	cmd[0] = "ip";
	cmd[1] = "netns";
	cmd[2] = "exec";
	cmd[3] = (char *)ns;
	memcpy(cmd + 4, argv + rest, (argc - rest) * sizeof(*cmd));
	fflush(stdout);
	execvp("ip", cmd);
	return fail("lab exec: ip: %s", strerror(errno));
}

/* lab exec backendK: a backend of the balancer topology. */
static int exec_backend(int argc, char **argv, const struct lab_opts *o, const char *word)
{
	char ns[LAB_NS_LEN];
	struct lab lab;
	long k;

	if (lab_open("exec", o, &lab, true))
		return 1;
	if (!lab.backends)
		return fail("lab exec: lab '%s' has no backends (it was not made with --balancer)",
			    lab.name);
	if (parse_long(word + 7, 1, lab.backends, &k) < 0)
		return fail("lab exec: '%s': lab '%s' has backend1..backend%d", word, lab.name,
			    lab.backends);
	return exec_in(lab_backend_ns(&lab, (int)k, ns), argc, argv, o->rest);
}

static int lab_cmd_exec(int argc, char **argv)
{
	struct lab_opts o;
	struct lab lab;
	char *pos[1];
	enum lab_where where;
	char **cmd;

	if (lab_parse(argc, argv, LAB_OPT_NAME, &o, pos, 1, true))
		return 1;
	if (o.npos < 1 || o.rest >= argc)
		return usage_error("exec needs 'client', 'server', 'router' or 'far' and a command");
	where = where_of(pos[0]);
	if (where == WHERE_NONE && !strncmp(pos[0], "backend", 7))
		return exec_backend(argc, argv, &o, pos[0]);
	if (where == WHERE_NONE)
		return fail("lab exec: '%s': expected 'client', 'server', 'router' or 'far'", pos[0]);
	if (lab_open("exec", &o, &lab, true))
		return 1;
	if ((where == WHERE_ROUTER || where == WHERE_FAR) && !lab.router)
		return fail("lab exec: lab '%s' has no %s (it was not made with --router)",
			    lab.name, pos[0]);
	/* ip netns exec also gives the command the namespace's own /sys. */
	cmd = calloc(argc - o.rest + 5, sizeof(*cmd));
	if (!cmd)
		return fail("lab exec: %s", strerror(errno));
	cmd[0] = "ip";
	cmd[1] = "netns";
	cmd[2] = "exec";
	cmd[3] = (char *)where_ns(&lab, where);
	memcpy(cmd + 4, argv + o.rest, (argc - o.rest) * sizeof(*cmd));
	fflush(stdout);
	execvp("ip", cmd);
	return fail("lab exec: cannot run ip: %s", strerror(errno));
}

static const struct {
	const char *name;
	int (*fn)(int argc, char **argv);
} subcommands[] = {
	{ "up", lab_cmd_up },
	{ "down", lab_cmd_down },
	{ "link", lab_cmd_link },
	{ "exec", lab_cmd_exec },
	{ "status", lab_cmd_status },
	{ "list", lab_cmd_list },
	{ "delayd", lab_cmd_delayd },
};

int cmd_lab(int argc, char **argv)
{
	if (argc < 2 || !strcmp(argv[1], "--help") || !strcmp(argv[1], "-h") ||
	    !strcmp(argv[1], "help") || (strcmp(argv[1], "exec") && wants_help(argc, argv))) {
		fputs(usage, argc < 2 ? stderr : stdout);
		return argc < 2;
	}
	for (size_t i = 0; i < sizeof(subcommands) / sizeof(subcommands[0]); i++) {
		if (strcmp(argv[1], subcommands[i].name))
			continue;
		if (geteuid() != 0 && strcmp(argv[1], "list"))
			return fail("lab %s: needs root (network namespaces)", argv[1]);
		return subcommands[i].fn(argc - 1, argv + 1);
	}
	return usage_error("unknown subcommand");
}
