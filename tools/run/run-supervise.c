// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * The seccomp supervisor: answers the command's socket() calls with MPTCP
 * sockets (TCP when MPTCP is refused) and its setsockopt() calls of options
 * MPTCP refuses (run-sockopt.c), forwards signals to it and passes its
 * exit status on.
 *
 * The socket is created by this process, so it belongs to this process's
 * network namespace, credentials and cgroup: the command runs in the same
 * ones (it is our child), which is what makes this correct. A command that
 * moves itself to another network namespace would get sockets of ours.
 *
 * When the command exits while processes it started still run under the
 * filter (daemons, background jobs), we return its status at once and leave
 * a detached copy of the supervisor serving them until the last one exits:
 * without it their socket() calls would fail with ENOSYS.
 */
#include <errno.h>
#include <fcntl.h>
#include <linux/seccomp.h>
#include <poll.h>
#include <seccomp.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/resource.h>
#include <sys/signalfd.h>
#include <sys/socket.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

#include "feature-text.h"
#include "mptcpkit.h"
#include "run-seccomp.h"
#include "util.h"

/* Linux 6.6+: the target waits for us synchronously, so the kernel can
 * hand over on the same CPU (much cheaper per call). Not in older headers. */
#ifndef SECCOMP_IOCTL_NOTIF_SET_FLAGS
#define SECCOMP_IOCTL_NOTIF_SET_FLAGS SECCOMP_IOW(4, __u64)
#endif
#ifndef SECCOMP_USER_NOTIF_FD_SYNC_WAKE_UP
#define SECCOMP_USER_NOTIF_FD_SYNC_WAKE_UP (1UL << 0)
#endif

static const int forwarded[] = { SIGINT, SIGTERM, SIGHUP, SIGQUIT, SIGUSR1, SIGUSR2 };
#define NFORWARDED (sizeof(forwarded) / sizeof(forwarded[0]))

int supervisor_signals_block(struct supervisor *s)
{
	sigset_t set;

	sigemptyset(&set);
	sigaddset(&set, SIGCHLD);
	for (size_t i = 0; i < NFORWARDED; i++)
		sigaddset(&set, forwarded[i]);
	if (sigprocmask(SIG_BLOCK, &set, &s->orig_mask) < 0)
		return -1;
	s->signal_fd = signalfd(-1, &set, SFD_CLOEXEC | SFD_NONBLOCK);
	return s->signal_fd < 0 ? -1 : 0;
}

static void respond_error(int nfd, __u64 id, int err)
{
	struct seccomp_notif_resp resp = { .id = id, .error = -err };

	seccomp_notify_respond(nfd, &resp);
}

/* Let the original socket() run (kernels without ADDFD_FLAG_SEND). */
static void respond_continue(int nfd, __u64 id)
{
	struct seccomp_notif_resp resp = {
		.id = id, .flags = SECCOMP_USER_NOTIF_FLAG_CONTINUE,
	};

	seccomp_notify_respond(nfd, &resp);
}

static void debug_socket(const struct seccomp_notif *req, int fd, int mptcp_err)
{
	const char *fam = req->data.args[0] == AF_INET ? "AF_INET" : "AF_INET6";

	if (!mptcp_err)
		fprintf(stderr, PROG_NAME ": pid %u: socket(%s) = %d: mptcp\n",
			req->pid, fam, fd);
	else
		fprintf(stderr, PROG_NAME ": pid %u: socket(%s) = %d: tcp (fallback: %s: %s)\n",
			req->pid, fam, fd, mpk_reason_name(mpk_reason_from_errno(mptcp_err)),
			strerror(mptcp_err));
}

/* One MPTCP socket per family made ahead of time, after the last answer
 * (while the program runs), so that creating it is not part of the next
 * socket() call's wait. -1: none yet, or MPTCP refused last time. */
static int spare[2] = { -1, -1 };

static int spare_slot(int family)
{
	return family == AF_INET6;
}

static void spare_refill(int family)
{
	int *slot = &spare[spare_slot(family)];

	if (*slot < 0)
		*slot = socket(family, SOCK_STREAM | SOCK_CLOEXEC, IPPROTO_MPTCP);
}

/* An MPTCP socket of this family and type (flags in type), or -errno. */
static int mptcp_socket(int family, int type)
{
	int *slot = &spare[spare_slot(family)], fd = *slot;

	*slot = -1;
	if (fd < 0 || (type & ~(SOCK_NONBLOCK | SOCK_CLOEXEC)) != SOCK_STREAM) {
		if (fd >= 0)
			close(fd);
		fd = socket(family, type | SOCK_CLOEXEC, IPPROTO_MPTCP);
		return fd < 0 ? -errno : fd;
	}
	/* O_NONBLOCK lives in the open file, which the program shares. */
	if ((type & SOCK_NONBLOCK) && fcntl(fd, F_SETFL, O_NONBLOCK) < 0) {
		close(fd);
		return -errno;
	}
	return fd;
}

/* Create the socket the command asked for, MPTCP if we can, and make it the
 * return value of its socket() call. */
