// SPDX-License-Identifier: GPL-2.0-or-later
/* Building the lab and taking it down again. */
#include <dirent.h>
#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "lab.h"
#include "lab-paths.h"
#include "util.h"

/* Everything a namespace needs before its paths exist: rp_filter off
 * (a join's SYN-ACK may come back on another path than the route to its
 * source says), MPTCP on, room for a subflow per path, the nft table. */
static int ns_setup(const struct lab *lab, const char *ns)
{
	static const char *const sysctls[][2] = {
		{ "net/ipv4/conf/all/rp_filter", "0" },
		{ "net/ipv4/conf/default/rp_filter", "0" },
		{ "net/mptcp/enabled", "1" },
	};
	char n[8];

	if (lab_run(NULL, "ip", "-n", ns, "link", "set", "lo", "up", NULL) < 0)
		return -EIO;
	for (size_t i = 0; i < sizeof(sysctls) / sizeof(sysctls[0]); i++) {
		if (lab_sysctl(ns, sysctls[i][0], sysctls[i][1]) < 0)
			return -EIO;
	}
	snprintf(n, sizeof(n), "%d", LAB_PATHS_MAX);
	if (lab_run(NULL, "ip", "-n", ns, "mptcp", "limits", "set", "subflows", n,
		    "add_addr_accepted", n, NULL) < 0)
		return -EIO;
	return lab_nft_setup(lab, ns);
}

static int path_end(const char *ns, const char *dev, const char *addr)
{
	if (lab_run(NULL, "ip", "-n", ns, "addr", "add", addr, "dev", dev, NULL) < 0 ||
	    lab_run(NULL, "ip", "-n", ns, "link", "set", dev, "up", NULL) < 0)
		return -EIO;
	return 0;
}

/* Path k: a veth pair, both ends named pathk; the client (the router in
 * the router topology) gets a 'subflow' endpoint bound to the device for
 * k >= 2 (without 'dev' the extra subflow would leave through path 1's
 * route). */
static int path_setup(const struct lab *lab, int k)
{
	const char *cns = lab_path_ns(lab, LAB_CLIENT), *sns = lab_path_ns(lab, LAB_SERVER);
	char dev[LAB_ADDR_LEN], ep[LAB_ADDR_LEN], addr[LAB_ADDR_LEN], caddr[32], saddr[32];

	lab_path_dev(k, dev);
	lab_path_addr(k, LAB_CLIENT, ep);
	snprintf(caddr, sizeof(caddr), "%s/24", ep);
	snprintf(saddr, sizeof(saddr), "%s/24", lab_path_addr(k, LAB_SERVER, addr));
	if (lab_run(NULL, "ip", "-n", cns, "link", "add", dev, "type", "veth",
		    "peer", "name", dev, "netns", sns, NULL) < 0)
		return -EIO;
	if (path_end(cns, dev, caddr) < 0 || path_end(sns, dev, saddr) < 0 ||
	    lab_paths_shape(lab, k) < 0)
		return -EIO;
	/* towards C-flag backends (--balancer) 6.18 needs fullmesh: lab-balancer.c */
	if (k >= 2 && lab_run(NULL, "ip", "-n", cns, "mptcp", "endpoint", "add", ep, "dev", dev,
			      "subflow", lab->backends ? "fullmesh" : NULL, NULL) < 0)
		return -EIO;
	return 0;
}

/* Namespaces may only pick an algorithm of tcp_allowed_congestion_control.
 * Without --cc: cubic, the kernel's default, else reno, also loss-based
 * (what the host uses, bbr here, would be inherited otherwise). */
/* The namespaces of lab's topology into nss, client and server first;
 * how many. */
static int topology_ns(const struct lab *lab, const char *nss[4])
{
	nss[0] = lab->client_ns;
	nss[1] = lab->server_ns;
	nss[2] = lab->router_ns;
	nss[3] = lab->far_ns;
	return lab->router ? 4 : 2;
}

static int set_cc(struct lab *lab)
{
	const char *nss[4];
	int n = topology_ns(lab, nss);
	bool chosen = lab->cc[0];

	if (!chosen)
		snprintf(lab->cc, sizeof(lab->cc), "cubic");
	for (int i = 0; i < n; i++) {
		if (lab_sysctl(nss[i], "net/ipv4/tcp_congestion_control", lab->cc) == 0)
			continue;
		if (chosen)
			return -ENOENT;
		snprintf(lab->cc, sizeof(lab->cc), "reno");
		chosen = true;
		i = -1;		/* every namespace again, with reno */
	}
	return 0;
}

