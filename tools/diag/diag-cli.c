// SPDX-License-Identifier: GPL-2.0-or-later
/* The command layer's side of the diag engine. */
#include <errno.h>
#include <string.h>

#include "diag-cli.h"
#include "feature-text.h"
#include "util.h"

int diag_take_once(unsigned int what, struct diag_snapshot *out)
{
	struct diag *d;
	int err = diag_open(&d);

	if (err < 0)
		return err;
	err = diag_take(d, what, out);
	diag_close(d);
	return err;
}

int diag_fail(const char *what, int err)
{
	char text[160];

	if (err == -ENOENT)
		return fail("%s: %s", what, feature_absent(MPK_FEATURE_DIAG, text, sizeof(text)));
	if (err == -EPERM || err == -EACCES)
		return fail("%s: sock_diag: %s (needs CAP_NET_ADMIN)", what, strerror(-err));
	return fail("%s: sock_diag: %s", what, strerror(-err));
}
