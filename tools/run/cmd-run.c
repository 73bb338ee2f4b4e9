// SPDX-License-Identifier: GPL-2.0-or-later
/* mptcpkit run [-d] [--mode auto|bpf|preload|seccomp] [--sockopt NAME=POLICY]... -- CMD [ARGS...] */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "sockopt.h"

#include <sys/utsname.h>
#include <unistd.h>

#include "commands.h"
#include "run-bpf.h"
#include "run.h"
#include "util.h"

static void run_usage(FILE *f)
{
	fprintf(f, "Usage: " PROG_NAME " run [-d] [--mode auto|bpf|preload|seccomp]\n"
		   "         [--sockopt NAME=tcp|ignore|error]... [--] CMD [ARGS...]\n\n"
		   "Run CMD with its TCP sockets turned into MPTCP sockets (TCP when\n"
		   "MPTCP is refused, so CMD keeps working).\n\n"
		   "  -d, --debug  say which mode and why; a line per forced socket and\n"
		   "               per socket option decision\n"
		   "  -m, --mode   bpf: a BPF program in the kernel (Linux 6.6+, root) makes\n"
		   "               the sockets of CMD's own cgroup MPTCP (any program)\n"
		   "               preload: LD_PRELOAD a socket() shim (dynamic programs)\n"
		   "               seccomp: answer socket() from a supervisor (any program)\n"
		   "               auto (default): bpf where the kernel loads it; else\n"
		   "               seccomp for static, Go and setuid programs, preload\n"
		   "               otherwise\n"
		   "  -o, --sockopt NAME=POLICY\n"
		   "               what to do when CMD sets option NAME (TCP_USER_TIMEOUT...)\n"
		   "               and MPTCP refuses it: tcp (make that socket plain TCP),\n"
		   "               ignore (succeed, not applied) or error (pass the error\n"
		   "               on); see 'mptcpkit check --sockopts' for the defaults\n");
}

static int parse_mode(const char *s, enum run_mode *mode)
{
	if (!strcmp(s, "auto"))
		*mode = RUN_AUTO;
	else if (!strcmp(s, "preload"))
		*mode = RUN_PRELOAD;
	else if (!strcmp(s, "seccomp"))
		*mode = RUN_SECCOMP;
	else if (!strcmp(s, "bpf"))
		*mode = RUN_BPF;
	else
		return -EINVAL;
	return 0;
}

/* Why NAME=POLICY is not one, for the error line. */
static int sockopt_fail(const char *cmd, const char *item)
{
	const char *eq = strchr(item, '=');
	enum mpk_sockopt_policy p;
	char name[64];

	if (!eq || eq == item || (size_t)(eq - item) >= sizeof(name))
		return fail("%s: --sockopt '%s': expected NAME=tcp|ignore|error", cmd, item);
	memcpy(name, item, (size_t)(eq - item));
	name[eq - item] = '\0';
	if (!mpk_sockopt_by_name(name))
		return fail("%s: --sockopt '%s': unknown option %s (see '" PROG_NAME
			    " check --sockopts')", cmd, item, name);
	if (mpk_sockopt_policy_parse(eq + 1, &p) < 0)
		return fail("%s: --sockopt '%s': unknown policy '%s' (tcp, ignore or error)",
			    cmd, item, eq + 1);
	return fail("%s: --sockopt '%s': expected NAME=tcp|ignore|error", cmd, item);
}

int run_sockopt_check(const char *cmd, const char *item)
{
	struct mpk_sockopt_policies ps;

	mpk_sockopt_policies_init(&ps);
	if (!*item || strpbrk(item, ", ") || mpk_sockopt_policies_parse(&ps, item, NULL) < 0) {
		sockopt_fail(cmd, item);
		return -2;
	}
	return 0;
}

/* Check NAME=POLICY and add it to MPTCPKIT_SOCKOPTS (later items win),
 * which the shim and the supervisor read; 0 or -2 (exit code 2). */
static int add_sockopt(const char *item)
{
	const char *old = getenv("MPTCPKIT_SOCKOPTS");
	char *val;
	int ret;

	if (run_sockopt_check("run", item) < 0)
		return -2;
	if (asprintf(&val, "%s%s%s", old ? old : "", old && *old ? "," : "", item) < 0)
		return -2;
	ret = setenv("MPTCPKIT_SOCKOPTS", val, 1);
	free(val);
	return ret ? -2 : 0;
}

/* Options end at "--" or at the first word that is not one. */
static int parse_args(int argc, char **argv, bool *debug, enum run_mode *mode)
{
	int i = 1;

	for (; i < argc && argv[i][0] == '-'; i++) {
		const char *a = argv[i];

		if (!strcmp(a, "--"))
			return i + 1;
		if (!strcmp(a, "-h") || !strcmp(a, "--help"))
			return 0; /* only before CMD: CMD's own --help is CMD's */
		if (!strcmp(a, "-d") || !strcmp(a, "--debug")) {
			*debug = true;
		} else if ((!strcmp(a, "-m") || !strcmp(a, "--mode")) && i + 1 < argc) {
			if (parse_mode(argv[++i], mode) < 0)
				return -fail("run: unknown mode '%s' (auto, bpf, preload or seccomp)",
					     argv[i]);
		} else if ((!strcmp(a, "-o") || !strcmp(a, "--sockopt")) && i + 1 < argc) {
			if (add_sockopt(argv[++i]) < 0)
				return -2;
		} else if (!strncmp(a, "--sockopt=", 10)) {
			if (add_sockopt(a + 10) < 0)
				return -2;
		} else if (!strncmp(a, "--mode=", 7)) {
			if (parse_mode(a + 7, mode) < 0)
				return -fail("run: unknown mode '%s' (auto, bpf, preload or seccomp)",
					     a + 7);
		} else {
			return -fail("run: unknown option '%s' (try '" PROG_NAME " run --help')", a);
		}
	}
	return i;
}

