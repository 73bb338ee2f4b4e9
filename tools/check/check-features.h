/* SPDX-License-Identifier: GPL-2.0-or-later */
/* check's table of kernel features (check-features.c). */
#ifndef MPTCPKIT_CHECK_FEATURES_H
#define MPTCPKIT_CHECK_FEATURES_H

/* Probe every feature and print the table (text or JSON key "features",
 * with "kernel"). */
void check_print_features(void);

#endif
