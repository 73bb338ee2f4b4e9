// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * Cutting a path, and random loss, with nftables. A cut drops every packet
 * arriving on pathK in both namespaces (prerouting), so what the sender
 * transmits silently vanishes, as with a cable cut somewhere on the way:
 * the interfaces stay up and nobody is told. Setting the veth down instead
 * would delete the server's address on that path, and with it every
 * subflow addressed to it over the other paths.
 */
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <json-c/json.h>

#include "lab.h"

#define T "inet " LAB_NFT_TABLE

int lab_nft_setup(const struct lab *lab, const char *ns)
{
	char script[1024], loss[160] = "";

	if (lab->loss_pct > 0)
		snprintf(loss, sizeof(loss),
			 "add rule " T " in iifname \"path*\" numgen random mod 1000 < %ld drop;",
			 (long)(lab->loss_pct * 10 + 0.5));
	snprintf(script, sizeof(script),
		 "add table " T ";"
		 "add set " T " cut { type ifname; };"
		 "add chain " T " in { type filter hook prerouting priority -300; policy accept; };"
		 "add rule " T " in iifname @cut drop;%s", loss);
	return lab_run(ns, "nft", script, NULL);
}

int lab_link_set(const struct lab *lab, int path, bool up)
{
	const char *nss[] = { lab_path_ns(lab, LAB_CLIENT), lab_path_ns(lab, LAB_SERVER) };
	int mask = lab_link_cut_mask(lab);
	char cmd[128];
	int ret = 0;

	if (mask < 0)
		return mask;
	/* Restoring a path that is up (or cutting a cut one) changes nothing. */
	if (!!(mask & (1 << (path - 1))) != up)
		return 0;
	snprintf(cmd, sizeof(cmd), "%s element " T " cut { \"path%d\" }",
		 up ? "delete" : "add", path);
	for (int i = 0; i < 2; i++) {
		if (lab_run(nss[i], "nft", cmd, NULL) < 0)
			ret = -EIO;
	}
	return ret;
}

static int mask_from_json(const char *text)
{
	struct json_object *root = json_tokener_parse(text), *list, *set, *elem;
	int mask = 0;

	if (!root || !json_object_object_get_ex(root, "nftables", &list))
		goto out;
	for (size_t i = 0; i < json_object_array_length(list); i++) {
		if (!json_object_object_get_ex(json_object_array_get_idx(list, i), "set", &set) ||
		    !json_object_object_get_ex(set, "elem", &elem))
			continue;
		for (size_t e = 0; e < json_object_array_length(elem); e++) {
			int k;

			if (sscanf(json_object_get_string(json_object_array_get_idx(elem, e)),
				   "path%d", &k) == 1 && k >= 1 && k <= LAB_PATHS_MAX)
				mask |= 1 << (k - 1);
		}
	}
out:
	json_object_put(root);
	return mask;
}

int lab_link_cut_mask(const struct lab *lab)
{
	char *argv[] = { "nft", "-j", "list", "set", "inet", LAB_NFT_TABLE, "cut", NULL };
	char out[4096];
	int ret;

	ret = lab_run_output(lab_path_ns(lab, LAB_CLIENT), argv, out, sizeof(out));
	return ret < 0 ? ret : mask_from_json(out);
}
