// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * mptcpkit run --mode bpf. The program (mptcpify.bpf.c, embedded at build
 * time) turns socket(AF_INET/AF_INET6, SOCK_STREAM, 0/IPPROTO_TCP) into
 * IPPROTO_MPTCP inside the kernel, for the processes of the cgroup made for
 * this run only: no round trip to a supervisor per socket. Families whose
 * MPTCP sockets fail here are left alone (the program would get the error;
 * the other modes fall back per socket, this one decides once, at start).
 *
 * The socket options MPTCP refuses are still answered by the seccomp
 * supervisor (run-seccomp.c without its socket() rules), which is also the
 * parent that removes everything when the program ends, however it ends.
 * The link is an fd: if mptcpkit itself is killed the kernel detaches the
 * program, and the next run removes the empty cgroup left behind.
 */
#include <errno.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include "run-bpf.h"
#include "run-seccomp.h"
#include "run.h"

static int fail_with(struct bpf_forcing *b, enum bpf_why why, int err)
{
	b->why = why;
	b->error = err < 0 ? -err : err;
	return -b->error;
}

#ifdef MPK_HAVE_BPF
#include <bpf/btf.h>
#include <bpf/libbpf.h>

#include "mptcpify.bpf.h"
#include "mptcpify.h"

static char *last_message; /* b->detail of the setup under way */
static size_t last_len;

/* libbpf's messages go to b->detail (the first warning: the cause; the
 * ones after say what failed with it), never to stderr. */
__attribute__((format(printf, 2, 0)))
static int keep_message(enum libbpf_print_level level, const char *fmt, va_list ap)
{
	char line[512];

	if (level == LIBBPF_DEBUG || !last_message)
		return 0;
	vsnprintf(line, sizeof(line), fmt, ap);
	line[strcspn(line, "\n")] = '\0';
	if (line[0] && !last_message[0])
		snprintf(last_message, last_len, "%s", line);
	return 0;
}

/* libbpf's messages into b->detail while b is set up; NULL: dropped. */
static void messages_to(struct bpf_forcing *b)
{
	last_message = b ? b->detail : NULL;
	last_len = b ? sizeof(b->detail) : 0;
	libbpf_set_print(keep_message);
}

static int has_hook(struct bpf_forcing *b)
{
	struct btf *vmlinux = btf__load_vmlinux_btf();
	int id;

	if (!vmlinux) {
		b->why = BPF_NO_BTF;
		return -(b->error = errno ? errno : ENOENT);
	}
	id = btf__find_by_name_kind(vmlinux, "update_socket_protocol", BTF_KIND_FUNC);
	btf__free(vmlinux);
	if (id < 0) {
		b->why = BPF_NO_HOOK;
		return -(b->error = ENOENT);
	}
	return 0;
}

/* The program's .bss is its config: one array element. */
static int set_config(struct bpf_object *obj, const struct bpf_forcing *b)
{
	struct mptcpify_config cfg = {
		.cgroup = b->cgroup.id, .inet = b->inet, .inet6 = b->inet6,
	};
	struct bpf_map *map;
	__u32 key = 0;

	bpf_object__for_each_map(map, obj) {
		const char *name = bpf_map__name(map);
		size_t n = strlen(name);

		if (n >= 4 && !strcmp(name + n - 4, ".bss"))
			return bpf_map__update_elem(map, &key, sizeof(key), &cfg, sizeof(cfg), 0);
	}
	return -ENOENT;
}

static int load(struct bpf_forcing *b)
{
	LIBBPF_OPTS(bpf_object_open_opts, opts, .object_name = "mptcpify");
	struct bpf_object *obj;
	int err;

	obj = bpf_object__open_mem(mptcpify_bpf_obj, sizeof(mptcpify_bpf_obj), &opts);
	if (!obj)
		return fail_with(b, BPF_FAILED, errno);
	b->obj = obj;
	err = bpf_object__load(obj);
	return err ? fail_with(b, BPF_LOAD_REFUSED, err) : 0;
}

