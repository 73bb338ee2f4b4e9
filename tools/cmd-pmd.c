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
		"                     [--on-link-down remove|backup] [--notsent-lowat BYTES] [-j] [-v]\n\n"
		"A path-manager daemon that keeps every usable path in use: one endpoint per\n"
		"usable address (subflow on a client, signal on a server), limits to match,\n"
		"endpoints removed at once when their link goes down and added again when it\n"
		"comes back. Runs in the foreground; SIGINT/SIGTERM undo what it changed.\n\n"
		"  -c, --config FILE   configuration (default " PMD_DEFAULT_CONFIG " if present)\n"
		"      --client        subflow endpoints (default)\n"
		"      --server        signal endpoints\n"
		"      --backup IF,..  endpoints on these interfaces are backup\n"
		"      --only IF,..    use only these interfaces\n"
		"      --exclude IF,.. never use these interfaces\n"
		"      --pm kernel|userspace  path manager to drive (default kernel)\n"
		"      --on-link-down remove|backup  what to do with a path that goes down\n"
		"      --notsent-lowat BYTES  set net.ipv4.tcp_notsent_lowat while running\n"
		"                      (faster failover: less data queued per subflow)\n"
		"  -j, --json          log one JSON object per line (also the global -j)\n"
		"  -v, --verbose       also log what is left alone and why\n"
		"Log lines go to stderr; with -j, one JSON object per line.\n");
}

enum { OPT_CLIENT = 256, OPT_SERVER, OPT_BACKUP, OPT_ONLY, OPT_EXCLUDE, OPT_PM,
       OPT_DOWN, OPT_LOWAT };

static const struct option options[] = {
	{ "config", required_argument, NULL, 'c' },
	{ "client", no_argument, NULL, OPT_CLIENT },
	{ "server", no_argument, NULL, OPT_SERVER },
	{ "backup", required_argument, NULL, OPT_BACKUP },
	{ "only", required_argument, NULL, OPT_ONLY },
	{ "exclude", required_argument, NULL, OPT_EXCLUDE },
	{ "pm", required_argument, NULL, OPT_PM },
	{ "on-link-down", required_argument, NULL, OPT_DOWN },
	{ "notsent-lowat", required_argument, NULL, OPT_LOWAT },
	{ "verbose", no_argument, NULL, 'v' },
	{ "json", no_argument, NULL, 'j' },
	{ "help", no_argument, NULL, 'h' },
	{ NULL, 0, NULL, 0 },
};

/* The config file path, found before anything else so options override it. */
static const char *config_path(int argc, char **argv, bool *given)
{
	const char *path = PMD_DEFAULT_CONFIG;
	int c;

	*given = false;
	opterr = 0;
	optind = 1;
	while ((c = getopt_long(argc, argv, "+c:vjh", options, NULL)) != -1) {
		if (c == 'c') {
			path = optarg;
			*given = true;
		}
	}
	return path;
}

/* Apply one option that is a "key = value" of the file too. */
static int apply(struct pmd_config *cfg, const char *key, const char *val)
{
	char text[1100], err[256], opt[32], *c;

	snprintf(text, sizeof(text), "%s = %s\n", key, val);
	if (!pmd_config_parse_string(cfg, text, err, sizeof(err)))
		return 0;
	snprintf(opt, sizeof(opt), "%s", key);
	for (c = opt; *c; c++)
		*c = *c == '_' ? '-' : *c;
	/* the message without its "line 1: " */
	return fail("pmd: --%s: %s", opt, strchr(err, ':') ? strchr(err, ':') + 2 : err);
}

static int parse_options(struct pmd_config *cfg, int argc, char **argv)
{
	int c, ret = 0;

	opterr = 0;
	optind = 1;
	while (!ret && (c = getopt_long(argc, argv, "+c:vjh", options, NULL)) != -1) {
		switch (c) {
		case 'c': break;
		case 'v': cfg->verbose = true; break;
		case 'j': print_set_json(true); break;
		case OPT_CLIENT: cfg->mode = PMD_MODE_CLIENT; break;
		case OPT_SERVER: cfg->mode = PMD_MODE_SERVER; break;
		case OPT_BACKUP: ret = apply(cfg, "backup", optarg); break;
		case OPT_ONLY: ret = apply(cfg, "only", optarg); break;
		case OPT_EXCLUDE: ret = apply(cfg, "exclude", optarg); break;
		case OPT_PM: ret = apply(cfg, "pm", optarg); break;
		case OPT_DOWN: ret = apply(cfg, "on_link_down", optarg); break;
		case OPT_LOWAT: ret = apply(cfg, "notsent_lowat", optarg); break;
		default:
			return fail("pmd: bad option '%s' (try '" PROG_NAME " pmd --help')",
				    argv[optind - 1]);
		}
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
	return pmd_run(&cfg);
}
