#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0-or-later
# mptcpkit demo --profile (issue 21): a lab of the profile, TCP on each
# path, the kernel's MPTCP and MPTCP with pmd side by side, every byte
# verified, the lab gone after; bad input is one line.
. "$(dirname "$0")/../lib.sh"
. "$(dirname "$0")/../lab-lib.sh"
require_root
require_mptcp
require_cmd ip tc nft iptables python3

check_one_line "demo --profile nope" '^mptcpkit: demo: --profile' "$MPTCPKIT" demo --profile nope
check_one_line "demo --profile with --proxy" '^mptcpkit: demo: ' "$MPTCPKIT" demo --profile equal --proxy
check_one_line "demo --upload alone" '^mptcpkit: demo: ' "$MPTCPKIT" demo --upload

cd "$TMP" || exit 1
"$MPTCPKIT" -j demo --profile dsl-4g --quick >"$TMP/demo.json" 2>"$TMP/demo.err"
check "demo --profile dsl-4g exits 0" 0 echo $?
check "its rows, in order" "tcp-path1 tcp-path2 mptcp-kernel mptcp-pmd" python3 -c '
import json, sys
print(" ".join(r["test"] for r in json.load(open(sys.argv[1]))["rows"]))' "$TMP/demo.json"
check "every row verified" "True" python3 -c '
import json, sys
print(all(r["verified"] for r in json.load(open(sys.argv[1]))["rows"]))' "$TMP/demo.json"
check "the profile and the MPTCP rows really MPTCP" "dsl-4g True True" python3 -c '
import json, sys
d = json.load(open(sys.argv[1])); r = {x["test"]: x for x in d["rows"]}
print(d["profile"], r["mptcp-kernel"]["mptcp"], r["mptcp-pmd"]["mptcp"])' "$TMP/demo.json"
# dsl-4g downloads: 20 and 50 Mbit/s; each TCP row near its path's rate
check "TCP rows near their paths' rates (dsl 20, 4g 50 Mbit/s)" "1 1" python3 -c '
import json, sys
r = {x["test"]: x for x in json.load(open(sys.argv[1]))["rows"]}
print(int(10 < r["tcp-path1"]["throughput"] < 21), int(25 < r["tcp-path2"]["throughput"] < 51))' "$TMP/demo.json"
check "the plot of the pmd run" 1 bash -c "ls '$TMP'/mptcpkit-demo-dsl-4g.svg | wc -l"
LABNAME=$(python3 -c 'import json,sys; print(json.load(open(sys.argv[1]))["lab"])' "$TMP/demo.json")
check "its lab ($LABNAME) is gone" 0 bash -c "ip netns list | grep -c 'mpk-lab-$LABNAME-'"
finish
