// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * Opt-in tuning (notsent_lowat in the configuration): a lower
 * net.ipv4.tcp_notsent_lowat keeps less unsent data queued in each subflow,
 * so what a closed subflow had in flight, sent again on a surviving one,
 * does not wait behind seconds of queued data (measured in
 * bench/pmd-failover.sh). It is namespace-wide, so pmd restores it at stop.
 */
#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "pmd.h"
#include "sysctl.h"

#define LOWAT "net/ipv4/tcp_notsent_lowat"

static char saved[32];	/* the value before pmd, "" when not changed */

static void log_value(const char *action, const char *val, const char *why)
{
	pmd_log_begin(action);
	pmd_log_str("sysctl", "net.ipv4.tcp_notsent_lowat");
	pmd_log_str("value", val);
	pmd_log_end(why);
}

int pmd_tune_start(const struct pmd_config *cfg)
{
	char old[32], want[32];
	int ret;

	if (cfg->notsent_lowat < 0)
		return 0;
	snprintf(want, sizeof(want), "%ld", cfg->notsent_lowat);
	ret = sysctl_read(LOWAT, old, sizeof(old));
	if (!ret && !strcmp(old, want))
		return 0;
	if (!ret)
		ret = sysctl_write(LOWAT, want);
	if (ret) {
		pmd_log_error("set-sysctl", strerror(-ret));
		return ret;
	}
	snprintf(saved, sizeof(saved), "%s", old);
	log_value("set-sysctl", want, "less data queued per subflow: faster failover");
	return 0;
}

int pmd_tune_stop(void)
{
	int ret;

	if (!saved[0])
		return 0;
	ret = sysctl_write(LOWAT, saved);
	if (ret)
		pmd_log_error("restore-sysctl", strerror(-ret));
	else
		log_value("restore-sysctl", saved, "pmd stopping");
	saved[0] = '\0';
	return ret;
}
