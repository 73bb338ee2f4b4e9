#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0-or-later
# The lab's delay element (issue 21): how exact its delay is and what rate
# it sustains, with the engine 'lab up' picks here (netem where the kernel
# has it, else the NFQUEUE delay element).
#  1. idle paths: RTT of a real-time 'ping -U' (user to user) for one-way
#     delays of 0, 5, 30 and 300 ms: error of min, mean, max against 2 x delay;
#  2. the element's own lateness (release time - due time, counted by each
#     'lab delayd' and written at SIGTERM) while one TCP flow runs at 50
#     Mbit/s with 30 ms each way, and at an unlimited rate (tbf 5 Gbit/s)
#     with 10 ms each way;
#  3. the rate it sustains: TCP goodput over tbf 5 Gbit/s with 10 ms each
#     way, and with no delay (no element) for comparison.
#   bench/lab-delay.sh [BUILD_DIR] [PINGS (100)] [SECONDS (8)]
# Prints a markdown section (append it to bench/RESULTS.md). Needs root.
set -eu
TOP=$(cd "$(dirname "$0")/.." && pwd)
BUILD=$(cd "${1:-$TOP/build}" && pwd)
PINGS=${2:-100}
SECS=${3:-8}
M=$BUILD/tools/mptcpkit
LAB=bdelay-$$
PORT=5390

cleanup() { "$M" lab down --force --name "$LAB" >/dev/null 2>&1 || true; }
trap cleanup EXIT
trap 'exit 130' INT TERM

up() { "$M" lab up --name "$LAB" --paths 1 "$@" >/dev/null; }
down() { "$M" lab down --name "$LAB" >/dev/null; }
engine() { "$M" -j lab status --name "$LAB" | python3 -c 'import json,sys; print(json.load(sys.stdin)["engine"])'; }

rtt() { # "min avg max mdev" of a real-time ping -U on path 1
	"$M" lab exec client --name "$LAB" chrt -f 20 ping -U -n -q -c "$PINGS" -i 0.02 10.0.1.2 |
		awk -F'[ /]+' '/^rtt/ { print $7, $8, $9, $10 }'
}

perf() { # goodput in Mbit/s of one TCP flow on path 1
	PORT=$((PORT + 1))
	"$M" lab exec server --name "$LAB" "$M" perf -s -1 -p "$PORT" >/dev/null 2>&1 &
	for _ in $(seq 50); do
		"$M" lab exec server --name "$LAB" ss -Hltn "sport = :$PORT" | grep -q . && break
		sleep 0.1
	done
	"$M" lab exec client --name "$LAB" "$M" -j perf -c 10.0.1.2 -p "$PORT" --tcp -t "$SECS" |
		python3 -c 'import json,sys; d=json.load(sys.stdin); print("%.1f" % (d["bits_per_second"]/1e6) if d["verified"] else "UNVERIFIED")'
	wait
}

lateness() { # stop the delay elements, print their counts (server side: the data)
	local pids p
	pids=$("$M" -j lab status --name "$LAB" | python3 -c 'import json,sys; d=json.load(sys.stdin); print(d.get("delay_pid_client",0), d.get("delay_pid_server",0))')
	for p in $pids; do [ "$p" != 0 ] && kill "$p"; done
	sleep 0.5
	cat "/run/mptcpkit/lab-$LAB-delay-server.log" 2>/dev/null | tail -1
}

LOAD0=$(cut -d' ' -f1-3 /proc/loadavg)
echo "## The lab's delay element: accuracy and rate (issue 21, $(date -u '+%Y-%m-%d %H:%M') UTC)"
echo
echo "Machine: $(nproc) cores, kernel $(uname -r), load average at the start $LOAD0 (other"
echo "work running on the machine). \`bench/lab-delay.sh\`, $PINGS pings at 20 ms, chrt -f 20 ping -U."
echo
echo "| one-way delay | engine | RTT min / mean / max / mdev (ms) | mean error | min error |"
echo "| --- | --- | --- | --- | --- |"
for d in 0 5 30 300; do
	up --path "1:delay=$d"
	e=$(engine)
	read -r mn av mx md <<<"$(rtt)"
	python3 -c 'import sys; d,mn,av,mx,md=map(float,sys.argv[1:6]); e=sys.argv[6]
print("| %g ms | %s | %.2f / %.2f / %.2f / %.2f | %+.2f ms | %+.2f ms |" % (d, e, mn, av, mx, md, av-2*d, mn-2*d))' "$d" "$mn" "$av" "$mx" "$md" "$e"
	down
done
echo
echo "Lateness of the element under a TCP flow (the element's own delay error: when a"
echo "packet was released minus when it was due), and the rate it sustains:"
echo
echo "| path | engine | TCP goodput (Mbit/s) | delay element counts (data direction) |"
echo "| --- | --- | --- | --- |"
up --path 1:rate=50,delay=30
g=$(perf); e=$(engine); l=$(lateness)
echo "| 50 Mbit/s, 30 ms each way | $e | $g | \`$l\` |"
down
up --path 1:rate=5000,delay=10
g=$(perf); e=$(engine); l=$(lateness)
echo "| tbf 5 Gbit/s, 10 ms each way | $e | $g | \`$l\` |"
down
up --path 1:rate=5000
g=$(perf)
echo "| tbf 5 Gbit/s, no delay (no element) | none | $g | - |"
down
echo
echo "Load average at the end: $(cut -d' ' -f1-3 /proc/loadavg)."
