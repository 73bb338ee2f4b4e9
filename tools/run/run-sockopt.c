// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * mptcpkit run --mode seccomp: setsockopt() of the options MPTCP refuses.
 * The filter notifies only those (level, option) pairs that the running
 * kernel refused in the quick probe and whose policy is not 'error'. For
 * each such call we look at the program's socket (pidfd_getfd): not an
 * MPTCP socket, or 'error': the call runs as it is; 'ignore': it succeeds
 * unapplied; 'tcp': a TCP twin with the option applied replaces the socket
 * at the same number (SECCOMP_IOCTL_NOTIF_ADDFD with SETFD), then the call
 * succeeds.
 *
 * Why ADDFD without ADDFD_FLAG_SEND here: SEND would make the new fd number
 * setsockopt()'s return value, which programs read as a failure. Unlike
 * socket(), nothing leaks if a signal comes between the two steps: SETFD
 * replaces the number the program already holds, and the restarted call
 * then finds a TCP socket and runs unnotified.
 */
#include <errno.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/socket.h>
#include <sys/syscall.h>
#include <sys/uio.h>
#include <unistd.h>

#include "run-seccomp.h"
#include "util.h"

#ifndef PIDFD_THREAD
#define PIDFD_THREAD O_EXCL /* 6.9+: a pidfd of this very thread */
#endif
#ifndef SECCOMP_ADDFD_FLAG_SETFD
#define SECCOMP_ADDFD_FLAG_SETFD (1UL << 0)
#endif

/* Longest option value we copy from the program (tcp_md5sig: 216). */
#define OPTVAL_MAX 4096

int sockopt_supervisor_init(struct supervisor *s)
{
	const char *spec = getenv("MPTCPKIT_SOCKOPTS"), *bad = NULL;

	mpk_sockopt_policies_init(&s->policies);
	if (spec && mpk_sockopt_policies_parse(&s->policies, spec, &bad) < 0)
		return fail("run: MPTCPKIT_SOCKOPTS: bad item '%.*s' (NAME=tcp|ignore|error)",
			    (int)strcspn(bad, ", "), bad);
	/* No MPTCP here: nothing is forced, nothing refused. */
	if (mpk_sockopt_refused_now(s->refused, sizeof(s->refused)) < 0)
		memset(s->refused, 0, sizeof(s->refused));
	return 0;
}

bool sockopt_rules_needed(const struct supervisor *s)
{
	for (size_t i = 0; i < mpk_sockopt_count(); i++)
		if (s->refused[i] && s->policies.of[i] != MPK_SOCKOPT_ERROR)
			return true;
	return false;
}

int sockopt_rules_add(scmp_filter_ctx ctx, const struct supervisor *s)
{
	int ret = 0;

	for (size_t i = 0; i < mpk_sockopt_count() && !ret; i++) {
		const struct mpk_sockopt *o = mpk_sockopt_at(i);

		if (!s->refused[i] || s->policies.of[i] == MPK_SOCKOPT_ERROR)
			continue;
		ret = seccomp_rule_add(ctx, SCMP_ACT_NOTIFY, SCMP_SYS(setsockopt), 2,
				       SCMP_A1_32(SCMP_CMP_EQ, (uint32_t)o->level, 0),
				       SCMP_A2_32(SCMP_CMP_EQ, (uint32_t)o->optname, 0));
	}
	return ret;
}

static void respond(int nfd, __u64 id, int err, bool cont)
{
	struct seccomp_notif_resp resp = {
		.id = id, .error = -err,
		.flags = cont ? SECCOMP_USER_NOTIF_FLAG_CONTINUE : 0,
	};

	seccomp_notify_respond(nfd, &resp);
}

/* Our copy of the program's descriptor, or -1. */
static int grab_fd(pid_t tid, int fd)
{
	int pidfd = (int)syscall(SYS_pidfd_open, tid, PIDFD_THREAD), dup;

	if (pidfd < 0)
		pidfd = (int)syscall(SYS_pidfd_open, tid, 0); /* before 6.9: leaders only */
	if (pidfd < 0)
		return -1;
	dup = (int)syscall(SYS_pidfd_getfd, pidfd, fd, 0);
	close(pidfd);
	return dup;
}

static bool is_mptcp(int fd)
{
	int proto = 0;
	socklen_t len = sizeof(proto);

	return getsockopt(fd, SOL_SOCKET, SO_PROTOCOL, &proto, &len) == 0 &&
	       proto == IPPROTO_MPTCP;
}

/* The program's close-on-exec flag of fd, from /proc/TID/fdinfo/FD. */
static bool fd_cloexec(pid_t tid, int fd)
{
	char path[64], line[128];
	unsigned int flags = 0;
	bool found = false;
	FILE *f;

	snprintf(path, sizeof(path), "/proc/%d/fdinfo/%d", tid, fd);
	f = fopen(path, "re");
	if (!f)
		return true; /* the safer guess: not passed on to exec'd programs */
	while (!found && fgets(line, sizeof(line), f))
		found = sscanf(line, "flags: %o", &flags) == 1;
	fclose(f);
	return !found || (flags & O_CLOEXEC);
}

