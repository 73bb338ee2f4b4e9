// SPDX-License-Identifier: GPL-2.0-or-later
/* mptcpkit lab delayd K:DELAY_US:JITTER_US...: the lab's delay element
 * (lab-delay.c), started by 'lab up' in each namespace that receives a
 * delayed path; runs until SIGTERM, then one JSON line of counts. */
#include <errno.h>
#include <inttypes.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "lab-cli.h"
#include "lab-paths.h"
#include "util.h"

static volatile sig_atomic_t stop;

static void on_signal(int sig)
{
	stop = sig;
}

static int parse_queue(const char *arg, struct lab_delay_queue *q)
{
	char buf[64], *f[3], *save = NULL;
	long v[3];
	int n = 0;

	snprintf(buf, sizeof(buf), "%s", arg);
	for (char *t = strtok_r(buf, ":", &save); t && n < 3; t = strtok_r(NULL, ":", &save))
		f[n++] = t;
	if (n != 3 || strtok_r(NULL, ":", &save) || parse_long(f[0], 1, LAB_PATHS_MAX, &v[0]) ||
	    parse_long(f[1], 0, LAB_DELAY_MAX_US, &v[1]) ||
	    parse_long(f[2], 0, LAB_JITTER_MAX_US, &v[2]) || v[2] > v[1])
		return -EINVAL;
	*q = (struct lab_delay_queue){ (int)v[0], v[1], v[2] };
	return 0;
}

int lab_cmd_delayd(int argc, char **argv)
{
	struct lab_delay_queue q[LAB_PATHS_MAX];
	struct sigaction sa = { .sa_handler = on_signal };
	struct lab_delay_stats st;
	int n = argc - 1, ret;

	if (n < 1 || n > LAB_PATHS_MAX)
		return fail("lab delayd: expected 1 to %d PATH:DELAY_US:JITTER_US", LAB_PATHS_MAX);
	for (int i = 0; i < n; i++) {
		if (parse_queue(argv[i + 1], &q[i]) < 0)
			return fail("lab delayd: '%s': expected PATH:DELAY_US:JITTER_US "
				    "(jitter at most the delay)", argv[i + 1]);
	}
	sigemptyset(&sa.sa_mask);
	sigaction(SIGINT, &sa, NULL);
	sigaction(SIGTERM, &sa, NULL);
	ret = lab_delay_run(q, n, &stop, &st);
	if (ret == -EOPNOTSUPP)
		return fail("lab delayd: built without libnetfilter_queue");
	if (ret < 0)
		return fail("lab delayd: NFQUEUE: %s", strerror(-ret));
	printf("{\"packets\":%" PRIu64 ",\"dropped\":%" PRIu64 ",\"overruns\":%" PRIu64
	       ",\"verdict_errors\":%" PRIu64 ",\"released\":%" PRIu64
	       ",\"late_mean_us\":%.1f,\"late_max_us\":%.1f,\"late_over_1ms\":%" PRIu64 "}\n",
	       st.packets, st.dropped, st.overruns, st.verdict_errors, st.released,
	       st.released ? st.late_sum_ns / 1e3 / (double)st.released : 0.0,
	       st.late_max_ns / 1e3, st.late_over_1ms);
	return 0;
}
