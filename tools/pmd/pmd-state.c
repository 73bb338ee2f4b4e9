// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * pmd's state file, one per network namespace (named by the namespace's
 * inode, since /run is shared by every namespace of the mount namespace):
 *   pid PID
 *   limits SUBFLOWS ADD_ADDR_ACCEPTED        (as found before pmd)
 *   endpoint ID FAMILY ADDRESS IFINDEX FLAGS (each one pmd added)
 *   balanced C_FLAG ID FAMILY ADDRESS PORT  (backend mode: the sysctl as
 *                                            found, the join endpoint)
 * Written whole to a temporary file and renamed, so a crash never leaves
 * half of it. A pmd started after one that was killed adopts what it lists.
 */
#include <arpa/inet.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "pmd.h"
#include "pmd-stats.h"

int pmd_state_path(char *buf, size_t len)
{
	return pmd_run_file("state", buf, len);
}

static int parse_endpoint(const char *line, struct mpk_endpoint *ep)
{
	char addr[INET6_ADDRSTRLEN + 1];
	unsigned int id, flags;
	int family, ifindex;

	if (sscanf(line, "endpoint %u %d %46s %d %u", &id, &family, addr, &ifindex,
		   &flags) != 5 || id == 0 || id > 255 ||
	    (family != AF_INET && family != AF_INET6))
		return -EINVAL;
	memset(ep, 0, sizeof(*ep));
	if (inet_pton(family, addr, &ep->addr) != 1)
		return -EINVAL;
	ep->id = id;
	ep->family = family;
	ep->ifindex = ifindex;
	ep->flags = flags;
	return 0;
}

/* "balanced C_FLAG ID FAMILY ADDRESS PORT" */
static int parse_balanced(const char *line, struct pmd_saved *s)
{
	char addr[INET6_ADDRSTRLEN + 1];
	unsigned int id, port;
	int family, c_flag;

	if (sscanf(line, "balanced %d %u %d %46s %u", &c_flag, &id, &family, addr, &port) != 5 ||
	    id > 255 || port > 65535 || (family != AF_INET && family != AF_INET6))
		return -EINVAL;
	memset(&s->join, 0, sizeof(s->join));
	if (inet_pton(family, addr, &s->join.addr) != 1)
		return -EINVAL;
	s->join.id = id;
	s->join.family = family;
	s->join.port = port;
	s->join.flags = MPK_EP_SIGNAL;
	s->c_flag_before = c_flag;
	s->have_balanced = true;
	return 0;
}

static void state_line(void *data, const char *line)
{
	struct pmd_saved *s = data;
	unsigned int a, b;

	if (!strncmp(line, "balanced ", 9)) {
		parse_balanced(line, s);
		return;
	}
	if (sscanf(line, "pid %d", &s->pid) == 1)
		return;
	if (sscanf(line, "limits %u %u", &a, &b) == 2) {
		s->limits = (struct mpk_limits){ .subflows = a, .add_addr_accepted = b };
		s->have_limits = true;
		return;
	}
	if (s->neps < PMD_ADDRS_MAX && !parse_endpoint(line, &s->eps[s->neps]))
		s->neps++;
}

int pmd_state_load(struct pmd_saved *s)
{
	int ret;

	memset(s, 0, sizeof(*s));
	ret = pmd_run_file_read("state", state_line, s);
	if (ret)
		return ret;
	return pmd_pid_running(s->pid) ? -EBUSY : 0;
}

static int write_all(FILE *f, const void *data)
{
	const struct pmd_saved *s = data;
	char addr[INET6_ADDRSTRLEN];

	fprintf(f, "pid %d\n", s->pid);
	if (s->have_limits)
		fprintf(f, "limits %u %u\n", s->limits.subflows, s->limits.add_addr_accepted);
	for (int i = 0; i < s->neps; i++) {
		const struct mpk_endpoint *ep = &s->eps[i];

		fprintf(f, "endpoint %u %d %s %d %u\n", ep->id, ep->family,
			pmd_in46_format(ep->family, &ep->addr, addr, sizeof(addr)),
			ep->ifindex, ep->flags);
	}
	if (s->have_balanced)
		fprintf(f, "balanced %d %u %d %s %u\n", s->c_flag_before, s->join.id,
			s->join.family, pmd_in46_format(s->join.family, &s->join.addr, addr,
							sizeof(addr)), s->join.port);
	return ferror(f) ? -EIO : 0;
}

int pmd_state_save(const struct pmd_saved *s)
{
	return pmd_run_file_write("state", write_all, s);
}

void pmd_state_remove(void)
{
	char path[256];

	if (!pmd_state_path(path, sizeof(path)))
		unlink(path);
}
