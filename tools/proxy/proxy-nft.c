// SPDX-License-Identifier: GPL-2.0-or-later
/* The nftables rules of the transparent proxy: text, install, remove. */
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "proxy.h"
#include "tool-run.h"

int proxy_nft_rules(const struct proxy_config *cfg, int port, char *buf, size_t len)
{
	char iif[48] = "";

	if (cfg->rules_iif[0])
		snprintf(iif, sizeof(iif), "iifname \"%s\" ", cfg->rules_iif);
	/* prerouting only: the proxy's own connections (output) are not
	 * redirected, so they cannot loop; the router's own addresses are
	 * left alone. */
	if (cfg->tproxy)
		return snprintf(buf, len,
			"table inet mptcpkit_proxy_%d {\n"
			"\tchain prerouting {\n"
			"\t\ttype filter hook prerouting priority mangle; policy accept;\n"
			"\t\tfib daddr type local return\n"
			"\t\t%smeta nfproto ipv4 meta l4proto tcp tproxy ip to :%d meta mark set 0x%x accept\n"
			"\t\t%smeta nfproto ipv6 meta l4proto tcp tproxy ip6 to :%d meta mark set 0x%x accept\n"
			"\t}\n"
			"}\n"
			"# and: ip rule add fwmark 0x%x lookup %d; ip route add local 0.0.0.0/0 dev lo table %d\n"
			"#      (the same with ip -6 and ::/0)\n",
			port, iif, port, PROXY_TPROXY_MARK, iif, port, PROXY_TPROXY_MARK,
			PROXY_TPROXY_MARK, PROXY_TPROXY_TABLE, PROXY_TPROXY_TABLE);
	return snprintf(buf, len,
		"table inet mptcpkit_proxy_%d {\n"
		"\tchain prerouting {\n"
		"\t\ttype nat hook prerouting priority dstnat; policy accept;\n"
		"\t\tfib daddr type local return\n"
		"\t\t%smeta l4proto tcp redirect to :%d\n"
		"\t}\n"
		"}\n", port, iif, port);
}

static void table_name(int port, char *buf, size_t len)
{
	snprintf(buf, len, "mptcpkit_proxy_%d", port);
}

/* tproxy's policy routing: marked packets are delivered locally. */
static int tproxy_routing(bool add)
{
	static const char *const fam[] = { "-4", "-6" };
	static const char *const any[] = { "0.0.0.0/0", "::/0" };
	char mark[16], table[16];
	int err = 0;

	snprintf(mark, sizeof(mark), "0x%x", PROXY_TPROXY_MARK);
	snprintf(table, sizeof(table), "%d", PROXY_TPROXY_TABLE);
	for (int i = 0; i < 2; i++) {
		char *rule[] = { "ip", (char *)fam[i], "rule", add ? "add" : "del", "fwmark",
				 mark, "lookup", table, NULL };
		char *route[] = { "ip", (char *)fam[i], "route", add ? "add" : "del", "local",
				  (char *)any[i], "dev", "lo", "table", table, NULL };
		int e1 = tool_run(rule, NULL), e2 = tool_run(route, NULL);

		if (!err)
			err = e1 ? e1 : e2;
	}
	return err;
}

int proxy_nft_install(const struct proxy_config *cfg, int port)
{
	char rules[1024], name[40];
	char *list[] = { "nft", "list", "table", "inet", name, NULL };
	char *load[] = { "nft", "-f", "-", NULL };
	int err;

	table_name(port, name, sizeof(name));
	err = tool_run(list, NULL);
	if (err == 0)
		return -EEXIST;
	if (err == -ENOENT)
		return err;
	proxy_nft_rules(cfg, port, rules, sizeof(rules));
	err = tool_run(load, rules);
	if (!err && cfg->tproxy) {
		err = tproxy_routing(true);
		if (err)
			proxy_nft_remove(cfg, port);
	}
	return err;
}

int proxy_nft_remove(const struct proxy_config *cfg, int port)
{
	char name[40];
	char *del[] = { "nft", "delete", "table", "inet", name, NULL };
	int err;

	table_name(port, name, sizeof(name));
	err = tool_run(del, NULL);
	if (cfg->tproxy) {
		int e = tproxy_routing(false);

		if (!err)
			err = e;
	}
	return err;
}
