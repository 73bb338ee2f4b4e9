#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0-or-later
# mptcpkit demo --proxy --quick: in a router lab, an unmodified TCP client
# through the proxy pair beside plain TCP on one uplink: its three rows in
# JSON, every byte verified, the pair faster than one uplink (it aggregates
# both), its MPTCP leg on 2 subflows, the cut run's figures and plot; no lab
# and no proxy left, also after Ctrl-C; bad input: one line, non-zero.
. "$(dirname "$0")/../lib.sh"
. "$(dirname "$0")/../lab-lib.sh"
require_root
require_mptcp
require_cmd ip tc nft python3

# The proxies of demo PID's lab, read from its state file while it runs.
proxy_pids() { # PID
	python3 -c 'import json,sys; d=json.load(open(sys.argv[1])); print(d["router_pid"], d["far_pid"])' \
		"/run/mptcpkit/lab-demo-$1.json" 2>/dev/null
}
# Run the demo (ARGS...) in the background; its PID in DEMO, the proxies' PIDs in PROXIES.
start_demo() { # OUT ARGS...
	local out=$1 i
	shift
	"$MPTCPKIT" "$@" >"$out" 2>"$out.err" &
	DEMO=$!
	PROXIES=""
	for i in $(seq 100); do
		PROXIES=$(proxy_pids "$DEMO")
		[ -n "$PROXIES" ] && break
		kill -0 "$DEMO" 2>/dev/null || break
		sleep 0.1
	done
}
nothing_left() { # WHAT DEMO-PID
	local left
	left="$(ip netns list | grep -o -- "mpk-lab-demo-$2-[a-z]*") $(alive $PROXIES)"
	left="$left $(ls /run/mptcpkit 2>/dev/null | grep -F -- "lab-demo-$2")"
	if [ -z "$(echo $left)" ]; then
		ok "$1: no namespace, proxy or file left"
	else
		not_ok "$1: no namespace, proxy or file left" "$(echo $left)"
	fi
}

# 1. JSON
start_demo "$TMP/demo.json" -j demo --proxy --quick --plot "$TMP/proxy.svg"
if wait "$DEMO"; then
	ok "demo --proxy --quick -j succeeds"
else
	not_ok "demo --proxy --quick -j succeeds" "$(head -c 300 "$TMP/demo.json.err")"
fi
check "the demo's proxies were found while it ran" 2 bash -c "echo $PROXIES | wc -w"
cat >"$TMP/check.py" <<'EOF'
import json, sys
d = json.load(open(sys.argv[1]))
rows = {r["test"]: r for r in d["rows"]}
what = sys.argv[2]
if what == "rows":
    print(d["proxy"], " ".join(sorted(rows)))
elif what == "verified":
    print(all(r.get("verified") is True for r in rows.values()))
elif what == "aggregates":
    # both uplinks: well above what one uplink carries without the proxy
    print(rows["proxy"]["throughput"] > 1.3 * rows["tcp-uplink"]["throughput"] > 0)
elif what == "leg":
    print(" ".join("%s %s" % (rows[k]["leg_mptcp"], rows[k]["leg_subflows"])
                   for k in ("proxy", "proxy-cut")), "leg_mptcp" in rows["tcp-uplink"])
elif what == "cut":
    c = rows["proxy-cut"]
    print(c["throughput"] > 0, 0 <= c["stall"] < d["cut_seconds"], "recovered" in c,
          "degraded" in c)
elif what == "plot":
    print(d["plot"], "plot_pmd" in d)
EOF
j() { python3 "$TMP/check.py" "$TMP/demo.json" "$1" 2>&1; }
check "JSON: proxy mode with its three rows" "True proxy proxy-cut tcp-uplink" j rows
check "JSON: every run verified its bytes" True j verified
check "JSON: through the pair, more than 1.3 x one uplink without it" True j aggregates
check "JSON: the pair's leg is MPTCP on 2 subflows, in both runs" "True 2 True 2 False" j leg
check "JSON: the cut run has throughput, stall, recovery and degraded figures" \
	"True True True True" j cut
check "JSON: the plot's path, no pmd plot" "$TMP/proxy.svg False" j plot
check_ok "the plot is an SVG" grep -q '<svg' "$TMP/proxy.svg"
check "the plot marks the cut and the restore" 2 grep -c "path 1 cut\|path 1 restored" "$TMP/proxy.svg"
nothing_left "JSON run" "$DEMO"

# 2. Ctrl-C while it measures: the lab and its proxies go away
start_demo "$TMP/int.txt" demo --proxy --quick --plot "$TMP/int.svg"
sleep 1
kill -INT "$DEMO"
wait "$DEMO"
check "interrupted demo --proxy exits 1" 1 echo $?
check "it says so in one line" 1 bash -c "wc -l < '$TMP/int.txt.err'"
nothing_left "interrupted run" "$DEMO"

# 3. bad input
check_one_line "demo --proxy with an unknown option" "demo: unexpected argument '--paths'" \
	"$MPTCPKIT" demo --proxy --paths 3
check_one_line "demo --proxy with an unwritable plot" "demo: --plot /nonexistent/x.svg: cannot write" \
	"$MPTCPKIT" demo --proxy --quick --plot /nonexistent/x.svg
check "demo --help tells of --proxy" 1 bash -c "'$MPTCPKIT' demo --help | grep -c '^--proxy:'"
finish
