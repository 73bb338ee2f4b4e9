#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0-or-later
# MPTCP over the default lab (2 paths x 50 Mbit/s, tbf) against two
# simultaneous single-path TCP connections, one per path (target: MPTCP
# >= 0.97 of their sum), and one TCP connection, over several rounds,
# measured with 'mptcpkit perf' (receiver's goodput, verified bytes).
#   bench/lab-throughput.sh [BUILD_DIR] [ROUNDS (5)] [SECONDS (10)] [CC]
# CC: the lab's TCP congestion control (default: the lab's default).
# Appends the figures to bench/RESULTS.md. Needs root.
set -eu
TOP=$(cd "$(dirname "$0")/.." && pwd)
BUILD=$(cd "${1:-$TOP/build}" && pwd)
ROUNDS=${2:-5}
SECS=${3:-10}
CC=${4:-}
M=$BUILD/tools/mptcpkit
LAB=bench-$$
PORT=5301

cleanup() { "$M" lab down --force --name "$LAB" >/dev/null 2>&1 || true; }
trap cleanup EXIT
trap 'exit 130' INT TERM

"$M" lab up --name "$LAB" ${CC:+--cc "$CC"} >/dev/null
CC=$("$M" -j lab status --name "$LAB" | python3 -c 'import json,sys; print(json.load(sys.stdin)["cc"])')

wait_listen() {
	for _ in $(seq 50); do
		"$M" lab exec server --name "$LAB" ss -Hltn "sport = :$1" | grep -q . && return 0
		sleep 0.1
	done
	echo "no perf server on port $1" >&2
	return 1
}

# perf_run OUT ADDR [--tcp]: one perf test (its own one-off server).
perf_start() {
	local out=$1 addr=$2
	shift 2
	PORT=$((PORT + 1))
	"$M" lab exec server --name "$LAB" "$M" perf -s -1 -p "$PORT" >/dev/null &
	wait_listen "$PORT"
	"$M" lab exec client --name "$LAB" "$M" -j perf -c "$addr" -p "$PORT" -t "$SECS" "$@" >"$out" &
}

mbit() { # JSON files...: the sum of their goodput, and whether all were verified
	python3 - "$@" <<'EOF'
import json, sys
docs = [json.load(open(f)) for f in sys.argv[1:]]
ok = all(d["verified"] for d in docs)
print("%.2f %s" % (sum(d["bits_per_second"] for d in docs) / 1e6, "ok" if ok else "UNVERIFIED"))
EOF
}

T=$(mktemp -d)
LOAD=$(cut -d' ' -f1-3 /proc/loadavg)
tcp=() two=() mp=() ratios=()
for r in $(seq "$ROUNDS"); do
	perf_start "$T/tcp.json" 10.0.1.2 --tcp; wait
	perf_start "$T/a.json" 10.0.1.2 --tcp; perf_start "$T/b.json" 10.0.2.2 --tcp; wait
	perf_start "$T/mp.json" 10.0.1.2; wait
	read -r t tv < <(mbit "$T/tcp.json")
	read -r w wv < <(mbit "$T/a.json" "$T/b.json")
	read -r m mv < <(mbit "$T/mp.json")
	ratio=$(python3 -c "print('%.3f' % ($m / $w))")
	echo "round $r: TCP $t ($tv)  2xTCP $w ($wv)  MPTCP $m ($mv)  MPTCP/2xTCP $ratio"
	tcp+=("$t") two+=("$w") mp+=("$m") ratios+=("$ratio")
done
rm -rf "$T"

stats() { python3 -c 'import sys; v=[float(x) for x in sys.argv[1:]]; print("mean %.3f, min %.3f, max %.3f" % (sum(v)/len(v), min(v), max(v)))' "$@"; }
summary=$(cat <<EOF

## lab-throughput: MPTCP vs two TCP connections in the lab, cc $CC (lab/demo)

- Date: $(date -u '+%Y-%m-%d %H:%M UTC'); load average before: $LOAD
- Machine: $(nproc) cores (shared with other work), kernel $(uname -r)
- Command: \`bench/lab-throughput.sh ${1:-build} $ROUNDS $SECS${4:+ $4}\` (lab: 2 paths x 50 Mbit/s
  tbf, no delay, TCP congestion control $CC; $ROUNDS rounds of $SECS s; mptcpkit perf, receiver's
  goodput, every byte verified)
- Single TCP (path 1), Mbit/s: $(stats "${tcp[@]}")
- Two TCP at once (one per path), sum, Mbit/s: $(stats "${two[@]}")
- MPTCP (one connection, both paths), Mbit/s: $(stats "${mp[@]}")
- MPTCP / two TCP: $(stats "${ratios[@]}") (target >= 0.97)
- Rounds (TCP / 2xTCP / MPTCP): $(for i in "${!tcp[@]}"; do printf '%s/%s/%s; ' "${tcp[$i]}" "${two[$i]}" "${mp[$i]}"; done)
EOF
)
echo "$summary"
echo "$summary" >>"$TOP/bench/RESULTS.md"
