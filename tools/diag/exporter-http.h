/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The exporter's HTTP side, on libmicrohttpd: GET /metrics answers the
 * page of exporter-metrics.c, built from a fresh snapshot at each scrape.
 * Engine rule: 0 or -errno, never prints.
 */
#ifndef MPTCPKIT_EXPORTER_HTTP_H
#define MPTCPKIT_EXPORTER_HTTP_H

#include <stddef.h>
#include <sys/socket.h>

struct exporter;

/* Listen on addr (bound here, so that a port in use is -EADDRINUSE before
 * anything runs) and serve from a thread of libmicrohttpd. 0 and *out, or
 * -errno (-EIO when libmicrohttpd would not start). */
int exporter_start(const struct sockaddr *addr, socklen_t len, struct exporter **out);

/* One page as /metrics serves it, malloc'ed into *page; 0 or -ENOMEM. */
int exporter_scrape(char **page, size_t *len);

/* Stop serving and free; NULL is fine. */
void exporter_stop(struct exporter *e);

#endif
