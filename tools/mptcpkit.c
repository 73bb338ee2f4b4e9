// SPDX-License-Identifier: GPL-2.0-or-later
/* mptcpkit: the dispatch table. Each subcommand lives in its own file. */
#include <stdbool.h>
#include <stdio.h>
#include <string.h>

#include "mptcpkit.h"
#include "commands.h"
#include "print.h"
#include "util.h"

static int cmd_help(int argc, char **argv);

static int cmd_version(int argc, char **argv)
{
	printf(PROG_NAME " %s\n", mpk_version());
	return 0;
}

static const struct {
	const char *name;
	command_fn fn;
	const char *help;
} commands[] = {
	/* one line per subcommand, in the order 'mptcpkit help' shows them */
	{ "check", cmd_check, "Can this machine use MPTCP, and what decides extra subflows" },
	{ "connect", cmd_connect, "Connect to HOST PORT over MPTCP, netcat-like" },
	{ "listen", cmd_listen, "Serve PORT over MPTCP, netcat-like" },
	{ "perf", cmd_perf, "Throughput per subflow, iperf3-like, with a plot" },
	{ "lab", cmd_lab, "A multipath network in namespaces" },
	{ "demo", cmd_demo, "See MPTCP at work: TCP vs MPTCP over two paths, one cut" },
	{ "run", cmd_run, "Run a program with its TCP sockets turned into MPTCP" },
	{ "enable", cmd_enable, "Force a systemd service onto MPTCP (a drop-in)" },
	{ "disable", cmd_disable, "Undo 'enable' for a systemd service" },
	{ "endpoint", cmd_endpoint, "In-kernel path manager endpoints (as ip mptcp endpoint)" },
	{ "limits", cmd_limits, "In-kernel path manager limits (as ip mptcp limits)" },
	{ "monitor", cmd_monitor, "Print path-manager events as they come" },
	{ "announce", cmd_announce, "Userspace PM: announce an address to a connection's peer" },
	{ "remove", cmd_remove, "Userspace PM: withdraw an announced address" },
	{ "subflow", cmd_subflow, "Userspace PM: create, destroy or change a subflow" },
	{ "pmd", cmd_pmd, "Path-manager daemon: keep every path in use" },
	{ "proxy", cmd_proxy, "TCP<->MPTCP proxy: forward, reverse, SOCKS5, transparent" },
	{ "balancer", cmd_balancer, "L4 load-balancer rules for MPTCP backends (nft, IPVS)" },
	{ "ss", cmd_ss, "Every MPTCP connection here, its subflows beneath it" },
	{ "top", cmd_top, "ss refreshed each second, with rates, sorted by rate" },
	{ "counters", cmd_counters, "The kernel's MPTCP counters, and what they say" },
	{ "exporter", cmd_exporter, "Prometheus metrics of MPTCP connections and counters" },
	{ "report", cmd_report, "One archive for a bug report: versions, settings, state" },
	{ "help", cmd_help, "Show this list" },
	{ "version", cmd_version, "Show the version" },
};

#define NCOMMANDS (sizeof(commands) / sizeof(commands[0]))

static void show_usage(FILE *f)
{
	fprintf(f, "Usage: " PROG_NAME " [-j] <command> [arguments]\n\n"
		   "Multipath TCP for Linux applications.\n\nCommands:\n");
	for (size_t i = 0; i < NCOMMANDS; i++)
		fprintf(f, "  %-10s %s\n", commands[i].name, commands[i].help);
	fprintf(f, "\nOptions:\n  -j, --json  JSON output\n  -V, --version\n\n"
		   "'" PROG_NAME " <command> --help' tells more about each.\n");
}

static int cmd_help(int argc, char **argv)
{
	show_usage(stdout);
	return 0;
}

static bool is_json_option(const char *arg)
{
	return !strcmp(arg, "-j") || !strcmp(arg, "--json");
}

/* The index of the n-th word of argv[1..] that is not an option, or argc. */
static int nth_word(int argc, char **argv, int n)
{
	for (int i = 1; i < argc; i++) {
		if (argv[i][0] == '-')
			continue;
		if (n-- == 0)
			return i;
	}
	return argc;
}

/* run [OPTIONS] CMD...: CMD is the first word. */
static int run_foreign(int argc, char **argv)
{
	return nth_word(argc, argv, 0);
}

/* lab exec client|server CMD...: CMD is the third word. */
static int lab_foreign(int argc, char **argv)
{
	if (argc > 1 && !strcmp(argv[1], "exec"))
		return nth_word(argc, argv, 2);
	return argc;
}

/* Where another program's command line starts in a command's argv. */
typedef int (*foreign_fn)(int argc, char **argv);

/* The commands that take one; every word of the others is their own. */
static const struct {
	command_fn cmd;
	foreign_fn foreign;
} foreign_args[] = {
	{ cmd_run, run_foreign },
	{ cmd_lab, lab_foreign },
};

static foreign_fn find_foreign(command_fn cmd)
{
	for (size_t i = 0; i < sizeof(foreign_args) / sizeof(foreign_args[0]); i++) {
		if (foreign_args[i].cmd == cmd)
			return foreign_args[i].foreign;
	}
	return NULL;
}

/*
 * -j and --json anywhere among a command's own words (before "--" and
 * before another program's command line) turn JSON on, for every command;
 * they are taken out so that no command has to know them. Returns the new
 * argc.
 */
static int strip_json(int argc, char **argv, foreign_fn foreign)
{
	int end = foreign ? foreign(argc, argv) : argc;
	int out = 1;

	for (int i = 1; i < argc; i++) {
		if (i < end && !strcmp(argv[i], "--"))
			end = i;
		if (i < end && is_json_option(argv[i])) {
			print_set_json(true);
			continue;
		}
		argv[out++] = argv[i];
	}
	argv[out] = NULL;
	return out;
}

int main(int argc, char **argv)
{
	int i = 1;

	for (; i < argc && argv[i][0] == '-'; i++) {
		if (is_json_option(argv[i]))
			print_set_json(true);
		else if (!strcmp(argv[i], "-h") || !strcmp(argv[i], "--help"))
			return cmd_help(0, NULL);
		else if (!strcmp(argv[i], "-V") || !strcmp(argv[i], "--version"))
			return cmd_version(0, NULL);
		else
			return fail("unknown option '%s' (try '" PROG_NAME " help')", argv[i]);
	}
	if (i == argc) {
		show_usage(stderr);
		return 1;
	}
	for (size_t c = 0; c < NCOMMANDS; c++) {
		if (strcmp(argv[i], commands[c].name))
			continue;
		argc = strip_json(argc - i, argv + i, find_foreign(commands[c].fn));
		return commands[c].fn(argc, argv + i);
	}
	return fail("unknown command '%s' (try '" PROG_NAME " help')", argv[i]);
}
