// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * mptcpkit run --mode seccomp: the child loads a seccomp filter that turns
 * socket(AF_INET/AF_INET6, SOCK_STREAM, 0 or IPPROTO_TCP) into a user
 * notification, hands the notification fd to us and execs the command. We
 * (run-supervise.c) answer each such socket() with an MPTCP socket of our
 * own; and setsockopt() of the options MPTCP refuses here (run-sockopt.c)
 * by their policy. This reaches what LD_PRELOAD cannot: static programs, Go, programs
 * that clear their environment, and all their threads and children.
 */
#include <errno.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#include "run-seccomp.h"
#include "run.h"
#include "util.h"

/* What the child reports through its close-on-exec pipe; EOF = exec'd. */
struct child_report {
	int stage; /* STAGE_* */
	int error;
};
enum {
	STAGE_FILTER = 1, /* the filter could not be loaded: exiting */
	STAGE_EXEC,       /* exec failed: exiting */
	STAGE_NESTED,     /* already under a supervisor: exec'ing without ours */
	STAGE_CGROUP,     /* could not join the run's cgroup: exiting */
};

static int add_rules(scmp_filter_ctx ctx)
{
	static const int families[] = { AF_INET, AF_INET6 };
	static const int protocols[] = { 0, IPPROTO_TCP };
	int ret = 0;

	for (int f = 0; f < 2 && !ret; f++)
		for (int p = 0; p < 2 && !ret; p++)
			ret = seccomp_rule_add(ctx, SCMP_ACT_NOTIFY, SCMP_SYS(socket), 3,
					       SCMP_A0_32(SCMP_CMP_EQ, families[f], 0),
					       SCMP_A1_32(SCMP_CMP_MASKED_EQ, 0xf, SOCK_STREAM),
					       SCMP_A2_32(SCMP_CMP_EQ, protocols[p], 0));
	return ret;
}

static int load_ctx(scmp_filter_ctx ctx)
{
	/* Without NO_NEW_PRIVS when we may (CAP_SYS_ADMIN): setuid programs
	 * then keep their privileges under the filter. */
	if (geteuid() == 0) {
		seccomp_attr_set(ctx, SCMP_FLTATR_CTL_NNP, 0);
		if (seccomp_load(ctx) == 0)
			return 0;
		seccomp_attr_set(ctx, SCMP_FLTATR_CTL_NNP, 1);
	}
	return seccomp_load(ctx);
}

/* Load the filter; the notification fd, or -errno. */
static int load_filter(const struct supervisor *s)
{
	scmp_filter_ctx ctx = seccomp_init(SCMP_ACT_ALLOW);
	int ret;

	if (!ctx)
		return -ENOMEM;
	/* Other ABIs (32-bit programs) are let through unforced, not killed. */
	ret = seccomp_attr_set(ctx, SCMP_FLTATR_ACT_BADARCH, SCMP_ACT_ALLOW);
	if (!ret && !s->sockopts_only)
		ret = add_rules(ctx);
	if (!ret)
		ret = sockopt_rules_add(ctx, s);
	if (!ret) {
		errno = 0;
		ret = load_ctx(ctx);
		/* libseccomp 2.5 turns the kernel's EBUSY (a listener is already
		 * in place: nested) into ECANCELED; errno still says it. */
		if (ret < 0 && errno == EBUSY)
			ret = -EBUSY;
	}
	if (!ret)
		ret = seccomp_notify_fd(ctx);
	seccomp_release(ctx);
	return ret;
}

static int send_fd(int sock, int fd)
{
	char data = 'N';
	struct iovec iov = { .iov_base = &data, .iov_len = 1 };
	union {
		char buf[CMSG_SPACE(sizeof(int))];
		struct cmsghdr align;
	} u = { 0 };
	struct msghdr msg = {
		.msg_iov = &iov, .msg_iovlen = 1,
		.msg_control = u.buf, .msg_controllen = sizeof(u.buf),
	};
	struct cmsghdr *c = CMSG_FIRSTHDR(&msg);

	c->cmsg_level = SOL_SOCKET;
	c->cmsg_type = SCM_RIGHTS;
	c->cmsg_len = CMSG_LEN(sizeof(int));
	memcpy(CMSG_DATA(c), &fd, sizeof(int));
	return sendmsg(sock, &msg, MSG_NOSIGNAL) == 1 ? 0 : -errno;
}

static int recv_fd(int sock)
{
	char data;
	struct iovec iov = { .iov_base = &data, .iov_len = 1 };
	union {
		char buf[CMSG_SPACE(sizeof(int))];
		struct cmsghdr align;
	} u;
	struct msghdr msg = {
		.msg_iov = &iov, .msg_iovlen = 1,
		.msg_control = u.buf, .msg_controllen = sizeof(u.buf),
	};
	struct cmsghdr *c;
	int fd;

	if (recvmsg(sock, &msg, MSG_CMSG_CLOEXEC) != 1)
		return -1;
	c = CMSG_FIRSTHDR(&msg);
	if (!c || c->cmsg_type != SCM_RIGHTS || c->cmsg_len != CMSG_LEN(sizeof(int)))
		return -1;
	memcpy(&fd, CMSG_DATA(c), sizeof(int));
	return fd;
}

