#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0-or-later
# What one look of the proxy's half-close hold costs (issue 24): calls per
# second of mpk_info_get() (the hold's check before) and of
# mpk_conn_state_get() (after) on one live MPTCP connection with two
# subflows, in a namespace of its own with IFACES veth pairs (one end with
# an address: getifaddrs() reads every interface, as on a host; no dummy
# module here). Median of RUNS runs of SECS seconds each.
#   bench/hold-check-cost.sh [BUILD_DIR]    (IFACES=4 RUNS=3 SECS=2)
set -eu
TOP=$(cd "$(dirname "$0")/.." && pwd)
BUILD=$(cd "${1:-$TOP/build}" && pwd)
COST=$BUILD/bench/hold-check-cost
IFACES=${IFACES:-4}
RUNS=${RUNS:-3}
SECS=${SECS:-2}
NS=mpk-holdcost-$$
PORT=5399
LPID=

cleanup() {
	[ -n "$LPID" ] && kill "$LPID" 2>/dev/null
	ip netns del "$NS" 2>/dev/null
}
trap cleanup EXIT
ip netns add "$NS"
n() { ip netns exec "$NS" "$@"; }
n ip link set lo up
n ip addr add 10.9.0.1/32 dev lo
n ip addr add 10.9.0.2/32 dev lo
for i in $(seq "$IFACES"); do
	n ip link add "v$i" type veth peer name "w$i"
	n ip addr add "10.10.$i.1/24" dev "v$i"
	n ip link set "v$i" up
	n ip link set "w$i" up
done
n ip mptcp limits set subflows 2 add_addr_accepted 0
n ip mptcp endpoint add 10.9.0.2 subflow
n python3 -c '
import socket, sys, time
ls = socket.socket(socket.AF_INET, socket.SOCK_STREAM, 262)
ls.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
ls.bind(("0.0.0.0", int(sys.argv[1]))); ls.listen(64)
conns = []
while True:
    c, _ = ls.accept(); c.send(b"x"); conns.append(c)  # fully established: the join comes
' "$PORT" &
LPID=$!
sleep 0.5

median() { sort -n | awk '{ v[NR] = $1 } END { print v[int((NR + 1) / 2)] }'; }
run() {
	local i
	for i in $(seq "$RUNS"); do n "$COST" "$1" 10.9.0.1 "$PORT" "$SECS"; done
}
info=$(run info)
state=$(run state)
echo "mpk_info_get:       $(echo "$info" | awk '{print $1}' | median) calls/s (subflows: $(echo "$info" | awk 'NR == 1 {print $2}'))"
echo "mpk_conn_state_get: $(echo "$state" | awk '{print $1}' | median) calls/s (established: $(echo "$state" | awk 'NR == 1 {print $2}'))"
echo "interfaces: $((2 * IFACES + 1)), kernel $(uname -r), $(nproc) cores, load $(cut -d' ' -f1 /proc/loadavg)"
