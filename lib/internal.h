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

/* The kernel's mptcp_info and tcp_info (lib/uapi/mptcp-uapi.h) as the
 * public structures; filled is how many bytes of m the kernel wrote. Also
 * for the mptcpkit program's sock_diag engine, which gets the same
 * structures from netlink. */
struct mpk_uapi_mptcp_info;
struct mpk_uapi_tcp_info;
struct sockaddr;
struct sockaddr_storage;
void mpk_conn_from_uapi(struct mpk_conn_info *c, const struct mpk_uapi_mptcp_info *m,
			size_t filled);
/* MPK_CONN_KNOWN_* for a struct mptcp_info of which the kernel wrote
 * filled bytes. */
uint32_t mpk_conn_known(size_t filled);
void mpk_tcp_from_uapi(struct mpk_subflow_info *s, const struct mpk_uapi_tcp_info *t);
/* The same host address (an IPv4 address equals its IPv4-mapped form). */
bool mpk_same_host(const struct sockaddr *a, const struct sockaddr_storage *b);

/* Forget what mpk_socket() remembered (tests only). */
void mpk_socket_forget(void);

#endif
