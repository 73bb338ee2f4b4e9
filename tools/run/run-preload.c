// SPDX-License-Identifier: GPL-2.0-or-later
/* mptcpkit run --mode preload: LD_PRELOAD the shim, then exec the command. */
#include <errno.h>
#include <limits.h>
#include <libgen.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "run.h"
#include "util.h"

#ifndef MPK_PRELOAD_PATH
#define MPK_PRELOAD_PATH "/usr/local/lib/mptcpkit/libmptcpkit-preload.so"
#endif
#define SHIM_NAME "libmptcpkit-preload.so"

static int try_path(const char *path, char *buf, size_t len)
{
	if (access(path, R_OK) != 0 || strlen(path) >= len)
		return -ENOENT;
	strcpy(buf, path);
	return 0;
}

/* In the build tree the shim is build/shim/ and we are build/tools/. */
static int try_build_tree(char *buf, size_t len)
{
	char exe[PATH_MAX], path[PATH_MAX + 64];
	ssize_t n = readlink("/proc/self/exe", exe, sizeof(exe) - 1);
	const char *dir;

	if (n <= 0)
		return -ENOENT;
	exe[n] = '\0';
	dir = dirname(exe);
	snprintf(path, sizeof(path), "%s/../shim/" SHIM_NAME, dir);
	if (try_path(path, buf, len) == 0)
		return realpath(path, buf) && strlen(buf) < len ? 0 : -ENOENT;
	snprintf(path, sizeof(path), "%s/" SHIM_NAME, dir);
	return try_path(path, buf, len);
}

int preload_find(char *buf, size_t len)
{
	const char *env = getenv("MPTCPKIT_PRELOAD");

	if (env && *env)
		return try_path(env, buf, len);
	if (try_build_tree(buf, len) == 0)
		return 0;
	return try_path(MPK_PRELOAD_PATH, buf, len);
}

/* LD_PRELOAD takes ':' or ' ' separated names; ours goes last so the
 * program's own preloads keep their precedence. */
static int set_ld_preload(const char *shim)
{
	const char *old = getenv("LD_PRELOAD");
	char *val;
	int ret;

	if (old && strstr(old, shim))
		return 0;
	if (!old || !*old)
		return setenv("LD_PRELOAD", shim, 1);
	if (asprintf(&val, "%s:%s", old, shim) < 0)
		return -1;
	ret = setenv("LD_PRELOAD", val, 1);
	free(val);
	return ret;
}

/* Go (1.21+) ignores LD_PRELOAD but honours this. */
static int set_godebug(void)
{
	const char *old = getenv("GODEBUG");
	char *val;
	int ret;

	if (old && strstr(old, "multipathtcp="))
		return 0;
	if (!old || !*old)
		return setenv("GODEBUG", "multipathtcp=1", 1);
	if (asprintf(&val, "%s,multipathtcp=1", old) < 0)
		return -1;
	ret = setenv("GODEBUG", val, 1);
	free(val);
	return ret;
}

int run_preload(char **argv, bool debug)
{
	char shim[PATH_MAX];

	if (preload_find(shim, sizeof(shim)) < 0)
		return fail("preload shim not found: set MPTCPKIT_PRELOAD or install "
			    MPK_PRELOAD_PATH);
	if (set_ld_preload(shim) || set_godebug() ||
	    (debug && setenv("MPTCPKIT_DEBUG", "1", 1)))
		return fail("cannot set the environment: %s", strerror(errno));
	execvp(argv[0], argv);
	return exec_fail(argv[0], errno);
}
