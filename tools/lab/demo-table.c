// SPDX-License-Identifier: GPL-2.0-or-later
/* The demo's side-by-side table: text columns, or one JSON document with
 * the same keys. */
#include <inttypes.h>
#include <stdio.h>

#include "demo.h"
#include "print.h"

static void print_cut_columns(const struct demo_row *r)
{
	if (!demo_kind_has_cut(r->kind)) {
		print_text(" %8s %9s %9s", "-", "-", "-");
		return;
	}
	print_double("stall", " %6.2f s", r->stall);
	if (r->degraded >= 0)
		print_double("degraded", " %7.2f s", r->degraded);
	else
		print_null("degraded", "     never");
	if (r->recovery >= 0) {
		print_double("recovery", " %7.2f s", r->recovery);
		print_bool("recovered", NULL, true);
	} else {
		print_null("recovery", "     never");
		print_bool("recovered", NULL, false);
	}
}

static void print_row(const struct demo_row *r, double two_tcp)
{
	print_open_object(NULL);
	print_string("test", NULL, demo_kind_name(r->kind));
	print_string("description", "%-34s", r->description);
	if (!r->ok) {
		print_null("throughput", NULL);
		print_string("error", " failed: %s\n", r->error);
		print_bool("verified", NULL, false);
		print_close_object();
		return;
	}
	print_double("throughput", " %6.1f Mbit/s", r->mbps);
	if (two_tcp > 0)
		print_double("ratio", " %6.2f", r->mbps / two_tcp);
	else
		print_null("ratio", "      -");
	print_cut_columns(r);
	print_bool("verified", " %9s", r->verified);
	print_bool("mptcp", NULL, r->mptcp);
	print_int("subflows", NULL, r->subflows);
	print_uint("bytes", NULL, r->bytes);
	if (demo_kind_via_proxy(r->kind)) {
		print_bool("leg_mptcp", r->leg_mptcp ? "  MPTCP leg" : "  TCP leg (no MPTCP)",
			   r->leg_mptcp);
		print_int("leg_subflows", ", %" PRId64 " subflows", r->leg_subflows);
	}
	print_text(demo_kind_is_mptcp(r->kind) && !r->mptcp ? "  (fell back to TCP)\n" : "\n");
	print_close_object();
}

static void print_header(const struct demo_report *rep)
{
	print_string("lab", "mptcpkit demo: lab %s", rep->lab);
	print_bool("proxy", rep->proxy ? " (router topology, the proxy pair)" : NULL, rep->proxy);
	print_int("paths", ", %" PRId64 " paths", DEMO_PATHS);
	if (rep->profile) {
		print_string("profile", ", profile %s:\n", rep->profile);
		print_string("profile_paths", "  %s;\n", rep->profile_what);
		print_bool("upload", rep->upload ? "uploads (the client sends), " :
			   "downloads (the server sends), ", rep->upload);
	} else {
		print_int("rate", " of %" PRId64 " Mbit/s each way (tbf), no added delay,\n",
			  rep->rate_mbit);
	}
	print_string("cc", "TCP congestion control %s", rep->cc);
	print_double("seconds", ", %g s per test", rep->seconds);
	print_double("cut_seconds", rep->profile ? "\n" : " (cut run %g s)\n", rep->cut_seconds);
	print_double("cut_at", NULL, rep->cut_at);
	print_double("restore_at", NULL, rep->restore_at);
	print_text("\n%-34s %12s %6s %8s %9s %9s %9s\n", "test", "throughput", "ratio", "stall",
		   "degraded", "recovery", "verified");
}

static void print_proxy_notes(void)
{
	print_text("\nratio: throughput / the TCP row's (one uplink, no proxy): about 2 when the\n"
		   "pair aggregates both uplinks. Every row is a download (perf --tcp -R).\n"
		   "The rows \"via the pair\" are one plain TCP connection from the client\n"
		   "namespace to the server's: the router's 'proxy transparent' carries it\n"
		   "over MPTCP to the far end's 'proxy socks'; \"MPTCP leg\" and its subflows\n"
		   "are that leg's, from the router proxy's log. stall: the longest time\n"
		   "without progress after the cut. degraded: from the cut until the\n"
		   "throughput was back at 90%% of one uplink's. recovery: from the restore\n"
		   "until it was 1.5 times one uplink's (both carry traffic). verified: every\n"
		   "byte arrived intact. The cut drops every packet on uplink 1 both ways, its\n"
		   "link stays up.\n");
}

static void print_profile_notes(void)
{
	print_text("\nratio: throughput / the better single path's (the higher TCP row): RFC\n"
		   "6356's first goal is at least 1. \"MPTCP, kernel\": the kernel's path\n"
		   "manager with the lab's endpoints; \"MPTCP + pmd\": mptcpkit pmd --client in\n"
		   "the client namespace, its default mode (--prefer auto: a path whose RTT\n"
		   "is over 2 x the best path's waits as backup). verified: every byte intact.\n");
}

