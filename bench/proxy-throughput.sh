#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0-or-later
# One stream through a proxy on loopback (in a namespace of its own):
# iperf3 client -> proxy -> iperf3 server, for
#   TCP in, MPTCP out: mptcpkit proxy forward (splice, and --no-splice),
#                      haproxy 2.6 mode tcp (one thread; default, and
#                      option splice-auto) and socat, both forced onto
#                      MPTCP with mptcpkit run, server forced too;
#   MPTCP in, TCP out: mptcpkit proxy reverse, haproxy and socat forced,
#                      the client forced, the server plain TCP.
# Reports Gbit/s (receiver) and the proxy's CPU seconds per GB moved.
#   bench/proxy-throughput.sh [BUILD_DIR] [ROUNDS (3)] [SECONDS (5)]
# Prints a table; APPEND=1 appends it to bench/RESULTS.md. CASES=REGEX runs
# only the cases whose "NAME DIRECTION" matches (e.g. CASES=mptcp-tcp).
set -eu
TOP=$(cd "$(dirname "$0")/.." && pwd)
BUILD=$(cd "${1:-$TOP/build}" && pwd)
ROUNDS=${2:-3}
SECS=${3:-5}
M=$BUILD/tools/mptcpkit
for c in iperf3 haproxy socat python3 ss; do
	command -v "$c" >/dev/null || { echo "proxy-throughput: needs $c" >&2; exit 1; }
done
[ "$(id -u)" = 0 ] || { echo "proxy-throughput: needs root (a namespace)" >&2; exit 1; }
NS=mpk-pxbench-$$
OUT=$(mktemp -d /tmp/proxy-bench.XXXXXX)
PIDS=()
cleanup() {
	local p
	# Best effort: under set -e the first kill of a process already gone
	# ended the cleanup, leaving the namespace and the proxy behind.
	set +e
	for p in "${PIDS[@]}"; do kill "$p" 2>/dev/null; done
	wait 2>/dev/null
	ip netns pids "$NS" 2>/dev/null | xargs -r kill -9 2>/dev/null
	ip netns del "$NS" 2>/dev/null
	rm -rf "$OUT"
}
trap cleanup EXIT
trap 'exit 130' INT TERM
ip netns add "$NS"
ip -n "$NS" link set lo up
n() { ip netns exec "$NS" "$@"; }

wait_port() {
	for _ in $(seq 50); do
		n ss -Hltn "sport = :$1" | grep -q . && return 0
		sleep 0.1
	done
	echo "proxy-throughput: nothing listening on $1" >&2
	exit 1
}

# CPU clock ticks of a process and its descendants (waited-for included).
ticks() {
	local p t=0
	[ -r "/proc/$1/stat" ] && t=$(awk '{print $14 + $15 + $16 + $17}' "/proc/$1/stat" 2>/dev/null || echo 0)
	for p in $(pgrep -P "$1" 2>/dev/null); do
		t=$((t + $(ticks "$p")))
	done
	echo "$t"
}

haproxy_cfg() { # PIN POUT [splice]
	cat <<EOF2
global
	nbthread 1
	maxconn 1000
defaults
	mode tcp
	timeout connect 5s
	timeout client 60s
	timeout server 60s
	${3:+option splice-auto}
listen p
	bind 127.0.0.1:$1
	server s 127.0.0.1:$2
EOF2
}

# MPTCP connections accepted in the namespace so far. iperf3 opens two
# (control, data), and the one MPTCP leg of each case is accepted by an
# MPTCP listener (the server, or the proxy): 2 per run when that leg
# really is MPTCP.
mp_syn_rx() {
	n nstat -az MPTcpExtMPCapableSYNRX | awk '$1 == "MPTcpExtMPCapableSYNRX" { v = $2 } END { print v + 0 }'
}

