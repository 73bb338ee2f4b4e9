// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * check's table of kernel features: each one probed now, the Linux version
 * that brings it, and what mptcpkit uses instead when it is missing.
 */
#include <errno.h>
#include <stdio.h>
#include <sys/utsname.h>

#include "check-features.h"
#include "feature-text.h"
#include "print.h"

/* What in mptcpkit needs each feature (the library's table has the kernel
 * facts; this one, what they mean for the commands). */
static const char *const used_by[MPK_FEATURE_COUNT] = {
	[MPK_FEATURE_MPTCP] = "everything",
	[MPK_FEATURE_PM_NETLINK] = "endpoint, limits, pmd",
	[MPK_FEATURE_DIAG] = "ss, top, exporter, report, pmd's health checks",
	[MPK_FEATURE_PM_EVENTS] = "monitor, pmd",
	[MPK_FEATURE_SET_FLAGS] = "endpoint change",
	[MPK_FEATURE_FULLMESH] = "endpoint ... fullmesh",
	[MPK_FEATURE_MPTCP_INFO] = "connect --info, perf's subflows, proxy's counts",
	[MPK_FEATURE_USERSPACE_PM] = "announce, remove, subflow, pmd --pm userspace",
	[MPK_FEATURE_FULL_INFO] = "connect --info in one call",
	[MPK_FEATURE_BYTE_COUNTERS] = "ss, top, exporter: MPTCP-level bytes",
	[MPK_FEATURE_SCHEDULER] = "check",
	[MPK_FEATURE_SECCOMP_SYNC] = "run --mode seccomp's speed",
	[MPK_FEATURE_TCP_IS_MPTCP] = "is it MPTCP? on accepted sockets",
	[MPK_FEATURE_BLACKHOLE] = "check's hints",
	[MPK_FEATURE_PATH_MANAGER] = "check, pmd",
	[MPK_FEATURE_LAMINAR] = "endpoint ... laminar",
};

/* "yes", "no", or why it cannot be told here. */
static const char *state_text(int state)
{
	if (state > 0)
		return "yes";
	if (state == 0)
		return "no";
	if (state == -ENOPROTOOPT)
		return "unknown (MPTCP disabled here)";
	if (state == -EPERM || state == -EACCES)
		return "unknown (not permitted)";
	return "unknown";
}

static void print_feature(enum mpk_feature f)
{
	const char *instead = mpk_feature_fallback(f);
	int state = mpk_feature_probe(f);

	print_open_object(NULL);
	print_string("name", "  %-14s", mpk_feature_name(f));
	print_string("since", " %-5s", mpk_feature_since(f));
	print_text(" %-4s", state >= 0 ? state_text(state) : "?");
	if (state >= 0)
		print_bool("present", NULL, state > 0);
	else
		print_null("present", NULL);
	print_string("what", " %s", mpk_feature_describe(f));
	if (state < 0)
		print_text(": %s", state_text(state));
	if (state == 0 && instead)
		print_text(" (instead: %s)", instead);
	if (instead)
		print_string("instead", NULL, instead);
	else
		print_null("instead", NULL);
	print_string("used_by", " [%s]", used_by[f]);
	print_text("\n");
	print_close_object();
}

void check_print_features(void)
{
	struct utsname u;

	if (uname(&u) < 0)
		u.release[0] = '\0';
	print_string("kernel", "kernel %s; features (probed now, with the Linux version "
		     "that brings each):\n", u.release);
	print_text("  %-14s %-5s %-4s %s\n", "name", "since", "here",
		   "what [used by]");
	print_open_array("features");
	for (int f = 0; f < MPK_FEATURE_COUNT; f++)
		print_feature((enum mpk_feature)f);
	print_close_array();
}
