#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0-or-later
# MPTCP over the default lab (2 paths x 50 Mbit/s, tbf) against two
# simultaneous single-path TCP connections, one per path (target: MPTCP
# >= 0.97 of their sum), and one TCP connection, over several rounds,
# measured with 'mptcpkit perf' (receiver's goodput, verified bytes).
#   bench/lab-throughput.sh [BUILD_DIR] [ROUNDS (5)] [SECONDS (10)] [CC...]
# CC: the senders' TCP congestion control, one or several ("reno cubic
# bbr": a section each, then a table side by side); set with perf --cc on
# the sending socket, so also an algorithm a namespace may not take as
# its default (cubic here: not in tcp_allowed_congestion_control).
# Default: the lab's own default.
# PMD=1: in each round also MPTCP with 'mptcpkit pmd --client' (its
# defaults) in a second lab of the same shape.
# Appends the figures to bench/RESULTS.md. Needs root.
set -eu
TOP=$(cd "$(dirname "$0")/.." && pwd)
BUILD=$(cd "${1:-$TOP/build}" && pwd)
BUILD_ARG=${1:-build}
ROUNDS=${2:-5}
SECS=${3:-10}
CCS=${4:-}
PMD=${PMD:-0}
M=$BUILD/tools/mptcpkit
LAB=bench-$$
PLAB=benchp-$$
PORT=5301
PMD_PID=

cleanup() {
	if [ -n "$PMD_PID" ]; then kill "$PMD_PID" 2>/dev/null; wait "$PMD_PID" 2>/dev/null; fi
	"$M" lab down --force --name "$LAB" >/dev/null 2>&1 || true
	[ "$PMD" != 1 ] || "$M" lab down --force --name "$PLAB" >/dev/null 2>&1 || true
}
trap cleanup EXIT
trap 'exit 130' INT TERM

"$M" lab up --name "$LAB" >/dev/null
LABCC=$("$M" -j lab status --name "$LAB" | python3 -c 'import json,sys; print(json.load(sys.stdin)["cc"])')
if [ "$PMD" = 1 ]; then
	"$M" lab up --name "$PLAB" >/dev/null
	# pmd makes its own endpoints; it leaves the lab's alone
	"$M" lab exec client --name "$PLAB" ip mptcp endpoint flush
	"$M" lab exec client --name "$PLAB" "$M" -j pmd --client >/dev/null 2>&1 &
	PMD_PID=$!
	sleep 2
fi

L=$LAB	# the lab perf_start uses
CC=	# perf --cc, empty: the lab's default
wait_listen() {
	for _ in $(seq 50); do
		"$M" lab exec server --name "$L" ss -Hltn "sport = :$1" | grep -q . && return 0
		sleep 0.1
	done
	echo "no perf server on port $1" >&2
	return 1
}

# perf_start OUT ADDR [--tcp]: one perf test (its own one-off server);
# settle waits for the tests started (not for pmd, also a child).
PIDS=()
settle() { wait "${PIDS[@]}"; PIDS=(); }
perf_start() {
	local out=$1 addr=$2
	shift 2
	PORT=$((PORT + 1))
	"$M" lab exec server --name "$L" "$M" perf -s -1 -p "$PORT" >/dev/null &
	PIDS+=($!)
	wait_listen "$PORT"
	"$M" lab exec client --name "$L" "$M" -j perf -c "$addr" -p "$PORT" -t "$SECS" \
		${CC:+--cc "$CC"} "$@" >"$out" &
	PIDS+=($!)
}

mbit() { # JSON files...: the sum of their goodput, and whether all were verified
	python3 - "$@" <<'EOF'
import json, sys
docs = [json.load(open(f)) for f in sys.argv[1:]]
ok = all(d["verified"] for d in docs)
print("%.2f %s" % (sum(d["bits_per_second"] for d in docs) / 1e6, "ok" if ok else "UNVERIFIED"))
EOF
}
ratio() { python3 -c "print('%.3f' % ($1 / $2))"; }
stats() { python3 -c 'import sys; v=[float(x) for x in sys.argv[1:]]; print("mean %.3f, min %.3f, max %.3f" % (sum(v)/len(v), min(v), max(v)))' "$@"; }
mean() { python3 -c 'import sys; v=[float(x) for x in sys.argv[1:]]; print("%.3f" % (sum(v)/len(v)))' "$@"; }