PORT=6100
# run NAME DIR PROXY_CMD...: DIR "tcp-mptcp" or "mptcp-tcp"; @IN@ and @OUT@
# in the command are the proxy's ports.
run() {
	local name=$1 dir=$2 in out srv cli px t0 t1
	shift 2
	[[ "$name $dir" =~ ${CASES:-.} ]] || return 0
	in=$((PORT + 1)) out=$((PORT + 2)) PORT=$((PORT + 2))
	if [ "$dir" = tcp-mptcp ]; then srv=("$M" run --); cli=(); else srv=(); cli=("$M" run --); fi
	ip netns exec "$NS" "${srv[@]}" iperf3 -s -1 -p "$out" >/dev/null 2>&1 &
	PIDS+=($!)
	wait_port "$out"
	local cmd=("${@//@IN@/$in}")
	cmd=("${cmd[@]//@OUT@/$out}")
	if [ "${cmd[0]}" = haproxy-cfg ]; then
		haproxy_cfg "$in" "$out" "${cmd[1]:-}" >"$OUT/haproxy.cfg"
		# haproxy sets TCP_USER_TIMEOUT on its listener, which MPTCP
		# refuses: by default mptcpkit run then makes the listener plain
		# TCP, and "MPTCP in" would be TCP in (it was, until 2026-12-01).
		cmd=("$M" run --sockopt TCP_USER_TIMEOUT=ignore -- haproxy -db -f "$OUT/haproxy.cfg")
	fi
	ip netns exec "$NS" "${cmd[@]}" >/dev/null 2>"$OUT/$name.proxy.err" &
	px=$!
	PIDS+=("$px")
	wait_port "$in"
	t0=$(ticks "$px")
	m0=$(mp_syn_rx)
	n timeout $((SECS + 20)) "${cli[@]}" iperf3 -c 127.0.0.1 -p "$in" -t "$SECS" -J >"$OUT/$name.json" 2>"$OUT/$name.err" ||
		{ echo "proxy-throughput: $name failed: $(head -c 300 "$OUT/$name.err" "$OUT/$name.json")" >&2; exit 1; }
	sleep 0.3
	t1=$(ticks "$px")
	m1=$(mp_syn_rx)
	kill "$px" 2>/dev/null || true
	wait "$px" 2>/dev/null || true
	python3 - "$OUT/$name.json" "$name" "$dir" "$((t1 - t0))" "$(getconf CLK_TCK)" "$((m1 - m0))" <<'PY' >>"$OUT/figures"
import json, sys
d = json.load(open(sys.argv[1]))
r = d["end"]["sum_received"]
cpu = int(sys.argv[4]) / int(sys.argv[5])
print(sys.argv[2], sys.argv[3], r["bits_per_second"], cpu / (r["bytes"] / 1e9), sys.argv[6])
PY
}

for r in $(seq "$ROUNDS"); do
	run mptcpkit tcp-mptcp "$M" proxy forward --listen 127.0.0.1:@IN@ --to 127.0.0.1:@OUT@
	run mptcpkit-nosplice tcp-mptcp "$M" proxy forward --no-splice --listen 127.0.0.1:@IN@ --to 127.0.0.1:@OUT@
	run haproxy tcp-mptcp haproxy-cfg
	run haproxy-splice tcp-mptcp haproxy-cfg splice
	run socat tcp-mptcp "$M" run -- socat TCP-LISTEN:@IN@,bind=127.0.0.1,reuseaddr,fork TCP:127.0.0.1:@OUT@
	run mptcpkit mptcp-tcp "$M" proxy reverse --listen 127.0.0.1:@IN@ --to 127.0.0.1:@OUT@
	run haproxy mptcp-tcp haproxy-cfg
	run haproxy-splice mptcp-tcp haproxy-cfg splice
	run socat mptcp-tcp "$M" run -- socat TCP-LISTEN:@IN@,bind=127.0.0.1,reuseaddr,fork TCP:127.0.0.1:@OUT@
done

TABLE=$(python3 - "$OUT/figures" <<'PY'
import sys, statistics
rows = {}
for line in open(sys.argv[1]):
    name, d, bps, cpg, mp = line.split()
    rows.setdefault((d, name), []).append((float(bps) / 1e9, float(cpg), int(mp) >= 2))
print("| direction | proxy | rounds (Gbit/s) | median Gbit/s | CPU s per GB (median) | MPTCP leg was MPTCP |")
print("| --- | --- | --- | --- | --- | --- |")
for (d, name), v in rows.items():
    g = [x[0] for x in v]
    c = [x[1] for x in v]
    mp = sum(x[2] for x in v)
    print("| %s | %s | %s | %.2f | %.3f | %s |" % (d.replace("-", " in, ", 1) + " out", name,
          " ".join("%.2f" % x for x in g), statistics.median(g), statistics.median(c),
          "yes" if mp == len(v) else "NO (%d of %d runs)" % (mp, len(v))))
PY
)
echo "$TABLE"
if [ "${APPEND:-0}" = 1 ]; then
	{
		echo
		echo "## proxy: one stream through a proxy on loopback (proxy engineer, issue 10)"
		echo "$(date -u '+%Y-%m-%d %H:%M UTC'), $(nproc) cores shared with other work, kernel $(uname -r),"
		echo "$SECS s per run, $ROUNDS rounds, iperf3 client -> proxy -> iperf3 server in one namespace."
		echo "Command: \`bench/proxy-throughput.sh build $ROUNDS $SECS\`"
		echo
		echo "$TABLE"
	} >>"$TOP/bench/RESULTS.md"
fi
