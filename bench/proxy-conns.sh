#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0-or-later
# Short connections through a proxy on loopback (a namespace of its own):
# 1 KiB request, 1 KiB reply, PARALLEL clients in a loop for SECONDS;
# TCP in, MPTCP out: mptcpkit proxy forward against haproxy 2.6 mode tcp
# (one thread) forced onto MPTCP with mptcpkit run; the server forced too;
# then mptcpkit --workers 2 against haproxy nbthread 2.
#   bench/proxy-conns.sh [BUILD_DIR] [ROUNDS (3)] [SECONDS (5)] [PARALLEL (8)]
# Prints a table; APPEND=1 appends it to bench/RESULTS.md.
set -eu
TOP=$(cd "$(dirname "$0")/.." && pwd)
BUILD=$(cd "${1:-$TOP/build}" && pwd)
ROUNDS=${2:-3}
SECS=${3:-5}
PAR=${4:-8}
M=$BUILD/tools/mptcpkit
PC=$BUILD/bench/proxy-conns
command -v haproxy >/dev/null || { echo "proxy-conns: needs haproxy" >&2; exit 1; }
[ "$(id -u)" = 0 ] || { echo "proxy-conns: needs root (a namespace)" >&2; exit 1; }
NS=
OUT=$(mktemp -d /tmp/proxy-conns.XXXXXX)
PIDS=()
# Each run in a namespace of its own, the server started anew: a run's
# TIME-WAIT sockets (up to net.ipv4.tcp_max_tw_buckets, 131072 here; the
# direct run alone leaves 90,000) would otherwise be the next run's: once
# the table is full, closing is cheaper (no TIME-WAIT made) for whoever
# comes then, and those made earlier expire during later runs.
ns_end() {
	local p
	[ -n "$NS" ] || return 0
	ip netns pids "$NS" 2>/dev/null | xargs -r kill -9 2>/dev/null
	for p in "${PIDS[@]}"; do { wait "$p"; } 2>/dev/null || true; done
	PIDS=()
	ip netns del "$NS" 2>/dev/null
	NS=
}
cleanup() {
	local p
	# Best effort: under set -e the first kill of a process already gone
	# ended the cleanup, leaving the namespace and the proxy behind.
	set +e
	for p in "${PIDS[@]}"; do kill "$p" 2>/dev/null; done
	wait 2>/dev/null
	ns_end 2>/dev/null
	rm -rf "$OUT"
}
trap cleanup EXIT
trap 'exit 130' INT TERM
n() { ip netns exec "$NS" "$@"; }
ulimit -n 65536 2>/dev/null || true

wait_port() {
	for _ in $(seq 50); do
		n ss -Hltn "sport = :$1" | grep -q . && return 0
		sleep 0.1
	done
	echo "proxy-conns: nothing listening on $1" >&2
	exit 1
}

# A fresh namespace with the server in it (SERVER_PIDS: its processes).
ns_start() {
	NS=mpk-pxconns-$$-$1
	ip netns add "$NS"
	ip -n "$NS" link set lo up
	# This namespace only: short connections leave TIME-WAIT behind.
	n sysctl -qw net.ipv4.tcp_tw_reuse=1 net.ipv4.ip_local_port_range="1024 65000"
	ip netns exec "$NS" "$M" run -- "$PC" server 7002 &
	PIDS+=($!)
	wait_port 7002
	SERVER_PIDS=$(ip netns pids "$NS" | tr '\n' ' ')
}

cat >"$OUT/haproxy.cfg" <<EOF2
global
	nbthread 1
	maxconn 4000
defaults
	mode tcp
	timeout connect 5s
	timeout client 60s
	timeout server 60s
listen p
	bind 127.0.0.1:7003
	server s 127.0.0.1:7002
EOF2
# Two threads against two mptcpkit workers (--workers 2).
sed -e 's/nbthread 1/nbthread 2/' -e 's/:7003/:7005/' "$OUT/haproxy.cfg" >"$OUT/haproxy2.cfg"