static int build(struct lab *lab)
{
	const char *nss[4];
	int n = topology_ns(lab, nss), ret;

	for (int i = 0; i < n; i++) {
		if (ns_setup(lab, nss[i]) < 0)
			return -EIO;
	}
	ret = set_cc(lab);
	if (ret < 0)
		return ret;
	if (!lab->shaped)
		lab_shape_uniform(lab);
	ret = lab_paths_engine(lab);
	if (ret < 0)
		return ret;
	for (int k = 1; k <= lab->paths; k++) {
		if (path_setup(lab, k) < 0)
			return -EIO;
	}
	ret = lab_paths_start(lab);
	if (ret < 0)
		return ret;
	if (lab->router) {
		ret = lab_router_build(lab);
		if (ret == 0)
			ret = lab_router_start(lab);
		if (ret < 0)
			return ret;
	}
	if (lab->backends) {
		ret = lab_balancer_build(lab);
		if (ret == 0)
			ret = lab_balancer_start(lab);
		if (ret < 0)
			return ret;
	}
	return lab_state_write(lab);
}

/* The namespaces of the topology; -EEXIST when the first is there. */
static int add_namespaces(const struct lab *lab)
{
	const char *nss[4];
	int n = topology_ns(lab, nss);

	if (lab_run(NULL, "ip", "netns", "add", nss[0], NULL) < 0)
		return lab_ns_exists(nss[0]) ? -EEXIST : -EIO;
	for (int i = 1; i < n; i++) {
		if (lab_run(NULL, "ip", "netns", "add", nss[i], NULL) < 0)
			return -EIO;
	}
	return 0;
}

int lab_up(struct lab *lab)
{
	sigset_t block, old;
	int ret;

	/* Ctrl-C in the middle must not leave half a lab: finish or undo first. */
	sigemptyset(&block);
	sigaddset(&block, SIGINT);
	sigaddset(&block, SIGTERM);
	sigaddset(&block, SIGHUP);
	sigprocmask(SIG_BLOCK, &block, &old);
	ret = add_namespaces(lab);
	if (ret == -EEXIST)
		goto out;
	if (ret == 0)
		ret = build(lab);
	if (ret < 0)
		lab_down(lab);
out:
	sigprocmask(SIG_SETMASK, &old, NULL);
	return ret;
}

/* Deleting the namespaces deletes the veths, qdiscs, endpoints and nft
 * tables inside; processes left inside would keep them alive. A killed
 * 'lab up' may still have one 'ip' finishing: look again a few times.
 * All four names are tried whatever the topology: after a crash the
 * namespaces, not the state file, tell what is there. The router
 * topology's proxies are stopped first, by their recorded PIDs, so that
 * they end as asked (the transparent one removes its nft rules). */
int lab_down(const struct lab *lab)
{
	const char *nss[] = { lab->client_ns, lab->router_ns, lab->far_ns, lab->server_ns };
	struct timespec tick = { 0, 20 * 1000 * 1000 };
	struct lab recorded = *lab;
	char path[256];
	int ret = 0;

	/* A failed 'lab up' has its PIDs in lab only, before any state file. */
	if (lab_state_read(&recorded) < 0 || !(recorded.router_pid || recorded.far_pid)) {
		recorded.router_pid = lab->router_pid;
		recorded.far_pid = lab->far_pid;
	}
	int bret;

	lab_router_stop(&recorded);
	bret = lab_balancer_down(lab);
	if (!(recorded.delay_pid[0] || recorded.delay_pid[1]))
		memcpy(recorded.delay_pid, lab->delay_pid, sizeof(recorded.delay_pid));
	lab_paths_stop(&recorded);
	for (int round = 0; round < 3; round++) {
		ret = 0;
		for (int i = 0; i < 4; i++) {
			if (!lab_ns_exists(nss[i]))
				continue;
			lab_ns_kill_all(nss[i]);
			if (lab_run(NULL, "ip", "netns", "del", nss[i], NULL) < 0 &&
			    lab_ns_exists(nss[i]))
				ret = -EIO;
		}
		if (round < 2)
			nanosleep(&tick, NULL);
	}
	if (!ret)
		ret = bret;
	lab_state_remove(lab);
	lab_router_log(lab, false, path, sizeof(path));
	unlink(path);
	lab_router_log(lab, true, path, sizeof(path));
	unlink(path);
	lab_paths_logs_remove(lab);
	return ret;
}
