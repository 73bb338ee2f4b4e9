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

#define LOWAT_PATH "/proc/sys/net/ipv4/tcp_notsent_lowat"

static long saved = -1;

static int read_long(const char *path, long *out)
{
	FILE *f = fopen(path, "re");
	int ok;

	if (!f)
		return -errno;
	ok = fscanf(f, "%ld", out) == 1;
	fclose(f);
	return ok ? 0 : -EINVAL;
}

static int write_long(const char *path, long val)
{
	FILE *f = fopen(path, "we");
	int ret = 0;

	if (!f)
		return -errno;
	if (fprintf(f, "%ld\n", val) < 0)
		ret = -EIO;
	if (fclose(f) && !ret)
		ret = -errno;
	return ret;
}

static void log_value(const char *action, long val, const char *why)
{
	char buf[24];

	snprintf(buf, sizeof(buf), "%ld", val);
	pmd_log(action, "sysctl", "net.ipv4.tcp_notsent_lowat", "value", buf,
		"why", why, NULL);
}

int pmd_tune_start(const struct pmd_config *cfg)
{
	long old;
	int ret;

	if (cfg->notsent_lowat < 0)
		return 0;
	ret = read_long(LOWAT_PATH, &old);
	if (!ret && old != cfg->notsent_lowat)
		ret = write_long(LOWAT_PATH, cfg->notsent_lowat);
	if (ret) {
		pmd_log("error", "action", "set-sysctl", "why", strerror(-ret), NULL);
		return ret;
	}
	if (old != cfg->notsent_lowat) {
		saved = old;
		log_value("set-sysctl", cfg->notsent_lowat,
			  "less data queued per subflow: faster failover");
	}
	return 0;
}

int pmd_tune_stop(void)
{
	int ret;

	if (saved < 0)
		return 0;
	ret = write_long(LOWAT_PATH, saved);
	if (ret)
		pmd_log("error", "action", "restore-sysctl", "why", strerror(-ret), NULL);
	else
		log_value("restore-sysctl", saved, "pmd stopping");
	saved = -1;
	return ret;
}
