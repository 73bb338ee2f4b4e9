/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* The feature table's rows and the probes they name (inside the library). */
#ifndef MPK_FEATURE_H
#define MPK_FEATURE_H

#include <stdbool.h>
#include <stddef.h>

#include "mptcpkit.h"

enum mpk_probe_kind {
	MPK_PROBE_SOCKET,       /* socket(IPPROTO_MPTCP) */
	MPK_PROBE_GENL_FAMILY,  /* the mptcp_pm family resolves */
	MPK_PROBE_GENL_GROUP,   /* ... with its mptcp_pm_events group */
	MPK_PROBE_GENL_CMD,     /* ... and lists command 'arg' */
	MPK_PROBE_DIAG,         /* an inet_diag dump of IPPROTO_MPTCP */
	MPK_PROBE_SOCKOPT,      /* getsockopt 'arg' on an MPTCP socket */
	MPK_PROBE_INFO_SIZE,    /* MPTCP_INFO's length covers the byte counters */
	MPK_PROBE_SYSCTL,       /* /proc/sys/<mpk_feature_sysctl()> exists */
	MPK_PROBE_SECCOMP,      /* SECCOMP_IOCTL_NOTIF_SET_FLAGS, in a child */
	MPK_PROBE_VERSION,      /* nothing to ask: uname's release vs since */
};

struct mpk_feature_row {
	const char *name;
	const char *what;
	const char *since;
	const char *fallback;
	enum mpk_probe_kind probe;
	int arg;
};

/* The row of f, NULL when out of range. */
const struct mpk_feature_row *mpk_feature_row(enum mpk_feature f);
/* The sysctl path (below /proc/sys) an MPK_PROBE_SYSCTL row probes. */
const char *mpk_feature_sysctl(enum mpk_feature f);

/* The probes (feature-probe.c, feature-genl.c): 1 present, 0 missing, -errno. */
int mpk_probe_genl(enum mpk_probe_kind kind, int cmd);
int mpk_probe_diag(void);
int mpk_probe_seccomp_sync(void);

/* Compare "MAJOR.MINOR" release strings: <0, 0, >0 (pure, for the tests). */
int mpk_version_cmp(const char *release, const char *since);

#endif
