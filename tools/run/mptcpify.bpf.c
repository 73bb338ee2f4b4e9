// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * mptcpkit run --mode bpf: the kernel's socket() asks update_socket_protocol()
 * (Linux 6.6+) which protocol to use; this fmod_ret program answers
 * IPPROTO_MPTCP for TCP stream sockets of the processes in one cgroup, the
 * one mptcpkit made for the forced program (with the families MPTCP works
 * for). Built by clang -target bpf at build time and
 * embedded in mptcpkit (run-bpf.c).
 */
#include <linux/bpf.h>
#include <bpf/bpf_helpers.h>

#include "mptcpify.h"

#define AF_INET 2
#define AF_INET6 10
#define SOCK_STREAM 1
#define SOCK_TYPE_MASK 0xf /* the rest of type is SOCK_NONBLOCK, SOCK_CLOEXEC */
#define IPPROTO_TCP 6
#define IPPROTO_MPTCP 262

char LICENSE[] SEC("license") = "GPL";

/* Set by mptcpkit once loaded, before attaching (so that nothing is made
 * for a kernel that refuses the program). */
volatile struct mptcpify_config config;

SEC("fmod_ret/update_socket_protocol")
int mptcpify(__u64 *ctx)
{
	int family = (int)ctx[0], type = (int)ctx[1], protocol = (int)ctx[2];

	if ((type & SOCK_TYPE_MASK) != SOCK_STREAM || (protocol && protocol != IPPROTO_TCP))
		return protocol;
	if (!(family == AF_INET && config.inet) && !(family == AF_INET6 && config.inet6))
		return protocol;
	if (!config.cgroup || bpf_get_current_cgroup_id() != config.cgroup)
		return protocol;
	return IPPROTO_MPTCP;
}
