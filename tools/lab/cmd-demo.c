// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * mptcpkit demo: a two-path lab, then perf over one TCP connection, two TCP
 * connections (one per path), MPTCP, and MPTCP with path 1 cut (silently:
 * dropped both ways, link up) and restored in the middle, first with the
 * kernel's path manager alone, then with mptcpkit pmd beside it.
 * With --proxy: the lab's router topology instead, and an unmodified TCP
 * client through the proxy pair, beside plain TCP on one uplink.
 * Everything measured, nothing assumed; the lab goes away at the end, on
 * errors and on Ctrl-C.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "commands.h"
#include "clock.h"
#include "demo.h"
#include "lab.h"
#include "lab-paths.h"
#include "print.h"
#include "util.h"

#define DEMO_RATE 50
#define DEMO_PORT 5301
#define DEMO_SLACK_S 20.0	/* a perf client may take this much longer */

static const char usage[] =
	"Usage: " PROG_NAME " [-j] demo [--quick] [--plot FILE.svg] [--proxy | --balancer]\n"
	"       " PROG_NAME " [-j] demo --profile NAME [--upload] [--quick] [--plot FILE.svg]\n\n"
	"Builds a lab of two 50 Mbit/s paths (see 'lab'), measures with perf:\n"
	"one TCP connection, two TCP connections (one per path), one MPTCP\n"
	"connection, and MPTCP with path 1 cut (packets dropped both ways, link up)\n"
	"and restored in the middle, with the kernel's path manager alone and then\n"
	"with '" PROG_NAME " pmd --client' beside it; prints them side by side and\n"
	"removes the lab. The cut runs' plots go to FILE.svg and FILE-pmd.svg\n"
	"(default ./mptcpkit-demo.svg). --quick: short tests. Needs root.\n\n"
	"--proxy: a router lab instead (see 'lab up --router'): plain TCP from the\n"
	"router to the far end on one uplink, for reference, then an unmodified TCP\n"
	"client (perf --tcp -R: it downloads) through the proxy pair from a TCP\n"
	"server, which carries it over MPTCP on both uplinks, and the same with\n"
	"uplink 1 cut and restored in the middle. The cut run's plot goes to\n"
	"FILE.svg (default ./mptcpkit-demo-proxy.svg).\n\n"
	"--balancer: a balancer lab instead (see 'lab up --balancer'): 3 backends\n"
	"in backend mode behind an nft load balancer; perf to backend 1's own\n"
	"address, then to the service address: where each test landed, MPTCP with\n"
	"a subflow per path, its join on its own backend, none astray.\n\n"
	"--profile NAME: a lab of that profile instead (paths that are not equal:\n"
	"equal, wifi-lte, dsl-4g, fibre-sat, slow-second; see 'lab up --profile'):\n"
	"TCP on each path, the kernel's MPTCP and MPTCP with '" PROG_NAME " pmd\n"
	"--client', side by side, downloads (--upload: the client sends); the\n"
	"ratio is to the better path's TCP. The pmd run's plot goes to FILE.svg\n"
	"(default ./mptcpkit-demo-NAME.svg).\n";

static volatile sig_atomic_t stop;

static void on_signal(int sig)
{
	stop = sig;
}

static void catch_signals(void)
{
	struct sigaction sa = { .sa_handler = on_signal };

	sigemptyset(&sa.sa_mask);
	sigaction(SIGINT, &sa, NULL);
	sigaction(SIGTERM, &sa, NULL);
	sigaction(SIGHUP, &sa, NULL);
}

static void sleep_until(double t)
{
	while (!stop && clock_mono_s() < t) {
		double left = t - clock_mono_s();
		struct timespec ts = { 0, (long)((left < 0.05 ? left : 0.05) * 1e9) };

		nanosleep(&ts, NULL);
	}
}

struct demo {
	struct demo_ctx ctx;
	struct lab lab;
	struct demo_report rep;
	bool balancer;		/* demo --balancer */
	struct demo_bal_report bal;
	int port;
	char step_error[256];	/* the first lab step of a test that failed */
};

/* Words for a lab engine's error. For -EIO the engines keep the failing
 * program's message in lab_error() (lab-spawn.c); only this reads it. */
