// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * The balancer's rules installed and removed with the real tools: nft -f
 * (one transaction: all or nothing) in a table of their own, removed whole;
 * ipvsadm -R, with every virtual service it adds deleted again if it fails.
 */
#include <errno.h>
#include <ifaddrs.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "balancer.h"
#include "tool-run.h"
#include "util.h"

/* NAME is a program in PATH. */
static bool tool_present(const char *name)
{
	const char *path = getenv("PATH");
	char dir[4096], file[4200];

	if (!path)
		path = "/usr/sbin:/usr/bin:/sbin:/bin";
	while (*path) {
		size_t n = strcspn(path, ":");

		snprintf(dir, sizeof(dir), "%.*s", (int)n, path);
		snprintf(file, sizeof(file), "%s/%s", dir[0] ? dir : ".", name);
		if (!access(file, X_OK))
			return true;
		path += n + (path[n] == ':');
	}
	return false;
}

/* The service address is one of this host's (the balancer receives it). */
static bool vip_local(const struct balancer_spec *s)
{
	struct ifaddrs *ifa, *i;
	bool found = false;

	if (getifaddrs(&ifa))
		return true;	/* cannot tell: let the tool decide */
	for (i = ifa; i && !found; i = i->ifa_next) {
		const struct sockaddr *sa = i->ifa_addr;

		if (!sa || sa->sa_family != s->service.family)
			continue;
		if (sa->sa_family == AF_INET)
			found = !memcmp(&((const struct sockaddr_in *)sa)->sin_addr,
					&s->service.ip, 4);
		else
			found = !memcmp(&((const struct sockaddr_in6 *)sa)->sin6_addr,
					&s->service.ip, 16);
	}
	freeifaddrs(ifa);
	return found;
}

static int nft_installed(const struct balancer_spec *s)
{
	char name[64];
	char *list[] = { "nft", "list", "table", (char *)(s->service.family == AF_INET6 ?
							  "ip6" : "ip"), name, NULL };

	balancer_table_name(s, name, sizeof(name));
	return tool_run(list, NULL);
}

static int nft_install(const struct balancer_spec *s)
{
	char *load[] = { "nft", "-f", "-", NULL };
	char *rules = NULL;
	int ret = nft_installed(s);

	if (!ret)
		return -EEXIST;
	ret = balancer_rules(s, BALANCER_NFT, &rules);
	if (!ret)
		ret = tool_run(load, rules);
	free(rules);
	return ret;
}

static int nft_remove(const struct balancer_spec *s)
{
	char name[64];
	char *del[] = { "nft", "delete", "table", (char *)(s->service.family == AF_INET6 ?
							   "ip6" : "ip"), name, NULL };

	if (nft_installed(s))
		return -ESRCH;
	balancer_table_name(s, name, sizeof(name));
	return tool_run(del, NULL);
}

/* The virtual services of the spec: the service, then the joins on it. */
static int ipvs_services(const struct balancer_spec *s, struct balancer_addr *out)
{
	int n = 0;

	out[n++] = s->service;
	for (int i = 0; i < s->nbackends; i++) {
		const struct balancer_addr *j = &s->backend[i].join;
		size_t len = j->family == AF_INET ? 4 : 16;

		if (j->family == s->service.family && !memcmp(&j->ip, &s->service.ip, len))
			out[n++] = *j;
	}
	return n;
}

static int ipvs_has(const struct balancer_addr *vs)
{
	char a[64];
	char *list[] = { "ipvsadm", "-L", "-n", "-t", a, NULL };

	balancer_addr_format(vs, a, sizeof(a));
	return tool_run(list, NULL);
}

static int ipvs_delete(const struct balancer_addr *vs)
{
	char a[64];
	char *del[] = { "ipvsadm", "-D", "-t", a, NULL };

	balancer_addr_format(vs, a, sizeof(a));
	return tool_run(del, NULL);
}

static int ipvs_install(const struct balancer_spec *s)
{
	struct balancer_addr vs[BALANCER_BACKENDS_MAX + 1];
	char *restore[] = { "ipvsadm", "-R", NULL };
	int n = ipvs_services(s, vs), ret;
	char *rules = NULL;

	if (access("/proc/net/ip_vs", F_OK))
		return -EPROTONOSUPPORT;
	for (int i = 0; i < n; i++) {
		if (!ipvs_has(&vs[i]))
			return -EEXIST;
	}
	ret = balancer_rules(s, BALANCER_IPVSADM, &rules);
	if (!ret)
		ret = tool_run(restore, rules);
	free(rules);
	if (ret) {
		for (int i = 0; i < n; i++)
			ipvs_delete(&vs[i]);
	}
	return ret;
}

static int ipvs_remove(const struct balancer_spec *s)
{
	struct balancer_addr vs[BALANCER_BACKENDS_MAX + 1];
	int n = ipvs_services(s, vs), err = 0, ret;
	bool found = false;

	if (access("/proc/net/ip_vs", F_OK))
		return -EPROTONOSUPPORT;
	for (int i = 0; i < n; i++) {
		if (ipvs_has(&vs[i]))
			continue;
		found = true;
		ret = ipvs_delete(&vs[i]);
		if (ret && !err)
			err = ret;
	}
	return found ? err : -ESRCH;
}

static const char *tool_of(enum balancer_kind kind)
{
	return kind == BALANCER_NFT ? "nft" : "ipvsadm";
}

int balancer_install(const struct balancer_spec *s, enum balancer_kind kind)
{
	if (kind == BALANCER_KEEPALIVED)
		return -EOPNOTSUPP;
	if (!tool_present(tool_of(kind)))
		return -ENOENT;
	if (!vip_local(s))
		return -EADDRNOTAVAIL;
	return kind == BALANCER_NFT ? nft_install(s) : ipvs_install(s);
}

int balancer_remove(const struct balancer_spec *s, enum balancer_kind kind)
{
	if (kind == BALANCER_KEEPALIVED)
		return -EOPNOTSUPP;
	if (!tool_present(tool_of(kind)))
		return -ENOENT;
	return kind == BALANCER_NFT ? nft_remove(s) : ipvs_remove(s);
}
