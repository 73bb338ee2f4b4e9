// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * --pm userspace makes the userspace path manager the namespace's own, and
 * undoes that at stop: the kernel takes userspace-PM commands only when
 * net.mptcp.path_manager is "userspace" (6.15+; net.mptcp.pm_type = 1 on
 * 5.19-6.14, which 6.15+ still has as an alias). Before 5.19 there is no
 * userspace PM: pmd says which kernel it needs and changes nothing.
 *
 * The value found is kept in the run file "pm" ("sysctl PATH VALUE"), so
 * that after a SIGKILL the next pmd (whichever PM it drives) restores the
 * original, as pmd-tune.c does for its sysctls.
 */
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "pmd.h"
#include "pmd-stats.h"
#include "sysctl.h"

#define PM_NEW "net/mptcp/path_manager"
#define PM_OLD "net/mptcp/pm_type"

static struct {
	char path[32];	/* "" when pmd changed nothing */
	char value[32];	/* what it was */
} saved;

static void saved_line(void *data, const char *line)
{
	(void)data;
	if (sscanf(line, "sysctl %31s %31s", saved.path, saved.value) != 2)
		saved.path[0] = '\0';
}

static int write_saved(FILE *f, const void *data)
{
	(void)data;
	fprintf(f, "sysctl %s %s\n", saved.path, saved.value);
	return ferror(f) ? -EIO : 0;
}

static void log_value(const char *action, const char *path, const char *val,
		      const char *why)
{
	char name[40];

	snprintf(name, sizeof(name), "%s", path);
	for (char *c = name; *c; c++)
		*c = *c == '/' ? '.' : *c;
	pmd_log_begin(action);
	pmd_log_str("sysctl", name);
	pmd_log_str("value", val);
	pmd_log_end(why);
}

static int restore(const char *why)
{
	char path[256];
	int ret;

	if (!saved.path[0])
		return 0;
	ret = sysctl_write(saved.path, saved.value);
	if (ret) {
		pmd_log_error("restore-sysctl", strerror(-ret));
		return ret;
	}
	log_value("restore-sysctl", saved.path, saved.value, why);
	saved.path[0] = '\0';
	if (!pmd_run_file("pm", path, sizeof(path)))
		unlink(path);
	return 0;
}

/* The sysctl that selects the PM here, and the value meaning userspace. */
static int selector(const char **path, const char **userspace)
{
	char buf[32];

	if (!sysctl_read(PM_NEW, buf, sizeof(buf))) {
		*path = PM_NEW;
		*userspace = "userspace";
		return 0;
	}
	if (!sysctl_read(PM_OLD, buf, sizeof(buf))) {
		*path = PM_OLD;
		*userspace = "1";
		return 0;
	}
	return -EOPNOTSUPP;
}

int pmd_pmsel_start(const struct pmd_config *cfg)
{
	const char *path, *userspace;
	char cur[32];
	int ret;

	pmd_run_file_read("pm", saved_line, NULL);
	if (cfg->pm != PMD_PM_USERSPACE)	/* left by a pmd that was killed */
		return restore("left by a pmd --pm userspace that was killed");
	ret = selector(&path, &userspace);
	if (!ret)
		ret = sysctl_read(path, cur, sizeof(cur));
	if (ret)
		return ret;
	cur[strcspn(cur, "\n")] = '\0';
	if (!strcmp(cur, userspace))
		return 0;	/* already (by hand, or by a killed pmd: saved) */
	snprintf(saved.path, sizeof(saved.path), "%s", path);
	snprintf(saved.value, sizeof(saved.value), "%s", cur);
	ret = pmd_run_file_write("pm", write_saved, NULL);
	if (!ret)
		ret = sysctl_write(path, userspace);
	if (ret) {
		saved.path[0] = '\0';
		return ret;
	}
	log_value("set-sysctl", path, userspace,
		  "--pm userspace: pmd is this namespace's path manager until it stops");
	return 0;
}

int pmd_pmsel_stop(void)
{
	return restore("pmd stopping");
}
