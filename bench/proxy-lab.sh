#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0-or-later
# The proxy pair in a router lab (mptcpkit lab up --router): client (plain
# TCP) -> router (nft REDIRECT, mptcpkit proxy transparent, both run by the
# lab) == two uplinks, 50 Mbit/s tbf each way == far end (mptcpkit proxy
# socks, the lab's too) -> server. iperf3 from the client
# through the pair, against mptcpkit perf natively over MPTCP from the
# router to the far end on the same two paths. Target: the pair gets at
# least 0.95 of native MPTCP, and more than shadowsocks-libev (ss-redir +
# ss-server, --mptcp, chacha20-ietf-poly1305) in the same topology when it
# is installed. CPU seconds per GB of both proxies of each pair.
#   bench/proxy-lab.sh [BUILD_DIR] [ROUNDS (3)] [SECONDS (10)]
# Prints a table; APPEND=1 appends it to bench/RESULTS.md.
set -eu
TOP=$(cd "$(dirname "$0")/.." && pwd)
BUILD=$(cd "${1:-$TOP/build}" && pwd)
ROUNDS=${2:-3}
SECS=${3:-10}
M=$BUILD/tools/mptcpkit
RATE=${RATE:-50}
RATE=${RATE%mbit}	# the old spelling, 50mbit, still works
# The congestion control the namespaces inherited before this used the lab
# (the host's), so that the figures keep their meaning.
CC=${CC:-$(cat /proc/sys/net/ipv4/tcp_congestion_control)}
for c in iperf3 nft tc python3; do
	command -v "$c" >/dev/null || { echo "proxy-lab: needs $c" >&2; exit 1; }
done
[ "$(id -u)" = 0 ] || { echo "proxy-lab: needs root (namespaces)" >&2; exit 1; }
LAB=pxl-$$
C=mpk-lab-$LAB-client R=mpk-lab-$LAB-router F=mpk-lab-$LAB-far S=mpk-lab-$LAB-server
OUT=$(mktemp -d /tmp/proxy-lab.XXXXXX)
PIDS=()
cleanup() {
	local p
	set +e	# a process that ended already must not end the clean-up
	for p in "${PIDS[@]}"; do kill "$p" 2>/dev/null; done
	for p in "${PIDS[@]}"; do wait "$p" 2>/dev/null; done
	"$M" lab down --force --name "$LAB" >/dev/null 2>&1
	rm -rf "$OUT"
}
trap cleanup EXIT
trap 'exit 130' INT TERM
"$M" lab up --router --name "$LAB" --rate "$RATE" --cc "$CC" >/dev/null
status() { # PYTHON-EXPR over the lab's status d
	"$M" -j lab status --name "$LAB" | python3 -c "import json,sys; d=json.load(sys.stdin); print($1)"
}
FAR=$(status 'd["far_proxy"]["pid"]')
RTR=$(status 'd["router_proxy"]["pid"]')
RTR_LOG=/run/mptcpkit/lab-$LAB-router.log
DST=10.2.0.2	# the server, behind the far end
FAR_ADDR=10.0.1.2	# the far end on uplink 1

wait_port() { # NS PORT
	for _ in $(seq 50); do
		ip netns exec "$1" ss -Hltn "sport = :$2" | grep -q . && return 0
		sleep 0.1
	done
	echo "proxy-lab: nothing listening on $2" >&2
	exit 1
}
ticks() {
	awk '{print $14 + $15}' "/proc/$1/stat"
}

# through NAME RTR_PID FAR_PID PORT: iperf3 from the client through a pair.
through() {
	local t0 t1
	ip netns exec "$S" iperf3 -s -1 -p "$4" >/dev/null 2>&1 &
	PIDS+=($!)
	wait_port "$S" "$4"
	t0=$(( $(ticks "$2") + $(ticks "$3") ))
	ip netns exec "$C" iperf3 -c "$DST" -p "$4" -t "$SECS" -J >"$OUT/pair.json"
	sleep 0.3
	t1=$(( $(ticks "$2") + $(ticks "$3") ))
	python3 - "$OUT/pair.json" "$((t1 - t0))" "$(getconf CLK_TCK)" "$1" <<'PY' >>"$OUT/figures"
import json, sys
r = json.load(open(sys.argv[1]))["end"]["sum_received"]
print(sys.argv[4], r["bits_per_second"], int(sys.argv[2]) / int(sys.argv[3]) / (r["bytes"] / 1e9))
PY
}

