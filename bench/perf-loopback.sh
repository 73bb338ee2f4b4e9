#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0-or-later
# mptcpkit perf against iperf3 on loopback, in turns: iperf3 (TCP),
# mptcpkit perf --tcp, mptcpize run iperf3 (MPTCP), mptcpkit perf (MPTCP).
# Targets: perf --tcp >= iperf3, perf (MPTCP) >= mptcpize iperf3 (receiver
# goodput; perf also verifies every byte, iperf3 does not).
#   bench/perf-loopback.sh [BUILD_DIR] [ROUNDS (3)] [SECONDS (5)]
# Prints a table and appends it to bench/RESULTS.md (NO_APPEND=1: don't).
set -eu
TOP=$(cd "$(dirname "$0")/.." && pwd)
BUILD=$(cd "${1:-$TOP/build}" && pwd)
ROUNDS=${2:-3}
SECS=${3:-5}
M=$BUILD/tools/mptcpkit
PORT=5391
for c in iperf3 mptcpize python3 ss; do
	command -v "$c" >/dev/null || { echo "perf-loopback: needs $c" >&2; exit 1; }
done
OUT=$(mktemp -d /tmp/perf-bench.XXXXXX)
SERVER=
cleanup() {
	[ -n "$SERVER" ] && kill "$SERVER" 2>/dev/null
	wait 2>/dev/null
	rm -rf "$OUT"
}
trap cleanup EXIT
trap 'exit 130' INT TERM

wait_listen() {
	for _ in $(seq 50); do
		ss -Hltn "sport = :$PORT" | grep -q . && return 0
		sleep 0.1
	done
	echo "perf-loopback: no server on port $PORT" >&2
	exit 1
}

mptcp_opened() { nstat -az MPTcpExtMPCapableSYNACKRX 2>/dev/null | awk 'NR>1 && $1 ~ /MPTcp/ {print $2}'; }

# run NAME SERVER_CMD... -- CLIENT_CMD...: bits/s of the receiver, from JSON.
run() {
	local name=$1 server=() before
	shift
	while [ "$1" != -- ]; do server+=("$1"); shift; done
	shift
	PORT=$((PORT + 1))
	"${server[@]/@PORT@/$PORT}" >/dev/null 2>&1 &
	SERVER=$!
	wait_listen
	before=$(mptcp_opened)
	timeout $((SECS + 20)) "${@/@PORT@/$PORT}" >"$OUT/$name.json" 2>"$OUT/$name.err" ||
		{ echo "perf-loopback: $name failed: $(head -c 200 "$OUT/$name.err")" >&2; exit 1; }
	wait "$SERVER" 2>/dev/null || true
	SERVER=
	python3 - "$OUT/$name.json" "$name" "$before" "$(mptcp_opened)" <<'PY' >>"$OUT/figures"
import json, sys
d = json.load(open(sys.argv[1]))
name = sys.argv[2]
mptcp_seen = int(sys.argv[4] or 0) > int(sys.argv[3] or 0)
if "end" in d:   # iperf3
    bps = d["end"]["sum_received"]["bits_per_second"]
else:            # mptcpkit perf
    bps = d["bits_per_second"] if d["verified"] else 0
print(name, bps, int(mptcp_seen))
PY
}

for r in $(seq "$ROUNDS"); do
	run iperf3-tcp iperf3 -s -1 -p @PORT@ -- iperf3 -c 127.0.0.1 -p @PORT@ -t "$SECS" -J
	run perf-tcp "$M" perf -s -1 -p @PORT@ -- "$M" -j perf -c 127.0.0.1 -p @PORT@ -t "$SECS" --tcp
	run iperf3-mptcp mptcpize run iperf3 -s -1 -p @PORT@ -- \
		mptcpize run iperf3 -c 127.0.0.1 -p @PORT@ -t "$SECS" -J
	run perf-mptcp "$M" perf -s -1 -p @PORT@ -- "$M" -j perf -c 127.0.0.1 -p @PORT@ -t "$SECS"
done

TABLE=$(python3 - "$OUT/figures" "$ROUNDS" <<'PY'
import sys, statistics
rows = {}
mptcp = {}
for line in open(sys.argv[1]):
    name, bps, seen = line.split()
    rows.setdefault(name, []).append(float(bps) / 1e9)
    mptcp[name] = mptcp.get(name, False) or seen == "1"
order = ["iperf3-tcp", "perf-tcp", "iperf3-mptcp", "perf-mptcp"]
print("| tool | MPTCP seen | rounds (Gbit/s) | mean Gbit/s |")
print("| --- | --- | --- | --- |")
for n in order:
    v = rows.get(n, [])
    print("| %s | %s | %s | %.2f |" % (n, "yes" if mptcp.get(n) else "no",
          " ".join("%.2f" % x for x in v), statistics.mean(v) if v else 0))
def ratio(a, b):
    return statistics.mean(rows[a]) / statistics.mean(rows[b]) if rows.get(b) else 0
print()
print("perf --tcp / iperf3: %.2f; perf (MPTCP) / mptcpize iperf3: %.2f" %
      (ratio("perf-tcp", "iperf3-tcp"), ratio("perf-mptcp", "iperf3-mptcp")))
PY
)
echo "$TABLE"
[ "${NO_APPEND:-}" = 1 ] && exit 0
{
	echo
	echo "## perf on loopback against iperf3 (perf engineer, issue 3)"
	echo "$(date -u '+%Y-%m-%d %H:%M UTC'), $(nproc) cores shared with other work" \
		"(load average $(cut -d' ' -f1-3 /proc/loadavg)), kernel $(uname -r)," \
		"iperf3 $(iperf3 --version | awk 'NR==1 {print $2}'), $ROUNDS rounds x $SECS s, in turns."
	echo "Command: \`bench/perf-loopback.sh build $ROUNDS $SECS\`"
	echo
	echo "$TABLE"
} >>"$TOP/bench/RESULTS.md"
