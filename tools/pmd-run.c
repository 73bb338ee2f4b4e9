// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * pmd's loop: rtnetlink changes (and, with the userspace PM, path-manager
 * events) trigger a reconciliation at once; SIGINT/SIGTERM stop it cleanly
 * (signalfd, so a stop never interrupts a half-done netlink exchange).
 */
#include <errno.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <sys/signalfd.h>
#include <unistd.h>

#include "mptcpkit.h"
#include "pmd.h"
#include "util.h"

#define RETRY_MS 1000	/* after a failed step, try again this soon */

struct daemon {
	const struct pmd_config *cfg;
	struct pmd_rtnl *rt;
	struct pmd_net net;
	struct pmd_kernel *kernel;
	struct pmd_upm *upm;
	int sigfd;
	bool retry;
};

static int open_signals(void)
{
	sigset_t set;

	sigemptyset(&set);
	sigaddset(&set, SIGINT);
	sigaddset(&set, SIGTERM);
	if (sigprocmask(SIG_BLOCK, &set, NULL))
		return -errno;
	return signalfd(-1, &set, SFD_CLOEXEC | SFD_NONBLOCK);
}

static void sync_paths(struct daemon *d)
{
	int ret = d->kernel ? pmd_kernel_sync(d->kernel, &d->net)
			    : pmd_upm_sync(d->upm, &d->net);

	d->retry = ret != 0;
}

/* The userspace PM must be the namespace's path manager, or the kernel
 * ignores pmd's commands. 6.15+ names it, older kernels number it. */
static bool userspace_pm_selected(void)
{
	char buf[32] = "";
	FILE *f = fopen("/proc/sys/net/mptcp/path_manager", "re");

	if (!f)
		f = fopen("/proc/sys/net/mptcp/pm_type", "re");
	if (!f)
		return false;
	if (!fgets(buf, sizeof(buf), f))
		buf[0] = '\0';
	fclose(f);
	return !strncmp(buf, "userspace", 9) || !strncmp(buf, "1\n", 2);
}

static int start(struct daemon *d)
{
	int ret;

	if (d->cfg->pm == PMD_PM_USERSPACE && !userspace_pm_selected())
		return fail("pmd: --pm userspace: the path manager of this network "
			    "namespace is not 'userspace' (sysctl net.mptcp.path_manager)");
	ret = pmd_rtnl_open(&d->rt);

	if (ret)
		return fail("pmd: rtnetlink: %s", strerror(-ret));
	ret = pmd_rtnl_dump(d->rt, &d->net);
	if (ret)
		return fail("pmd: reading links and addresses: %s", strerror(-ret));
	if (d->cfg->pm == PMD_PM_KERNEL)
		ret = pmd_kernel_start(d->cfg, &d->kernel);
	else
		ret = pmd_upm_start(d->cfg, &d->upm);
	if (ret)
		return fail("pmd: the mptcp_pm netlink family: %s", mpk_strerror(ret));
	if (pmd_tune_start(d->cfg))
		return fail("pmd: cannot set net.ipv4.tcp_notsent_lowat");
	d->sigfd = open_signals();
	if (d->sigfd < 0)
		return fail("pmd: signalfd: %s", strerror(-d->sigfd));
	return 0;
}

/* One round of poll; false when a stop signal came. */
static bool step(struct daemon *d)
{
	struct pollfd pfd[3] = {
		{ .fd = d->sigfd, .events = POLLIN },
		{ .fd = pmd_rtnl_fd(d->rt), .events = POLLIN },
		{ .fd = d->upm ? pmd_upm_fd(d->upm) : -1, .events = POLLIN },
	};
	int n = poll(pfd, 3, d->retry ? RETRY_MS : -1), ret;

	if (n < 0)
		return errno == EINTR;
	if (pfd[0].revents)
		return false;
	if (pfd[1].revents) {
		ret = pmd_rtnl_read(d->rt, &d->net);
		if (ret < 0)
			pmd_log("error", "action", "rtnetlink", "why", strerror(-ret), NULL);
		if (ret > 0)
			sync_paths(d);
	}
	if (pfd[2].revents)
		pmd_upm_read(d->upm, &d->net);
	if (n == 0 && d->retry)
		sync_paths(d);
	return true;
}

static int stop(struct daemon *d)
{
	int ret = 0;

	if (d->kernel)
		ret = pmd_kernel_stop(d->kernel);
	if (d->upm)
		pmd_upm_stop(d->upm);
	ret = pmd_tune_stop() ?: ret;
	pmd_rtnl_close(d->rt);
	if (d->sigfd >= 0)
		close(d->sigfd);
	pmd_log("stop", "why", ret ? "stopped, but something could not be undone"
				   : "stopped; what pmd changed is undone", NULL);
	return ret ? 1 : 0;
}

int pmd_run(const struct pmd_config *cfg)
{
	struct daemon d = { .cfg = cfg, .sigfd = -1 };

	if (start(&d)) {
		d.kernel ? (void)pmd_kernel_stop(d.kernel) : (void)0;
		pmd_upm_stop(d.upm);
		pmd_rtnl_close(d.rt);
		return 1;
	}
	pmd_log("start", "mode", cfg->mode == PMD_MODE_SERVER ? "server" : "client",
		"pm", cfg->pm == PMD_PM_KERNEL ? "kernel" : "userspace", NULL);
	sync_paths(&d);
	while (step(&d))
		;
	return stop(&d);
}
