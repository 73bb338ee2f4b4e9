// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * pmd's loop: rtnetlink changes (and, with the userspace PM, path-manager
 * events) trigger a reconciliation at once; the health checks sample every
 * interval and trigger one when a path dies, comes back or needs its
 * subflows re-created; SIGINT/SIGTERM stop it cleanly (signalfd, so a stop
 * never interrupts a half-done netlink exchange). Nothing a netlink socket
 * delivers makes it exit: errors are logged and the step is tried again.
 */
#include <errno.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <sys/signalfd.h>
#include <unistd.h>

#include "clock.h"
#include "mptcpkit.h"
#include "pmd.h"
#include "util.h"

#define RETRY_MS 1000	/* after a failed step, try again this soon */
#define AGAIN_MS 100	/* after keeping a last path, look again this soon */
/* after resetting a path's leftover subflows, add its endpoint this soon:
 * the server frees their slots in its MPTCP worker, after the reset (or
 * the reset, challenge ACK, reset of an in-window one) crossed the path */
#define RESET_MS 20
#define PROBE_FDS_MAX 32
#define STATS_MS 1000	/* the exporter's file, at most this often */

struct daemon {
	const struct pmd_config *cfg;
	struct pmd_rtnl *rt;
	struct pmd_net net;
	struct pmd_kernel *kernel;
	struct pmd_upm *upm;
	struct pmd_balanced *balanced;	/* backend mode: its join endpoint only */
	struct pmd_watch *watch;
	struct pmd_health_view health;
	int sigfd;
	uint64_t retry_at;	/* CLOCK_MONOTONIC ms of the next sync; 0: none */
	bool refreshed;	/* an endpoint was deleted to be added again */
	uint64_t stats_at;	/* when the statistics file was written */
	int watch_err;		/* the health sample's last error, said once; 0: none */
	uint64_t watch_samples;	/* samples taken when it failed */
};

static int open_signals(void)
{
	sigset_t set;
	int fd;

	sigemptyset(&set);
	sigaddset(&set, SIGINT);
	sigaddset(&set, SIGTERM);
	if (sigprocmask(SIG_BLOCK, &set, NULL))
		return -errno;
	fd = signalfd(-1, &set, SFD_CLOEXEC | SFD_NONBLOCK);
	return fd < 0 ? -errno : fd;
}

static void sync_soon(struct daemon *d, unsigned int ms)
{
	d->retry_at = clock_mono_ms() + ms;
}

static void sync_paths(struct daemon *d)
{
	int ret;

	if (d->kernel)
		ret = pmd_kernel_sync(d->kernel, &d->net, &d->health);
	else if (d->upm)
		ret = pmd_upm_sync(d->upm, &d->net, &d->health);
	else
		ret = 0;	/* backend mode: the join endpoint is all it announces */
	if (ret < 0)
		sync_soon(d, RETRY_MS);
	else if (ret > 1)
		sync_soon(d, RESET_MS);
	else if (ret > 0)
		sync_soon(d, AGAIN_MS);
	else
		d->retry_at = 0;
}

static void on_refresh(void *data, int family, const union mpk_in46 *ip,
		       unsigned int ifindex, const char *why)
{
	struct daemon *d = data;

	(void)ifindex;
	if (d->kernel && pmd_kernel_refresh(d->kernel, &d->net, &d->health, family, ip, why) > 0)
		d->refreshed = true;
	if (d->upm)
		pmd_upm_refresh(d->upm, family, ip, why);
}

/* Interfaces named in the configuration that are not there: said once;
 * pmd runs on, since a modem or a USB link may appear later. */
static void warn_missing_interfaces(const struct daemon *d)
{
	for (int i = 0; i < d->cfg->nifs; i++) {
		const char *name = d->cfg->ifs[i].name;
		bool found = false;

		for (int j = 0; j < d->net.nlinks; j++)
			found |= !strcmp(d->net.links[j].name, name);
		if (found)
			continue;
		pmd_log_begin("warning");
		pmd_log_str("dev", name);
		pmd_log_end("this interface of the configuration does not exist (yet)");
	}
}

/* Refuse to start next to a running pmd: two would fight over endpoints. */
static int check_alone(void)
{
	struct pmd_saved s;

	if (pmd_state_load(&s) == -EBUSY)
		return fail("pmd: another pmd (pid %d) manages this network namespace", s.pid);
	return 0;
}

/* --scheduler NAME, before pmd changes anything: one the kernel offers. */
static int check_scheduler(const struct pmd_config *cfg)
{
	char available[PMD_SCHED_LIST_LEN] = "";
	int ret = pmd_sched_check(cfg, available, sizeof(available));

	if (ret == -ENOENT)
		return fail("pmd: scheduler '%s' is not available here (available: %s)",
			    cfg->scheduler, available);
	if (ret == -EOPNOTSUPP)
		return fail("pmd: scheduler '%s' is not available here: this kernel (before "
			    "6.6) has only its built-in one, 'default'", cfg->scheduler);
	if (ret)
		return fail("pmd: reading net.mptcp.available_schedulers: %s", strerror(-ret));
	return 0;
}

