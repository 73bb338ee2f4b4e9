// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * mptcpkit check: can this network namespace use MPTCP, and if so, what
 * decides whether extra subflows appear (sysctls, path manager, limits,
 * endpoints, rp_filter). Exit 0 when MPTCP sockets can be created, else 1.
 */
#include <arpa/inet.h>
#include <dirent.h>
#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "check-features.h"
#include "check-sockopts.h"
#include "check-state.h"
#include "commands.h"
#include "counters-text.h"
#include "print.h"
#include "sysctl.h"
#include "util.h"

static const char check_usage[] =
	"Usage: " PROG_NAME " [-j] check [--sockopts]\n\n"
	"Tell whether this network namespace can use MPTCP and, if not, why; then\n"
	"show what decides whether extra subflows appear: net.mptcp sysctls, path\n"
	"manager, limits, endpoints and rp_filter, with hints for known traps;\n"
	"and which kernel features this kernel has (each probed, with the Linux\n"
	"version that brings it and what is used instead when it is missing).\n"
	"Exit status: 0 when MPTCP is usable, 1 when not.\n\n"
	"  --sockopts  instead: each socket option a TCP program may set, whether\n"
	"              this kernel accepts it on an MPTCP socket (set and get,\n"
	"              probed now), and what 'run' does when it refuses one\n";

static const char *available_text = "MPTCP sockets can be created";

static const char *reason_text(enum mpk_reason reason)
{
	return reason == MPK_REASON_AVAILABLE ? available_text : mpk_reason_describe(reason);
}

/* Probe one family, print it; returns its reason. */
static enum mpk_reason check_family(int family, const char *key, const char *label)
{
	struct mpk_status st = { 0 };

	mpk_probe(family, &st);
	print_open_object(key);
	print_text("  %-5s ", label);
	print_bool("available", NULL, st.mptcp);
	print_string("reason", "%s", mpk_reason_name(st.reason));
	print_string("reason_text", ": %s\n", reason_text(st.reason));
	print_close_object();
	return st.reason;
}

static bool all_digits(const char *s)
{
	if (*s == '-')
		s++;
	if (!*s)
		return false;
	for (; *s; s++)
		if (*s < '0' || *s > '9')
			return false;
	return true;
}

static int only_files(const struct dirent *d)
{
	return d->d_name[0] != '.';
}

/* Every net.mptcp sysctl this kernel has: numbers as numbers. */
static void print_sysctls(void)
{
	struct dirent **names;
	int n = scandir("/proc/sys/net/mptcp", &names, only_files, alphasort);

	print_text("sysctl net.mptcp:%s\n", n <= 0 ? " (none)" : "");
	print_open_object("sysctl");
	for (int i = 0; i < n; i++) {
		char path[300], val[256];

		snprintf(path, sizeof(path), "net/mptcp/%s", names[i]->d_name);
		if (sysctl_read(path, val, sizeof(val)) == 0) {
			print_text("  %-30s ", names[i]->d_name);
			if (all_digits(val))
				print_int(names[i]->d_name, "%" PRId64 "\n", strtoll(val, NULL, 10));
			else
				print_string(names[i]->d_name, "%s\n", val);
		}
		free(names[i]);
	}
	if (n > 0)
		free(names);
	print_close_object();
}

static void print_limits(const struct check_state *s)
{
	if (!s->limits_known) {
		print_text("limits: unknown (" NO_PM_FAMILY ")\n");
		print_null("limits", NULL);
		return;
	}
	print_open_object("limits");
	print_uint("subflows", "limits: subflows %" PRIu64 "", s->limits.subflows);
	print_uint("add_addr_accepted", " add_addr_accepted %" PRIu64 "\n", s->limits.add_addr_accepted);
	print_close_object();
}

static void print_endpoint(const struct check_endpoint *ep)
{
	uint32_t flags = ep->ep.flags;
	char addr[INET6_ADDRSTRLEN], names[80];

	print_open_object(NULL);
	print_uint("id", "  id %" PRIu64 "", ep->ep.id);
	print_string("address", " %s", check_endpoint_addr(ep, addr, sizeof(addr)));
	if (ep->ep.port)
		print_uint("port", " port %" PRIu64 "", ep->ep.port);
	mpk_endpoint_flags_format(flags, " ", names, sizeof(names));
	print_text(" %s", names);
	print_bool("signal", NULL, flags & MPK_EP_SIGNAL);
	print_bool("subflow", NULL, flags & MPK_EP_SUBFLOW);
	print_bool("backup", NULL, flags & MPK_EP_BACKUP);
	print_bool("fullmesh", NULL, flags & MPK_EP_FULLMESH);
	if (flags & MPK_EP_IMPLICIT)
		print_bool("implicit", NULL, true);
	if (flags & MPK_EP_LAMINAR)
		print_bool("laminar", NULL, true);
	if (ep->dev[0])
		print_string("dev", " dev %s", ep->dev);
	else
		print_null("dev", NULL);
	if (ep->rp_filter >= 0)
		print_int("rp_filter", " (rp_filter %" PRId64 ")", ep->rp_filter);
	print_text("\n");
	print_close_object();
}

