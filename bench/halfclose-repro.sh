#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0-or-later
# Reproducer for upstream (mptcp_net-next), self-contained (python3, ip,
# nstat, tc; no mptcpkit): once a side of an MPTCP connection has sent
# DATA_FIN (shutdown(SHUT_WR)), the kernel refuses every MP_JOIN, so a
# receiver that half-closes at once (a netcat-like tool whose input is
# /dev/null) keeps the connection on its first subflow for the whole
# transfer. Client: two interfaces, a `subflow` endpoint on the second;
# server: one address, no endpoint; 2 x 50 Mbit/s tbf. For each receiver
# (half-closes at once, or keeps its side open), REPS transfers of SIZE MiB:
# the most subflows the client had, the server's MPJoinRejected, goodput.
#   sudo bench/halfclose-repro.sh [REPS] [SIZE_MIB]
# bench/halfclose-upstream.md has the write-up and the figures.
set -u
REPS=${1:-4}
SIZE=${2:-32}
[ "$(id -u)" = 0 ] || { echo "needs root" >&2; exit 1; }
ID=$$-$RANDOM C=mpk-hcr-c-$ID S=mpk-hcr-s-$ID PORT=5399
cleanup() {
	local ns
	for ns in "$C" "$S"; do
		ip netns pids "$ns" 2>/dev/null | xargs -r kill 2>/dev/null
		ip netns del "$ns" 2>/dev/null
	done
}
trap cleanup EXIT
ip netns add "$C" && ip netns add "$S" || exit 1
for k in 1 2; do
	ip link add "c$k" netns "$C" type veth peer name "s$k" netns "$S"
	ip -n "$C" addr add "10.99.$k.1/24" dev "c$k"
	ip -n "$S" addr add "10.99.$k.2/24" dev "s$k"
	ip -n "$C" link set "c$k" up; ip -n "$S" link set "s$k" up
	tc -n "$C" qdisc add dev "c$k" root tbf rate 50mbit burst 16kb latency 20ms
	tc -n "$S" qdisc add dev "s$k" root tbf rate 50mbit burst 16kb latency 20ms
done
for ns in "$C" "$S"; do
	ip -n "$ns" link set lo up
	ip netns exec "$ns" sysctl -qw net.ipv4.conf.all.rp_filter=0 net.ipv4.conf.default.rp_filter=0
	ip netns exec "$ns" sysctl -qw net.ipv4.conf.c1.rp_filter=0 net.ipv4.conf.c2.rp_filter=0 2>/dev/null
	ip netns exec "$ns" sysctl -qw net.ipv4.conf.s1.rp_filter=0 net.ipv4.conf.s2.rp_filter=0 2>/dev/null
	ip -n "$ns" mptcp limits set subflows 2 add_addr_accepted 0
done
ip -n "$C" mptcp endpoint add 10.99.2.1 dev c2 subflow

cat >"/tmp/hcr-$ID.py" <<'PY'
import socket, sys, time
mode, port = sys.argv[1], int(sys.argv[2])
if mode in ("halfclose", "keepopen"):
    s = socket.socket(socket.AF_INET, socket.SOCK_STREAM, 262)
    s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    s.bind(("0.0.0.0", port)); s.listen(1)
    c, _ = s.accept()
    if mode == "halfclose":
        c.shutdown(socket.SHUT_WR)      # what `nc -N` does with stdin at EOF
    n = 0
    while True:
        b = c.recv(1 << 20)
        if not b: break
        n += len(b)
    print(n)
else:
    size = int(sys.argv[3]) << 20
    c = socket.socket(socket.AF_INET, socket.SOCK_STREAM, 262)
    c.connect(("10.99.1.2", port))
    buf = b"x" * (1 << 20); t = time.time(); sent = 0
    while sent < size:
        sent += c.send(buf[: min(len(buf), size - sent)])
    c.shutdown(socket.SHUT_WR)
    c.recv(1)                            # the server's FIN: all received
    print("%.3f" % (time.time() - t))
PY
rejected() { ip netns exec "$S" nstat -az MPTcpExtMPJoinRejected | awk '$1 == "MPTcpExtMPJoinRejected" { v = $2 } END { print v + 0 }'; }

echo "# kernel $(uname -r), $(date -u +%Y-%m-%dT%H:%MZ), load $(cut -d' ' -f1-3 /proc/loadavg)"
printf '%-10s %4s %10s %13s %14s\n' receiver rep subflows join_rejected goodput_mbit
for mode in halfclose keepopen; do
	for rep in $(seq "$REPS"); do
		r0=$(rejected)
		ip netns exec "$S" python3 "/tmp/hcr-$ID.py" "$mode" $PORT >/dev/null &
		spid=$!
		for i in $(seq 50); do ip netns exec "$S" ss -Hltn "sport = :$PORT" | grep -q . && break; sleep 0.1; done
		ip netns exec "$C" python3 "/tmp/hcr-$ID.py" send $PORT "$SIZE" >"/tmp/hcr-$ID.t" &
		cpid=$! max=0
		while kill -0 $cpid 2>/dev/null; do
			n=$(ip netns exec "$C" ss -Htn state established "( dport = :$PORT )" | wc -l)
			[ "$n" -gt "$max" ] && max=$n
			sleep 0.05
		done
		wait $spid
		secs=$(cat "/tmp/hcr-$ID.t")
		printf '%-10s %4s %10s %13s %14s\n' "$mode" "$rep" "$max" $(($(rejected) - r0)) \
			"$(awk -v s="$SIZE" -v t="$secs" 'BEGIN { printf "%.1f", s * 8 * 1.048576 / t }')"
	done
done
rm -f "/tmp/hcr-$ID.py" "/tmp/hcr-$ID.t"
