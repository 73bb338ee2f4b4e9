// SPDX-License-Identifier: GPL-2.0-or-later
/* Running 'mptcpkit perf' (this very program) inside the demo's lab. */
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>
#include <json-c/json.h>

#include "clock.h"
#include "demo.h"
#include "lab.h"

static void sleep_s(double s)
{
	struct timespec ts = { (time_t)s, (long)((s - (time_t)s) * 1e9) };

	nanosleep(&ts, NULL);
}

int demo_server_start(const struct demo_ctx *c, int port, pid_t *pid)
{
	char portstr[16];
	char *argv[] = { (char *)c->self, "perf", "-s", "-1", "-p", portstr, NULL };
	int null = open("/dev/null", O_WRONLY | O_CLOEXEC);

	snprintf(portstr, sizeof(portstr), "%d", port);
	*pid = lab_spawn(c->server_ns, argv, null, null);
	close(null);
	if (*pid < 0)
		return -errno;
	for (int i = 0; i < 100 && !*c->stop; i++) {
		if (lab_listening(c->server_ns, port))
			return 0;
		if (waitpid(*pid, NULL, WNOHANG) == *pid) {
			*pid = -1;
			return -ECHILD;
		}
		sleep_s(0.05);
	}
	return *c->stop ? -EINTR : -ETIMEDOUT;
}

int demo_client_start(const struct demo_ctx *c, const char *addr, int port, bool tcp,
		      double seconds, const char *const *plot_args, struct demo_client *cl)
{
	char portstr[16], secs[32];
	char *argv[24] = { (char *)c->self, "-j", "perf", "-c", (char *)addr, "-p", portstr,
			   "-t", secs };
	int n = 9;

	snprintf(portstr, sizeof(portstr), "%d", port);
	snprintf(secs, sizeof(secs), "%g", seconds);
	if (tcp)
		argv[n++] = "--tcp";
	if (c->reverse)
		argv[n++] = "-R";
	for (; plot_args && *plot_args && n < 23; plot_args++)
		argv[n++] = (char *)*plot_args;
	argv[n] = NULL;
	cl->out_fd = memfd_create("demo-perf-out", MFD_CLOEXEC);
	cl->err_fd = memfd_create("demo-perf-err", MFD_CLOEXEC);
	if (cl->out_fd < 0 || cl->err_fd < 0)
		return -errno;
	cl->pid = lab_spawn(c->client_ns, argv, cl->out_fd, cl->err_fd);
	return cl->pid < 0 ? -errno : 0;
}

/* The whole content of a memfd, NUL-terminated; NULL when out of memory. */
static char *slurp(int fd)
{
	off_t len = lseek(fd, 0, SEEK_END);
	char *buf = malloc(len > 0 ? len + 1 : 1);
	ssize_t n;

	if (!buf)
		return NULL;
	n = len > 0 ? pread(fd, buf, len, 0) : 0;
	buf[n > 0 ? n : 0] = '\0';
	return buf;
}

static int wait_limited(const struct demo_ctx *c, pid_t pid, double limit, int *status)
{
	double end = clock_mono_s() + limit;

	for (;;) {
		pid_t got = waitpid(pid, status, WNOHANG);

		if (got == pid)
			return 0;
		if (got < 0 && errno != EINTR)
			return -errno;
		if (*c->stop || clock_mono_s() > end) {
			kill(pid, SIGKILL);
			waitpid(pid, status, 0);
			return *c->stop ? -EINTR : -ETIMEDOUT;
		}
		sleep_s(0.02);
	}
}

/* Why perf failed: its own message, else how it ended. */
static void describe(struct demo_result *r, int ret, int status, const char *err)
{
	if (err && *err)
		snprintf(r->error, sizeof(r->error), "%.*s", (int)strcspn(err, "\n"), err);
	else if (ret == -EIO && WIFSIGNALED(status))
		snprintf(r->error, sizeof(r->error), "perf killed by signal %d", WTERMSIG(status));
	else if (ret == -EIO)
		snprintf(r->error, sizeof(r->error), "perf exited with status %d",
			 WEXITSTATUS(status));
	else if (ret == -EINVAL)
		snprintf(r->error, sizeof(r->error), "perf's JSON output is unreadable");
	else
		snprintf(r->error, sizeof(r->error), "perf: %s", strerror(-ret));
}

