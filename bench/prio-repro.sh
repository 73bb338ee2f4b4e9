#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0-or-later
# Reproducer (issue 21; for mptcp_net-next): a backup flag set on an
# endpoint while a join from it is connected but not yet fully established
# never reaches that subflow. The lab: path 1 20 Mbit/s, no delay; path 2
# 5 Mbit/s, 300 ms each way (the lab's delay element), so a join stays
# connected and not fully established for one round trip (600 ms). During
# an upload the script waits for the join to be connected (ss: ESTAB,
# no 'e' in its MPTCP flags), then runs `ip mptcp endpoint change ADDR
# backup`; 1.5 s later it prints the join's flags ('b': backup here) and
# the bytes each subflow carried. Then the same with the flag set after
# the join is fully established. Measured on 6.18: the first never shows
# 'b' and keeps carrying data; the second shows 'b' at once.
#   sudo bench/prio-repro.sh [BUILD_DIR]
set -u
TOP=$(cd "$(dirname "$0")/.." && pwd)
M=$(cd "${1:-$TOP/build}" && pwd)/tools/mptcpkit
L=prio-$$
trap '"$M" lab down --force --name "$L" >/dev/null 2>&1' EXIT
trap 'exit 130' INT TERM

# the join's MPTCP subflow flags (ss), connection to PORT
flags() {
	"$M" lab exec client --name "$L" ss -tinH state connected src 10.0.2.1 dport = ":$1" |
		grep -o 'flags:[A-Za-z]*' | head -1
}

# once WHEN (connected | established)
once() {
	local when=$1 port=$2 f
	"$M" lab exec client --name "$L" ip mptcp endpoint change 10.0.2.1 nobackup 2>/dev/null
	"$M" lab exec server --name "$L" timeout 20 "$M" perf -s -1 -p "$port" >/dev/null 2>&1 &
	sleep 0.3
	"$M" lab exec client --name "$L" timeout 20 "$M" -j perf -c 10.0.1.2 -p "$port" -t 4 >"/tmp/$L-$port.json" &
	for _ in $(seq 200); do
		f=$(flags "$port")
		case "$when:$f" in
		connected:flags:*c*) [[ $f == *e* ]] || break ;;
		established:flags:*e*) break ;;
		esac
		sleep 0.01
	done
	"$M" lab exec client --name "$L" ip mptcp endpoint change 10.0.2.1 backup
	echo "$when: backup set when the join's flags were '$f'"
	sleep 1.5
	echo "  1.5 s later: '$(flags "$port")'"
	wait
	python3 -c 'import json,sys
d=json.load(open(sys.argv[1]))
print("  bytes per second on path 1 / path 2 (KB):", [[s["bytes"]//1000 for s in i["subflows"]] for i in d["intervals"]])' "/tmp/$L-$port.json"
	rm -f "/tmp/$L-$port.json"
}

"$M" lab up --name "$L" --path 1:rate=20 --path 2:rate=5,delay=300 >/dev/null || exit 1
once connected 5391
once established 5392