static void answer_socket(int nfd, const struct seccomp_notif *req, bool debug)
{
	int family = (int)req->data.args[0], type = (int)req->data.args[1];
	int mptcp_err = 0, fd, newfd;
	struct seccomp_notif_addfd addfd = {
		.id = req->id,
		.flags = SECCOMP_ADDFD_FLAG_SEND,
		.newfd_flags = (type & SOCK_CLOEXEC) ? O_CLOEXEC : 0,
	};

	fd = mptcp_socket(family, type);
	if (fd < 0) {
		mptcp_err = -fd;
		fd = socket(family, type | SOCK_CLOEXEC, (int)req->data.args[2]);
	}
	if (fd < 0)
		return respond_error(nfd, req->id, errno);
	/* No SECCOMP_IOCTL_NOTIF_ID_VALID first: ADDFD itself fails with
	 * ENOENT when the caller is gone, and we read nothing of its memory. */
	addfd.srcfd = (__u32)fd;
	newfd = ioctl(nfd, SECCOMP_IOCTL_NOTIF_ADDFD, &addfd);
	if (newfd < 0 && errno == EINVAL)
		respond_continue(nfd, req->id);
	else if (newfd < 0 && errno != ENOENT)
		respond_error(nfd, req->id, errno); /* e.g. EMFILE in the caller */
	else if (newfd >= 0 && debug)
		debug_socket(req, newfd, mptcp_err);
	close(fd);
	if (!mptcp_err)
		spare_refill(family);
}

/* 0, or -errno when notifications cannot be received at all. */
static int serve_one(const struct supervisor *s)
{
	struct seccomp_notif req;
	int ret;

	/* The kernel wants a zeroed buffer. */
	memset(&req, 0, sizeof(req));
	ret = seccomp_notify_receive(s->notify_fd, &req);
	if (ret == 0 && req.data.nr == __NR_setsockopt)
		sockopt_answer(s, &req);
	else if (ret == 0)
		answer_socket(s->notify_fd, &req, s->debug);
	/* ENOENT: the caller went away before we read its call. */
	return ret == -ENOENT || ret == -EINTR ? 0 : ret;
}

/* Returns true once the command has exited (status in *status). */
static bool handle_signals(struct supervisor *s, int *status)
{
	struct signalfd_siginfo si;
	bool exited = false;

	while (read(s->signal_fd, &si, sizeof(si)) == sizeof(si)) {
		/* Terminal signals (SI_KERNEL) reach the command directly. */
		if (si.ssi_signo != SIGCHLD && si.ssi_code != SI_KERNEL)
			kill(s->child, (int)si.ssi_signo);
	}
	if (waitpid(s->child, status, WNOHANG) == s->child)
		exited = true;
	return exited;
}

/* Serve until no process remains under the filter (POLLHUP). */
static void serve_rest(const struct supervisor *s)
{
	struct pollfd p = { .fd = s->notify_fd, .events = POLLIN };

	seccomp_api_get();
	while (poll(&p, 1, -1) >= 0 || errno == EINTR) {
		if (p.revents & POLLIN)
			serve_one(s);
		else if (p.revents & (POLLHUP | POLLERR | POLLNVAL))
			return;
	}
}

static bool filter_in_use(int nfd)
{
	struct pollfd p = { .fd = nfd, .events = POLLIN };

	return poll(&p, 1, 0) == 0 || (p.revents & POLLIN);
}

/* Children of the command still run under the filter: keep serving them
 * from a detached process that holds no terminal or output pipe open. */
static void detach_server(struct supervisor *s)
{
	pid_t pid;
	int null;

	if (s->notify_fd < 0 || !filter_in_use(s->notify_fd))
		return;
	pid = fork();
	if (pid != 0)
		return;
	setsid();
	sigprocmask(SIG_SETMASK, &s->orig_mask, NULL);
	null = open("/dev/null", O_RDWR | O_CLOEXEC);
	dup2(null, STDIN_FILENO);
	dup2(null, STDOUT_FILENO);
	if (!s->debug)
		dup2(null, STDERR_FILENO);
	serve_rest(s);
	_exit(0);
}

int supervisor_exit_code(int status)
{
	struct rlimit no_core = { 0, 0 };
	sigset_t set;
	int sig;

	if (WIFEXITED(status))
		return WEXITSTATUS(status);
	sig = WTERMSIG(status);
	setrlimit(RLIMIT_CORE, &no_core); /* the command dumped core already */
	signal(sig, SIG_DFL);
	sigemptyset(&set);
	sigaddset(&set, sig);
	sigprocmask(SIG_UNBLOCK, &set, NULL);
	raise(sig);
	return 128 + sig;
}

int supervise(struct supervisor *s)
{
	struct pollfd p[2] = {
		{ .fd = s->notify_fd, .events = POLLIN },
		{ .fd = s->signal_fd, .events = POLLIN },
	};
	int status = 0;

	/* libseccomp's notify calls answer EOPNOTSUPP until it has probed the
	 * kernel in this process (the filter was loaded in the child). */
	seccomp_api_get();
	/* Before 6.6 (EINVAL): the usual wake-ups, only slower. */
	if (s->notify_fd >= 0 && ioctl(s->notify_fd, SECCOMP_IOCTL_NOTIF_SET_FLAGS,
		  SECCOMP_USER_NOTIF_FD_SYNC_WAKE_UP) < 0 && s->debug) {
		char text[200];

		fprintf(stderr, PROG_NAME ": run: %s (%s)\n",
			feature_needs(MPK_FEATURE_SECCOMP_SYNC, true, text, sizeof(text)),
			strerror(errno));
	}
	for (;;) {
		if (poll(p, 2, -1) < 0) {
			if (errno == EINTR)
				continue;
			break;
		}
		if (p[0].revents & POLLIN) {
			int err = serve_one(s);

			if (err < 0) {
				fail("run: cannot receive seccomp notifications: %s", strerror(-err));
				p[0].fd = -1;
			}
		} else if (p[0].revents) {
			p[0].fd = -1; /* no process left under the filter */
		}
		if ((p[1].revents & POLLIN) && handle_signals(s, &status))
			break;
	}
	detach_server(s);
	if (s->notify_fd >= 0)
		close(s->notify_fd);
	close(s->signal_fd);
	return status;
}