/* The rows of this demo: plain, --proxy or --profile. */
static bool row_shown(const struct demo_report *rep, enum demo_kind k)
{
	if (rep->profile)
		return demo_kind_is_profile(k);
	return !demo_kind_is_profile(k) && demo_kind_is_proxy(k) == rep->proxy;
}

static double base_mbps(const struct demo_report *rep)
{
	const struct demo_row *a = &rep->rows[DEMO_PROF_TCP1], *b = &rep->rows[DEMO_PROF_TCP2];
	const struct demo_row *base = &rep->rows[rep->proxy ? DEMO_PROXY_TCP : DEMO_TCP2];

	if (rep->profile)
		return (a->ok && a->mbps > (b->ok ? b->mbps : 0)) ? a->mbps : (b->ok ? b->mbps : 0);
	return base->ok ? base->mbps : 0;
}

bool demo_row_shown(const struct demo_report *rep, enum demo_kind k)
{
	return row_shown(rep, k);
}

void demo_print(const struct demo_report *rep)
{
	print_open_object(NULL);
	print_header(rep);
	print_open_array("rows");
	for (int i = 0; i < DEMO_ROWS; i++) {
		if (row_shown(rep, i))
			print_row(&rep->rows[i], base_mbps(rep));
	}
	print_close_array();
	if (rep->profile)
		print_profile_notes();
	else if (rep->proxy)
		print_proxy_notes();
	else
		print_text("\nratio: throughput / the two TCP connections' sum. stall: the longest time\n"
		   "without progress after the cut. degraded: from the cut until the throughput\n"
		   "was back at 90%% of one path's (the TCP row's). recovery: from the restore\n"
		   "until both paths carried traffic again. verified: every byte arrived intact.\n"
		   "The cut drops every packet on path 1 both ways, its link stays up (a silent\n"
		   "failure). \"MPTCP, path 1 cut\": the kernel's path manager alone, with the lab's\n"
		   "endpoints; \"MPTCP + pmd\": mptcpkit pmd --client in the client namespace.\n");
	if (rep->plot)
		print_string("plot", rep->profile ? "plot of the run with pmd: %s\n" :
			     "plot of the cut run: %s\n", rep->plot);
	else
		print_null("plot", "no plot was written\n");
	/* demo --proxy has no run with pmd. */
	if (!rep->profile && !rep->proxy && rep->plot_pmd)
		print_string("plot_pmd", "plot of the cut run with pmd: %s\n", rep->plot_pmd);
	else if (!rep->profile && !rep->proxy)
		print_null("plot_pmd", "no plot of the run with pmd was written\n");
	print_close_object();
}

static bool bal_row_good(const struct demo_bal_row *row)
{
	return row->r.ok && row->r.verified && row->r.mptcp && row->r.subflows >= DEMO_PATHS &&
	       row->backend && row->joins >= 1 && !row->astray;
}

bool demo_balancer_good(const struct demo_bal_report *rep)
{
	for (int i = 0; i < rep->n; i++) {
		if (!bal_row_good(&rep->rows[i]))
			return false;
	}
	return rep->n == DEMO_BAL_TESTS;
}

void demo_balancer_print(const struct demo_bal_report *rep, long rate_mbit)
{
	print_open_object(NULL);
	print_int("backends", "%" PRId64 " backends in backend mode (pmd --server --balanced) "
		  "behind an nft balancer, ", rep->backends);
	print_int("rate", "a client with 2 paths of %" PRId64 " Mbit/s\n\n", rate_mbit);
	print_text("%-22s %-8s %-6s %-9s %-6s %-7s %-8s %s\n", "to", "backend", "mptcp",
		   "subflows", "joins", "astray", "Mbit/s", "verified");
	print_open_array("tests");
	for (int i = 0; i < rep->n; i++) {
		const struct demo_bal_row *row = &rep->rows[i];
		char to[48];

		snprintf(to, sizeof(to), "%s%s", row->to, row->direct ? " (direct)" : "");
		print_open_object(NULL);
		print_string("to", NULL, row->to);
		print_text("%-22s", to);
		print_bool("direct", NULL, row->direct);
		print_int("backend", " %-8" PRId64, row->backend);
		print_bool("mptcp", " %-6s", row->r.mptcp);
		print_int("subflows", " %-9" PRId64, row->r.subflows);
		print_uint("joins", " %-6" PRIu64, row->joins);
		print_uint("astray", " %-7" PRIu64, row->astray);
		print_double("mbps", " %-8.1f", row->r.mbps);
		print_bool("verified", " %s", row->r.verified);
		print_bool("ok", bal_row_good(row) ? "\n" : "  <- FAILED\n", bal_row_good(row));
		if (!row->r.ok)
			print_string("error", "    %s\n", row->r.error);
		print_close_object();
	}
	print_close_array();
	print_text("\nThe first test connects to backend 1's own address (no balancing), the\n"
		   "others to the service address, balanced at random. joins: the joins the\n"
		   "backend a test landed on accepted (each connection's subflow over path 2,\n"
		   "to that backend's own join address); astray: joins any backend refused\n"
		   "for a connection it does not have (balanced joins would be).\n");
	print_close_object();
}