struct call {
	pid_t tid;
	int fd, level, optname;
	char val[OPTVAL_MAX];
	socklen_t len;
};

static int read_call(const struct seccomp_notif *req, struct call *c)
{
	struct iovec local = { .iov_base = c->val }, remote;

	c->tid = (pid_t)req->pid;
	c->fd = (int)req->data.args[0];
	c->level = (int)req->data.args[1];
	c->optname = (int)req->data.args[2];
	c->len = (socklen_t)req->data.args[4];
	if (c->len > OPTVAL_MAX)
		return -EINVAL;
	local.iov_len = remote.iov_len = c->len;
	remote.iov_base = (void *)(uintptr_t)req->data.args[3];
	if (c->len && process_vm_readv(c->tid, &local, 1, &remote, 1, 0) != (ssize_t)c->len)
		return -errno;
	return 0;
}

static void debug_line(const struct supervisor *s, const struct call *c, const char *what,
		       int err)
{
	const struct mpk_sockopt *o = mpk_sockopt_find(c->level, c->optname);

	if (s->debug)
		fprintf(stderr, PROG_NAME ": pid %d: setsockopt(%d, %s): %s%s%s\n", c->tid, c->fd,
			o ? o->name : "?", what, err ? ": " : "", err ? strerror(err) : "");
}

/* Install a TCP twin of old, with the option applied, at the program's
 * number; 0 or -errno (the program's socket unchanged unless rebinding
 * failed); *gone when the caller is no more. Consumes old. */
static int swap(const struct supervisor *s, const struct seccomp_notif *req,
		const struct call *c, int old, bool *gone)
{
	struct seccomp_notif_addfd addfd = {
		.id = req->id, .flags = SECCOMP_ADDFD_FLAG_SETFD, .newfd = (__u32)c->fd,
		.newfd_flags = fd_cloexec(c->tid, c->fd) ? O_CLOEXEC : 0,
	};
	struct sockaddr_storage ss;
	socklen_t sslen;
	int nfd = mpk_sock_tcp_twin(old), bound, err = 0;

	if (nfd < 0)
		return close(old), nfd;
	bound = mpk_sock_bound(old, &ss, &sslen);
	if (setsockopt(nfd, c->level, c->optname, c->val, c->len) < 0)
		err = -errno;
	addfd.srcfd = (__u32)nfd;
	if (!err && ioctl(s->notify_fd, SECCOMP_IOCTL_NOTIF_ADDFD, &addfd) < 0) {
		err = -errno;
		*gone = err == -ENOENT;
	}
	close(old); /* the old socket may now go, and free its port */
	if (!err && bound == 1 && bind(nfd, (struct sockaddr *)&ss, sslen) < 0)
		err = -errno;
	close(nfd);
	return err;
}

static void answer_tcp(const struct supervisor *s, const struct seccomp_notif *req,
		       struct call *c, int old)
{
	bool gone = false;
	int err;

	if (mpk_sock_swappable(old) < 0) {
		close(old);
		debug_line(s, c, "tcp: connected or listening, error passed on", 0);
		return respond(s->notify_fd, req->id, 0, true);
	}
	if (read_call(req, c) < 0 || seccomp_notify_id_valid(s->notify_fd, req->id) != 0) {
		close(old);
		return respond(s->notify_fd, req->id, 0, true);
	}
	err = swap(s, req, c, old, &gone);
	if (gone)
		return; /* the program went away */
	if (err < 0) {
		debug_line(s, c, "tcp: no TCP socket with it (the program gets the error)", -err);
		return respond(s->notify_fd, req->id, -err, false);
	}
	debug_line(s, c, "tcp: now a TCP socket with it", 0);
	respond(s->notify_fd, req->id, 0, false);
}

void sockopt_answer(const struct supervisor *s, const struct seccomp_notif *req)
{
	static struct call c; /* the supervisor serves one call at a time */
	int old;

	c.tid = (pid_t)req->pid;
	c.fd = (int)req->data.args[0];
	c.level = (int)req->data.args[1];
	c.optname = (int)req->data.args[2];
	old = grab_fd(c.tid, c.fd);
	if (old < 0 || !is_mptcp(old)) {
		if (old >= 0)
			close(old);
		return respond(s->notify_fd, req->id, 0, true);
	}
	switch (mpk_sockopt_policy_for(&s->policies, c.level, c.optname)) {
	case MPK_SOCKOPT_IGNORE:
		close(old);
		debug_line(s, &c, "ignore: not applied, socket stays MPTCP", 0);
		return respond(s->notify_fd, req->id, 0, false);
	case MPK_SOCKOPT_ERROR:
		close(old);
		debug_line(s, &c, "error: passed on", 0);
		return respond(s->notify_fd, req->id, 0, true);
	case MPK_SOCKOPT_TCP:
		break;
	}
	answer_tcp(s, req, &c, old);
}
