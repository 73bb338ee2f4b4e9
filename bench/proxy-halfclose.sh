#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0-or-later
# What a client's half-close costs a transfer through `mptcpkit proxy
# forward` (issue 24, item 4). In `mptcpkit lab up` (2 paths of 50 Mbit/s,
# DELAY_MS one-way on each, the client's `subflow` endpoint on path 2, the
# in-kernel PM), the proxy runs in the client namespace (127.0.0.1:9000 ->
# 10.0.1.2:7000 over MPTCP); a plain TCP client beside it sends a request of
# 200 bytes and half-closes at once; the server (MPTCP, reads to EOF, then
# answers) sends REPLY_MB. CUT_AT s after the request, path 1 (the leg's
# initial subflow) is cut (`lab link 1 down`: its packets vanish) for
# CUT_S s. Per run: the leg's subflows just before the cut (ss), the
# answer's time and goodput, whether it arrived intact (sha256).
#   bench/proxy-halfclose.sh [BUILD_DIR] [REPS (5)] [HOLDS ("0 1000")]
# HOLDS: the proxy's --halfclose-hold values to compare (0: the half-close
# passed on at once, as before). Prints one JSON line per run and a table.
# CUT_S=0: no cut (subflows not counted: -1), e.g. with REPLY_MB=1 for
# what the hold adds to a short exchange.
set -u
HERE=$(cd "$(dirname "$0")" && pwd)
export MPK_BUILD=$(cd "${1:-$HERE/../build}" && pwd)
REPS=${2:-5}
HOLDS=${3:-0 1000}
REPLY_MB=${REPLY_MB:-40}
DELAY_MS=${DELAY_MS:-20}
CUT_AT=${CUT_AT:-1.5}
CUT_S=${CUT_S:-5}
. "$HERE/../tests/lib.sh"
require_root
require_mptcp
require_cmd python3 sha256sum ss
PEER=$HERE/../tests/proxy-peer.py
LAB=hc$$
CNS=mpk-lab-$LAB-client
SNS=mpk-lab-$LAB-server
lab_cleanup() {
	"$MPTCPKIT" lab down --force --name "$LAB" >/dev/null 2>&1
	cleanup
}
trap lab_cleanup EXIT

"$MPTCPKIT" lab up --name "$LAB" --delay "$DELAY_MS" >/dev/null || exit 1
head -c 200 /dev/urandom >"$TMP/req"
head -c "${REPLY_MB}M" /dev/urandom >"$TMP/reply"
SHA=$(sha256sum <"$TMP/reply" | cut -d' ' -f1)

# leg_subflows: established subflows of the proxy's upstream leg.
leg_subflows() {
	ip netns exec "$CNS" ss -Htn state established "( dport = :7000 )" | wc -l
}

# one_run HOLD: one transfer through a proxy with --halfclose-hold HOLD;
# prints a JSON line.
one_run() {
	local hold=$1 px srv cli t0 t1 load subs ok=false
	ip netns exec "$SNS" timeout 60 python3 "$PEER" server 262 7000 "$TMP/reply" 1 \
		>"$TMP/srv.out" 2>&1 &
	srv=$!
	ip netns exec "$CNS" "$MPTCPKIT" -j proxy forward --listen 127.0.0.1:9000 \
		--to 10.0.1.2:7000 --halfclose-hold "$hold" >"$TMP/px.log" 2>&1 &
	px=$!
	for _ in $(seq 50); do grep -q '"listening"' "$TMP/px.log" && break; sleep 0.1; done
	sleep 0.2	# the server's listener
	t0=$(date +%s.%N)
	ip netns exec "$CNS" timeout 60 python3 "$PEER" client 6 127.0.0.1 9000 "$TMP/req" \
		>"$TMP/cli.out" 2>&1 &
	cli=$!
	if [ "$CUT_S" != 0 ]; then
		sleep "$CUT_AT"
		subs=$(leg_subflows)
		"$MPTCPKIT" lab link 1 down --name "$LAB" >/dev/null
		sleep "$CUT_S"
		"$MPTCPKIT" lab link 1 up --name "$LAB" >/dev/null
	else
		subs=-1
	fi
	wait "$cli"
	t1=$(date +%s.%N)
	kill "$px" 2>/dev/null
	wait "$px" "$srv" 2>/dev/null
	load=$(cut -d' ' -f1 /proc/loadavg)
	grep -q "sha=$SHA n=$((REPLY_MB * 1048576))" "$TMP/cli.out" && ok=true
	python3 -c 'import sys; h,s,t0,t1,mb,ok,load=sys.argv[1:]; d=float(t1)-float(t0)
print("{\"hold_ms\": %s, \"subflows_before_cut\": %s, \"seconds\": %.2f, \"goodput_mbit\": %.1f, \"complete\": %s, \"load\": %s}" % (h, s, d, int(mb)*8*1.048576/d, ok, load))' \
		"$hold" "$subs" "$t0" "$t1" "$REPLY_MB" "$ok" "$load"
}

for _ in $(seq "$REPS"); do
	for hold in $HOLDS; do
		one_run "$hold" | tee -a "$TMP/runs"
	done
done
python3 - "$TMP/runs" <<'EOF'
import json, statistics, sys
runs = [json.loads(l) for l in open(sys.argv[1])]
print("| --halfclose-hold | runs | leg subflows before the cut | seconds, median (range) | Mbit/s, median | complete |")
print("|---|---|---|---|---|---|")
for h in sorted({r["hold_ms"] for r in runs}):
    rs = [r for r in runs if r["hold_ms"] == h]
    secs = [r["seconds"] for r in rs]
    print("| %d | %d | %s | %.2f (%.2f-%.2f) | %.1f | %d of %d |" % (
        h, len(rs), ", ".join(str(r["subflows_before_cut"]) for r in rs),
        statistics.median(secs), min(secs), max(secs),
        statistics.median(r["goodput_mbit"] for r in rs),
        sum(r["complete"] for r in rs), len(rs)))
EOF
