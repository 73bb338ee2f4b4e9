// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * Applying the paths' shapes (lab-paths.h). Each way of a path gets:
 *   rate    tbf on the sending end's veth (egress);
 *   loss    an nft drop on the receiving end (prerouting, after the cuts);
 *   delay, jitter
 *           netem under the tbf on the sending end where the kernel has
 *           netem; else the NFQUEUE delay element in the receiving
 *           namespace ('lab delayd', lab-delay.c) on its prerouting hook.
 * One option set, two engines.
 */
#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "lab-paths.h"

#define DELAYD_WAIT_TICKS 100	/* of 50 ms: 5 s for a delay element to bind */

static void tick(long ms)
{
	struct timespec ts = { ms / 1000, (ms % 1000) * 1000000L };

	nanosleep(&ts, NULL);
}

const char *lab_engine_name(enum lab_engine e)
{
	static const char *const names[] = { "none", "netem", "nfqueue" };

	return e <= LAB_ENGINE_NFQUEUE ? names[e] : "none";
}

static bool any_delay(const struct lab *lab)
{
	for (int k = 0; k < lab->paths; k++) {
		for (int d = 0; d < 2; d++) {
			if (lab->shape[k].delay_us[d] || lab->shape[k].jitter_us[d])
				return true;
		}
	}
	return false;
}

static bool has_netem(const struct lab *lab)
{
	const char *ns = lab_path_ns(lab, LAB_CLIENT);

	if (lab_run(NULL, "tc", "-n", ns, "qdisc", "add", "dev", "lo", "root",
		    "netem", "delay", "1ms", NULL) < 0)
		return false;
	lab_run(NULL, "tc", "-n", ns, "qdisc", "del", "dev", "lo", "root", NULL);
	return true;
}

/* lab->engine may come set: the engine asked for (--engine). */
int lab_paths_engine(struct lab *lab)
{
	enum lab_engine wish = lab->engine;

	lab->engine = LAB_ENGINE_NONE;
	if (!any_delay(lab))
		return 0;
	if (wish != LAB_ENGINE_NFQUEUE && has_netem(lab)) {
		lab->engine = LAB_ENGINE_NETEM;
		return 0;
	}
	if (wish == LAB_ENGINE_NETEM || !lab_delay_available()) {
		lab->engine = wish;	/* what was missing, for the words */
		return -EOPNOTSUPP;
	}
	lab->engine = LAB_ENGINE_NFQUEUE;
	return 0;
}

/* The way of path k that ns sends (client: up) and receives. */
static enum lab_dir sends(enum lab_side side)
{
	return side == LAB_CLIENT ? LAB_UP : LAB_DOWN;
}

static int tbf(const char *ns, const char *dev, const char *parent, long kbit)
{
	char rate[32], burst[32];
	long bytes = kbit * 1000 / 8 / 250;	/* a 4 ms tick's worth at HZ 250 */

	snprintf(rate, sizeof(rate), "%ldkbit", kbit);
	snprintf(burst, sizeof(burst), "%ld", bytes > 32768 ? bytes : 32768);
	if (!parent)
		return lab_run(NULL, "tc", "-n", ns, "qdisc", "add", "dev", dev, "root", "tbf",
			       "rate", rate, "burst", burst, "latency", "50ms", NULL);
	return lab_run(NULL, "tc", "-n", ns, "qdisc", "add", "dev", dev, "parent", parent,
		       "handle", "10:", "tbf", "rate", rate, "burst", burst, "latency", "50ms",
		       NULL);
}

static int egress(const struct lab *lab, int k, enum lab_side side)
{
	const struct lab_shape *s = &lab->shape[k - 1];
	const char *ns = lab_path_ns(lab, side);
	enum lab_dir d = sends(side);
	char dev[LAB_ADDR_LEN], delay[32], jitter[32], order[32];

	lab_path_dev(k, dev);
	if (lab->engine != LAB_ENGINE_NETEM || !(s->delay_us[d] || s->jitter_us[d]))
		return tbf(ns, dev, NULL, s->rate_kbit[d]);
	snprintf(delay, sizeof(delay), "%ldus", s->delay_us[d]);
	snprintf(jitter, sizeof(jitter), "%ldus", s->jitter_us[d]);
	/* netem draws each packet's jitter alone and sends by due time, so
	 * jitter alone reorders (measured in a 6.12 guest: 2,866 segments out
	 * of order, 268 retransmitted in 5 s at 20 Mbit/s, 5 ms jitter). A
	 * link does not reorder, nor does the NFQUEUE element. With a rate,
	 * netem times each packet after the one before it: in order. Ten
	 * times the path's rate leaves the queue and the rate to the tbf. */
	snprintf(order, sizeof(order), "%ldkbit", 10 * s->rate_kbit[d]);
	if (lab_run(NULL, "tc", "-n", ns, "qdisc", "add", "dev", dev, "root", "handle", "1:",
		    "netem", "delay", delay, jitter, "rate", order, "limit", "100000", NULL) < 0)
		return -EIO;
	return tbf(ns, dev, "1:1", s->rate_kbit[d]);
}

static int ingress_loss(const struct lab *lab, int k, enum lab_side side)
{
	long ppm = lab->shape[k - 1].loss_ppm[!sends(side)];
	char rule[160];

	if (ppm == 0)
		return 0;
	snprintf(rule, sizeof(rule), "add rule inet " LAB_NFT_TABLE " in iifname \"path%d\" "
		 "numgen random mod 1000000 < %ld drop", k, ppm);
	return lab_run(lab_path_ns(lab, side), "nft", rule, NULL);
}

