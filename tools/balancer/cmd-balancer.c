// SPDX-License-Identifier: GPL-2.0-or-later
/* mptcpkit balancer rules|install|remove: the command line. */
#include <errno.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "balancer.h"
#include "commands.h"
#include "print.h"
#include "util.h"

static void usage(FILE *f)
{
	fprintf(f,
		"Usage: " PROG_NAME " balancer rules|install|remove [--nft|--ipvsadm|--keepalived]\n"
		"           --service VIP:PORT --backend ADDR[:PORT],join=JADDR:JPORT ...\n"
		"           [--hash random|jhash] [--method nat|dr]\n\n"
		"The rules of an L4 load balancer in front of MPTCP backends that run\n"
		"'" PROG_NAME " pmd --server --balanced VIP:PORT --join JADDR:JPORT': new\n"
		"connections to VIP:PORT are spread over the backends; each backend's join\n"
		"address reaches it alone (no balancer knows MPTCP tokens, so joins must not\n"
		"be balanced). 'rules' prints them; 'install' applies them with nft or\n"
		"ipvsadm (all or nothing); 'remove' deletes exactly what install added.\n\n"
		"  --nft             nftables, kube-proxy's shape: a numgen (or jhash) vmap\n"
		"                    to one dnat chain per backend, and a counted rule per\n"
		"                    backend join address (table mptcpkit_lb_VIP_PORT)\n"
		"  --ipvsadm         IPVS, as 'ipvsadm -R' reads it; a virtual service more\n"
		"                    per backend whose join address is VIP:JPORT\n"
		"  --keepalived      keepalived.conf virtual_server blocks (rules only)\n"
		"  --service VIP:PORT   the address clients connect to\n"
		"  --backend ADDR[:PORT][,join=JADDR:JPORT]  one per backend (PORT: the\n"
		"                    service's); JADDR:JPORT as given to its pmd --join\n"
		"  --hash random|jhash  how a backend is picked (default random; jhash:\n"
		"                    of the client's address and port; IPVS: rr or sh)\n"
		"  --method nat|dr   IPVS forwarding (default nat; dr: the backends hold VIP)\n"
		"  -j                rules as JSON: {\"kind\":..., \"rules\":...}\n");
}

enum { OPT_NFT = 256, OPT_IPVSADM, OPT_KEEPALIVED, OPT_SERVICE, OPT_BACKEND, OPT_HASH,
       OPT_METHOD };

static const struct option options[] = {
	{ "nft", no_argument, NULL, OPT_NFT },
	{ "ipvsadm", no_argument, NULL, OPT_IPVSADM },
	{ "keepalived", no_argument, NULL, OPT_KEEPALIVED },
	{ "service", required_argument, NULL, OPT_SERVICE },
	{ "backend", required_argument, NULL, OPT_BACKEND },
	{ "hash", required_argument, NULL, OPT_HASH },
	{ "method", required_argument, NULL, OPT_METHOD },
	{ "help", no_argument, NULL, 'h' },
	{ NULL, 0, NULL, 0 },
};

static const char *const kind_names[] = {
	[BALANCER_NFT] = "nft", [BALANCER_IPVSADM] = "ipvsadm",
	[BALANCER_KEEPALIVED] = "keepalived",
};

static int set_choice(const char *opt, const char *arg, const char *a, const char *b,
		      int *out)
{
	if (!strcmp(arg, a))
		*out = 0;
	else if (!strcmp(arg, b))
		*out = 1;
	else
		return fail("balancer: --%s must be %s or %s, not '%s'", opt, a, b, arg);
	return 0;
}