static int attach(struct bpf_forcing *b)
{
	struct bpf_program *prog;
	struct bpf_link *link;
	int err = set_config(b->obj, b);

	if (err)
		return fail_with(b, BPF_FAILED, err);
	prog = bpf_object__find_program_by_name(b->obj, "mptcpify");
	if (!prog)
		return fail_with(b, BPF_FAILED, ENOENT);
	link = bpf_program__attach_trace(prog);
	if (!link)
		return fail_with(b, BPF_ATTACH_REFUSED, errno);
	b->link = link;
	return 0;
}

static void unload(struct bpf_forcing *b)
{
	if (b->link)
		bpf_link__destroy(b->link);
	if (b->obj)
		bpf_object__close(b->obj);
	b->link = b->obj = NULL;
}
#else
static void messages_to(struct bpf_forcing *b)
{
}

static int has_hook(struct bpf_forcing *b)
{
	b->why = BPF_NOT_BUILT;
	return -(b->error = ENOTSUP);
}

static int load(struct bpf_forcing *b)
{
	return -ENOTSUP;
}

static int attach(struct bpf_forcing *b)
{
	return -ENOTSUP;
}

static void unload(struct bpf_forcing *b)
{
}
#endif

/* Can this process make MPTCP sockets of this family? */
static bool mptcp_works(int family, int *err)
{
	int fd = socket(family, SOCK_STREAM | SOCK_CLOEXEC, IPPROTO_MPTCP);

	if (fd < 0) {
		*err = errno;
		return false;
	}
	close(fd);
	return true;
}

/* Everything but the BTF check, which comes first. */
static int setup_rest(struct bpf_forcing *b)
{
	int err, err6;

	b->inet = mptcp_works(AF_INET, &b->mptcp_error);
	b->inet6 = mptcp_works(AF_INET6, &err6);
	err = load(b);
	if (!err) {
		err = run_cgroup_create(&b->cgroup);
		if (err)
			fail_with(b, BPF_NO_CGROUP, err);
	}
	if (!err)
		err = attach(b);
	if (err) {
		unload(b);
		run_cgroup_remove(&b->cgroup);
	}
	return err;
}

int bpf_forcing_setup(struct bpf_forcing *b)
{
	int err;

	memset(b, 0, sizeof(*b));
	b->cgroup.fd = b->cgroup.parent_fd = -1;
	messages_to(b);
	err = has_hook(b);
	if (!err)
		err = setup_rest(b);
	messages_to(NULL);
	if (!err)
		b->why = BPF_READY;
	return err;
}

/* Processes of the program are left in the cgroup (daemons): keep the
 * program attached for them from a detached process, then remove it. */
static bool hand_over(struct bpf_forcing *b, bool debug)
{
	pid_t pid;
	int null;

	if (!run_cgroup_populated(&b->cgroup))
		return false;
	pid = fork();
	if (pid != 0)
		return pid > 0;
	setsid();
	null = open("/dev/null", O_RDWR | O_CLOEXEC);
	dup2(null, STDIN_FILENO);
	dup2(null, STDOUT_FILENO);
	if (!debug)
		dup2(null, STDERR_FILENO);
	run_cgroup_wait_empty(&b->cgroup);
	unload(b);
	run_cgroup_remove(&b->cgroup);
	_exit(0);
}

void bpf_forcing_release(struct bpf_forcing *b, bool debug)
{
	bool handed = hand_over(b, debug);

	unload(b);
	if (handed)
		run_cgroup_forget(&b->cgroup);
	else
		run_cgroup_remove(&b->cgroup);
}

int run_bpf(char **argv, bool debug, struct bpf_forcing *b)
{
	struct seccomp_run_opts o = { .cgroup = &b->cgroup, .sockopts_only = true };
	int status, ret = seccomp_run(argv, debug, &o, &status);

	bpf_forcing_release(b, debug);
	return ret < 0 ? -ret : supervisor_exit_code(status);
}