int demo_client_finish(const struct demo_ctx *c, struct demo_client *cl, double limit,
		       struct demo_result *r)
{
	int status = 0, ret = wait_limited(c, cl->pid, limit, &status);
	char *out = slurp(cl->out_fd), *err = slurp(cl->err_fd);

	memset(r, 0, sizeof(*r));
	if (ret == 0 && !(WIFEXITED(status) && WEXITSTATUS(status) == 0))
		ret = -EIO;
	if (ret == 0 && (!out || demo_parse_perf(out, r) < 0))
		ret = -EINVAL;
	if (ret < 0)
		describe(r, ret, status, err);
	r->ok = ret == 0;
	free(out);
	free(err);
	close(cl->out_fd);
	close(cl->err_fd);
	cl->pid = -1;
	return ret;
}

static struct json_object *get(struct json_object *o, const char *key)
{
	struct json_object *v = NULL;

	return o && json_object_object_get_ex(o, key, &v) ? v : NULL;
}

static size_t arr_len(struct json_object *o)
{
	return json_object_is_type(o, json_type_array) ? json_object_array_length(o) : 0;
}

/* Subflow k's path: its local address is 10.0.p.1 (p = 1..DEMO_PATHS). */
static int subflow_path(struct json_object *sf)
{
	const char *local = json_object_get_string(get(sf, "local"));
	int a, b, p, d;

	if (!local || sscanf(local, "%d.%d.%d.%d", &a, &b, &p, &d) != 4 || a != 10 || b != 0 ||
	    d != 1 || p < 1 || p > DEMO_PATHS)
		return -1;
	return p - 1;
}

static int series_alloc(struct demo_series *s, size_t n)
{
	s->n = n;
	s->t = calloc(n, sizeof(*s->t));
	s->total = calloc(n, sizeof(*s->total));
	for (int p = 0; p < DEMO_PATHS; p++)
		s->path[p] = calloc(n, sizeof(*s->path[p]));
	for (int p = 0; p < DEMO_PATHS; p++) {
		if (!s->path[p])
			return -ENOMEM;
	}
	return s->t && s->total ? 0 : -ENOMEM;
}

/* samples[i] = { t, bytes, subflow_bytes: [per subflow] }; subflow k's
 * bytes go to the path of its local address. */
static int parse_samples(struct json_object *doc, struct demo_series *s)
{
	struct json_object *samples = get(doc, "samples"), *subflows = get(doc, "subflows");
	size_t n = arr_len(samples), nsf = arr_len(subflows);
	int path_of[64];

	if (!samples || n == 0 || series_alloc(s, n) < 0)
		return -EINVAL;
	for (size_t k = 0; k < nsf && k < 64; k++)
		path_of[k] = subflow_path(json_object_array_get_idx(subflows, k));
	for (size_t i = 0; i < n; i++) {
		struct json_object *smp = json_object_array_get_idx(samples, i);
		struct json_object *sub = get(smp, "subflow_bytes");

		s->t[i] = json_object_get_double(get(smp, "t"));
		s->total[i] = json_object_get_uint64(get(smp, "bytes"));
		for (size_t k = 0; k < arr_len(sub) && k < nsf && k < 64; k++) {
			if (path_of[k] >= 0)
				s->path[path_of[k]][i] +=
					json_object_get_uint64(json_object_array_get_idx(sub, k));
		}
	}
	return 0;
}

int demo_parse_perf(const char *json, struct demo_result *r)
{
	struct json_object *doc = json_tokener_parse(json);
	int ret = -EINVAL;

	if (!doc || !get(doc, "bits_per_second") || !get(doc, "verified"))
		goto out;
	r->mptcp = json_object_get_boolean(get(doc, "mptcp"));
	r->subflows = (int)arr_len(get(doc, "subflows"));
	r->mbps = json_object_get_double(get(doc, "bits_per_second")) / 1e6;
	r->bytes = json_object_get_uint64(get(doc, "bytes"));
	r->verified = json_object_get_boolean(get(doc, "verified"));
	ret = parse_samples(doc, &r->s);
out:
	json_object_put(doc);
	return ret;
}
