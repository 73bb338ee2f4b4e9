/* SPDX-License-Identifier: GPL-2.0-or-later */
/* What mptcpkit tells the BPF program (mptcpify.bpf.c) once loaded: its
 * whole .bss, shared by both sides. */
#ifndef MPTCPKIT_MPTCPIFY_H
#define MPTCPKIT_MPTCPIFY_H

#include <linux/types.h>

struct mptcpify_config {
	__u64 cgroup;  /* the forced program's cgroup (v2) id */
	__u32 inet;    /* 1: MPTCP sockets of AF_INET work here */
	__u32 inet6;   /* 1: ... of AF_INET6 */
};

#endif
