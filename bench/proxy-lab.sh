#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0-or-later
# The proxy pair in a router lab: client (plain TCP) -> router (nft
# REDIRECT, mptcpkit proxy transparent) == two uplinks, 50 Mbit/s tbf each
# way == far end (mptcpkit proxy socks) -> server. iperf3 from the client
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
RATE=${RATE:-50mbit}
for c in iperf3 nft tc python3; do
	command -v "$c" >/dev/null || { echo "proxy-lab: needs $c" >&2; exit 1; }
done
[ "$(id -u)" = 0 ] || { echo "proxy-lab: needs root (namespaces)" >&2; exit 1; }
ID=$$
C=mpk-pxlc-$ID R=mpk-pxlr-$ID F=mpk-pxlf-$ID S=mpk-pxls-$ID
OUT=$(mktemp -d /tmp/proxy-lab.XXXXXX)
PIDS=()
cleanup() {
	local p ns
	set +e # best effort: see proxy-throughput.sh
	for p in "${PIDS[@]}"; do kill "$p" 2>/dev/null; done
	wait 2>/dev/null
	for ns in "$C" "$R" "$F" "$S"; do
		ip netns pids "$ns" 2>/dev/null | xargs -r kill -9 2>/dev/null
		ip netns del "$ns" 2>/dev/null
	done
	rm -rf "$OUT"
}
trap cleanup EXIT
trap 'exit 130' INT TERM
for ns in "$C" "$R" "$F" "$S"; do
	ip netns add "$ns"
	ip -n "$ns" link set lo up
done
link() { # NS1 IF1 ADDR1 NS2 IF2 ADDR2
	ip link add "$2" netns "$1" type veth peer name "$5" netns "$4"
	ip -n "$1" addr add "$3" dev "$2"
	ip -n "$4" addr add "$6" dev "$5"
	ip -n "$1" link set "$2" up
	ip -n "$4" link set "$5" up
}
link "$C" c0 10.97.1.2/24 "$R" r0 10.97.1.1/24
link "$R" a1 10.98.1.1/24 "$F" f1 10.98.1.2/24
link "$R" a2 10.98.2.1/24 "$F" f2 10.98.2.2/24
link "$F" f0 10.99.1.1/24 "$S" s0 10.99.1.2/24
ip -n "$C" route add default via 10.97.1.1
for d in "$R a1" "$R a2" "$F f1" "$F f2"; do
	set -- $d
	ip netns exec "$1" tc qdisc add dev "$2" root tbf rate "$RATE" burst 32kb latency 50ms
done
for ns in "$R" "$F"; do
	ip netns exec "$ns" sysctl -qw net.ipv4.conf.all.rp_filter=0 net.ipv4.conf.default.rp_filter=0 \
		net.ipv4.conf.a1.rp_filter=0 net.ipv4.conf.a2.rp_filter=0 \
		net.ipv4.conf.f1.rp_filter=0 net.ipv4.conf.f2.rp_filter=0 2>/dev/null || true
	ip netns exec "$ns" ip mptcp limits set subflows 2 add_addr_accepted 2
done
ip netns exec "$R" ip mptcp endpoint add 10.98.2.1 dev a2 subflow

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
	ip netns exec "$C" iperf3 -c 10.99.1.2 -p "$4" -t "$SECS" -J >"$OUT/pair.json"
	sleep 0.3
	t1=$(( $(ticks "$2") + $(ticks "$3") ))
	python3 - "$OUT/pair.json" "$((t1 - t0))" "$(getconf CLK_TCK)" "$1" <<'PY' >>"$OUT/figures"
import json, sys
r = json.load(open(sys.argv[1]))["end"]["sum_received"]
print(sys.argv[4], r["bits_per_second"], int(sys.argv[2]) / int(sys.argv[3]) / (r["bytes"] / 1e9))
PY
}

ip netns exec "$F" "$M" proxy socks --listen 10.98.1.2:1080 --allow 10.98.0.0/16 >"$OUT/far.log" &
FAR=$!
PIDS+=("$FAR")
ip netns exec "$R" "$M" -j proxy transparent --listen 10.97.1.1:1081 --via 10.98.1.2:1080 \
	--allow 10.97.0.0/16 --iif r0 --install-rules >"$OUT/rtr.log" &
RTR=$!
PIDS+=("$RTR")
wait_port "$F" 1080
wait_port "$R" 1081

for r in $(seq "$ROUNDS"); do
	ip netns exec "$F" "$M" perf -s -1 -p 5201 >/dev/null 2>&1 &
	PIDS+=($!)
	wait_port "$F" 5201
	ip netns exec "$R" "$M" -j perf -c 10.98.1.2 -p 5201 -t "$SECS" >"$OUT/native.json"
	python3 -c 'import json,sys; d=json.load(open(sys.argv[1])); print("native", d["bits_per_second"] if d["verified"] else 0, 0)' \
		"$OUT/native.json" >>"$OUT/figures"
	through pair "$RTR" "$FAR" 5202
done
SUB=$(grep '"event":"conn"' "$OUT/rtr.log" | python3 -c '
import json, sys
print(max((json.loads(l).get("upstream_subflows", 0) for l in sys.stdin), default=0))')
kill "$RTR"
wait "$RTR" 2>/dev/null || true  # its nft table goes with it

if command -v ss-redir >/dev/null && command -v ss-server >/dev/null; then
	ip netns exec "$F" ss-server -s 10.98.1.2 -p 8388 -k bench -m chacha20-ietf-poly1305 --mptcp \
		>/dev/null 2>&1 &
	SSF=$!
	PIDS+=("$SSF")
	ip netns exec "$R" ss-redir -s 10.98.1.2 -p 8388 -b 10.97.1.1 -l 1082 -k bench \
		-m chacha20-ietf-poly1305 --mptcp >/dev/null 2>&1 &
	SSR=$!
	PIDS+=("$SSR")
	ip netns exec "$R" nft -f - <<'NFT'
table inet bench_ss {
	chain prerouting {
		type nat hook prerouting priority dstnat; policy accept;
		iifname "r0" meta l4proto tcp redirect to :1082
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
		echo "two uplinks of $RATE (tbf, both ways), $SECS s per run, $ROUNDS rounds, congestion control"
		echo "as the namespaces inherit it. Target: the pair >= 0.95 of native MPTCP."
		echo "Command: \`bench/proxy-lab.sh build $ROUNDS $SECS\`"
		echo
		echo "$TABLE"
	} >>"$TOP/bench/RESULTS.md"
fi