static int start_pm(struct daemon *d)
{
	int ret;

	if (d->cfg->pm == PMD_PM_KERNEL)
		ret = pmd_kernel_start(d->cfg, &d->kernel);
	else
		ret = pmd_upm_start(d->cfg, &d->upm);
	if (ret == -EPERM)
		return fail("pmd: the mptcp_pm netlink family needs CAP_NET_ADMIN");
	if (ret == -ENOENT)
		return fail("pmd: " NO_PM_FAMILY " (a kernel without MPTCP?)");
	if (ret)
		return fail("pmd: the mptcp_pm netlink family: %s", mpk_strerror(ret));
	return 0;
}

static int start(struct daemon *d)
{
	int ret;

	if (check_alone() || check_scheduler(d->cfg))
		return 1;
	ret = pmd_pmsel_start(d->cfg);
	if (ret == -EOPNOTSUPP)
		return fail("pmd: --pm userspace needs Linux 5.19 or later (the userspace "
			    "path manager, net.mptcp.pm_type); this kernel has none");
	if (ret)
		return fail("pmd: --pm userspace: setting net.mptcp.path_manager: %s",
			    strerror(-ret));
	ret = pmd_rtnl_open(&d->rt);
	if (ret)
		return fail("pmd: rtnetlink: %s", strerror(-ret));
	ret = pmd_rtnl_dump(d->rt, &d->net);
	if (ret)
		return fail("pmd: reading links and addresses: %s", strerror(-ret));
	ret = pmd_watch_start(d->cfg, &d->watch);
	if (ret)
		return fail("pmd: health checks (sock_diag): %s", strerror(-ret));
	d->health = pmd_watch_view(d->watch);
	/* a backend announces its join address alone: its other addresses may
	 * not be routed to it, and joins to them would go astray */
	if (d->cfg->balanced.on)
		ret = pmd_balanced_start(d->cfg, &d->net, &d->balanced);
	else
		ret = start_pm(d);
	if (ret)
		return 1;
	if (pmd_tune_start(d->cfg))
		return fail("pmd: cannot set a sysctl it tunes (the error above says which)");
	pmd_sched_report(d->cfg);
	d->sigfd = open_signals();
	if (d->sigfd < 0)
		return fail("pmd: signalfd: %s", strerror(-d->sigfd));
	warn_missing_interfaces(d);
	return 0;
}

/* The lesser of two timeouts, -1 meaning none. */
static int least_timeout(int a, int b)
{
	return a < 0 || (b >= 0 && b < a) ? b : a;
}

static int poll_timeout(const struct daemon *d)
{
	int t = least_timeout(pmd_watch_timeout(d->watch), pmd_upm_timeout(d->upm));
	uint64_t now = clock_mono_ms();
	int retry;

	if (d->balanced && (t < 0 || t > STATS_MS))
		t = STATS_MS;	/* the join counters, once a second */
	if (!d->retry_at)
		return t;
	retry = d->retry_at > now ? (int)(d->retry_at - now) : 0;
	return t < 0 || retry < t ? retry : t;
}

static void on_rtnl(struct daemon *d)
{
	unsigned int overruns = pmd_rtnl_overruns(d->rt);
	int ret = pmd_rtnl_read(d->rt, &d->net);

	if (pmd_rtnl_overruns(d->rt) != overruns) {
		pmd_log_begin("resync");
		pmd_log_uint("overruns", pmd_rtnl_overruns(d->rt));
		pmd_log_end("rtnetlink notifications were lost: links and addresses read again");
	}
	if (ret < 0)
		pmd_log_error("rtnetlink", strerror(-ret));
	if (ret > 0)
		sync_paths(d);
}

/* A failed sample is said once per cause, not once per interval (a kernel
 * without the socket dumps they need fails every time): why, and that
 * pmd carries on with what works. */
static void watch_failed(struct daemon *d, int err)
{
	char why[240];

	if (err == d->watch_err)
		return;
	d->watch_err = err;
	d->watch_samples = pmd_watch_samples(d->watch);
	if (err == -ENOENT)
		snprintf(why, sizeof(why), "health checks are off: this kernel has no "
			 "sock_diag dump of TCP sockets with their MPTCP details "
			 "(modules tcp_diag, mptcp_diag; %s); link and address changes "
			 "still drive the paths", strerror(-err));
	else
		snprintf(why, sizeof(why), "%s; said once, tried again every interval",
			 strerror(-err));
	pmd_log_error("health-sample", why);
}