T=$(mktemp -d)
LOAD=$(cut -d' ' -f1-3 /proc/loadavg)
START=$(date -u '+%Y-%m-%d %H:%M UTC')
TABLE=""

# measure CC: its rounds, then its section in RESULTS.md and a table row.
measure() {
	CC=$1
	local name=${1:-$LABCC} tcp=() two=() mp=() pm=() ratios=() pratios=()
	local r t tv w wv m mv p pv x y line rounds pmdlines=""
	for r in $(seq "$ROUNDS"); do
		L=$LAB
		perf_start "$T/tcp.json" 10.0.1.2 --tcp; settle
		perf_start "$T/a.json" 10.0.1.2 --tcp; perf_start "$T/b.json" 10.0.2.2 --tcp; settle
		perf_start "$T/mp.json" 10.0.1.2; settle
		read -r t tv < <(mbit "$T/tcp.json")
		read -r w wv < <(mbit "$T/a.json" "$T/b.json")
		read -r m mv < <(mbit "$T/mp.json")
		x=$(ratio "$m" "$w")
		line="round $r, cc $name: TCP $t ($tv)  2xTCP $w ($wv)  MPTCP $m ($mv)  MPTCP/2xTCP $x"
		if [ "$PMD" = 1 ]; then
			L=$PLAB
			perf_start "$T/pmd.json" 10.0.1.2; settle
			read -r p pv < <(mbit "$T/pmd.json")
			y=$(ratio "$p" "$w")
			line="$line  pmd $p ($pv) $y"
			pm+=("$p") pratios+=("$y")
		fi
		echo "$line"
		tcp+=("$t") two+=("$w") mp+=("$m") ratios+=("$x")
	done
	rounds=$(for i in "${!tcp[@]}"; do printf '%s/%s/%s%s; ' "${tcp[$i]}" "${two[$i]}" "${mp[$i]}" "${pm[$i]:+/${pm[$i]}}"; done)
	if [ "$PMD" = 1 ]; then
		pmdlines="
- MPTCP with pmd --client (its defaults, a second lab), Mbit/s: $(stats "${pm[@]}")
- MPTCP with pmd / two TCP: $(stats "${pratios[@]}") (target >= 0.97)"
	fi
	local summary
	summary=$(cat <<EOF

## lab-throughput: MPTCP vs two TCP connections in the lab, cc $name (lab/demo)

- Date: $START; load average before: $LOAD
- Machine: $(nproc) cores (shared with other work), kernel $(uname -r)
- Command: \`$([ "$PMD" = 1 ] && echo "PMD=1 ")bench/lab-throughput.sh $BUILD_ARG $ROUNDS $SECS${CCS:+ \"$CCS\"}\` (lab: 2 paths x 50 Mbit/s
  tbf, no delay, the senders' TCP congestion control $name; $ROUNDS rounds of $SECS s; mptcpkit perf,
  receiver's goodput, every byte verified)
- Single TCP (path 1), Mbit/s: $(stats "${tcp[@]}")
- Two TCP at once (one per path), sum, Mbit/s: $(stats "${two[@]}")
- MPTCP (one connection, both paths), Mbit/s: $(stats "${mp[@]}")
- MPTCP / two TCP: $(stats "${ratios[@]}") (target >= 0.97)$pmdlines
- Rounds (TCP / 2xTCP / MPTCP$([ "$PMD" = 1 ] && echo " / pmd")): $rounds
EOF
)
	echo "$summary"
	echo "$summary" >>"$TOP/bench/RESULTS.md"
	TABLE="$TABLE
| $name | $(mean "${two[@]}") | $(mean "${mp[@]}") | $(stats "${ratios[@]}") | $([ "$PMD" = 1 ] && stats "${pratios[@]}" || echo -) |"
}

if [ -z "$CCS" ]; then
	measure ""
else
	for cc in $CCS; do measure "$cc"; done
fi
rm -rf "$T"
if [ "$(echo $CCS | wc -w)" -gt 1 ]; then
	TABLE="
Side by side, rounds in turns per algorithm ($START; load before $LOAD, after $(cut -d' ' -f1-3 /proc/loadavg)):

| cc | 2 x TCP, Mbit/s | MPTCP (kernel PM), Mbit/s | MPTCP / 2 x TCP | MPTCP with pmd / 2 x TCP |
| --- | --- | --- | --- | --- |$TABLE"
	echo "$TABLE"
	echo "$TABLE" >>"$TOP/bench/RESULTS.md"
fi
