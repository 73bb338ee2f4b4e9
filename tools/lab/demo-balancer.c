// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * demo --balancer: in a lab made with --balancer, perf to one backend's own
 * address (direct, no balancing), then several perf tests to the service
 * address: where each landed, whether it is MPTCP with a subflow per path,
 * and that every join reached the backend of its connection. Where a test
 * landed and where its joins went are read from the backends' counters
 * (MPCapableSYNRX, MPJoinAckRx, MPJoinNoTokenFound) before and after it.
 */
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "demo.h"
#include "lab.h"

struct counters {
	uint64_t mpc, joins, no_token;
};

/* One MPTcpExt counter of a /proc/net/netstat text; 0 when absent. */
static uint64_t netstat_value(const char *text, const char *name)
{
	const char *names = strstr(text, "MPTcpExt:"), *values;
	int idx = 0, i = 0;
	const char *p;

	if (!names || !(values = strstr(names + 9, "MPTcpExt:")))
		return 0;
	for (p = names + 9; *p && *p != '\n'; idx++) {
		size_t n;

		p += strspn(p, " ");
		n = strcspn(p, " \n");
		if (n == strlen(name) && !strncmp(p, name, n))
			break;
		p += n;
	}
	if (!*p || *p == '\n')
		return 0;
	for (p = values + 9; i < idx && *p && *p != '\n'; i++) {
		p += strspn(p, " ");
		p += strcspn(p, " \n");
	}
	return strtoull(p, NULL, 10);
}

static int read_counters(const char *ns, struct counters *c)
{
	char *argv[] = { "cat", "/proc/net/netstat", NULL };
	static char text[16384];
	int ret = lab_run_output(ns, argv, text, sizeof(text));

	if (ret)
		return ret;
	c->mpc = netstat_value(text, "MPCapableSYNRX");
	c->joins = netstat_value(text, "MPJoinAckRx");
	c->no_token = netstat_value(text, "MPJoinNoTokenFound");
	return 0;
}

static int snapshot(const struct lab *lab, struct counters *c)
{
	char ns[LAB_NS_LEN];

	for (int k = 1; k <= lab->backends; k++) {
		int ret = read_counters(lab_backend_ns(lab, k, ns), &c[k - 1]);

		if (ret)
			return ret;
	}
	return 0;
}

static int start_servers(const struct demo_ctx *c, const struct lab *lab, pid_t *pids)
{
	char port[8], ns[LAB_NS_LEN];
	char *argv[] = { (char *)c->self, "perf", "-s", "-p", port, NULL };
	int null = open("/dev/null", O_WRONLY | O_CLOEXEC);

	if (null < 0)
		return -errno;
	snprintf(port, sizeof(port), "%d", LAB_BALANCER_PORT);
	for (int k = 1; k <= lab->backends; k++) {
		lab_backend_ns(lab, k, ns);
		pids[k - 1] = lab_spawn(ns, argv, null, null);
		if (pids[k - 1] < 0) {
			close(null);
			return -EIO;
		}
	}
	close(null);
	for (int k = 1; k <= lab->backends; k++) {
		lab_backend_ns(lab, k, ns);
		for (int i = 0; i < 100 && !lab_listening(ns, LAB_BALANCER_PORT); i++)
			usleep(50000);
	}
	return 0;
}

static void stop_servers(const struct lab *lab, const pid_t *pids)
{
	for (int k = 0; k < lab->backends; k++) {
		if (pids[k] > 0) {
			kill(pids[k], SIGTERM);
			waitpid(pids[k], NULL, 0);
		}
	}
}

static int one_test(const struct demo_ctx *c, const struct lab *lab, const char *addr,
		    double seconds, struct demo_bal_row *row)
{
	struct counters before[LAB_BACKENDS_MAX], after[LAB_BACKENDS_MAX];
	struct demo_client cl;
	int ret = snapshot(lab, before);

	snprintf(row->to, sizeof(row->to), "%s", addr);
	if (!ret)
		ret = demo_client_start(c, addr, LAB_BALANCER_PORT, false, seconds, NULL, &cl);
	if (!ret)
		ret = demo_client_finish(c, &cl, seconds + 20, &row->r);
	if (!ret)
		ret = snapshot(lab, after);
	if (ret)
		return ret;
	for (int k = 0; k < lab->backends; k++) {
		if (after[k].mpc > before[k].mpc)
			row->backend = k + 1;
		row->astray += after[k].no_token - before[k].no_token;
	}
	if (row->backend)
		row->joins = after[row->backend - 1].joins - before[row->backend - 1].joins;
	return 0;
}

int demo_balancer_run(const struct demo_ctx *c, const struct lab *lab, double seconds,
		      struct demo_bal_report *rep)
{
	pid_t pids[LAB_BACKENDS_MAX] = { 0 };
	char direct[LAB_ADDR_LEN];
	int ret = start_servers(c, lab, pids);

	rep->backends = lab->backends;
	for (int i = 0; !ret && i < DEMO_BAL_TESTS && !*c->stop; i++) {
		struct demo_bal_row *row = &rep->rows[rep->n++];

		row->direct = i == 0;
		ret = one_test(c, lab, row->direct ? lab_backend_addr(1, direct) : LAB_VIP,
			       seconds, row);
	}
	stop_servers(lab, pids);
	return *c->stop ? -EINTR : ret;
}
