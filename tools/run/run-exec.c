// SPDX-License-Identifier: GPL-2.0-or-later
/* How a failed exec of the forced program is reported, for cmd-run.c and the
 * two engines that exec (run-preload.c, run-seccomp.c): it lives below all
 * three so that the engines never call back into the command file. */
#include <errno.h>
#include <string.h>

#include "run.h"
#include "util.h"

int exec_failure_code(int err)
{
	return err == ENOENT || err == ENOTDIR ? 127 : 126;
}

int exec_fail(const char *cmd, int err)
{
	fail("cannot run '%s': %s", cmd, strerror(err));
	return exec_failure_code(err);
}
