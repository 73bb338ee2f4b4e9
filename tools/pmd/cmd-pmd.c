// SPDX-License-Identifier: GPL-2.0-or-later
/* mptcpkit pmd: the command line of the path-manager daemon. */
#include <errno.h>
#include <getopt.h>
#include <stdio.h>
#include <string.h>

#include "commands.h"
#include "pmd.h"
#include "print.h"
#include "util.h"

static void usage(FILE *f)
{
	fprintf(f,
		"Usage: " PROG_NAME " [-j] pmd [-c FILE] [--client|--server] [--backup IF,..]\n"
		"                     [--only IF,..] [--exclude IF,..] [--pm kernel|userspace]\n"
		"                     [--on-link-down remove|backup] [--wmem-max auto|off|BYTES]\n"
		"                     [--prefer auto|aggregate|handover|interactive]\n"
		"                     [--rmem-max auto|off|BYTES] [--rmem-default BYTES|off]\n"
		"                     [--notsent-lowat BYTES]\n"
		"                     [--no-health-checks] [--checksum] [--scheduler NAME]\n"
		"                     [--probe IF=ADDR[:PORT]] [-j] [-v]\n"
		"       " PROG_NAME " pmd --server --balanced VIP:PORT --join ADDR[:PORT] [...]\n\n"
		"A path-manager daemon that keeps every usable path in use: one endpoint per\n"
		"usable address (subflow on a client, signal on a server), limits to match,\n"
		"endpoints removed at once when their link goes down or their path stops\n"
		"answering (health checks: subflow progress from sock_diag, and ICMP echo\n"
		"over each path), added again when it works, and subflows that a connection\n"
		"lost re-created. It never removes the last usable path. Runs in the\n"
		"foreground; SIGINT/SIGTERM undo what it changed; after SIGKILL, the next\n"
		"pmd adopts what it left (state under " PMD_STATE_DIR ").\n\n"
		"  -c, --config FILE   configuration (default " PMD_DEFAULT_CONFIG " if present)\n"
		"      --client        subflow endpoints (default)\n"
		"      --server        signal endpoints\n"
		"      --backup IF,..  endpoints on these interfaces are backup\n"
		"      --only IF,..    use only these interfaces\n"
		"      --exclude IF,.. never use these interfaces\n"
		"      --pm kernel|userspace  path manager to drive (default kernel)\n"
		"      --on-link-down remove|backup  what to do with a path that goes down\n"
		"      --prefer MODE   which paths carry data (MP_PRIO backup for the others):\n"
		"                      auto (default) all but those that carry too little\n"
		"                      of the fastest path's rate the way the data flows\n"
		"                      (a fifth; a quarter if their RTT is over 2 x the\n"
		"                      best's); aggregate: all; handover: the best only,\n"
		"                      the others ready; interactive: the lowest RTT now\n"
		"      --wmem-max auto|off|BYTES  cap net.ipv4.tcp_wmem while running:\n"
		"                      smaller subflow queues, faster failover; auto\n"
		"                      (default) follows 4 x the most bytes in flight\n"
		"      --rmem-max auto|off|BYTES  cap net.ipv4.tcp_rmem while running: a\n"
		"                      smaller window, so peers queue less (default off;\n"
		"                      costs throughput over lossy paths)\n"
		"      --rmem-default BYTES|off  raise net.ipv4.tcp_rmem's default while\n"
		"                      running (default 262144: a short download's window\n"
		"                      does not cost it a round trip)\n"
		"      --notsent-lowat BYTES  set net.ipv4.tcp_notsent_lowat while running\n"
		"                      (plain TCP only: MPTCP subflows ignore it)\n"
		"      --no-health-checks  act on link state only (no probes, no sock_diag)\n"
		"      --checksum      set net.mptcp.checksum_enabled to 1 while running: the\n"
		"                      kernel checks each mapping's data, and sends it again\n"
		"                      instead of delivering it at a wrong place after a\n"
		"                      join (costs a round trip on short downloads)\n"
		"      --scheduler NAME  set net.mptcp.scheduler (6.6+) to NAME while running:\n"
		"                      one of net.mptcp.available_schedulers (BPF ones once\n"
		"                      loaded); without it, pmd says which is in use\n"
		"      --balanced VIP:PORT  backend mode, behind an L4 load balancer whose\n"
		"                      service address is VIP:PORT: clients are told not to\n"
		"                      join it (net.mptcp.allow_join_initial_addr_port=0,\n"
		"                      restored at stop), the join address alone is\n"
		"                      announced, joins are counted\n"
		"      --join ADDR[:PORT]  this backend's own join address, routed to it\n"
		"                      directly (a port of its own when the balancer\n"
		"                      translates VIP to ADDR)\n"
		"      --probe IF=ADDR also probe ADDR over interface IF (repeatable;\n"
		"                      ADDR:PORT or [ADDR6]:PORT: a TCP connect)\n"
		"  -j, --json          log one JSON object per line (also the global -j)\n"
		"  -v, --verbose       also log what is left alone and why\n"
		"Log lines go to stderr; with -j, one JSON object per line.\n");
}

enum { OPT_CLIENT = 256, OPT_SERVER, OPT_BACKUP, OPT_ONLY, OPT_EXCLUDE, OPT_PM,
       OPT_DOWN, OPT_LOWAT, OPT_WMEM, OPT_RMEM, OPT_NO_HEALTH, OPT_PROBE,
       OPT_BALANCED, OPT_JOIN, OPT_PREFER, OPT_CSUM, OPT_RMEM_DEF, OPT_SCHED };

