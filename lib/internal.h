/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* Declarations shared inside libmptcpkit; not part of the API. */
#ifndef MPK_INTERNAL_H
#define MPK_INTERNAL_H

#include "mptcpkit.h"

#define MPK_EXPORT __attribute__((visibility("default")))

void mpk_status_set(struct mpk_status *status, enum mpk_reason reason, int err);

/* Check the flags a public function accepts; 0 or -EINVAL. */
int mpk_flags_check(int flags);

/* The information paths of mpk_info_get(), exposed for the tests so that
 * each can be exercised on a kernel that has the newer one. */
int mpk_info_get_full(int fd, struct mpk_info *info);
int mpk_info_get_legacy(int fd, struct mpk_info *info);

/* Forget what mpk_socket() remembered (tests only). */
void mpk_socket_forget(void);

#endif
