/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Sentences about kernel features, made at the edge from the library's one
 * table (mpk_feature_*): "MPTCP_INFO needs Linux 5.16; this kernel is 5.15".
 */
#ifndef MPTCPKIT_FEATURE_TEXT_H
#define MPTCPKIT_FEATURE_TEXT_H

#include <stdbool.h>
#include <stddef.h>

#include "mptcpkit.h"

/* "MAJOR.MINOR" of a release string ("6.1.0-13-amd64" -> "6.1") into buf. */
const char *kernel_short(const char *release, char *buf, size_t len);

/* The running kernel's "MAJOR.MINOR" (uname), "?" when unknown. */
const char *kernel_running(void);

/* The running kernel is older than "MAJOR.MINOR" (false when unknown). */
bool kernel_older_than(const char *since);

/* "<what> needs Linux <since>; this kernel is <release's MAJOR.MINOR>" and,
 * when something stands in for it, "; using <fallback> instead" (pure). */
const char *feature_needs_text(enum mpk_feature f, const char *release, bool fallback,
			       char *buf, size_t len);

/* The same for the running kernel. */
const char *feature_needs(enum mpk_feature f, bool fallback, char *buf, size_t len);

/* Why the kernel lacks f, which it does (probed, or the kernel said so):
 * older than its version (feature_needs), built without MPTCP, or without
 * that part ("this kernel (6.1) has no mptcp_diag ... (not built, or its
 * module cannot be loaded)"). */
const char *feature_absent(enum mpk_feature f, char *buf, size_t len);

/* Commands: when the kernel lacks f, print "mptcpkit: <cmd>: <needs>" and
 * return 1; else 0 (present, or cannot tell: the kernel's own answer will
 * then say). */
int feature_require(enum mpk_feature f, const char *cmd);

#endif