int lab_paths_shape(const struct lab *lab, int k)
{
	static const enum lab_side sides[] = { LAB_CLIENT, LAB_SERVER };

	for (int i = 0; i < 2; i++) {
		if (egress(lab, k, sides[i]) < 0 || ingress_loss(lab, k, sides[i]) < 0)
			return -EIO;
	}
	return 0;
}

static void delayd_log(const struct lab *lab, enum lab_side side, char *buf, size_t len)
{
	snprintf(buf, len, LAB_STATE_DIR "/lab-%s-delay-%s.log", lab->name,
		 side == LAB_CLIENT ? "client" : "server");
}

/* Is NFQUEUE queue num bound in ns? (/proc/net is per namespace.) */
static bool queue_bound(const char *ns, int num)
{
	char *argv[] = { "cat", "/proc/net/netfilter/nfnetlink_queue", NULL };
	char out[2048], *line, *save = NULL;

	if (lab_run_output(ns, argv, out, sizeof(out)) < 0)
		return false;
	for (line = strtok_r(out, "\n", &save); line; line = strtok_r(NULL, "\n", &save)) {
		int q;

		if (sscanf(line, "%d", &q) == 1 && q == num)
			return true;
	}
	return false;
}

/* The paths whose packets side receives with a delay: argv's queue specs. */
static int queues_of(const struct lab *lab, enum lab_side side, char specs[][48], int *nums)
{
	enum lab_dir d = !sends(side);
	int n = 0;

	for (int k = 1; k <= lab->paths; k++) {
		const struct lab_shape *s = &lab->shape[k - 1];

		if (!(s->delay_us[d] || s->jitter_us[d]))
			continue;
		snprintf(specs[n], 48, "%d:%ld:%ld", k, s->delay_us[d], s->jitter_us[d]);
		nums[n++] = k;
	}
	return n;
}

static int wait_bound(const char *ns, int num, pid_t pid)
{
	for (int i = 0; i < DELAYD_WAIT_TICKS; i++) {
		if (queue_bound(ns, num))
			return 0;
		/* (not lab_pid_in_ns(): it may not have entered ns yet) */
		if (kill(pid, 0) < 0)
			return -ECHILD;
		tick(50);
	}
	return -ETIMEDOUT;
}

static int start_failed(const struct lab *lab, enum lab_side side, int err)
{
	char path[256], line[256];

	delayd_log(lab, side, path, sizeof(path));
	lab_log_first_line(path, err, line, sizeof(line));
	lab_error_set("delay element in %s: %s", lab_path_ns(lab, side), line);
	return -EIO;
}

static int start_side(struct lab *lab, enum lab_side side, const char *self)
{
	char specs[LAB_PATHS_MAX][48], log[256], num[8];
	char *argv[LAB_PATHS_MAX + 4] = { (char *)self, "lab", "delayd" };
	const char *ns = lab_path_ns(lab, side);
	pid_t *pid = &lab->delay_pid[side == LAB_CLIENT ? 0 : 1];
	int nums[LAB_PATHS_MAX], n = queues_of(lab, side, specs, nums), ret;

	if (n == 0)
		return 0;
	for (int i = 0; i < n; i++)
		argv[3 + i] = specs[i];
	delayd_log(lab, side, log, sizeof(log));
	ret = lab_spawn_detached(ns, argv, log, pid);
	for (int i = 0; ret == 0 && i < n; i++)
		ret = wait_bound(ns, nums[i], *pid);
	if (ret < 0)
		return start_failed(lab, side, ret);
	for (int i = 0; i < n; i++) {
		char dev[LAB_ADDR_LEN];

		snprintf(num, sizeof(num), "%d", nums[i]);
		if (lab_run(ns, "iptables", "-w", "-t", "mangle", "-A", "PREROUTING", "-i",
			    lab_path_dev(nums[i], dev), "-j", "NFQUEUE", "--queue-num", num,
			    NULL) < 0)
			return -EPROTONOSUPPORT;
	}
	return 0;
}

int lab_paths_start(struct lab *lab)
{
	char self[512];
	ssize_t n;
	int ret;

	if (lab->engine != LAB_ENGINE_NFQUEUE)
		return 0;
	n = readlink("/proc/self/exe", self, sizeof(self) - 1);
	if (n < 0)
		return -errno;
	self[n] = '\0';
	ret = start_side(lab, LAB_CLIENT, self);
	return ret < 0 ? ret : start_side(lab, LAB_SERVER, self);
}

void lab_paths_stop(const struct lab *lab)
{
	static const enum lab_side sides[] = { LAB_CLIENT, LAB_SERVER };
	bool alive = false;

	for (int i = 0; i < 2; i++) {
		const char *ns = lab_path_ns(lab, sides[i]);

		if (lab_pid_in_ns(lab->delay_pid[i], ns)) {
			kill(lab->delay_pid[i], SIGTERM);
			alive = true;
		}
	}
	for (int t = 0; alive && t < 20; t++) {
		alive = false;
		for (int i = 0; i < 2; i++)
			alive |= lab_pid_in_ns(lab->delay_pid[i], lab_path_ns(lab, sides[i]));
		if (alive)
			tick(50);
	}
}

void lab_paths_logs_remove(const struct lab *lab)
{
	char path[256];

	delayd_log(lab, LAB_CLIENT, path, sizeof(path));
	unlink(path);
	delayd_log(lab, LAB_SERVER, path, sizeof(path));
	unlink(path);
}
