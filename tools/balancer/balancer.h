/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * mptcpkit balancer: the rules an L4 load balancer needs in front of
 * MPTCP backends (pmd --server --balanced): the service spread over the
 * backends, and each backend's join address forwarded to it alone.
 *
 *   balancer-spec.c   the service and backends, parsed and checked (pure)
 *   balancer-rules.c  the rules as text: nftables (kube-proxy's shape),
 *                     ipvsadm -R, keepalived virtual_server blocks (pure)
 *   balancer-apply.c  install and remove them with nft or ipvsadm
 *   cmd-balancer.c    the command line
 *
 * Error rule: the engines return 0 or -errno and never print (parse errors
 * put their words in err); cmd-balancer.c prints and maps to the exit code.
 */
#ifndef MPTCPKIT_BALANCER_H
#define MPTCPKIT_BALANCER_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "mptcpkit.h"

#define BALANCER_BACKENDS_MAX 64

enum balancer_kind { BALANCER_NFT, BALANCER_IPVSADM, BALANCER_KEEPALIVED };
enum balancer_hash { BALANCER_RANDOM, BALANCER_JHASH };
enum balancer_method { BALANCER_NAT, BALANCER_DR };

struct balancer_addr {
	int family;
	union mpk_in46 ip;
	uint16_t port;		/* 0: not given */
};

struct balancer_backend {
	struct balancer_addr addr;	/* where the service's connections go */
	struct balancer_addr join;	/* family AF_UNSPEC: none given */
};

struct balancer_spec {
	struct balancer_addr service;	/* VIP:PORT */
	struct balancer_backend backend[BALANCER_BACKENDS_MAX];
	int nbackends;
	enum balancer_hash hash;
	enum balancer_method method;	/* IPVS only: masquerade or direct routing */
};

/* balancer-spec.c */
void balancer_spec_init(struct balancer_spec *s);
/* "VIP:PORT" or "[VIP6]:PORT"; 0 or -EINVAL. */
int balancer_set_service(struct balancer_spec *s, const char *arg, char *err, size_t errlen);
/* "ADDR[:PORT][,join=JADDR:JPORT]"; 0 or -EINVAL (-ENOSPC: too many). */
int balancer_add_backend(struct balancer_spec *s, const char *arg, char *err, size_t errlen);
/* The whole spec: a service, backends, one family, no address:port twice
 * (a port clash); 0 or -EINVAL with why in err. */
int balancer_spec_check(const struct balancer_spec *s, char *err, size_t errlen);
/* What one kind of balancer cannot do with it; 0 or -EINVAL. */
int balancer_spec_check_kind(const struct balancer_spec *s, enum balancer_kind kind,
			     char *err, size_t errlen);
/* ADDR:PORT, [ADDR6]:PORT, or the address alone without a port. */
const char *balancer_addr_format(const struct balancer_addr *a, char *buf, size_t len);
/* The nftables table of this service: mptcpkit_lb_<VIP>_<PORT>. */
void balancer_table_name(const struct balancer_spec *s, char *buf, size_t len);

/* balancer-rules.c: the rules as text into a malloc'd *out; 0 or -errno. */
int balancer_rules(const struct balancer_spec *s, enum balancer_kind kind, char **out);

/* balancer-apply.c. install: 0; -ENOENT the tool (nft, ipvsadm) is missing;
 * -EADDRNOTAVAIL the VIP is not an address of this host; -EEXIST already
 * installed; -EPROTONOSUPPORT no IPVS in this kernel; -EIO the tool failed
 * (nothing is left installed). remove: 0, -ENOENT, -ESRCH (not installed),
 * -EIO. */
int balancer_install(const struct balancer_spec *s, enum balancer_kind kind);
int balancer_remove(const struct balancer_spec *s, enum balancer_kind kind);

#endif
