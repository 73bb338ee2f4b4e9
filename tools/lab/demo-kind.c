// SPDX-License-Identifier: GPL-2.0-or-later
/* The demo's row kinds: what each measures, and its name (the JSON "test"). */
#include "demo.h"

static const char *const kind_names[DEMO_ROWS] = {
	[DEMO_TCP] = "tcp",
	[DEMO_TCP2] = "tcp2",
	[DEMO_MPTCP] = "mptcp",
	[DEMO_CUT] = "mptcp-cut",
	[DEMO_PMD_CUT] = "mptcp-pmd-cut",
	[DEMO_PROXY_TCP] = "tcp-uplink",
	[DEMO_PROXY] = "proxy",
	[DEMO_PROXY_CUT] = "proxy-cut",
	[DEMO_PROF_TCP1] = "tcp-path1",
	[DEMO_PROF_TCP2] = "tcp-path2",
	[DEMO_PROF_MPTCP] = "mptcp-kernel",
	[DEMO_PROF_PMD] = "mptcp-pmd",
};

const char *demo_kind_name(enum demo_kind kind)
{
	return kind < DEMO_ROWS ? kind_names[kind] : "unknown";
}

bool demo_kind_is_mptcp(enum demo_kind kind)
{
	return kind == DEMO_MPTCP || kind == DEMO_CUT || kind == DEMO_PMD_CUT ||
	       kind == DEMO_PROF_MPTCP || kind == DEMO_PROF_PMD;
}

bool demo_kind_has_cut(enum demo_kind kind)
{
	return kind == DEMO_CUT || kind == DEMO_PMD_CUT || kind == DEMO_PROXY_CUT;
}

bool demo_kind_is_proxy(enum demo_kind kind)
{
	return kind == DEMO_PROXY_TCP || demo_kind_via_proxy(kind);
}

bool demo_kind_via_proxy(enum demo_kind kind)
{
	return kind == DEMO_PROXY || kind == DEMO_PROXY_CUT;
}

bool demo_kind_is_profile(enum demo_kind kind)
{
	return kind >= DEMO_PROF_TCP1 && kind <= DEMO_PROF_PMD;
}
