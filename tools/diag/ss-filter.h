/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The filter of 'mptcpkit ss', in the spirit of ss(8)'s:
 *   expr    := term { "or" term }
 *   term    := factor { ["and"] factor }
 *   factor  := ("not" | "!") factor | "(" expr ")" | primary
 *   primary := ("sport" | "dport") [op] [:]PORT
 *            | ("src" | "dst") [op] ADDR[/LEN][:PORT] | [ADDR6][/LEN][:PORT]
 *            | "state" NAME           (established, syn-sent, ..., listening)
 *   op      := = == != < <= > >= eq ne lt le gt ge   (src/dst: = == != only)
 * Parsing is a pure function (fuzzed); an error names the word at fault.
 * Engine rule: 0 or -errno, never prints.
 */
#ifndef MPTCPKIT_SS_FILTER_H
#define MPTCPKIT_SS_FILTER_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/socket.h>

#include "mptcpkit.h"

#define SS_FILTER_NODES 64

enum ss_node_kind { SSF_AND, SSF_OR, SSF_NOT, SSF_SPORT, SSF_DPORT, SSF_SRC, SSF_DST, SSF_STATE };
enum ss_cmp { SSF_EQ, SSF_NE, SSF_LT, SSF_LE, SSF_GT, SSF_GE };

struct ss_node {
	enum ss_node_kind kind;
	enum ss_cmp cmp;
	int left, right;          /* children (AND, OR: both; NOT: left) */
	uint16_t port;            /* SPORT, DPORT; SRC/DST when has_port */
	bool has_port;
	int family;               /* SRC, DST: AF_INET, AF_INET6, AF_UNSPEC (any) */
	union mpk_in46 addr;
	uint8_t prefix;           /* bits of addr that must match */
	uint8_t state;            /* STATE */
};

struct ss_filter {
	struct ss_node node[SS_FILTER_NODES];
	int n;
	int root;                 /* -1: matches everything */
};

/* The filter in words (argv as the shell split it); 0, or -EINVAL with a
 * reason in err. */
int ss_filter_parse(int argc, char **argv, struct ss_filter *f, char *err, size_t errlen);

/* Whether a socket with these ends and TCP state passes. */
bool ss_filter_match(const struct ss_filter *f, const struct sockaddr_storage *local,
		     const struct sockaddr_storage *remote, uint8_t state);

#endif
