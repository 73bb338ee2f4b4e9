// SPDX-License-Identifier: GPL-2.0-or-later
/* The demo's row kinds: what each measures, and its name (the JSON "test"). */
#include "demo.h"

static const char *const kind_names[DEMO_ROWS] = {
	[DEMO_TCP] = "tcp",
	[DEMO_TCP2] = "tcp2",
	[DEMO_MPTCP] = "mptcp",
	[DEMO_CUT] = "mptcp-cut",
	[DEMO_PMD_CUT] = "mptcp-pmd-cut",
};

const char *demo_kind_name(enum demo_kind kind)
{
	return kind < DEMO_ROWS ? kind_names[kind] : "unknown";
}

bool demo_kind_is_mptcp(enum demo_kind kind)
{
	return kind == DEMO_MPTCP || demo_kind_has_cut(kind);
}

bool demo_kind_has_cut(enum demo_kind kind)
{
	return kind == DEMO_CUT || kind == DEMO_PMD_CUT;
}
