// SPDX-License-Identifier: GPL-2.0-or-later
/* Running ip, tc, nft inside the lab's namespaces: fork + setns + execvp,
 * never a shell. Errors keep the program's first stderr line. */
#include <errno.h>
#include <fcntl.h>
#include <sched.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/prctl.h>
#include <sys/wait.h>
#include <unistd.h>

#include "lab.h"
#include "sysctl.h"
#include "util.h"

#define ARGS_MAX 64

static char last_error[512];

const char *lab_error(void)
{
	return last_error;
}

void lab_error_set(const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(last_error, sizeof(last_error), fmt, ap);
	va_end(ap);
}

void lab_log_first_line(const char *path, int err, char *line, size_t len)
{
	FILE *f = fopen(path, "r");

	if (!f || !fgets(line, (int)len, f))
		snprintf(line, len, "%s", strerror(-err));
	if (f)
		fclose(f);
	line[strcspn(line, "\n")] = '\0';
}

const char *lab_strerror(int err)
{
	if (err == -EIO && last_error[0])
		return last_error;
	return strerror(-err);
}

int lab_enter_ns(const char *ns)
{
	char path[128];
	int fd, ret;

	ret = netns_path(ns, path, sizeof(path));
	if (ret < 0)
		return ret;
	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return -errno;
	ret = setns(fd, CLONE_NEWNET) ? -errno : 0;
	close(fd);
	return ret;
}

/* The lab up path blocks signals to stay atomic; programs must not inherit that. */
static void child_reset_signals(void)
{
	sigset_t none;

	sigemptyset(&none);
	sigprocmask(SIG_SETMASK, &none, NULL);
}

pid_t lab_spawn(const char *ns, char *const argv[], int out_fd, int err_fd)
{
	pid_t pid = fork();

	if (pid != 0)
		return pid;
	/* A killed 'lab up' or demo must not leave its programs running on. */
	prctl(PR_SET_PDEATHSIG, SIGKILL);
	child_reset_signals();
	if (ns && lab_enter_ns(ns) < 0) {
		fprintf(stderr, "cannot enter namespace %s: %s\n", ns, strerror(errno));
		_exit(126);
	}
	if (out_fd >= 0 && dup2(out_fd, STDOUT_FILENO) < 0)
		_exit(126);
	if (err_fd >= 0 && dup2(err_fd, STDERR_FILENO) < 0)
		_exit(126);
	execvp(argv[0], argv);
	fprintf(stderr, "cannot run %s: %s\n", argv[0], strerror(errno));
	_exit(127);
}

/* First line of what the program wrote to fd (a memfd). */
static void first_line(int fd, char *buf, size_t len)
{
	ssize_t n = pread(fd, buf, len - 1, 0);

	buf[n > 0 ? n : 0] = '\0';
	buf[strcspn(buf, "\n")] = '\0';
}

static void describe_failure(char *const argv[], int status, const char *msg)
{
	size_t off = 0;

	for (int i = 0; argv[i] && off < sizeof(last_error) / 2; i++)
		off += snprintf(last_error + off, sizeof(last_error) - off, "%s%s",
				i ? " " : "", argv[i]);
	if (*msg)
		snprintf(last_error + off, sizeof(last_error) - off, ": %s", msg);
	else
		snprintf(last_error + off, sizeof(last_error) - off, ": exit status %d",
			 WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status));
}

static int wait_ok(pid_t pid, int *status)
{
	while (waitpid(pid, status, 0) < 0) {
		if (errno != EINTR)
			return -errno;
	}
	return WIFEXITED(*status) && WEXITSTATUS(*status) == 0 ? 0 : -EIO;
}

int lab_run_output(const char *ns, char *const argv[], char *out, size_t len)
{
	int err_fd = memfd_create("lab-stderr", MFD_CLOEXEC);
	int out_fd = out ? memfd_create("lab-stdout", MFD_CLOEXEC) : open("/dev/null", O_WRONLY | O_CLOEXEC);
	char msg[256];
	int status = 0, ret;
	pid_t pid;

	if (err_fd < 0 || out_fd < 0) {
		ret = -errno;
		goto out;
	}
	pid = lab_spawn(ns, argv, out_fd, err_fd);
	ret = pid < 0 ? -errno : wait_ok(pid, &status);
	if (ret) {
		first_line(err_fd, msg, sizeof(msg));
		describe_failure(argv, status, msg);
	}
	if (out) {
		ssize_t n = pread(out_fd, out, len - 1, 0);

		out[n > 0 ? n : 0] = '\0';
	}
out:
	if (err_fd >= 0)
		close(err_fd);
	if (out_fd >= 0)
		close(out_fd);
	return ret;
}

int lab_runv(const char *ns, char *const argv[])
{
	return lab_run_output(ns, argv, NULL, 0);
}

int lab_run(const char *ns, const char *prog, ...)
{
	char *argv[ARGS_MAX];
	va_list ap;
	int n = 0;

	argv[n++] = (char *)prog;
	va_start(ap, prog);
	while (n < ARGS_MAX - 1 && (argv[n] = va_arg(ap, char *)))
		n++;
	va_end(ap);
	argv[n] = NULL;
	return lab_runv(ns, argv);
}

/* In a child: the write's errno as the exit status. */
static void __attribute__((noreturn)) sysctl_child(const char *ns, const char *path,
						   const char *value)
{
	int err = lab_enter_ns(ns);

	if (err < 0)
		_exit(1);
	err = sysctl_write(path, value);
	_exit(-err & 0xff);
}

int lab_sysctl(const char *ns, const char *path, const char *value)
{
	int status;
	pid_t pid;

	pid = fork();
	if (pid == 0)
		sysctl_child(ns, path, value);
	if (pid < 0)
		return -errno;
	if (wait_ok(pid, &status) == 0)
		return 0;
	snprintf(last_error, sizeof(last_error), "sysctl %s=%s in %s: %s", path, value, ns,
		 WIFEXITED(status) ? strerror(WEXITSTATUS(status)) : "killed");
	return -EIO;
}
