// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * The balancer topology (lab up --balancer N): the paths' server end is an
 * L4 load balancer in front of N backends, each running
 * 'mptcpkit pmd --server --balanced' (the program itself, /proc/self/exe):
 *   client ==pathk== balancer (VIP 10.9.0.1 on lo, nft rules from
 *   'mptcpkit balancer install') --bK-- backendK eth0 10.3.K.2
 * The client reaches the VIP and the backends' own addresses over every
 * path (policy routing by source); its endpoints for paths 2.. are
 * 'subflow fullmesh', which 6.18 needs to join a C-flag server's announced
 * address from that path (measured: a plain 'subflow' joins it from the
 * default route's address only).
 */
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "lab.h"

const char *lab_backend_addr(int k, char buf[LAB_ADDR_LEN])
{
	snprintf(buf, LAB_ADDR_LEN, "10.3.%d.2", k);
	return buf;
}

void lab_balancer_log(const struct lab *lab, int k, char *buf, size_t len)
{
	snprintf(buf, len, LAB_STATE_DIR "/lab-%s-backend%d.log", lab->name, k);
}

static int backend_setup(const struct lab *lab, int k)
{
	char ns[LAB_NS_LEN], dev[16], a[32], b[32], gw[24];

	lab_backend_ns(lab, k, ns);
	snprintf(dev, sizeof(dev), "b%d", k);
	snprintf(gw, sizeof(gw), "10.3.%d.1", k);
	snprintf(a, sizeof(a), "%s/24", gw);
	snprintf(b, sizeof(b), "10.3.%d.2/24", k);
	if (lab_run(NULL, "ip", "netns", "add", ns, NULL) < 0 ||
	    lab_run(NULL, "ip", "-n", ns, "link", "set", "lo", "up", NULL) < 0 ||
	    lab_sysctl(ns, "net/mptcp/enabled", "1") < 0 ||
	    lab_sysctl(ns, "net/ipv4/conf/all/rp_filter", "0") < 0 ||
	    lab_sysctl(ns, "net/ipv4/tcp_congestion_control", lab->cc) < 0)
		return -EIO;
	if (lab_run(NULL, "ip", "-n", lab->server_ns, "link", "add", dev, "type", "veth",
		    "peer", "name", "eth0", "netns", ns, NULL) < 0 ||
	    lab_run(NULL, "ip", "-n", lab->server_ns, "addr", "add", a, "dev", dev, NULL) < 0 ||
	    lab_run(NULL, "ip", "-n", lab->server_ns, "link", "set", dev, "up", NULL) < 0 ||
	    lab_run(NULL, "ip", "-n", ns, "addr", "add", b, "dev", "eth0", NULL) < 0 ||
	    lab_run(NULL, "ip", "-n", ns, "link", "set", "eth0", "up", NULL) < 0 ||
	    lab_run(NULL, "ip", "-n", ns, "route", "add", "default", "via", gw, NULL) < 0)
		return -EIO;
	return 0;
}

/* The client reaches the VIP and the backends over path k from path k's
 * address (path 1 by default). */
static int client_routes(const struct lab *lab)
{
	const char *nets[] = { LAB_VIP "/32", "10.3.0.0/16" };

	for (int k = 1; k <= lab->paths; k++) {
		char src[LAB_ADDR_LEN], gw[LAB_ADDR_LEN], dev[LAB_ADDR_LEN], table[16];

		lab_path_addr(k, LAB_CLIENT, src);
		lab_path_addr(k, LAB_SERVER, gw);
		lab_path_dev(k, dev);
		snprintf(table, sizeof(table), "%d", 100 + k);
		if (lab_run(NULL, "ip", "-n", lab->client_ns, "rule", "add", "from", src,
			    "table", table, NULL) < 0)
			return -EIO;
		for (int i = 0; i < 2; i++) {
			if (lab_run(NULL, "ip", "-n", lab->client_ns, "route", "add", nets[i], "via",
				    gw, "dev", dev, "table", table, NULL) < 0 ||
			    (k == 1 && lab_run(NULL, "ip", "-n", lab->client_ns, "route", "add",
					       nets[i], "via", gw, "dev", dev, NULL) < 0))
				return -EIO;
		}
	}
	return 0;
}

int lab_balancer_build(struct lab *lab)
{
	const char *bal = lab->server_ns;

	if (lab_run(NULL, "ip", "-n", bal, "addr", "add", LAB_VIP "/32", "dev", "lo", NULL) < 0 ||
	    lab_sysctl(bal, "net/ipv4/ip_forward", "1") < 0)
		return -EIO;
	for (int k = 1; k <= lab->backends; k++) {
		if (backend_setup(lab, k) < 0)
			return -EIO;
	}
	return client_routes(lab);
}

/* The backends' pmd has its endpoint: it started. */
static bool pmd_ready(const char *ns)
{
	char *argv[] = { "ip", "-n", (char *)ns, "mptcp", "endpoint", "show", NULL };
	char out[256] = "";

	return lab_run_output(NULL, argv, out, sizeof(out)) == 0 && strstr(out, "signal");
}

/* pmd runs detached, in a session of its own: it must outlive 'lab up'
 * (a child of lab_spawn() dies with its parent, by SIGKILL, leaving its
 * state files and nothing watching the backend); 'lab down' stops it with
 * SIGTERM so that it undoes what it set. */
static int start_pmd(const struct lab *lab, int k, const char *self)
{
	char ns[LAB_NS_LEN], join[32], log[256];
	char svc[] = LAB_VIP ":" LAB_BALANCER_PORT_STR;
	char *argv[] = { (char *)self, "-j", "pmd", "--server", "--balanced", svc, "--join", join,
			 NULL };
	struct timespec tick = { 0, 50 * 1000 * 1000 };
	pid_t pid;
	int ret;

	lab_backend_ns(lab, k, ns);
	snprintf(join, sizeof(join), "10.3.%d.2:%d", k, LAB_JOIN_PORT);
	lab_balancer_log(lab, k, log, sizeof(log));
	ret = lab_spawn_detached(ns, argv, log, &pid);
	if (ret < 0)
		return ret;
	for (int i = 0; i < 100 && kill(pid, 0) == 0; i++) {	/* not yet in ns at first */
		if (pmd_ready(ns))
			return 0;
		nanosleep(&tick, NULL);
	}
	lab_error_set("pmd --balanced in %s did not start (see %s)", ns, log);
	return -EIO;
}

static int install_rules(const struct lab *lab, const char *self)
{
	char svc[] = LAB_VIP ":" LAB_BALANCER_PORT_STR;
	char backs[LAB_BACKENDS_MAX][48];
	char *argv[8 + 2 * LAB_BACKENDS_MAX] = { (char *)self, "balancer", "install",
						 "--service", svc };
	int n = 5;

	for (int k = 1; k <= lab->backends; k++) {
		snprintf(backs[k - 1], sizeof(backs[k - 1]), "10.3.%d.2,join=10.3.%d.2:%d", k, k,
			 LAB_JOIN_PORT);
		argv[n++] = "--backend";
		argv[n++] = backs[k - 1];
	}
	argv[n] = NULL;
	return lab_runv(lab->server_ns, argv);
}

int lab_balancer_start(struct lab *lab)
{
	char self[512];
	ssize_t n = readlink("/proc/self/exe", self, sizeof(self) - 1);
	int ret;

	if (n < 0)
		return -errno;
	self[n] = '\0';
	ret = install_rules(lab, self);
	for (int k = 1; !ret && k <= lab->backends; k++)
		ret = start_pmd(lab, k, self);
	return ret;
}

int lab_balancer_down(const struct lab *lab)
{
	char ns[LAB_NS_LEN], log[256];
	int ret = 0;

	for (int k = 1; k <= LAB_BACKENDS_MAX; k++) {
		lab_balancer_log(lab, k, log, sizeof(log));
		unlink(log);
		if (!lab_ns_exists(lab_backend_ns(lab, k, ns)))
			continue;
		lab_ns_kill_all(ns);	/* SIGTERM first: pmd undoes what it set */
		if (lab_run(NULL, "ip", "netns", "del", ns, NULL) < 0 && lab_ns_exists(ns))
			ret = -EIO;
	}
	return ret;
}