static const char *lab_why(int ret)
{
	return ret == -EIO ? lab_error() : strerror(-ret);
}

static void step_fail(struct demo *d, const char *what, int ret)
{
	if (!d->step_error[0])
		snprintf(d->step_error, sizeof(d->step_error), "%s: %s", what, lab_why(ret));
}

/* The server's one test is over once its client's is; do not wait long. */
static void server_reap(pid_t pid)
{
	for (int i = 0; pid > 0 && i < 100; i++) {
		if (waitpid(pid, NULL, WNOHANG) == pid)
			return;
		nanosleep(&(struct timespec){ 0, 20 * 1000 * 1000 }, NULL);
	}
	if (pid > 0) {
		kill(pid, SIGKILL);
		waitpid(pid, NULL, 0);
	}
}

static void row_from(struct demo_row *row, const struct demo_result *r)
{
	row->ok = r->ok;
	snprintf(row->error, sizeof(row->error), "%s", r->error);
	row->mbps = r->mbps;
	row->bytes = r->bytes;
	row->verified = r->verified;
	row->mptcp = r->mptcp;
	row->subflows = r->subflows;
}

/* Adds result r to a row that sums parallel connections. */
static void row_add(struct demo_row *row, const struct demo_result *r, bool first)
{
	if (first) {
		row_from(row, r);
		return;
	}
	if (!r->ok && row->ok)
		snprintf(row->error, sizeof(row->error), "%s", r->error);
	row->ok = row->ok && r->ok;
	row->mbps += r->mbps;
	row->bytes += r->bytes;
	row->verified = row->verified && r->verified;
	row->subflows += r->subflows;
}

/* What one path carries: the single TCP connection's figure, measured. */
static double one_path_mbit(const struct demo *d)
{
	const struct demo_row *tcp = &d->rep.rows[d->rep.proxy ? DEMO_PROXY_TCP : DEMO_TCP];

	return tcp->ok ? tcp->mbps : d->rep.rate_mbit * 0.95;
}

static void cut_metrics(const struct demo *d, struct demo_row *row, const struct demo_result *r,
			double secs)
{
	row->stall = demo_stall_after(&r->s, d->rep.cut_at, secs);
	row->degraded = demo_rate_back_after(&r->s, d->rep.cut_at,
					     DEMO_DEGRADED_SHARE * one_path_mbit(d));
	if (demo_kind_via_proxy(row->kind))
		row->recovery = demo_rate_back_after(&r->s, d->rep.restore_at,
						     DEMO_PROXY_RECOVERED_PATHS * one_path_mbit(d));
	else
		row->recovery = demo_paths_back_after(&r->s, d->rep.restore_at);
}

/* Path 1 cut at cut_at and restored at restore_at; restored also after a
 * failed cut or Ctrl-C, so the lab never stays cut. */
static void cut_and_restore(struct demo *d, double t0)
{
	int ret = 0;

	sleep_until(t0 + d->rep.cut_at);
	if (!stop)
		ret = lab_link_set(&d->lab, 1, false);
	if (ret < 0)
		step_fail(d, "cutting path 1", ret);
	sleep_until(t0 + d->rep.restore_at);
	ret = lab_link_set(&d->lab, 1, true);
	if (ret < 0)
		step_fail(d, "restoring path 1", ret);
}

/* Runs n perf clients at once (client i to addrs[i], its own server), with
 * path 1 cut and restored on the way for the rows with a cut. */
