/* SPDX-License-Identifier: GPL-2.0-or-later */
/* mptcpkit run --mode bpf: an fmod_ret program on update_socket_protocol
 * (Linux 6.6+) forces the sockets of the program's own cgroup. Setup and
 * release return 0 or -errno and never print; why it cannot be used is an
 * enum, made a sentence by cmd-run.c. */
#ifndef MPTCPKIT_RUN_BPF_H
#define MPTCPKIT_RUN_BPF_H

#include <stdbool.h>

#include "run-cgroup.h"

enum bpf_why {
	BPF_READY,          /* loaded and attached */
	BPF_NOT_BUILT,      /* mptcpkit was built without libbpf or clang's BPF target */
	BPF_NO_BTF,         /* no /sys/kernel/btf/vmlinux */
	BPF_NO_HOOK,        /* no update_socket_protocol in the kernel's BTF (before 6.6) */
	BPF_LOAD_REFUSED,   /* the kernel refused the program (error) */
	BPF_ATTACH_REFUSED, /* loaded, not attached (error) */
	BPF_NO_CGROUP,      /* no cgroup of its own (error): nothing to scope it to */
	BPF_FAILED,         /* anything else (error) */
};

struct bpf_forcing {
	enum bpf_why why;
	int error;          /* errno of the failed step */
	char detail[200];   /* libbpf's last message, for -d */
	bool inet, inet6;   /* MPTCP sockets of that family work here */
	int mptcp_error;    /* errno of the AF_INET MPTCP probe when !inet */
	struct run_cgroup cgroup;
	void *obj, *link;   /* libbpf's */
};

/* Probe MPTCP, make the cgroup, load and attach the program; 0 or -errno
 * (b->why says what failed; nothing is left behind). */
int bpf_forcing_setup(struct bpf_forcing *b);

/* Detach and remove the cgroup; when processes are still in it, a detached
 * process keeps the program attached until they are gone, then removes it. */
void bpf_forcing_release(struct bpf_forcing *b, bool debug);

/* Run the command with b set up (run-seccomp.c serves the socket options
 * MPTCP refuses); its exit code. Releases b. */
int run_bpf(char **argv, bool debug, struct bpf_forcing *b);

#endif
