/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * What `mptcpkit check` gathers about this network namespace, and the hints
 * drawn from it. check_hints() is a pure function of this state so that the
 * unit tests can feed it every trap.
 */
#ifndef MPTCPKIT_CHECK_STATE_H
#define MPTCPKIT_CHECK_STATE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <net/if.h>
#include <netinet/in.h>

#include "mptcpkit.h"

/* Endpoint flags as the kernel numbers them (uapi linux/mptcp.h). */
#define EP_FLAG_SIGNAL (1u << 0)
#define EP_FLAG_SUBFLOW (1u << 1)
#define EP_FLAG_BACKUP (1u << 2)
#define EP_FLAG_FULLMESH (1u << 3)
#define EP_FLAG_IMPLICIT (1u << 4)
#define EP_FLAG_LAMINAR (1u << 5) /* 6.18+ */

#define CHECK_ENDPOINTS_MAX 64
#define CHECK_TEXT_MAX 320

struct check_endpoint {
	unsigned int id;
	int family;                 /* AF_INET or AF_INET6 */
	char addr[INET6_ADDRSTRLEN];
	unsigned int port;          /* 0 when not set */
	uint32_t flags;             /* EP_FLAG_* */
	int ifindex;                /* 'dev' given to the endpoint; 0 if none */
	char dev[IF_NAMESIZE];      /* "" if none */
	char addr_dev[IF_NAMESIZE]; /* interface holding the address; "" if none */
	int rp_filter;              /* effective rp_filter there; -1 unknown */
};

struct check_limits {
	unsigned int subflows;
	unsigned int add_addr_accepted;
};

struct check_state {
	enum mpk_reason reason;     /* available, or why MPTCP sockets fail */
	int enabled;                /* net.mptcp.enabled; -1 unknown */
	char path_manager[16];      /* "kernel", "userspace", or "" unknown */
	bool pm_listener;           /* a program listens to path-manager events (or cannot tell) */
	bool limits_known;
	struct check_limits limits;
	bool endpoints_known;
	size_t num_endpoints;
	struct check_endpoint endpoint[CHECK_ENDPOINTS_MAX];
	int rp_filter_all;          /* net.ipv4.conf.all.rp_filter; -1 unknown */
};

struct check_hint {
	const char *id;             /* stable name, e.g. "no-endpoints" */
	char text[CHECK_TEXT_MAX];
};

#define CHECK_HINTS_MAX 16

/* Fill everything but 'reason' from this network namespace. */
void check_gather(struct check_state *s);

/* Fill hints[] (up to max) with what keeps MPTCP or extra subflows away;
 * returns the number filled. */
size_t check_hints(const struct check_state *s, struct check_hint *hints, size_t max);

/* "signal subflow backup" style words for flags into buf; "" for none. */
const char *check_flags_text(uint32_t flags, char *buf, size_t len);

#endif