static int run_test(struct demo *d, struct demo_row *row, const char *const *addrs, int n,
		    bool tcp, const char *plot)
{
	bool cut = demo_kind_has_cut(row->kind);
	double secs = cut ? d->rep.cut_seconds : d->rep.seconds, t0;
	char cut_mark[48], restore_mark[48];
	const char *plot_args[] = { "--plot", plot, "--mark", cut_mark, "--mark", restore_mark, NULL };
	struct demo_client cl[DEMO_PATHS];
	pid_t srv[DEMO_PATHS] = { -1, -1 };
	struct demo_result r;
	int ret = 0, started = 0;

	/* The plot shows when the demo cut and restored path 1. */
	snprintf(cut_mark, sizeof(cut_mark), "%g:path 1 cut", d->rep.cut_at);
	snprintf(restore_mark, sizeof(restore_mark), "%g:path 1 restored", d->rep.restore_at);
	if (!cut)
		plot_args[2] = NULL;
	d->step_error[0] = '\0';
	for (int i = 0; i < n && ret == 0; i++)
		ret = demo_server_start(&d->ctx, d->port + i, &srv[i]);
	t0 = clock_mono_s();
	for (int i = 0; i < n && ret == 0; i++, started++)
		ret = demo_client_start(&d->ctx, addrs[i], d->port + i, tcp, secs,
					i == 0 && plot ? plot_args : NULL, &cl[i]);
	if (ret < 0)
		step_fail(d, "starting perf", ret);
	if (ret == 0 && cut)
		cut_and_restore(d, t0);
	for (int i = 0; i < started; i++) {
		demo_client_finish(&d->ctx, &cl[i], secs + DEMO_SLACK_S, &r);
		row_add(row, &r, i == 0);
		if (cut && r.ok)
			cut_metrics(d, row, &r, secs);
		demo_series_free(&r.s);
	}
	if (d->step_error[0] && row->ok) {
		row->ok = false;
		snprintf(row->error, sizeof(row->error), "%s", d->step_error);
	}
	for (int i = 0; i < n; i++)
		server_reap(srv[i]);
	d->port += n;
	return stop ? -EINTR : 0;
}

/* The cut run again, with pmd started before and stopped after it; the
 * run is skipped (the row says why) when pmd does not start. */
static int run_pmd_test(struct demo *d, struct demo_row *row, const char *const *addrs)
{
	struct demo_pmd pmd;
	int ret = demo_pmd_start(&d->ctx, &pmd);

	if (ret == 0)
		ret = run_test(d, row, addrs, 1, false, d->rep.plot_pmd);
	else if (ret != -EINTR)
		snprintf(row->error, sizeof(row->error), "%s", pmd.error);
	if (demo_pmd_stop(&pmd) < 0 && row->ok) {
		row->ok = false;
		snprintf(row->error, sizeof(row->error), "%s", pmd.error);
	}
	return stop ? -EINTR : 0;
}

static void rows_init(struct demo *d)
{
	static const char *const titles[DEMO_ROWS] = {
		[DEMO_TCP] = "TCP, path 1",
		[DEMO_TCP2] = "2 x TCP at once, one per path",
		[DEMO_MPTCP] = "MPTCP, both paths",
		[DEMO_CUT] = "MPTCP, path 1 cut",
		[DEMO_PMD_CUT] = "MPTCP + pmd, path 1 cut",
		[DEMO_PROXY_TCP] = "TCP, uplink 1, no proxy",
		[DEMO_PROXY] = "TCP via the proxy pair",
		[DEMO_PROXY_CUT] = "TCP via the pair, cut",
		[DEMO_PROF_TCP1] = "TCP, path 1",
		[DEMO_PROF_TCP2] = "TCP, path 2",
		[DEMO_PROF_MPTCP] = "MPTCP, kernel",
		[DEMO_PROF_PMD] = "MPTCP + pmd",
	};

	for (int k = 0; k < DEMO_ROWS; k++) {
		struct demo_row *row = &d->rep.rows[k];

		*row = (struct demo_row){ .kind = k };
		if (demo_kind_has_cut(k))
			snprintf(row->description, sizeof(row->description), "%s %g-%g s",
				 titles[k], d->rep.cut_at, d->rep.restore_at);
		else
			snprintf(row->description, sizeof(row->description), "%s", titles[k]);
	}
}

/* A test through the proxy pair: its row also gets the MPTCP leg the
 * router proxy logged for the connection. */
static int run_proxied(struct demo *d, struct demo_row *row, const char *plot)
{
	const char *const server[] = { LAB_WAN_SERVER };
	char log[256];
	int before, ret;

	lab_router_log(&d->lab, false, log, sizeof(log));
	before = demo_proxy_conns(log);
	ret = run_test(d, row, server, 1, true, plot);
	if (ret == 0 && row->ok &&
	    demo_proxy_leg(log, before, &row->leg_mptcp, &row->leg_subflows) < 0) {
		row->ok = false;
		snprintf(row->error, sizeof(row->error), "the router proxy logged no connection");
	}
	return ret;
}

