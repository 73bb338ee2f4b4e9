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

#define CHECK_ENDPOINTS_MAX 64
#define CHECK_TEXT_MAX 320

/* An endpoint as the kernel has it, and what check adds about it. */
struct check_endpoint {
	struct mpk_endpoint ep;     /* ep.ifindex: the 'dev' given to it; 0 if none */
	char dev[IF_NAMESIZE];      /* the name of ep.ifindex; "" if none */
	char addr_dev[IF_NAMESIZE]; /* interface holding the address; "" if none */
	int rp_filter;              /* effective rp_filter there; -1 unknown */
};

/* Which path manager net.mptcp.path_manager (or pm_type) names. */
enum check_pm {
	CHECK_PM_UNKNOWN,           /* neither sysctl could be read */
	CHECK_PM_KERNEL,
	CHECK_PM_USERSPACE,
	CHECK_PM_OTHER,             /* a name this program does not know */
};

struct check_state {
	enum mpk_reason reason;     /* available, or why MPTCP sockets fail */
	int enabled;                /* net.mptcp.enabled; -1 unknown */
	enum check_pm pm;
	char path_manager[16];      /* its name as the kernel says it; "" unknown */
	bool pm_listener;           /* a program listens to path-manager events (or cannot tell) */
	bool limits_known;
	struct mpk_limits limits;
	bool endpoints_known;
	size_t num_endpoints;
	struct check_endpoint endpoint[CHECK_ENDPOINTS_MAX];
	int rp_filter_all;          /* net.ipv4.conf.all.rp_filter; -1 unknown */
	char cc[16];                /* net.ipv4.tcp_congestion_control; "" unknown */
	/* behind a load balancer (pmd --balanced) */
	int c_flag_sysctl;          /* net.mptcp.allow_join_initial_addr_port; -1 unknown */
	bool counters_known;        /* the MPTcpExt counters below were read */
	uint64_t join_syn_rx;       /* MP_JOIN SYNs received (MPJoinSynRx) */
	uint64_t join_no_token;     /* ... for no connection here (MPJoinNoTokenFound) */
	uint64_t add_addr_tx;       /* addresses announced (AddAddrTx) */
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

/* The interface an endpoint's packets use: its dev, else the one holding
 * its address; "" when neither is known. */
const char *check_endpoint_dev(const struct check_endpoint *ep);

/* The address of an endpoint as text into buf ("" when it has none). */
const char *check_endpoint_addr(const struct check_endpoint *ep, char *buf, size_t len);

#endif
