#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0-or-later
# Reproducer (issue 21; for mptcp_net-next): BBR's bandwidth estimate on
# MPTCP subflows reads far above the path's rate, where a plain TCP flow
# on the same path reads the rate. Lab: 2 paths x 50 Mbit/s (tbf on each
# sending veth, burst 32 KB, latency 50 ms), no delay unless a variant
# adds one, congestion control bbr in both namespaces. Each variant: an
# upload of SECONDS with `mptcpkit perf`, `ss -tin` on the sender every
# 50 ms; per flow the goodput, the median and highest bbr bw, and the
# share of samples whose bw is above 2 x the path's rate.
#   sudo bench/bbr-repro.sh [BUILD_DIR] [REPS (2)] [SECONDS (4)] [VARIANTS]
# VARIANTS (default all): tcp mptcp burst4k burst128k wmem256k rmem1m delay5
#   tcp        one TCP connection on path 1
#   mptcp      one MPTCP connection, both paths
#   burst4k    tcp and mptcp with tbf burst 4 KB (about 3 packets), every path
#   burst128k  mptcp with tbf burst 128 KB
#   wmem256k   mptcp with the sender's net.ipv4.tcp_wmem max 256 KB
#   rmem1m     mptcp with the receiver's net.ipv4.tcp_rmem max 1 MB (more
#              stalls at the MPTCP level, if those start it)
#   delay5     tcp and mptcp with 5 ms each way (the lab's delay element)
# KEEP=DIR keeps each run's ss samples there.
set -u
TOP=$(cd "$(dirname "$0")/.." && pwd)
M=$(cd "${1:-$TOP/build}" && pwd)/tools/mptcpkit
REPS=${2:-2}
SECS=${3:-4}
VARIANTS=${4:-tcp mptcp burst4k burst128k wmem256k rmem1m delay5}
L=bbr-$$
LD=bbrd-$$
T=$(mktemp -d)
PORT=5700
trap '"$M" lab down --force --name "$L" >/dev/null 2>&1; "$M" lab down --force --name "$LD" >/dev/null 2>&1; rm -rf "$T"' EXIT
trap 'exit 130' INT TERM

tbf_burst() { # LAB BYTES: every path's tbf, both ends
	local ns
	for side in client server; do
		ns=mpk-lab-$1-$side
		for dev in path1 path2; do
			tc -n "$ns" qdisc change dev "$dev" root tbf rate 50mbit burst "$2" latency 50ms ||
				return 1
		done
	done
}

# run LAB NAME [perf args]: one upload, ss samples beside it, a line of figures
run() {
	local lab=$1 name=$2 ns=mpk-lab-$1-client end
	shift 2
	PORT=$((PORT + 1))
	"$M" lab exec server --name "$lab" "$M" perf -s -1 -p "$PORT" >/dev/null 2>&1 &
	sleep 0.4
	"$M" lab exec client --name "$lab" "$M" -j perf -c 10.0.1.2 -p "$PORT" -t "$SECS" "$@" \
		>"$T/perf.json" 2>/dev/null &
	end=$(($(date +%s%N) + SECS * 1000000000))
	while [ "$(date +%s%N)" -lt "$end" ]; do
		echo ---
		ip netns exec "$ns" ss -tinH "dport = :$PORT"
		sleep 0.05
	done >"$T/ss"
	wait
	[ -z "${KEEP:-}" ] || cp "$T/ss" "$KEEP/$name-$PORT.ss"
	python3 - "$name" "$T/perf.json" "$T/ss" <<'EOF'
import json, re, statistics, sys
name, pj, sj = sys.argv[1:]
d = json.load(open(pj))
flows = {}
cur = None
for line in open(sj):
    m = re.match(r'\S+\s+\d+\s+\d+\s+(\S+?)(?:%\S+)?:\d+\s', line)
    if m:
        cur = m.group(1)
        continue
    b = re.search(r'bbr:\(bw:(\d+)bps', line)
    if cur and b:
        flows.setdefault(cur, []).append(int(b.group(1)) / 1e6)
out = ["%-10s goodput %6.2f Mbit/s%s" % (name, d["bits_per_second"] / 1e6, "" if d["verified"] else " UNVERIFIED")]
for addr, bw in sorted(flows.items()):
    bw = bw[len(bw) // 5:]		# past start-up
    high = sum(1 for v in bw if v > 100) / max(len(bw), 1)
    out.append("%s bw median %.1f max %.1f Mbit/s, > 100: %3.0f %% of %d" %
               (addr, statistics.median(bw), max(bw), 100 * high, len(bw)))
print(" | ".join(out))
EOF
}

has() { case " $VARIANTS " in *" $1 "*) return 0 ;; esac; return 1; }

"$M" lab up --name "$L" --cc bbr >/dev/null || exit 1
echo "$(date -u '+%Y-%m-%d %H:%M UTC'), kernel $(uname -r), load $(cut -d' ' -f1-3 /proc/loadavg)"
for r in $(seq "$REPS"); do
	has tcp && run "$L" tcp --tcp
	has mptcp && run "$L" mptcp
	if has burst4k && tbf_burst "$L" 4096; then
		run "$L" tcp-b4k --tcp
		run "$L" mptcp-b4k
		tbf_burst "$L" 32768
	fi
	if has burst128k && tbf_burst "$L" 131072; then
		run "$L" mptcp-b128k
		tbf_burst "$L" 32768
	fi
	if has wmem256k; then
		"$M" lab exec client --name "$L" sysctl -qw net.ipv4.tcp_wmem="4096 16384 262144"
		run "$L" wmem256k
		"$M" lab exec client --name "$L" sysctl -qw net.ipv4.tcp_wmem="4096 16384 4194304"
	fi
	if has rmem1m; then
		rmem=$("$M" lab exec server --name "$L" sysctl -n net.ipv4.tcp_rmem)
		"$M" lab exec server --name "$L" sysctl -qw net.ipv4.tcp_rmem="4096 131072 1048576"
		run "$L" rmem1m
		"$M" lab exec server --name "$L" sysctl -qw net.ipv4.tcp_rmem="$rmem"
	fi
done
if has delay5; then
	"$M" lab up --name "$LD" --cc bbr --delay 5 >/dev/null || exit 1
	for r in $(seq "$REPS"); do
		run "$LD" tcp-d5 --tcp
		run "$LD" mptcp-d5
	done
fi
echo "load after $(cut -d' ' -f1-3 /proc/loadavg)"
