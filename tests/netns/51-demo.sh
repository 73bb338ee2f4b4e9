#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0-or-later
# mptcpkit demo --quick: the table in text and JSON, MPTCP faster than one
# TCP connection, every byte verified, the silent cut run with the kernel
# alone and with pmd (started and stopped by the demo), both plots written,
# no lab and no pmd left.
. "$(dirname "$0")/../lib.sh"
require_root
require_mptcp
require_cmd ip tc nft python3

# The demo's labs are named demo-PID. A lab whose demo still runs belongs to
# a demo running beside this test (another suite on the machine): only the
# labs of demos that have ended count, minus those left before this test.
ended_demo_labs() {
	local ns pid
	for ns in $(ip netns list | awk '/^mpk-lab-demo-/ { print $1 }'); do
		pid=${ns#mpk-lab-demo-}
		pid=${pid%%-*}
		kill -0 "$pid" 2>/dev/null || echo "$ns"
	done | sort
}
labs_before=$(ended_demo_labs)

no_lab_left() {
	local left
	left=$(comm -13 <(echo "$labs_before") <(ended_demo_labs) | grep . | tr '\n' ' ')
	if [ -z "$left" ]; then
		ok "$1: no lab namespace left"
	else
		not_ok "$1: no lab namespace left" "$left"
	fi
}

# demo_pmds PID: "PID NAMESPACE" of each pmd the demo PID started (its children).
demo_pmds() {
	local p
	for p in $(pgrep -P "$1" -f -x "$MPTCPKIT pmd --client"); do
		echo "$p $(ip netns identify "$p")"
	done
}

# 1. text; while it runs, note where its pmd runs
"$MPTCPKIT" demo --quick --plot "$TMP/cut.svg" >"$TMP/demo.txt" 2>"$TMP/demo.err" &
demo_pid=$!
: >"$TMP/pmd-ns"
for i in $(seq 600); do
	kill -0 "$demo_pid" 2>/dev/null || break
	demo_pmds "$demo_pid" >>"$TMP/pmd-ns" 2>/dev/null
	sleep 0.1
done
if wait "$demo_pid"; then
	ok "demo --quick (text) succeeds"
else
	not_ok "demo --quick (text) succeeds" "$(head -c 300 "$TMP/demo.err")"
fi
check "pmd ran in the demo lab's client namespace, and only there" "mpk-lab-demo-$demo_pid-client" \
	sh -c "cut -d' ' -f2 '$TMP/pmd-ns' | sort -u | paste -sd ' '"
pmds_alive() {
	local p
	for p in $(cut -d' ' -f1 "$TMP/pmd-ns" | sort -u); do
		kill -0 "$p" 2>/dev/null && echo "$p"
	done
}
check "no pmd of the demo left after it" "" pmds_alive
sed 's/^/# /' "$TMP/demo.txt"
for row in "TCP, path 1" "2 x TCP at once, one per path" "MPTCP, both paths" "MPTCP, path 1 cut" \
	"MPTCP + pmd, path 1 cut"; do
	check "text table has the row '$row'" 1 grep -c "^$row" "$TMP/demo.txt"
done
check "text says where the plot is" 1 grep -c "plot of the cut run: $TMP/cut.svg" "$TMP/demo.txt"
check_ok "the plot is an SVG" grep -q '<svg' "$TMP/cut.svg"
check "the plot marks the cut and the restore" 2 grep -c "path 1 cut\|path 1 restored" "$TMP/cut.svg"
check "text says where the pmd run's plot is" 1 grep -c "plot of the cut run with pmd: $TMP/cut-pmd.svg" "$TMP/demo.txt"
check "the pmd run's plot marks the cut and the restore" 2 \
	grep -c "path 1 cut\|path 1 restored" "$TMP/cut-pmd.svg"
no_lab_left "text run"

# 2. JSON
"$MPTCPKIT" -j demo --quick --plot "$TMP/cut2.svg" >"$TMP/demo.json" 2>"$TMP/demo.err"
check "demo -j exits 0" 0 echo $?
cat >"$TMP/check.py" <<'EOF'
import json, sys
d = json.load(open(sys.argv[1]))
rows = {r["test"]: r for r in d["rows"]}
what = sys.argv[2]
if what == "rows":
    print(" ".join(sorted(rows)))
elif what == "verified":
    print(all(r.get("verified") is True for r in rows.values()))
elif what == "faster":
    print(rows["mptcp"]["throughput"] > rows["tcp"]["throughput"] * 1.2)
elif what == "mptcp":
    print(rows["mptcp"]["mptcp"], rows["mptcp"]["subflows"] >= 2, rows["tcp"]["mptcp"])
elif what in ("cut", "pmd-cut"):
    c = rows["mptcp-" + what]
    print(c["throughput"] > 0, 0 <= c["stall"] < d["cut_seconds"], "recovered" in c,
          "degraded" in c)
elif what == "pmd-mptcp":
    c = rows["mptcp-pmd-cut"]
    print(c["mptcp"], c["subflows"] >= 2, c["verified"])
elif what in ("plot", "plot_pmd"):
    print(d[what])
EOF
j() { python3 "$TMP/check.py" "$TMP/demo.json" "$1" 2>&1; }
check "JSON has all five rows" "mptcp mptcp-cut mptcp-pmd-cut tcp tcp2" j rows
check "JSON: every run verified its bytes" True j verified
check "JSON: MPTCP is faster than one TCP connection" True j faster
check "JSON: MPTCP ran MPTCP with 2+ subflows, TCP did not" "True True False" j mptcp
check "JSON: the cut run has throughput, stall, recovery and degraded figures" "True True True True" j cut
check "JSON: the cut run with pmd has them too" "True True True True" j pmd-cut
check "JSON: the run with pmd ran MPTCP over 2+ subflows, every byte intact" "True True True" j pmd-mptcp
check "JSON: the plot's path" "$TMP/cut2.svg" j plot
check "JSON: the pmd run's plot's path" "$TMP/cut2-pmd.svg" j plot_pmd
no_lab_left "JSON run"

# 3. errors
check_fail "demo with a bad option fails" "$MPTCPKIT" demo --bogus
check "one line on stderr for it" 1 bash -c "'$MPTCPKIT' demo --bogus 2>&1 >/dev/null | wc -l"
setpriv --reuid=65534 --clear-groups "$MPTCPKIT" demo --quick --plot /tmp/x.svg >/dev/null 2>"$TMP/nr.err"
check "demo as non-root: exit 1, one line" "1 1" echo "$? $(wc -l <"$TMP/nr.err")"
check_fail "demo with an unwritable plot directory fails" "$MPTCPKIT" demo --quick --plot /nonexistent/x.svg
no_lab_left "error runs"

# 4. Ctrl-C in the middle: the lab goes away
"$MPTCPKIT" demo --quick --plot "$TMP/int.svg" >/dev/null 2>"$TMP/int.err" &
pid=$!
sleep 2
kill -INT "$pid"
wait "$pid"
check "interrupted demo exits non-zero" 1 echo $?
check "interrupted demo says so in one line" 1 bash -c "wc -l < '$TMP/int.err'"
no_lab_left "interrupted run"

finish
