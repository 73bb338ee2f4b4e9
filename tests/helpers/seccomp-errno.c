// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * seccomp-errno ERRNO -- CMD [ARGS...]
 *
 * Run CMD with socket(any, any, IPPROTO_MPTCP) failing with ERRNO (a name
 * such as EINVAL or EPROTONOSUPPORT, or a number); every other system call,
 * and socket() for other protocols, is allowed. This is how the tests make
 * an old kernel (EINVAL), a kernel without MPTCP (EPROTONOSUPPORT) or a
 * security policy (EPERM, EACCES) refuse MPTCP for real, on a kernel that
 * has it. The filter is inherited by CMD's children.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <seccomp.h>

#define IPPROTO_MPTCP_NUMBER 262

static const struct {
	const char *name;
	int value;
} errnos[] = {
	{ "EINVAL", EINVAL },
	{ "EPROTONOSUPPORT", EPROTONOSUPPORT },
	{ "ENOPROTOOPT", ENOPROTOOPT },
	{ "EPERM", EPERM },
	{ "EACCES", EACCES },
	{ "EAFNOSUPPORT", EAFNOSUPPORT },
	{ "ENOMEM", ENOMEM },
};

/* ERRNO by name or number; -1 if unknown. */
static int parse_errno(const char *s)
{
	char *end;
	long v;

	for (size_t i = 0; i < sizeof(errnos) / sizeof(errnos[0]); i++)
		if (strcmp(s, errnos[i].name) == 0)
			return errnos[i].value;
	v = strtol(s, &end, 10);
	return (*s && !*end && v > 0 && v < 4096) ? (int)v : -1;
}

/* Install the filter; 0 or a negative error from libseccomp. */
static int refuse_mptcp_sockets(int err)
{
	/* The third argument of socket() is the protocol. */
	struct scmp_arg_cmp is_mptcp = {
		.arg = 2, .op = SCMP_CMP_EQ, .datum_a = IPPROTO_MPTCP_NUMBER,
	};
	scmp_filter_ctx ctx = seccomp_init(SCMP_ACT_ALLOW);
	int ret;

	if (!ctx)
		return -ENOMEM;
	/* libseccomp also covers socketcall() on architectures that have it. */
	ret = seccomp_rule_add(ctx, SCMP_ACT_ERRNO(err), SCMP_SYS(socket), 1, is_mptcp);
	if (ret == 0)
		ret = seccomp_load(ctx);
	seccomp_release(ctx);
	return ret;
}

int main(int argc, char **argv)
{
	int err, ret;

	if (argc < 4 || strcmp(argv[2], "--") != 0) {
		fprintf(stderr, "usage: seccomp-errno ERRNO -- CMD [ARGS...]\n");
		return 2;
	}
	err = parse_errno(argv[1]);
	if (err < 0) {
		fprintf(stderr, "seccomp-errno: unknown errno '%s'\n", argv[1]);
		return 2;
	}
	ret = refuse_mptcp_sockets(err);
	if (ret < 0) {
		fprintf(stderr, "seccomp-errno: cannot install the filter: %s\n", strerror(-ret));
		return 1;
	}
	execvp(argv[3], argv + 3);
	fprintf(stderr, "seccomp-errno: cannot run %s: %s\n", argv[3], strerror(errno));
	return 127;
}