static void print_endpoints(const struct check_state *s)
{
	if (!s->endpoints_known) {
		print_text("endpoints: unknown\n");
		print_null("endpoints", NULL);
		return;
	}
	print_text("endpoints:%s\n", s->num_endpoints ? "" : " none");
	print_open_array("endpoints");
	for (size_t i = 0; i < s->num_endpoints; i++)
		print_endpoint(&s->endpoint[i]);
	print_close_array();
}

static void print_hints(const struct check_state *s)
{
	struct check_hint hints[CHECK_HINTS_MAX];
	size_t n = check_hints(s, hints, CHECK_HINTS_MAX);

	print_text("hints:%s\n", n ? "" : " none");
	print_open_array("hints");
	for (size_t i = 0; i < n; i++) {
		print_open_object(NULL);
		print_string("id", "  - [%s] ", hints[i].id);
		print_string("text", "%s\n", hints[i].text);
		print_close_object();
	}
	print_close_array();
}

/* An endpoint before endpoint[i] uses dev too. */
static bool dev_seen_before(const struct check_state *s, size_t i, const char *dev)
{
	for (size_t j = 0; j < i; j++) {
		if (!strcmp(dev, check_endpoint_dev(&s->endpoint[j])))
			return true;
	}
	return false;
}

/* rp_filter of 'all' and of each interface an endpoint uses, as set. */
static void print_rp_filter(const struct check_state *s)
{
	print_open_object("rp_filter");
	print_int("all", "rp_filter: all %" PRId64, s->rp_filter_all);
	for (size_t i = 0; i < s->num_endpoints; i++) {
		const char *dev = check_endpoint_dev(&s->endpoint[i]);

		if (dev[0] && !dev_seen_before(s, i, dev) && sysctl_rp_filter(dev) >= 0) {
			print_text(", ");
			print_string(NULL, "%s ", dev);
			print_int(dev, "%" PRId64, sysctl_rp_filter(dev));
		}
	}
	print_text(" (0 off, 1 strict, 2 loose)\n");
	print_close_object();
}

static void print_path_manager(const struct check_state *s)
{
	print_text("\n");
	print_string("path_manager", "path manager: %s\n",
		     s->path_manager[0] ? s->path_manager : "unknown");
	if (s->pm == CHECK_PM_USERSPACE)
		print_bool("pm_daemon", "path-manager daemon listening: %s\n", s->pm_listener);
	print_limits(s);
	print_endpoints(s);
	print_rp_filter(s);
	print_string("congestion_control", "TCP congestion control: %s\n",
		     s->cc[0] ? s->cc : "unknown");
}

int cmd_check(int argc, char **argv)
{
	static struct check_state s; /* large: endpoints */
	enum mpk_reason r4, r6;
	bool available, sockopts = false;

	if (wants_help(argc, argv)) {
		fputs(check_usage, stdout);
		return 0;
	}
	/* -j is main's */
	for (int i = 1; i < argc; i++) {
		if (strcmp(argv[i], "--sockopts"))
			return fail("check: unexpected argument '%s' (try '" PROG_NAME
				    " check --help')", argv[i]);
		sockopts = true;
	}
	if (sockopts)
		return check_sockopts();
	print_open_object(NULL);
	print_text("MPTCP per address family:\n");
	r4 = check_family(AF_INET, "ipv4", "IPv4");
	r6 = check_family(AF_INET6, "ipv6", "IPv6");
	available = r4 == MPK_REASON_AVAILABLE || r6 == MPK_REASON_AVAILABLE;
	s.reason = available ? MPK_REASON_AVAILABLE : r4;
	print_bool("available", "MPTCP available: %s", available);
	print_string("reason", " (%s", mpk_reason_name(s.reason));
	print_string("reason_text", ": %s)\n\n", reason_text(s.reason));
	check_print_features();
	print_text("\n");
	print_sysctls();
	check_gather(&s);
	print_path_manager(&s);
	print_text("\n");
	print_hints(&s);
	counters_print_check();
	print_close_object();
	return available ? 0 : 1;
}
