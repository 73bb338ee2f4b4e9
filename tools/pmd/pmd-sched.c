// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * The kernel's packet scheduler: which subflow sends a connection's next
 * data. Since 6.6, net.mptcp.scheduler picks it per network namespace,
 * among the names in net.mptcp.available_schedulers. Upstream has one,
 * "default" (the lowest-RTT subflow that has room, backup subflows only
 * when no other can send); BPF schedulers (bpf_rr, bpf_burst... in
 * mptcp_net-next's export branch) add their names there once loaded.
 *
 * pmd uses one when asked and depends on none: it steers data at the
 * path-manager level, by MP_PRIO backup (pmd-prefer.c), which "default"
 * honours; a BPF scheduler may not. --scheduler NAME is checked here
 * before pmd changes anything, and set and restored by pmd-tune.c like the
 * other sysctls; either way the one in use is said at start.
 */
#include <errno.h>
#include <stdbool.h>
#include <stdio.h>
#include <string.h>

#include "pmd.h"
#include "sysctl.h"

#define SCHED_PATH "net/mptcp/scheduler"
#define AVAILABLE_PATH "net/mptcp/available_schedulers"
#define BUILT_IN "default"	/* the one scheduler of kernels before 6.6 */

/* Is name one of the space-separated words of list? */
static bool listed(const char *list, const char *name)
{
	size_t len = strlen(name);

	for (const char *p = list + strspn(list, " \t"); *p; p += strspn(p, " \t")) {
		size_t n = strcspn(p, " \t");

		if (n == len && !strncmp(p, name, n))
			return true;
		p += n;
	}
	return false;
}

int pmd_sched_check(const struct pmd_config *cfg, char *available, size_t len)
{
	int ret;

	if (!cfg->scheduler[0])
		return 0;
	ret = sysctl_read(AVAILABLE_PATH, available, len);
	if (ret == -ENOENT)	/* before 6.6: the built-in scheduler alone */
		return strcmp(cfg->scheduler, BUILT_IN) ? -EOPNOTSUPP : 0;
	if (ret)
		return ret;
	return listed(available, cfg->scheduler) ? 0 : -ENOENT;
}

void pmd_sched_report(const struct pmd_config *cfg)
{
	char now[64], available[PMD_SCHED_LIST_LEN];
	int ret = sysctl_read(SCHED_PATH, now, sizeof(now));

	if (ret == -ENOENT) {
		if (!cfg->scheduler[0])	/* else pmd-tune.c said it */
			pmd_log_no_sysctl("net.mptcp.scheduler", PMD_SCHED_MISSING);
		return;
	}
	if (!ret)
		ret = sysctl_read(AVAILABLE_PATH, available, sizeof(available));
	if (ret) {
		pmd_log_error("read-sysctl", strerror(-ret));
		return;
	}
	pmd_log_begin_report("scheduler");
	pmd_log_str("scheduler", now);
	pmd_log_words("available", available);
	pmd_log_end(cfg->scheduler[0]
		    ? "--scheduler: the kernel's packet scheduler while pmd runs"
		    : "the kernel's packet scheduler, left alone (--scheduler picks another)");
}