static void on_watch(struct daemon *d)
{
	int ret = pmd_watch_step(d->watch, &d->net);

	uint64_t in_flight = pmd_watch_in_flight(d->watch);

	/* While a path waits as backup (--prefer), a short send queue on the
	 * active subflow makes the scheduler spill onto the backup one: a
	 * fibre + satellite upload made 5.5 Mbit/s with the ceiling, 17.4
	 * without. The kernel's ceiling then (pmd-bufcap.c raises to it). */
	if (pmd_watch_any_backup(d->watch))
		in_flight = PMD_IN_FLIGHT_BACKUP;
	pmd_tune_adapt(in_flight, pmd_watch_rcv_window(d->watch), clock_mono_ms());
	if (ret < 0) {
		watch_failed(d, ret);
		return;
	}
	if (d->watch_err && ret >= 0 && pmd_watch_samples(d->watch) != d->watch_samples) {
		d->watch_err = 0;
		pmd_log_begin("health-sample");
		pmd_log_end("health checks work again");
	}
	if (!ret)
		return;
	pmd_watch_take_refresh(d->watch, on_refresh, d);
	if (d->refreshed) {
		d->refreshed = false;
		sync_soon(d, AGAIN_MS);
		return;
	}
	sync_paths(d);
}

/* The exporter's view of pmd (pmd-stats.h), when something changed. */
static void save_stats(struct daemon *d)
{
	uint64_t now = clock_mono_ms();
	struct pmd_stats *s;
	bool changed;

	if (now - d->stats_at < STATS_MS)
		return;
	s = pmd_log_stats(&changed);
	if (!changed && d->stats_at)
		return;
	d->stats_at = now;
	s->pid = getpid();
	pmd_watch_paths(d->watch, s);
	pmd_balanced_stats(d->balanced, s);
	pmd_stats_save(s);
}

/* One round of poll; false when a stop signal came. */
static bool step(struct daemon *d)
{
	struct pollfd pfd[3 + PROBE_FDS_MAX] = {
		{ .fd = d->sigfd, .events = POLLIN },
		{ .fd = pmd_rtnl_fd(d->rt), .events = POLLIN },
		{ .fd = d->upm ? pmd_upm_fd(d->upm) : -1, .events = POLLIN },
	};
	int probes[PROBE_FDS_MAX];
	int nprobes = pmd_watch_fds(d->watch, probes, PROBE_FDS_MAX);
	int timeout = poll_timeout(d), n;

	for (int i = 0; i < nprobes; i++)
		pfd[3 + i] = (struct pollfd){ .fd = probes[i], .events = POLLIN };
	n = poll(pfd, 3 + nprobes, timeout);
	if (n < 0)
		return errno == EINTR;
	if (pfd[0].revents)
		return false;
	if (pfd[1].revents)
		on_rtnl(d);
	if (pfd[2].revents)
		pmd_upm_read(d->upm, &d->net, &d->health);
	on_watch(d);
	pmd_balanced_step(d->balanced);
	if ((d->retry_at && clock_mono_ms() >= d->retry_at) || pmd_upm_timeout(d->upm) == 0)
		sync_paths(d);
	save_stats(d);
	return true;
}

static int stop(struct daemon *d)
{
	int ret = 0;

	if (d->kernel)
		ret = pmd_kernel_stop(d->kernel);
	if (d->upm)
		pmd_upm_stop(d->upm);
	if (pmd_balanced_stop(d->balanced))
		ret = -EIO;
	if (pmd_tune_stop())
		ret = -EIO;
	if (pmd_pmsel_stop())
		ret = -EIO;
	pmd_watch_stop(d->watch);
	pmd_rtnl_close(d->rt);
	if (d->sigfd >= 0)
		close(d->sigfd);
	pmd_stats_remove();
	pmd_log_begin("stop");
	pmd_log_end(ret ? "stopped, but something could not be undone"
			: "stopped; what pmd changed is undone");
	return ret;
}

static void undo_start(struct daemon *d)
{
	if (d->kernel)
		pmd_kernel_stop(d->kernel);
	pmd_upm_stop(d->upm);
	pmd_pmsel_stop();
	pmd_balanced_stop(d->balanced);
	pmd_watch_stop(d->watch);
	pmd_rtnl_close(d->rt);
}

int pmd_run(const struct pmd_config *cfg)
{
	struct daemon d = { .cfg = cfg, .sigfd = -1 };

	if (start(&d)) {
		undo_start(&d);
		return -EINVAL;
	}
	pmd_log_begin("start");
	pmd_log_str("mode", cfg->mode == PMD_MODE_SERVER ? "server" : "client");
	pmd_log_str("pm", cfg->pm == PMD_PM_KERNEL ? "kernel" : "userspace");
	pmd_log_str("health_checks", cfg->health.enabled ? "on" : "off");
	pmd_log_end(NULL);
	sync_paths(&d);
	while (step(&d))
		;
	return stop(&d);
}
