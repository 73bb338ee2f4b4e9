#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0-or-later
# What DSS checksums cost (pmd turns them on, tools/pmd/pmd-tune.c): MPTCP
# perf over loopback in a namespace of its own, net.mptcp.checksum_enabled 0
# and 1 in turns, ROUNDS rounds of SECS seconds; prints each round and the
# medians. Needs root.
#   sudo flock /tmp/mpk-bench.lock bench/checksum-cost.sh [BUILD_DIR] [ROUNDS (5)] [SECS (3)]
set -u
TOP=$(cd "$(dirname "$0")/.." && pwd)
BUILD=$(cd "${1:-$TOP/build}" && pwd)
ROUNDS=${2:-5}
SECS=${3:-3}
M=$BUILD/tools/mptcpkit
NS=mpk-csum-$$
cd "${TMPDIR:-/tmp}" || exit 1
SRV=
cleanup() {
	[ -n "$SRV" ] && kill "$SRV" 2>/dev/null && wait "$SRV" 2>/dev/null
	ip netns del "$NS" 2>/dev/null
}
trap cleanup EXIT
ip netns add "$NS" || exit 1
ip -n "$NS" link set lo up
ip netns exec "$NS" "$M" perf -s -p 5390 >/dev/null 2>&1 &
SRV=$!
sleep 0.5
gbit() {
	ip netns exec "$NS" "$M" -j perf -c 127.0.0.1 -p 5390 -t "$SECS" |
		python3 -c 'import json,sys; d=json.load(sys.stdin); print("%.2f" % (d["bits_per_second"] / 1e9) if d["verified"] else "unverified")'
}
echo "# $(date -u '+%F %T') UTC, kernel $(uname -r), load $(cut -d' ' -f1-3 /proc/loadavg)"
for r in $(seq "$ROUNDS"); do
	for c in 0 1; do
		ip netns exec "$NS" sysctl -qw net.mptcp.checksum_enabled=$c
		echo "round $r checksum $c $(gbit) Gbit/s"
	done
done | tee "$NS.txt"
python3 - "$NS.txt" <<'PYEOF'
import statistics, sys
v = {}
for line in open(sys.argv[1]):
    f = line.split()
    if len(f) >= 5 and f[4] != "unverified":
        v.setdefault(f[3], []).append(float(f[4]))
for c in sorted(v):
    print("checksum %s: median %.2f Gbit/s of %d" % (c, statistics.median(v[c]), len(v[c])))
if "0" in v and "1" in v:
    print("with / without: %.3f" % (statistics.median(v["1"]) / statistics.median(v["0"])))
PYEOF
rm -f "$NS.txt"
echo "# load $(cut -d' ' -f1-3 /proc/loadavg)"