/* demo --proxy: the reference row from the router to the far end (the
 * proxies leave that alone: only what comes in on "lan" is redirected),
 * then the client's rows through the pair. */
static int run_proxy_all(struct demo *d)
{
	char a1[LAB_ADDR_LEN];
	const char *const uplink1[] = { lab_path_addr(1, LAB_SERVER, a1) };
	struct demo_row *rows = d->rep.rows;
	int ret;

	rows_init(d);
	/* Downloads: the client's own samples show what came through the
	 * pair (an uploading client would see its socket buffers fill). */
	d->ctx.reverse = true;
	d->ctx.client_ns = d->lab.router_ns;
	d->ctx.server_ns = d->lab.far_ns;
	ret = run_test(d, &rows[DEMO_PROXY_TCP], uplink1, 1, true, NULL);
	d->ctx.client_ns = d->lab.client_ns;
	d->ctx.server_ns = d->lab.server_ns;
	if (ret < 0 || run_proxied(d, &rows[DEMO_PROXY], NULL) < 0 ||
	    run_proxied(d, &rows[DEMO_PROXY_CUT], d->rep.plot) < 0)
		return -EINTR;
	if (!rows[DEMO_PROXY_CUT].ok)
		d->rep.plot = NULL;
	return 0;
}

/* demo --profile: each path's TCP, the kernel's MPTCP, MPTCP with pmd. */
static int run_profile_all(struct demo *d)
{
	char a1[LAB_ADDR_LEN], a2[LAB_ADDR_LEN];
	const char *const path1[] = { lab_path_addr(1, LAB_SERVER, a1) };
	const char *const path2[] = { lab_path_addr(2, LAB_SERVER, a2) };
	struct demo_row *rows = d->rep.rows;
	struct demo_pmd pmd;
	int ret;

	rows_init(d);
	d->ctx.reverse = !d->rep.upload;
	if (run_test(d, &rows[DEMO_PROF_TCP1], path1, 1, true, NULL) < 0 ||
	    run_test(d, &rows[DEMO_PROF_TCP2], path2, 1, true, NULL) < 0 ||
	    run_test(d, &rows[DEMO_PROF_MPTCP], path1, 1, false, NULL) < 0)
		return -EINTR;
	ret = demo_pmd_start(&d->ctx, &pmd);
	if (ret == 0)
		ret = run_test(d, &rows[DEMO_PROF_PMD], path1, 1, false, d->rep.plot);
	else if (ret != -EINTR)
		snprintf(rows[DEMO_PROF_PMD].error, sizeof(rows[DEMO_PROF_PMD].error), "%s",
			 pmd.error);
	if (demo_pmd_stop(&pmd) < 0 && rows[DEMO_PROF_PMD].ok) {
		rows[DEMO_PROF_PMD].ok = false;
		snprintf(rows[DEMO_PROF_PMD].error, sizeof(rows[DEMO_PROF_PMD].error), "%s",
			 pmd.error);
	}
	if (!rows[DEMO_PROF_PMD].ok)
		d->rep.plot = NULL;
	return stop ? -EINTR : 0;
}

static int run_all(struct demo *d)
{
	char a1[LAB_ADDR_LEN], a2[LAB_ADDR_LEN];
	const char *const path1[] = { lab_path_addr(1, LAB_SERVER, a1) };
	const char *const both[] = { a1, lab_path_addr(2, LAB_SERVER, a2) };
	struct demo_row *rows = d->rep.rows;

	rows_init(d);
	if (run_test(d, &rows[DEMO_TCP], path1, 1, true, NULL) < 0 ||
	    run_test(d, &rows[DEMO_TCP2], both, 2, true, NULL) < 0 ||
	    run_test(d, &rows[DEMO_MPTCP], path1, 1, false, NULL) < 0 ||
	    run_test(d, &rows[DEMO_CUT], path1, 1, false, d->rep.plot) < 0 ||
	    run_pmd_test(d, &rows[DEMO_PMD_CUT], path1) < 0)
		return -EINTR;
	if (!rows[DEMO_CUT].ok)
		d->rep.plot = NULL;
	if (!rows[DEMO_PMD_CUT].ok)
		d->rep.plot_pmd = NULL;
	return 0;
}