static enum run_mode choose(const char *cmd, bool debug, const char *no_bpf)
{
	struct exec_probe p;
	const char *why;
	enum run_mode mode;

	exec_probe(cmd, &p);
	mode = run_mode_choose(&p, &why);
	if (debug)
		fprintf(stderr, PROG_NAME ": run: no bpf mode (%s); %s mode: %s%s%s\n", no_bpf,
			mode == RUN_SECCOMP ? "seccomp" : "preload",
			p.path[0] ? p.path : cmd, p.path[0] ? " is " : ": ", why);
	return mode;
}

/* Why bpf mode cannot be used, one line. */
static const char *bpf_why_text(const struct bpf_forcing *b, char *buf, size_t len)
{
	const char *err = strerror(b->error);
	struct utsname u;

	if (uname(&u) < 0)
		snprintf(u.release, sizeof(u.release), "?");
	switch (b->why) {
	case BPF_READY:
		return "ready";
	case BPF_NOT_BUILT:
		return "mptcpkit was built without it (libbpf and clang's BPF target are "
		       "needed at build time)";
	case BPF_NO_BTF:
		return "the kernel has no BTF (/sys/kernel/btf/vmlinux, CONFIG_DEBUG_INFO_BTF)";
	case BPF_NO_HOOK:
		snprintf(buf, len, "kernel %s has no update_socket_protocol hook (Linux 6.6+)",
			 u.release);
		break;
	case BPF_LOAD_REFUSED:
		snprintf(buf, len, "kernel %s refuses to load the fmod_ret program on "
			 "update_socket_protocol: %s%s", u.release, err,
			 b->error != EPERM ? "" : geteuid() ? " (needs root)" :
			 " (as root: this kernel allows no fmod_ret/fentry programs)");
		break;
	case BPF_ATTACH_REFUSED:
		snprintf(buf, len, "kernel %s loads the program but refuses to attach it to "
			 "update_socket_protocol: %s", u.release, err);
		break;
	case BPF_NO_CGROUP:
		snprintf(buf, len, "no cgroup of its own for the program to scope it to: %s",
			 b->error == ENOENT ? "no cgroup v2 hierarchy is mounted" : err);
		break;
	case BPF_FAILED:
		snprintf(buf, len, "cannot prepare the BPF program: %s", err);
		break;
	}
	return buf;
}

static void bpf_debug(const struct bpf_forcing *b)
{
	fprintf(stderr, PROG_NAME ": run: bpf mode: fmod_ret on update_socket_protocol for "
		"cgroup %s (id %llu); AF_INET %s, AF_INET6 %s\n", b->cgroup.path,
		(unsigned long long)b->cgroup.id, b->inet ? "forced" : "left TCP (no MPTCP)",
		b->inet6 ? "forced" : "left TCP (no MPTCP)");
}

/* bpf mode when asked for or (auto) when it loads; else the mode to use. */
static int try_bpf(char **argv, bool debug, enum run_mode *mode)
{
	struct bpf_forcing b;
	char buf[512];
	const char *why;

	/* Loading BTF to learn that only root may load the program costs
	 * tens of milliseconds: auto does not try without root. */
	if (*mode == RUN_AUTO && geteuid() != 0) {
		*mode = choose(argv[0], debug, "needs root");
		return -1;
	}
	if (bpf_forcing_setup(&b) == 0) {
		if (debug)
			bpf_debug(&b);
		return run_bpf(argv, debug, &b);
	}
	why = bpf_why_text(&b, buf, sizeof(buf));
	if (*mode == RUN_AUTO)
		*mode = choose(argv[0], debug, why);
	/* After the line saying the mode: the first line of -d stays that. */
	if (debug && b.detail[0])
		fprintf(stderr, PROG_NAME ": run: bpf mode: libbpf said: %s\n", b.detail);
	if (*mode == RUN_BPF)
		return fail("run: bpf mode: %s", why);
	return -1;
}

/* MPTCPKIT_DEBUG=1 (what the shim reads) turns on -d in seccomp mode too,
 * e.g. from a unit's environment. */
static bool debug_from_env(void)
{
	const char *d = getenv("MPTCPKIT_DEBUG");

	return d && *d && strcmp(d, "0") != 0;
}

int run_main(int argc, char **argv, enum run_mode mode)
{
	bool debug = debug_from_env();
	int first;

	first = parse_args(argc, argv, &debug, &mode);
	if (first < 0)
		return -first;
	if (first == 0) {
		run_usage(stdout);
		return 0;
	}
	if (first >= argc)
		return fail("run: no command given (usage: mptcpkit run [-d] [--mode MODE] -- CMD [ARGS...])");
	if (mode == RUN_AUTO || mode == RUN_BPF) {
		int ret = try_bpf(argv + first, debug, &mode);

		if (ret >= 0)
			return ret;
	}
	if (mode == RUN_SECCOMP)
		return run_seccomp(argv + first, debug);
	return run_preload(argv + first, debug);
}

int cmd_run(int argc, char **argv)
{
	return run_main(argc, argv, RUN_AUTO);
}