for r in $(seq "$ROUNDS"); do
	ip netns exec "$F" "$M" perf -s -1 -p 5201 >/dev/null 2>&1 &
	PIDS+=($!)
	wait_port "$F" 5201
	ip netns exec "$R" "$M" -j perf -c "$FAR_ADDR" -p 5201 -t "$SECS" >"$OUT/native.json"
	python3 -c 'import json,sys; d=json.load(open(sys.argv[1])); print("native", d["bits_per_second"] if d["verified"] else 0, 0)' \
		"$OUT/native.json" >>"$OUT/figures"
	through pair "$RTR" "$FAR" 5202
done
SUB=$(grep '"event":"conn"' "$RTR_LOG" | python3 -c '
import json, sys
print(max((json.loads(l).get("upstream_subflows", 0) for l in sys.stdin), default=0))')
# The lab's router proxy makes way for ss-redir (SIGTERM: it removes its
# nft table); it is not our child, so wait for it to go.
kill "$RTR"
for _ in $(seq 50); do kill -0 "$RTR" 2>/dev/null || break; sleep 0.1; done

if command -v ss-redir >/dev/null && command -v ss-server >/dev/null; then
	ip netns exec "$F" ss-server -s "$FAR_ADDR" -p 8388 -k bench -m chacha20-ietf-poly1305 --mptcp \
		>/dev/null 2>&1 &
	SSF=$!
	PIDS+=("$SSF")
	ip netns exec "$R" ss-redir -s "$FAR_ADDR" -p 8388 -b 10.1.0.1 -l 1082 -k bench \
		-m chacha20-ietf-poly1305 --mptcp >/dev/null 2>&1 &
	SSR=$!
	PIDS+=("$SSR")
	ip netns exec "$R" nft -f - <<'NFT'
table inet bench_ss {
	chain prerouting {
		type nat hook prerouting priority dstnat; policy accept;
		iifname "lan" meta l4proto tcp redirect to :1082
	}
}
NFT
	wait_port "$F" 8388
	wait_port "$R" 1082
	for r in $(seq "$ROUNDS"); do
		through shadowsocks "$SSR" "$SSF" 5203
	done
fi
TABLE=$(python3 - "$OUT/figures" "$SUB" <<'PY'
import sys, statistics
rows = {}
for line in open(sys.argv[1]):
    name, bps, cpg = line.split()
    rows.setdefault(name, []).append((float(bps) / 1e6, float(cpg)))
nat = statistics.median(x[0] for x in rows["native"])
pair = statistics.median(x[0] for x in rows["pair"])
print("| path | rounds (Mbit/s) | median Mbit/s | vs native | proxies' CPU s per GB |")
print("| --- | --- | --- | --- | --- |")
print("| mptcpkit perf, router -> far end, MPTCP | %s | %.1f | 1 | - |" %
      (" ".join("%.1f" % x[0] for x in rows["native"]), nat))
print("| iperf3 client -> proxy pair -> server (%s subflows) | %s | %.1f | %.3f | %.3f |" %
      (sys.argv[2], " ".join("%.1f" % x[0] for x in rows["pair"]), pair, pair / nat,
       statistics.median(x[1] for x in rows["pair"])))
if "shadowsocks" in rows:
    v = rows["shadowsocks"]
    m = statistics.median(x[0] for x in v)
    print("| iperf3 client -> ss-redir -> ss-server (--mptcp) -> server | %s | %.1f | %.3f | %.3f |" %
          (" ".join("%.1f" % x[0] for x in v), m, m / nat, statistics.median(x[1] for x in v)))
PY
)
echo "$TABLE"
if [ "${APPEND:-0}" = 1 ]; then
	{
		echo
		echo "## proxy: the proxy pair in a router lab (proxy engineer, issue 10)"
		echo "$(date -u '+%Y-%m-%d %H:%M UTC'), $(nproc) cores shared with other work, kernel $(uname -r);"
		echo "two uplinks of $RATE Mbit/s (tbf, both ways; \`mptcpkit lab up --router\`), $SECS s per run,"
		echo "$ROUNDS rounds, congestion control $CC. Target: the pair >= 0.95 of native MPTCP."
		echo "Command: \`bench/proxy-lab.sh build $ROUNDS $SECS\`"
		echo
		echo "$TABLE"
	} >>"$TOP/bench/RESULTS.md"
fi