/* An absolute path for the plot, in a directory we can write to. */
static int plot_path(const char *arg, char *buf, size_t len)
{
	char cwd[PATH_MAX], dir[PATH_MAX], *slash;
	int n;

	if (arg[0] == '/')
		n = snprintf(buf, len, "%s", arg);
	else if (getcwd(cwd, sizeof(cwd)))
		n = snprintf(buf, len, "%.*s/%s", (int)(len / 2), cwd, arg);
	else
		return -errno;
	if (n < 0 || (size_t)n >= len) {
		errno = ENAMETOOLONG;
		return -errno;
	}
	snprintf(dir, sizeof(dir), "%s", buf);
	slash = strrchr(dir, '/');
	*(slash == dir ? slash + 1 : slash) = '\0';
	return access(dir, W_OK) < 0 ? -errno : 0;
}

/* FILE.svg -> FILE-pmd.svg (or FILE -> FILE-pmd.svg), beside it. */
static int plot_pmd_path(const char *plot, char *buf, size_t len)
{
	size_t n = strlen(plot);
	int stem = n > 4 && !strcmp(plot + n - 4, ".svg") ? (int)(n - 4) : (int)n;
	int ret = snprintf(buf, len, "%.*s-pmd.svg", stem, plot);

	if (ret < 0 || (size_t)ret >= len) {
		errno = ENAMETOOLONG;
		return -errno;
	}
	return 0;
}

static int parse_args(int argc, char **argv, struct demo *d, char *plot, char *plot_pmd,
		      size_t len)
{
	static char profile_plot[64];
	const char *plot_arg = NULL;
	bool quick = false;

	for (int i = 1; i < argc; i++) {
		if (!strcmp(argv[i], "--quick"))
			quick = true;
		else if (!strcmp(argv[i], "--proxy"))
			d->rep.proxy = true;
		else if (!strcmp(argv[i], "--balancer"))
			d->balancer = true;
		else if (!strcmp(argv[i], "--plot") && i + 1 < argc)
			plot_arg = argv[++i];
		else if (!strcmp(argv[i], "--profile") && i + 1 < argc)
			d->rep.profile = argv[++i];
		else if (!strcmp(argv[i], "--upload"))
			d->rep.upload = true;
		else
			return fail("demo: unexpected argument '%s' (try '" PROG_NAME " demo --help')",
				    argv[i]);
	}
	if (d->balancer && (d->rep.proxy || d->rep.profile))
		return fail("demo: --balancer, --proxy and --profile are three demos: one of them");
	if (d->rep.profile && !lab_profile_find(d->rep.profile))
		return fail("demo: --profile '%s': no such profile (see '" PROG_NAME " lab --help')",
			    d->rep.profile);
	if (d->rep.profile && d->rep.proxy)
		return fail("demo: --profile and --proxy do not go together");
	if (d->rep.upload && !d->rep.profile)
		return fail("demo: --upload goes with --profile");
	if (d->rep.profile)
		d->rep.profile_what = lab_profile_find(d->rep.profile)->what;
	if (!plot_arg && d->rep.profile) {
		snprintf(profile_plot, sizeof(profile_plot), "mptcpkit-demo-%s.svg", d->rep.profile);
		plot_arg = profile_plot;
	}
	if (!plot_arg)
		plot_arg = d->rep.proxy ? "mptcpkit-demo-proxy.svg" : "mptcpkit-demo.svg";
	if (plot_path(plot_arg, plot, len) < 0 || plot_pmd_path(plot, plot_pmd, len) < 0)
		return fail("demo: --plot %s: cannot write there: %s", plot_arg, strerror(errno));
	d->rep.seconds = quick ? 3 : 8;
	d->rep.cut_seconds = quick ? 4 : 10;
	d->rep.cut_at = quick ? 1.2 : 3;
	d->rep.restore_at = quick ? 2.4 : 6;
	d->rep.plot = plot;
	d->rep.plot_pmd = d->rep.proxy || d->rep.profile ? NULL : plot_pmd;
	return 0;
}