static void report(int pipe_fd, int stage, int err)
{
	struct child_report r = { .stage = stage, .error = err };

	if (write(pipe_fd, &r, sizeof(r)) != sizeof(r))
		_exit(126);
}

static void __attribute__((noreturn))
child(char **argv, const struct supervisor *s, int sock, int pipe_fd)
{
	int nfd = -1, err;

	if (s->cgroup && (err = run_cgroup_enter(s->cgroup)) < 0) {
		report(pipe_fd, STAGE_CGROUP, -err);
		_exit(126);
	}
	if (!s->no_filter)
		nfd = load_filter(s);

	/* EBUSY: a filter of ours (or another supervisor's) is already in
	 * place, and only one may notify: its supervisor forces the sockets. */
	if (nfd == -EBUSY) {
		report(pipe_fd, STAGE_NESTED, EBUSY);
	} else if (nfd < 0 && !s->no_filter) {
		report(pipe_fd, STAGE_FILTER, -nfd);
		_exit(126);
	} else if (nfd >= 0 && send_fd(sock, nfd) < 0) {
		_exit(126);
	}
	if (nfd >= 0)
		close(nfd);
	close(sock);
	sigprocmask(SIG_SETMASK, &s->orig_mask, NULL);
	execvp(argv[0], argv);
	report(pipe_fd, STAGE_EXEC, errno);
	_exit(exec_failure_code(errno));
}

/* After fork: the notification fd once the child has exec'd, or the exit
 * code to return after explaining why not. */
static int parent_handshake(struct supervisor *s, char **argv, int sock, int pipe_fd)
{
	struct child_report r;
	int status;

	bool nested = false;
	ssize_t n;

	s->notify_fd = recv_fd(sock);
	n = read(pipe_fd, &r, sizeof(r));
	if (n == sizeof(r) && r.stage == STAGE_NESTED) {
		nested = true;
		if (s->debug)
			fprintf(stderr, PROG_NAME ": run: already under a seccomp supervisor: "
				"that one forces the sockets\n");
		n = read(pipe_fd, &r, sizeof(r));
	}
	if (n != sizeof(r)) {
		if (s->notify_fd >= 0 || nested || s->no_filter)
			return 0; /* EOF: exec succeeded */
		r.stage = 0;
	}
	if (s->notify_fd >= 0)
		close(s->notify_fd);
	waitpid(s->child, &status, 0);
	if (r.stage == STAGE_EXEC)
		return -exec_fail(argv[0], r.error);
	if (r.stage == STAGE_CGROUP)
		return -fail("cannot move the command into its cgroup: %s", strerror(r.error));
	if (r.stage == STAGE_FILTER)
		return -fail("cannot load the seccomp filter: %s (needs Linux 5.14+ "
			     "with seccomp user notification)", strerror(r.error));
	return -fail("the child process failed before running '%s'", argv[0]);
}

int seccomp_run(char **argv, bool debug, const struct seccomp_run_opts *o, int *status)
{
	struct supervisor s = {
		.debug = debug, .notify_fd = -1, .cgroup = o->cgroup,
		.sockopts_only = o->sockopts_only,
	};
	int sv[2], pp[2], ret;

	if (sockopt_supervisor_init(&s))
		return -2;
	s.no_filter = s.sockopts_only && !sockopt_rules_needed(&s);
	if (supervisor_signals_block(&s) < 0)
		return -fail("cannot set up signal handling: %s", strerror(errno));
	if (socketpair(AF_UNIX, SOCK_SEQPACKET | SOCK_CLOEXEC, 0, sv) < 0 ||
	    pipe2(pp, O_CLOEXEC) < 0)
		return -fail("cannot create a socket pair: %s", strerror(errno));
	fflush(NULL);
	s.child = fork();
	if (s.child < 0)
		return -fail("fork: %s", strerror(errno));
	if (s.child == 0) {
		close(sv[0]);
		close(pp[0]);
		child(argv, &s, sv[1], pp[1]);
	}
	close(sv[1]);
	close(pp[1]);
	ret = parent_handshake(&s, argv, sv[0], pp[0]);
	close(sv[0]);
	close(pp[0]);
	if (ret < 0)
		return ret;
	*status = supervise(&s);
	return 0;
}

int run_seccomp(char **argv, bool debug)
{
	struct seccomp_run_opts o = { 0 };
	int status, ret = seccomp_run(argv, debug, &o, &status);

	return ret < 0 ? -ret : supervisor_exit_code(status);
}
