#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0-or-later
# Reproducer (issue 21; for mptcp_net-next): a short download over a fresh
# MPTCP connection takes one or two round trips more than over TCP on the
# same path. Lab: `mptcpkit lab up --profile slow-second` (path 1 50 Mbit/s,
# path 2 2 Mbit/s, both 10 ms each way; netem where the kernel has it, else
# the lab's NFQUEUE delay element), congestion control reno, initial window
# 10. A Python server (bench/lab-short.py) writes SIZE bytes in 64 KB
# send()s and closes; the client times connect() to the last byte.
#   sudo bench/short-repro.sh [BUILD_DIR] [REPS (10)] [SIZES ("95000 100000")]
# Modes, in turns per size:
#   tcp          plain TCP on path 1
#   single       MPTCP, no endpoint: one subflow, never a join
#   join         MPTCP, a 'subflow' endpoint on path 2: the join reaches the
#                server during the transfer (and is refused once the server
#                has sent its DATA_FIN)
#   join-nodelay join, the server's accepted socket with TCP_NODELAY
# Prints, per size and mode, the median and the runs that took at least
# half a round trip (10 ms) more than TCP's median.
# KEEP=DIR keeps a server-side capture (path 1 and 2) of every mode there.
# RMEM=BYTES sets the client's net.ipv4.tcp_rmem default (middle) value:
# 262144 instead of Debian's 131072 took the join's extra round trip from 38
# of 40 runs to 1 of 40 (bench/short-upstream.md, cause 3).
set -u
TOP=$(cd "$(dirname "$0")/.." && pwd)
M=$(cd "${1:-$TOP/build}" && pwd)/tools/mptcpkit
REPS=${2:-10}
SIZES=${3:-95000 100000}
SHORT="python3 $TOP/bench/lab-short.py"
L=shr-$$
KEEP=${KEEP:-}
RMEM=${RMEM:-}
trap '"$M" lab down --force --name "$L" >/dev/null 2>&1' EXIT
trap 'exit 130' INT TERM

"$M" lab up --name "$L" --profile slow-second >/dev/null || exit 1
"$M" lab exec client --name "$L" ip mptcp endpoint flush
[ -n "$RMEM" ] && "$M" lab exec client --name "$L" sysctl -qw net.ipv4.tcp_rmem="4096 $RMEM 33554432"
"$M" lab exec server --name "$L" timeout 3600 $SHORT serve 5601 >/dev/null 2>&1 &
"$M" lab exec server --name "$L" timeout 3600 $SHORT serve 5602 --nodelay >/dev/null 2>&1 &
sleep 1

# get MODE SIZE: REPS lines of seconds
get() {
	local port=5601 args=""
	case $1 in
	tcp) args=--tcp ;;
	single) "$M" lab exec client --name "$L" ip mptcp endpoint flush ;;
	join) "$M" lab exec client --name "$L" ip mptcp endpoint add 10.0.2.1 dev path2 subflow ;;
	join-nodelay) port=5602
		"$M" lab exec client --name "$L" ip mptcp endpoint add 10.0.2.1 dev path2 subflow ;;
	esac
	if [ -n "$KEEP" ]; then
		mkdir -p "$KEEP"
		for i in 1 2; do
			"$M" lab exec server --name "$L" timeout $((REPS + 3)) tcpdump -U -s 160 -i "path$i" \
				-w "$KEEP/$1-$2-path$i.pcap" tcp port "$port" >/dev/null 2>&1 &
		done
		sleep 1
	fi
	"$M" lab exec client --name "$L" $SHORT get 10.0.1.2 "$port" "$2" "$REPS" $args
	[ -n "$KEEP" ] && wait
	"$M" lab exec client --name "$L" ip mptcp endpoint flush
}

for size in $SIZES; do
	for mode in tcp single join join-nodelay; do
		echo "$size $mode $(get "$mode" "$size" | tr '\n' ' ')"
	done
done | python3 -c '
import statistics as st, sys
rows = [l.split() for l in sys.stdin if l.strip()]
tcp = {r[0]: st.median(float(x) for x in r[2:] if x != "FAIL") for r in rows if r[1] == "tcp"}
print("| size | mode | median (s) | / TCP | runs >= TCP + 10 ms | all (s) |")
print("| --- | --- | --- | --- | --- | --- |")
for r in rows:
    v = [float(x) for x in r[2:] if x != "FAIL"]
    m = st.median(v)
    slow = sum(1 for x in v if x >= tcp[r[0]] + 0.010)
    print("| %s | %s | %.4f | %.2f | %d of %d | %s |" % (r[0], r[1], m, m / tcp[r[0]], slow, len(r) - 2,
          " ".join("%.3f" % x for x in sorted(v))))
'
