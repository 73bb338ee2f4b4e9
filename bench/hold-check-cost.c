// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * What the proxy's half-close hold pays per look (tools/proxy/proxy-hold.c,
 * every 20 ms while it holds): mpk_info_get() as it was (the counters,
 * every subflow's addresses and TCP information, and each local address's
 * interface from a getifaddrs() netlink dump), against mpk_conn_state_get()
 * (the counters and the subflows' states, one getsockopt). On one live
 * MPTCP connection to ADDR:PORT (run it where a listener waits, with the
 * subflows the namespace gives it):
 *   hold-check-cost info|state ADDR PORT SECONDS
 * prints the calls per second and the subflows the connection had.
 */
#include <arpa/inet.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "mptcpkit.h"

static double now_s(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec + ts.tv_nsec / 1e9;
}

static int connect_to(const char *addr, const char *port)
{
	int fd = mpk_connect(addr, port, AF_UNSPEC, 0, NULL);

	if (fd < 0)
		fprintf(stderr, "hold-check-cost: connect: %s\n", mpk_strerror(fd));
	return fd;
}

/* One look as the relay takes it; 0 or -errno. */
static int look(int fd, bool full, unsigned int *subflows)
{
	struct mpk_info info;
	struct mpk_conn_info m;
	int ret;

	if (full) {
		ret = mpk_info_get(fd, &info);
		*subflows = info.num_subflows;
		return ret;
	}
	ret = mpk_conn_state_get(fd, &m, subflows);
	return ret;
}

int main(int argc, char **argv)
{
	unsigned long calls = 0;
	unsigned int subflows = 0;
	double start, end, secs;
	bool full;
	int fd;

	if (argc != 5 || (strcmp(argv[1], "info") && strcmp(argv[1], "state"))) {
		fprintf(stderr, "usage: hold-check-cost info|state ADDR PORT SECONDS\n");
		return 2;
	}
	full = !strcmp(argv[1], "info");
	secs = atof(argv[4]);
	fd = connect_to(argv[2], argv[3]);
	if (fd < 0)
		return 1;
	sleep(1);	/* the joins */
	start = now_s();
	do {
		for (int i = 0; i < 100; i++) {
			int ret = look(fd, full, &subflows);

			if (ret) {
				fprintf(stderr, "hold-check-cost: %s\n", mpk_strerror(ret));
				return 1;
			}
		}
		calls += 100;
		end = now_s();
	} while (end - start < secs);
	printf("%.0f %u\n", calls / (end - start), subflows);
	close(fd);
	return 0;
}
