// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * mptcp-deny ERRNO -- CMD [ARGS...]: run CMD under a seccomp filter that
 * fails socket(..., IPPROTO_MPTCP) with ERRNO (a number or EPERM, EACCES,
 * ENOPROTOOPT): MPTCP "blocked" the way an LSM or a container policy would.
 */
#include <errno.h>
#include <seccomp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#ifndef IPPROTO_MPTCP
#define IPPROTO_MPTCP 262
#endif

static int parse_errno(const char *s)
{
	if (!strcmp(s, "EPERM"))
		return EPERM;
	if (!strcmp(s, "EACCES"))
		return EACCES;
	if (!strcmp(s, "ENOPROTOOPT"))
		return ENOPROTOOPT;
	return atoi(s);
}

int main(int argc, char **argv)
{
	scmp_filter_ctx ctx;
	int err, first = 2;

	if (argc > 2 && !strcmp(argv[2], "--"))
		first = 3;
	if (argc <= first || (err = parse_errno(argv[1])) <= 0) {
		fprintf(stderr, "usage: mptcp-deny ERRNO -- CMD [ARGS...]\n");
		return 2;
	}
	ctx = seccomp_init(SCMP_ACT_ALLOW);
	if (!ctx || seccomp_rule_add(ctx, SCMP_ACT_ERRNO((unsigned)err), SCMP_SYS(socket), 1,
				     SCMP_A2_32(SCMP_CMP_EQ, IPPROTO_MPTCP, 0)) ||
	    seccomp_load(ctx)) {
		fprintf(stderr, "mptcp-deny: cannot load the filter\n");
		return 1;
	}
	seccomp_release(ctx);
	execvp(argv[first], argv + first);
	perror("mptcp-deny: exec");
	return 127;
}