static int parse_one(struct balancer_spec *s, enum balancer_kind *kind, int c)
{
	char err[256];
	int v = 0;

	switch (c) {
	case OPT_NFT: *kind = BALANCER_NFT; return 0;
	case OPT_IPVSADM: *kind = BALANCER_IPVSADM; return 0;
	case OPT_KEEPALIVED: *kind = BALANCER_KEEPALIVED; return 0;
	case OPT_SERVICE:
		return balancer_set_service(s, optarg, err, sizeof(err)) ?
		       fail("balancer: --service: %s", err) : 0;
	case OPT_BACKEND:
		return balancer_add_backend(s, optarg, err, sizeof(err)) ?
		       fail("balancer: --backend: %s", err) : 0;
	case OPT_HASH:
		if (set_choice("hash", optarg, "random", "jhash", &v))
			return 1;
		s->hash = v ? BALANCER_JHASH : BALANCER_RANDOM;
		return 0;
	case OPT_METHOD:
		if (set_choice("method", optarg, "nat", "dr", &v))
			return 1;
		s->method = v ? BALANCER_DR : BALANCER_NAT;
		return 0;
	default:
		return fail("balancer: bad option (try '" PROG_NAME " balancer --help')");
	}
}

static int parse(struct balancer_spec *s, enum balancer_kind *kind, int argc, char **argv)
{
	char err[256];
	int c;

	opterr = 0;
	optind = 2;	/* argv[1] is the action */
	while ((c = getopt_long(argc, argv, "+h", options, NULL)) != -1) {
		if (c == '?')
			return fail("balancer: bad option '%s' (try '" PROG_NAME
				    " balancer --help')", argv[optind - 1]);
		if (parse_one(s, kind, c))
			return 1;
	}
	if (optind < argc)
		return fail("balancer: unexpected argument '%s'", argv[optind]);
	if (balancer_spec_check(s, err, sizeof(err)) ||
	    balancer_spec_check_kind(s, *kind, err, sizeof(err)))
		return fail("balancer: %s", err);
	return 0;
}

static int print_rules(const struct balancer_spec *s, enum balancer_kind kind)
{
	char *text = NULL;
	int ret = balancer_rules(s, kind, &text);

	if (ret)
		return fail("balancer: %s", strerror(-ret));
	if (print_is_json()) {
		print_open_object(NULL);
		print_string("kind", NULL, kind_names[kind]);
		print_string("rules", NULL, text);
		print_close_object();
	} else {
		fputs(text, stdout);
	}
	free(text);
	return 0;
}

static int apply_failed(const struct balancer_spec *s, enum balancer_kind kind,
			bool install, int err)
{
	const char *tool = kind == BALANCER_NFT ? "nft" : "ipvsadm";
	char vip[64], name[64];

	balancer_addr_format(&s->service, vip, sizeof(vip));
	balancer_table_name(s, name, sizeof(name));
	switch (err) {
	case -EOPNOTSUPP:
		return fail("balancer: keepalived applies its own configuration: use 'rules "
			    "--keepalived' in keepalived.conf");
	case -ENOENT:
		return fail("balancer: %s is not installed (Debian: apt install %s)", tool,
			    kind == BALANCER_NFT ? "nftables" : "ipvsadm");
	case -EADDRNOTAVAIL:
		return fail("balancer: the service address %s is not configured on this host", vip);
	case -EPROTONOSUPPORT:
		return fail("balancer: this kernel has no IPVS (modprobe ip_vs, or use --nft)");
	case -EEXIST:
		return fail("balancer: %s is installed already (%s)", vip,
			    kind == BALANCER_NFT ? name : "an IPVS virtual service");
	case -ESRCH:
		return fail("balancer: nothing installed for %s", vip);
	default:
		return fail("balancer: %s %s failed (%s); nothing is left installed", tool,
			    install ? "install" : "remove", strerror(-err));
	}
}

int cmd_balancer(int argc, char **argv)
{
	struct balancer_spec s;
	enum balancer_kind kind = BALANCER_NFT;
	const char *action = argc > 1 ? argv[1] : "";
	int ret;

	if (wants_help(argc, argv)) {
		usage(stdout);
		return 0;
	}
	if (strcmp(action, "rules") && strcmp(action, "install") && strcmp(action, "remove"))
		return fail("balancer: expected rules, install or remove, not '%s'", action);
	balancer_spec_init(&s);
	if (parse(&s, &kind, argc, argv))
		return 1;
	if (!strcmp(action, "rules"))
		return print_rules(&s, kind);
	ret = !strcmp(action, "install") ? balancer_install(&s, kind) : balancer_remove(&s, kind);
	if (ret)
		return apply_failed(&s, kind, action[0] == 'i', ret);
	return 0;
}
