// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * The balancer's rules as text, for nft -f, ipvsadm -R and keepalived.conf.
 *
 * nftables follows kube-proxy's nftables mode: the service address jumps
 * to a service chain whose numgen (or jhash) vmap picks one chain per
 * backend, which translates the destination. No balancer knows MPTCP
 * tokens, so each backend's joins must not be balanced at all: with the
 * C flag (pmd --balanced) clients join only the address each backend
 * announces, and the "joins" chain has one counted rule per backend join
 * address, routed straight to it (its counters are the joins per backend).
 * IPVS: one virtual service for the service, and one more per backend
 * whose join address is the service address with a port of its own (the
 * backends hold the VIP, direct routing).
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "balancer.h"
#include "util.h"

static const char *ipfam(const struct balancer_spec *s)
{
	return s->service.family == AF_INET6 ? "ip6" : "ip";
}

static struct balancer_addr dest(const struct balancer_spec *s, int i)
{
	struct balancer_addr a = s->backend[i].addr;

	if (!a.port)
		a.port = s->service.port;
	return a;
}

static bool join_on_vip(const struct balancer_spec *s, int i)
{
	const struct balancer_addr *j = &s->backend[i].join;
	size_t n = j->family == AF_INET ? 4 : 16;

	return j->family == s->service.family && !memcmp(&j->ip, &s->service.ip, n);
}

static void nft_pick(FILE *f, const struct balancer_spec *s)
{
	fprintf(f, "\tchain service {\n\t\t");
	if (s->hash == BALANCER_JHASH)
		fprintf(f, "jhash %s saddr . tcp sport mod %d vmap {", ipfam(s), s->nbackends);
	else
		fprintf(f, "numgen random mod %d vmap {", s->nbackends);
	for (int i = 0; i < s->nbackends; i++)
		fprintf(f, "%s %d : goto backend-%d", i ? "," : "", i, i + 1);
	fprintf(f, " }\n\t}\n");
}

static void nft_rules(FILE *f, const struct balancer_spec *s)
{
	char name[64], ip[INET6_ADDRSTRLEN], a[64];

	balancer_table_name(s, name, sizeof(name));
	in46_format(s->service.family, &s->service.ip, ip, sizeof(ip));
	fprintf(f, "table %s %s {\n", ipfam(s), name);
	fprintf(f, "\tcomment \"mptcpkit balancer: %s, %d backends\"\n",
		balancer_addr_format(&s->service, a, sizeof(a)), s->nbackends);
	fprintf(f, "\tchain services {\n"
		"\t\ttype nat hook prerouting priority dstnat; policy accept;\n"
		"\t\t%s daddr %s tcp dport %u counter jump service\n\t}\n",
		ipfam(s), ip, s->service.port);
	nft_pick(f, s);
	for (int i = 0; i < s->nbackends; i++) {
		struct balancer_addr d = dest(s, i);

		fprintf(f, "\tchain backend-%d {\n\t\tmeta l4proto tcp counter dnat to %s\n\t}\n", i + 1,
			balancer_addr_format(&d, a, sizeof(a)));
	}
	fprintf(f, "\tchain joins {\n"
		"\t\ttype filter hook forward priority filter; policy accept;\n");
	for (int i = 0; i < s->nbackends; i++) {
		const struct balancer_addr *j = &s->backend[i].join;

		if (!j->family)
			continue;
		in46_format(j->family, &j->ip, ip, sizeof(ip));
		fprintf(f, "\t\t%s daddr %s tcp dport %u counter accept comment \"backend %d joins\"\n",
			ipfam(s), ip, j->port, i + 1);
	}
	fprintf(f, "\t}\n}\n");
}

static void ipvs_service(FILE *f, const struct balancer_spec *s,
			 const struct balancer_addr *vs, const char *sched)
{
	char a[64];

	fprintf(f, "-A -t %s -s %s\n", balancer_addr_format(vs, a, sizeof(a)), sched);
}

static void ipvs_real(FILE *f, const struct balancer_spec *s,
		      const struct balancer_addr *vs, const struct balancer_addr *rs)
{
	char a[64], b[64];

	fprintf(f, "-a -t %s -r %s %s -w 1\n", balancer_addr_format(vs, a, sizeof(a)),
		balancer_addr_format(rs, b, sizeof(b)), s->method == BALANCER_DR ? "-g" : "-m");
}

static void ipvsadm_rules(FILE *f, const struct balancer_spec *s)
{
	ipvs_service(f, s, &s->service, s->hash == BALANCER_JHASH ? "sh" : "rr");
	for (int i = 0; i < s->nbackends; i++) {
		struct balancer_addr d = dest(s, i);

		ipvs_real(f, s, &s->service, &d);
	}
	for (int i = 0; i < s->nbackends; i++) {
		struct balancer_addr d = s->backend[i].addr;

		if (!join_on_vip(s, i))
			continue;
		d.port = s->backend[i].join.port;
		ipvs_service(f, s, &s->backend[i].join, "rr");
		ipvs_real(f, s, &s->backend[i].join, &d);
	}
}

static void keepalived_vs(FILE *f, const struct balancer_spec *s,
			  const struct balancer_addr *vs, const struct balancer_addr *rs,
			  int nrs, const char *algo, const char *what)
{
	char ip[INET6_ADDRSTRLEN];

	in46_format(vs->family, &vs->ip, ip, sizeof(ip));
	fprintf(f, "# %s\nvirtual_server %s %u {\n\tdelay_loop 6\n\tlb_algo %s\n"
		"\tlb_kind %s\n\tprotocol TCP\n", what, ip, vs->port, algo,
		s->method == BALANCER_DR ? "DR" : "NAT");
	for (int i = 0; i < nrs; i++) {
		in46_format(rs[i].family, &rs[i].ip, ip, sizeof(ip));
		fprintf(f, "\treal_server %s %u {\n\t\tweight 1\n"
			"\t\tTCP_CHECK {\n\t\t\tconnect_timeout 3\n\t\t}\n\t}\n", ip, rs[i].port);
	}
	fprintf(f, "}\n");
}

static void keepalived_rules(FILE *f, const struct balancer_spec *s)
{
	struct balancer_addr rs[BALANCER_BACKENDS_MAX];

	for (int i = 0; i < s->nbackends; i++)
		rs[i] = dest(s, i);
	keepalived_vs(f, s, &s->service, rs, s->nbackends,
		      s->hash == BALANCER_JHASH ? "sh" : "rr",
		      "the service, balanced (mptcpkit balancer)");
	for (int i = 0; i < s->nbackends; i++) {
		char what[64];

		if (!join_on_vip(s, i))
			continue;
		rs[0] = s->backend[i].addr;
		rs[0].port = s->backend[i].join.port;
		snprintf(what, sizeof(what), "backend %d's joins, to it alone", i + 1);
		keepalived_vs(f, s, &s->backend[i].join, rs, 1, "rr", what);
	}
}

int balancer_rules(const struct balancer_spec *s, enum balancer_kind kind, char **out)
{
	size_t len = 0;
	FILE *f = open_memstream(out, &len);

	if (!f)
		return -errno;
	if (kind == BALANCER_NFT)
		nft_rules(f, s);
	else if (kind == BALANCER_IPVSADM)
		ipvsadm_rules(f, s);
	else
		keepalived_rules(f, s);
	if (fclose(f)) {
		free(*out);
		*out = NULL;
		return -ENOMEM;
	}
	return 0;
}