static int lab_start(struct demo *d)
{
	char name[LAB_NAME_MAX + 1];
	int ret;

	snprintf(name, sizeof(name), "demo-%d", (int)getpid());
	lab_init(&d->lab, name);
	d->lab.paths = DEMO_PATHS;
	d->lab.rate_mbit = DEMO_RATE;
	d->lab.router = d->rep.proxy;
	d->lab.backends = d->balancer ? 3 : 0;
	if (d->rep.profile) {
		const struct lab_profile *p = lab_profile_find(d->rep.profile);

		d->lab.paths = p->paths;
		memcpy(d->lab.shape, p->shape, sizeof(p->shape));
		d->lab.shaped = true;
		snprintf(d->lab.profile, sizeof(d->lab.profile), "%s", p->name);
	}
	if (lab_exists(&d->lab))	/* a crashed demo of a recycled pid */
		lab_down(&d->lab);
	ret = lab_up(&d->lab);
	if (ret < 0)
		return fail("demo: lab up: %s", ret == -EEXIST ? "it exists" : lab_why(ret));
	d->ctx.client_ns = d->lab.client_ns;
	d->ctx.server_ns = d->lab.server_ns;
	d->ctx.stop = &stop;
	d->rep.lab = d->lab.name;
	d->rep.rate_mbit = DEMO_RATE;
	d->rep.cc = d->lab.cc;
	d->port = DEMO_PORT;
	return 0;
}

/* Something broke: the table says what; the exit status says so too. */
static bool all_good(const struct demo_report *rep)
{
	for (int i = 0; i < DEMO_ROWS; i++) {
		if (!demo_row_shown(rep, i))
			continue;
		if (!rep->rows[i].ok || !rep->rows[i].verified)
			return false;
	}
	return true;
}

int cmd_demo(int argc, char **argv)
{
	static struct demo d;
	char plot[PATH_MAX], plot_pmd[PATH_MAX];
	ssize_t n;
	int ret;

	if (wants_help(argc, argv)) {
		fputs(usage, stdout);
		return 0;
	}
	if (parse_args(argc, argv, &d, plot, plot_pmd, sizeof(plot)))
		return 1;
	if (geteuid() != 0)
		return fail("demo: needs root (network namespaces)");
	n = readlink("/proc/self/exe", d.ctx.self, sizeof(d.ctx.self) - 1);
	if (n < 0)
		return fail("demo: /proc/self/exe: %s", strerror(errno));
	d.ctx.self[n] = '\0';
	catch_signals();
	if (lab_start(&d))
		return 1;
	print_text("lab %s up; measuring (about %g s)...\n", d.lab.name, d.balancer ?
		   DEMO_BAL_TESTS * (d.rep.seconds + 1) : d.rep.profile ? 4 * d.rep.seconds + 4 :
		   d.rep.proxy ?
		   2 * d.rep.seconds + d.rep.cut_seconds + 2 :
		   3 * d.rep.seconds + 2 * d.rep.cut_seconds + 3);
	fflush(stdout);
	if (stop)
		ret = -EINTR;
	else if (d.balancer)
		ret = demo_balancer_run(&d.ctx, &d.lab, d.rep.seconds, &d.bal);
	else
		ret = d.rep.profile ? run_profile_all(&d) :
		      d.rep.proxy ? run_proxy_all(&d) : run_all(&d);
	lab_down(&d.lab);
	if (ret == -EINTR)
		return fail("demo: interrupted; lab %s removed", d.lab.name);
	if (d.balancer) {
		if (ret < 0)
			return fail("demo: %s", lab_why(ret));
		demo_balancer_print(&d.bal, DEMO_RATE);
		return demo_balancer_good(&d.bal) ? 0 :
		       fail("demo: a test failed, lost data or had a join astray (see the table)");
	}
	demo_print(&d.rep);
	return all_good(&d.rep) ? 0 : fail("demo: a test failed or lost data (see the table)");
}