static const struct option options[] = {
	{ "config", required_argument, NULL, 'c' },
	{ "client", no_argument, NULL, OPT_CLIENT },
	{ "server", no_argument, NULL, OPT_SERVER },
	{ "backup", required_argument, NULL, OPT_BACKUP },
	{ "only", required_argument, NULL, OPT_ONLY },
	{ "exclude", required_argument, NULL, OPT_EXCLUDE },
	{ "pm", required_argument, NULL, OPT_PM },
	{ "on-link-down", required_argument, NULL, OPT_DOWN },
	{ "prefer", required_argument, NULL, OPT_PREFER },
	{ "notsent-lowat", required_argument, NULL, OPT_LOWAT },
	{ "wmem-max", required_argument, NULL, OPT_WMEM },
	{ "rmem-max", required_argument, NULL, OPT_RMEM },
	{ "rmem-default", required_argument, NULL, OPT_RMEM_DEF },
	{ "no-health-checks", no_argument, NULL, OPT_NO_HEALTH },
	{ "checksum", no_argument, NULL, OPT_CSUM },
	{ "scheduler", required_argument, NULL, OPT_SCHED },
	{ "probe", required_argument, NULL, OPT_PROBE },
	{ "balanced", required_argument, NULL, OPT_BALANCED },
	{ "join", required_argument, NULL, OPT_JOIN },
	{ "verbose", no_argument, NULL, 'v' },
	{ "help", no_argument, NULL, 'h' },
	{ NULL, 0, NULL, 0 },
};

/* The configuration key each option sets (the file's name for it). */
static const struct {
	int opt;
	const char *key;
} option_keys[] = {
	{ OPT_CLIENT, "mode" }, { OPT_SERVER, "mode" }, { OPT_BACKUP, "backup" },
	{ OPT_ONLY, "only" }, { OPT_EXCLUDE, "exclude" }, { OPT_PM, "pm" },
	{ OPT_DOWN, "on_link_down" }, { OPT_LOWAT, "notsent_lowat" }, { OPT_PREFER, "prefer" },
	{ OPT_WMEM, "wmem_max" }, { OPT_RMEM, "rmem_max" }, { OPT_RMEM_DEF, "rmem_default" },
	{ OPT_NO_HEALTH, "health_checks" }, { OPT_CSUM, "checksum" },
	{ OPT_SCHED, "scheduler" },
	{ OPT_BALANCED, "balanced" }, { OPT_JOIN, "join" },
};

/* The config file path, found before anything else so options override it. */
static const char *config_path(int argc, char **argv, bool *given)
{
	const char *path = PMD_DEFAULT_CONFIG;
	int c;

	*given = false;
	opterr = 0;
	optind = 1;
	while ((c = getopt_long(argc, argv, "+c:vh", options, NULL)) != -1) {
		if (c == 'c') {
			path = optarg;
			*given = true;
		}
	}
	return path;
}

static const char *option_value(int opt, const char *arg)
{
	switch (opt) {
	case OPT_CLIENT: return "client";
	case OPT_SERVER: return "server";
	case OPT_NO_HEALTH: return "no";
	case OPT_CSUM: return "yes";
	default: return arg;
	}
}

static int set_option(struct pmd_config *cfg, int opt, const char *arg, const char *name)
{
	char err[256];

	for (size_t i = 0; i < sizeof(option_keys) / sizeof(option_keys[0]); i++) {
		if (option_keys[i].opt != opt)
			continue;
		if (pmd_config_set(cfg, NULL, option_keys[i].key, option_value(opt, arg),
				   err, sizeof(err)))
			return fail("pmd: --%s: %s", name, err);
		return 0;
	}
	return fail("pmd: bad option '--%s' (try '" PROG_NAME " pmd --help')", name);
}

/* --probe IF=ADDR: the [interface IF] section's "probe". */
static int set_probe(struct pmd_config *cfg, const char *arg)
{
	char ifname[IF_NAMESIZE + 1], err[256];
	const char *eq = strchr(arg, '=');

	if (!eq || eq == arg || (size_t)(eq - arg) > IF_NAMESIZE - 1)
		return fail("pmd: --probe: expected IF=ADDR, not '%s'", arg);
	snprintf(ifname, sizeof(ifname), "%.*s", (int)(eq - arg), arg);
	if (pmd_config_set(cfg, ifname, "probe", eq + 1, err, sizeof(err)))
		return fail("pmd: --probe: %s", err);
	return 0;
}

static int parse_options(struct pmd_config *cfg, int argc, char **argv)
{
	int c, idx, ret = 0;

	opterr = 0;
	optind = 1;
	while (!ret && (c = getopt_long(argc, argv, "+c:vh", options, &idx)) != -1) {
		if (c == 'c')
			continue;
		if (c == 'v')
			cfg->verbose = true;
		else if (c == OPT_PROBE)
			ret = set_probe(cfg, optarg);
		else if (c >= OPT_CLIENT)
			ret = set_option(cfg, c, optarg, options[idx].name);
		else
			return fail("pmd: bad option '%s' (try '" PROG_NAME " pmd --help')",
				    argv[optind - 1]);
	}
	if (!ret && optind < argc)
		return fail("pmd: unexpected argument '%s'", argv[optind]);
	return ret;
}

int cmd_pmd(int argc, char **argv)
{
	struct pmd_config cfg;
	char err[256];
	bool given;
	const char *path;
	int ret;

	if (wants_help(argc, argv)) {
		usage(stdout);
		return 0;
	}
	pmd_config_init(&cfg);
	path = config_path(argc, argv, &given);
	ret = pmd_config_load(&cfg, path, given, err, sizeof(err));
	if (ret)
		return fail("pmd: %s: %s", path, err);
	if (parse_options(&cfg, argc, argv))
		return 1;
	pmd_log_init(print_is_json(), cfg.verbose);
	return pmd_run(&cfg) ? 1 : 0;
}
