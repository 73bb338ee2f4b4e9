#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0-or-later
# mptcpkit ss at scale: N open MPTCP connections (default 10,000) between
# two namespaces over one veth pair, then, in the server's namespace (N
# MPTCP sockets and N subflows), the wall time (median of RUNS) and peak
# memory of 'mptcpkit ss' next to 'ss -M' in the same run, and the time of
# one exporter scrape. Prints a Markdown table. Needs root.
#   bench/ss-scale.sh [BUILD_DIR] [N] [RUNS]
set -u
TOP=$(cd "$(dirname "$0")/.." && pwd)
K=$(cd "${1:-$TOP/build}" && pwd)/tools/mptcpkit
N=${2:-10000}
RUNS=${3:-5}
[ "$(id -u)" = 0 ] || { echo "ss-scale: needs root" >&2; exit 1; }
[ -x "$K" ] || { echo "ss-scale: no $K" >&2; exit 1; }
C=mpk-bss-c-$$
S=mpk-bss-s-$$
PIDS=()
cleanup() {
	local p
	for p in "${PIDS[@]}"; do kill "$p" 2>/dev/null; done
	for p in "${PIDS[@]}"; do wait "$p" 2>/dev/null; done
	ip netns del "$C" 2>/dev/null
	ip netns del "$S" 2>/dev/null
	rm -f "$READY"
}
READY=$(mktemp /tmp/mpk-bss.XXXXXX)
trap cleanup EXIT
trap 'exit 130' INT TERM

# Each end (one process each) holds N sockets.
ulimit -n $((N + 1024)) 2>/dev/null ||
	{ echo "ss-scale: cannot raise the fd limit to $((N + 1024)) (hard limit $(ulimit -Hn))" >&2; exit 1; }
ip netns add "$C" && ip netns add "$S" || exit 1
ip -n "$C" link set lo up
ip -n "$S" link set lo up
ip link add c1 netns "$C" type veth peer name s1 netns "$S"
ip -n "$C" addr add 10.77.1.1/24 dev c1 && ip -n "$C" link set c1 up
ip -n "$S" addr add 10.77.1.2/24 dev s1 && ip -n "$S" link set s1 up
ip netns exec "$S" sysctl -qw net.core.somaxconn=4096

ip netns exec "$S" python3 "$TOP/tests/hold-conns.py" serve 8000 &
PIDS+=($!)
for _ in $(seq 50); do
	ip netns exec "$S" ss -Hltn 'sport = :8000' | grep -q . && break
	sleep 0.1
done
t0=$(date +%s.%N)
ip netns exec "$C" python3 "$TOP/tests/hold-conns.py" open 10.77.1.2 8000 "$N" --send 100 >"$READY" &
PIDS+=($!)
# Bounded: at most 10 minutes for the connections.
for _ in $(seq 6000); do
	grep -q '^connected' "$READY" && break
	kill -0 "${PIDS[1]}" 2>/dev/null || { echo "ss-scale: the client died" >&2; exit 1; }
	sleep 0.1
done
grep -q '^connected' "$READY" || { echo "ss-scale: $N connections not made in time" >&2; exit 1; }
t1=$(date +%s.%N)
sleep 1
have=$(ip netns exec "$S" ss -HMn state established | wc -l)
echo "# $N MPTCP connections made in $(printf '%.1f' "$(echo "$t1 - $t0" | bc -l)") s; the server's namespace has $have"
echo "# $(date -u '+%Y-%m-%d %H:%M UTC'), kernel $(uname -r), load average $(cut -d' ' -f1-3 /proc/loadavg), runs $RUNS"
echo "| command | wall time, median (min-max) | peak memory | output |"
echo "| --- | --- | --- | --- |"
ip netns exec "$S" python3 "$TOP/bench/ss-scale.py" "$K" "$RUNS"
