#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0-or-later
# A longer libFuzzer run of the library's netlink decoders (the suite's
# tests/netns/79-pm-fuzz.sh runs 15 s). Prints libFuzzer's last lines:
# runs, coverage, corpus size.   bench/pm-fuzz.sh [SECONDS]   (default 300)
set -u
TOP=$(cd "$(dirname "$0")/.." && pwd)
"$TOP/tests/fuzz/run.sh" -max_total_time="${1:-300}" -print_final_stats=1 2>&1 |
	grep -E '^(#[0-9]+.*DONE|Done|stat::number_of_executed_units|stat::average_exec_per_sec|stat::peak_rss_mb)|ERROR|SUMMARY'