# CPU ticks (user + system) of the namespace's processes but the server:
# the proxy's (all its processes, workers too; nothing else runs there
# between two client runs).
proxy_ticks() {
	local p t=0
	for p in $(ip netns pids "$NS"); do
		case " $SERVER_PIDS " in *" $p "*) continue ;; esac
		t=$((t + $(awk '{ print $14 + $15 }' "/proc/$p/stat" 2>/dev/null || echo 0)))
	done
	echo "$t"
}

# run NAME PORT PROXY_CMD... (none: direct to the server)
run() {
	local name=$1 port=$2 px= t0 t1 fig
	shift 2
	ns_start "$name"
	if [ $# -gt 0 ]; then
		ip netns exec "$NS" "$@" >/dev/null 2>&1 &
		px=$!
		PIDS+=("$px")
		wait_port "$port"
	fi
	t0=$(proxy_ticks)
	fig=$(n "$PC" client 127.0.0.1 "$port" "$SECS" "$PAR")
	t1=$(proxy_ticks)
	# The proxy's CPU per connection: steadier than connections per
	# second on a machine shared with other work.
	echo "$name $fig cpu_ticks $((t1 - t0))" >>"$OUT/figures"
	[ -n "$px" ] && { kill "$px" 2>/dev/null || true; wait "$px" 2>/dev/null || true; }
	ns_end 2>/dev/null
	sleep 1
}

for r in $(seq "$ROUNDS"); do
	run direct 7002
	run mptcpkit 7001 "$M" proxy forward --listen 127.0.0.1:7001 --to 127.0.0.1:7002 --max-conns 10000
	run haproxy 7003 "$M" run -- haproxy -db -f "$OUT/haproxy.cfg"
	run mptcpkit-workers-2 7004 "$M" proxy forward --listen 127.0.0.1:7004 --to 127.0.0.1:7002 --max-conns 10000 --workers 2
	run haproxy-nbthread-2 7005 "$M" run -- haproxy -db -f "$OUT/haproxy2.cfg"
done

TABLE=$(python3 - "$OUT/figures" "$(getconf CLK_TCK)" <<'PY'
import sys, statistics
rows = {}
hz = int(sys.argv[2])
for line in open(sys.argv[1]):
    f = line.split()
    # conns N per_s X errors E cpu_ticks T: the proxy's CPU per connection
    us = 1e6 * int(f[8]) / hz / int(f[2]) if int(f[2]) else 0
    rows.setdefault(f[0], []).append((float(f[4]), int(f[6]), us))
print("| path | rounds (connections/s) | median /s | errors | proxy CPU us/conn (median) |")
print("| --- | --- | --- | --- | --- |")
for name, v in rows.items():
    cpu = "-" if name == "direct" else "%.0f" % statistics.median(x[2] for x in v)
    print("| %s | %s | %.0f | %d | %s |" % (name, " ".join("%.0f" % x[0] for x in v),
          statistics.median(x[0] for x in v), sum(x[1] for x in v), cpu))
PY
)
echo "$TABLE"
if [ "${APPEND:-0}" = 1 ]; then
	{
		echo
		echo "## proxy: short connections per second on loopback (proxy engineer, issue 10)"
		echo "$(date -u '+%Y-%m-%d %H:%M UTC'), $(nproc) cores shared with other work, kernel $(uname -r),"
		echo "1 KiB request and reply, $PAR clients in a loop, $SECS s per run, $ROUNDS rounds; TCP in,"
		echo "MPTCP out (server forced with mptcpkit run; haproxy 2.6 one thread, forced)."
		echo "Command: \`bench/proxy-conns.sh build $ROUNDS $SECS $PAR\`"
		echo
		echo "$TABLE"
	} >>"$TOP/bench/RESULTS.md"
fi
