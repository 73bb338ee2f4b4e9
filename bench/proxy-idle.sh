#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0-or-later
# Many idle connections through mptcpkit proxy forward on loopback (a
# namespace of its own): TCP in, MPTCP out to a server that holds them.
# Reports the proxy's memory (RSS) per connection, its descriptors while
# they are open and after they close (no leak: back to where it started).
#   bench/proxy-idle.sh [BUILD_DIR] [CONNECTIONS (10000)]
# Prints a table; APPEND=1 appends it to bench/RESULTS.md.
set -eu
TOP=$(cd "$(dirname "$0")/.." && pwd)
BUILD=$(cd "${1:-$TOP/build}" && pwd)
N=${2:-10000}
M=$BUILD/tools/mptcpkit
PC=$BUILD/bench/proxy-conns
[ "$(id -u)" = 0 ] || { echo "proxy-idle: needs root (a namespace)" >&2; exit 1; }
NS=mpk-pxidle-$$
OUT=$(mktemp -d /tmp/proxy-idle.XXXXXX)
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
# The proxy needs two descriptors per connection: as many as the hard
# limit allows (raising it needs CAP_SYS_RESOURCE).
ulimit -n "$(ulimit -Hn)"
if [ $((2 * N + 20)) -gt "$(ulimit -n)" ]; then
	echo "proxy-idle: $N connections need $((2 * N + 20)) descriptors, the limit is $(ulimit -n)" >&2
	exit 1
fi
ip netns add "$NS"
ip -n "$NS" link set lo up
n() { ip netns exec "$NS" "$@"; }
n sysctl -qw net.ipv4.ip_local_port_range="1024 65000"
wait_port() {
	for _ in $(seq 50); do
		n ss -Hltn "sport = :$1" | grep -q . && return 0
		sleep 0.1
	done
	echo "proxy-idle: nothing listening on $1" >&2
	exit 1
}
rss_kb() { awk '/^VmRSS/ {print $2}' "/proc/$1/status"; }
fds() { ls "/proc/$1/fd" | wc -l; }

ip netns exec "$NS" "$M" run -- "$PC" hold 7002 &
HOLD=$!
PIDS+=("$HOLD")
wait_port 7002
ip netns exec "$NS" "$M" proxy forward --listen 127.0.0.1:7001 --to 127.0.0.1:7002 --max-conns $((N + 100)) \
	--idle-timeout 3600 >"$OUT/proxy.log" &
PX=$!
PIDS+=("$PX")
wait_port 7001
sleep 0.5
RSS0=$(rss_kb "$PX") FD0=$(fds "$PX")
mkfifo "$OUT/go"
n python3 - "$N" "$OUT/go" <<'PY' &
import resource, socket, sys
n = int(sys.argv[1])
soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
resource.setrlimit(resource.RLIMIT_NOFILE, (hard, hard))
socks = []
for i in range(n):
    s = socket.socket()
    s.bind(("127.0.0.%d" % (2 + i % 200), 0))
    s.connect(("127.0.0.1", 7001))
    socks.append(s)
print("open", len(socks), flush=True)
open(sys.argv[2]).read()   # hold until told
PY
CL=$!
PIDS+=("$CL")
# Wait until the proxy has them all relayed.
for _ in $(seq 600); do
	est=$(n ss -Htn state established "dport = :7002" | wc -l)
	[ "$est" -ge "$N" ] && break
	sleep 0.2
done
sleep 1
RSS1=$(rss_kb "$PX") FD1=$(fds "$PX")
# Both ends close: the clients, then the server (the proxy carries each
# half-close, so a connection ends when both ends have closed).
echo >"$OUT/go"
wait "$CL" || true
kill "$HOLD"
wait "$HOLD" 2>/dev/null || true
for _ in $(seq 300); do
	[ "$(fds "$PX")" -le "$FD0" ] && break
	sleep 0.1
done
FD2=$(fds "$PX")
CLOSED=$(grep -c "^conn .* closed " "$OUT/proxy.log" || true)
TABLE=$(cat <<EOF2
| connections held | proxy RSS before / with them | per connection | descriptors before / with / after | lines "closed" |
| --- | --- | --- | --- | --- |
| $est of $N | $RSS0 KiB / $RSS1 KiB | $(( (RSS1 - RSS0) * 1024 / N )) bytes | $FD0 / $FD1 / $FD2 | $CLOSED |
EOF2
)
echo "$TABLE"
if [ "${APPEND:-0}" = 1 ]; then
	{
		echo
		echo "## proxy: $N idle connections (proxy engineer, issue 10)"
		echo "$(date -u '+%Y-%m-%d %H:%M UTC'), $(nproc) cores shared with other work, kernel $(uname -r);"
		echo "TCP clients -> mptcpkit proxy forward -> a server forced onto MPTCP that holds them."
		echo "User-space memory only (RSS); the kernel's socket memory is not in it."
		echo "Command: \`bench/proxy-idle.sh build $N\`"
		echo
		echo "$TABLE"
	} >>"$TOP/bench/RESULTS.md"
fi
