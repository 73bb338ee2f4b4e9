// SPDX-License-Identifier: GPL-2.0-or-later
/* Gathering the files of a report: data, files, command output. */
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include <sys/wait.h>

#include "report.h"

#define OUTPUT_MAX (16u << 20)

static char *const clean_env[] = { "PATH=/usr/sbin:/usr/bin:/sbin:/bin", "LC_ALL=C", NULL };

int report_add(struct report *r, const char *name, char *data, size_t len)
{
	if (r->n == r->cap) {
		size_t cap = r->cap ? r->cap * 2 : 16;
		struct report_file *f = realloc(r->files, cap * sizeof(*f));

		if (!f) {
			free(data);
			return -ENOMEM;
		}
		r->files = f;
		r->cap = cap;
	}
	snprintf(r->files[r->n].name, sizeof(r->files[r->n].name), "%s", name);
	r->files[r->n].data = data;
	r->files[r->n++].len = len;
	return 0;
}

int report_add_text(struct report *r, const char *name, const char *fmt, ...)
{
	va_list ap;
	char *s;
	int n;

	va_start(ap, fmt);
	n = vasprintf(&s, fmt, ap);
	va_end(ap);
	if (n < 0)
		return -ENOMEM;
	return report_add(r, name, s, (size_t)n);
}

static long ms_until(const struct timespec *deadline)
{
	struct timespec now;

	clock_gettime(CLOCK_MONOTONIC, &now);
	return (deadline->tv_sec - now.tv_sec) * 1000 +
	       (deadline->tv_nsec - now.tv_nsec) / 1000000;
}

/* Room for more in *buf (capacity *cap, up to max); false at max. */
static bool grow(char **buf, size_t *cap, size_t len, size_t max)
{
	size_t ncap = *cap * 2 < max ? *cap * 2 : max;
	char *b;

	if (len < *cap)
		return true;
	if (*cap >= max || !(b = realloc(*buf, ncap)))
		return false;
	*buf = b;
	*cap = ncap;
	return true;
}

/* Everything fd gives until EOF, the first max bytes kept, or until the
 * deadline, when pid (if > 0) gets SIGTERM and 5 s more to finish. */
static int read_all(int fd, size_t max, char **out, size_t *len, pid_t pid,
		    const struct timespec *deadline, int *stopped)
{
	size_t cap = 4096;
	char *buf = malloc(cap), scratch[4096];

	if (!buf)
		return -ENOMEM;
	*len = 0;
	for (;;) {
		struct pollfd p = { .fd = fd, .events = POLLIN };
		long ms = ms_until(deadline);
		bool keep;
		ssize_t n;

		if (ms <= 0 && pid > 0 && !*stopped) {
			kill(pid, SIGTERM);
			*stopped = 1;
		}
		if (poll(&p, 1, *stopped ? 5000 : (int)(ms > 0 ? ms : 0)) <= 0) {
			if (*stopped || pid <= 0)
				break;  /* it ignored SIGTERM: keep what came */
			continue;
		}
		keep = grow(&buf, &cap, *len, max);
		n = read(fd, keep ? buf + *len : scratch, keep ? cap - *len : sizeof(scratch));
		if (n < 0 && (errno == EINTR || errno == EAGAIN))
			continue;
		if (n <= 0)
			break;
		if (keep)
			*len += (size_t)n;
	}
	*out = buf;
	return 0;
}

int report_add_file(struct report *r, const char *name, const char *path, size_t max)
{
	struct timespec never = { .tv_sec = (time_t)1 << 40 };
	int stopped = 0, fd = open(path, O_RDONLY | O_CLOEXEC | O_NONBLOCK);
	char *data;
	size_t len;
	int ret;

	if (fd < 0)
		return -errno;
	ret = read_all(fd, max, &data, &len, 0, &never, &stopped);
	close(fd);
	return ret < 0 ? ret : report_add(r, name, data, len);
}

static pid_t spawn(char *const argv[], int out)
{
	pid_t pid = fork();

	if (pid != 0)
		return pid;
	int null = open("/dev/null", O_RDWR);

	dup2(null, STDIN_FILENO);
	dup2(null, STDERR_FILENO);
	dup2(out, STDOUT_FILENO);
	execve(argv[0], argv, clean_env);
	_exit(127);
}

int report_add_command(struct report *r, const char *name, char *const argv[],
		       double seconds, int *status, int *stopped)
{
	struct timespec deadline;
	int p[2], ret;
	char *data;
	size_t len;
	pid_t pid;

	if (pipe2(p, O_CLOEXEC) < 0)
		return -errno;
	pid = spawn(argv, p[1]);
	close(p[1]);
	if (pid < 0) {
		ret = -errno;
		close(p[0]);
		return ret;
	}
	clock_gettime(CLOCK_MONOTONIC, &deadline);
	deadline.tv_sec += (time_t)seconds;
	deadline.tv_nsec += (long)((seconds - (double)(time_t)seconds) * 1e9);
	if (deadline.tv_nsec >= 1000000000L) {
		deadline.tv_sec++;
		deadline.tv_nsec -= 1000000000L;
	}
	*stopped = 0;
	ret = read_all(p[0], OUTPUT_MAX, &data, &len, pid, &deadline, stopped);
	close(p[0]);
	if (*stopped && waitpid(pid, status, WNOHANG) == 0)
		kill(pid, SIGKILL); /* SIGTERM did not end it */
	waitpid(pid, status, 0);
	return ret < 0 ? ret : report_add(r, name, data, len);
}

void report_free(struct report *r)
{
	for (size_t i = 0; i < r->n; i++)
		free(r->files[i].data);
	free(r->files);
	r->files = NULL;
	r->n = r->cap = 0;
}
