// SPDX-License-Identifier: GPL-2.0-or-later
/* /metrics over libmicrohttpd (one internal polling thread: scrapes are
 * served one at a time, each on a snapshot of its own). */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include <microhttpd.h>

#include "diag.h"
#include "exporter-http.h"
#include "exporter-metrics.h"
#include "netstat.h"

#define CONTENT_TYPE "text/plain; version=0.0.4; charset=utf-8"

struct exporter {
	struct MHD_Daemon *daemon;
	int fd;
};

static double seconds_since(const struct timespec *t0)
{
	struct timespec t1;

	clock_gettime(CLOCK_MONOTONIC, &t1);
	return (double)(t1.tv_sec - t0->tv_sec) + (t1.tv_nsec - t0->tv_nsec) / 1e9;
}

/* The page of one scrape; 0 or -errno. A part that cannot be had is left
 * out and said so by mptcp_diag_up / mptcp_counters_up. */
int exporter_scrape(char **page, size_t *len)
{
	static struct netstat counters; /* one scrape at a time */
	static struct pmd_stats pmd;
	struct metrics_input in = { .snap = NULL };
	struct diag_snapshot snap;
	struct timespec t0;
	struct diag *d;
	int ret;

	clock_gettime(CLOCK_MONOTONIC, &t0);
	/* a kernel without mptcp_diag may answer with an empty dump: that is
	 * mptcp_diag_up 0, not "no connections" */
	if (mpk_feature_probe(MPK_FEATURE_DIAG) != 0 && diag_open(&d) == 0) {
		if (diag_take(d, DIAG_CONNS | DIAG_LISTENERS | DIAG_SUBFLOWS | DIAG_FALLBACK,
			      &snap) == 0)
			in.snap = &snap;
		diag_close(d);
	}
	in.diag_seconds = seconds_since(&t0);
	if (netstat_read(NETSTAT_PATH, &counters) == 0)
		in.counters = &counters;
	if (pmd_stats_load(&pmd) == 0)
		in.pmd = &pmd;
	ret = metrics_render(&in, page, len);
	if (in.snap)
		diag_snapshot_free(&snap);
	return ret;
}

static enum MHD_Result reply(struct MHD_Connection *conn, unsigned int status,
			     struct MHD_Response *r)
{
	enum MHD_Result ret;

	if (!r)
		return MHD_NO;
	ret = MHD_queue_response(conn, status, r);
	MHD_destroy_response(r);
	return ret;
}

static enum MHD_Result reply_text(struct MHD_Connection *conn, unsigned int status,
				  const char *text)
{
	struct MHD_Response *r = MHD_create_response_from_buffer(strlen(text), (void *)text,
								 MHD_RESPMEM_PERSISTENT);

	if (r)
		MHD_add_response_header(r, MHD_HTTP_HEADER_CONTENT_TYPE, "text/plain");
	return reply(conn, status, r);
}

static enum MHD_Result handle(void *cls, struct MHD_Connection *conn, const char *url,
			      const char *method, const char *version, const char *upload,
			      size_t *upload_size, void **state)
{
	struct MHD_Response *r;
	char *page;
	size_t len;

	if (strcmp(method, "GET") && strcmp(method, "HEAD"))
		return reply_text(conn, MHD_HTTP_METHOD_NOT_ALLOWED, "GET /metrics\n");
	if (!strcmp(url, "/"))
		return reply_text(conn, MHD_HTTP_OK, "mptcpkit exporter: see /metrics\n");
	if (strcmp(url, "/metrics"))
		return reply_text(conn, MHD_HTTP_NOT_FOUND, "not found: see /metrics\n");
	if (exporter_scrape(&page, &len) < 0)
		return reply_text(conn, MHD_HTTP_INTERNAL_SERVER_ERROR, "out of memory\n");
	r = MHD_create_response_from_buffer(len, page, MHD_RESPMEM_MUST_FREE);
	if (!r) {
		free(page);
		return MHD_NO;
	}
	MHD_add_response_header(r, MHD_HTTP_HEADER_CONTENT_TYPE, CONTENT_TYPE);
	return reply(conn, MHD_HTTP_OK, r);
}

static int listen_on(const struct sockaddr *addr, socklen_t len)
{
	int one = 1, fd = socket(addr->sa_family, SOCK_STREAM | SOCK_CLOEXEC, 0);

	if (fd < 0)
		return -errno;
	setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one));
	if (bind(fd, addr, len) < 0 || listen(fd, 64) < 0) {
		int err = -errno;

		close(fd);
		return err;
	}
	return fd;
}

int exporter_start(const struct sockaddr *addr, socklen_t len, struct exporter **out)
{
	struct exporter *e = calloc(1, sizeof(*e));

	if (!e)
		return -ENOMEM;
	e->fd = listen_on(addr, len);
	if (e->fd < 0) {
		int err = e->fd;

		free(e);
		return err;
	}
	e->daemon = MHD_start_daemon(MHD_USE_INTERNAL_POLLING_THREAD, 0, NULL, NULL, handle, NULL,
				     MHD_OPTION_LISTEN_SOCKET, e->fd,
				     MHD_OPTION_CONNECTION_TIMEOUT, (unsigned int)10,
				     MHD_OPTION_END);
	if (!e->daemon) {
		close(e->fd);
		free(e);
		return -EIO;
	}
	e->fd = -1; /* libmicrohttpd closes it when it stops */
	*out = e;
	return 0;
}

void exporter_stop(struct exporter *e)
{
	if (!e)
		return;
	MHD_stop_daemon(e->daemon);
	free(e);
}
