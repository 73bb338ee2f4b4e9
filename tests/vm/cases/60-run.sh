#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0-or-later
# mptcpkit run on this kernel, in both modes: socat, a TCP program, forced
# onto MPTCP by the preload shim and by the seccomp supervisor; the server
# (mptcpkit listen) must see MPTCP, the data must arrive; without a peer
# that speaks MPTCP, or on a kernel without MPTCP (5.10), the forced
# program still works over TCP (fallback).
. "$(dirname "$0")/../case-lib.sh"
require_root
require_cmd socat

ns_new C vmrc
ns_new S vmrs
veth "$C" c0 10.60.1.1/24 "$S" s0 10.60.1.2/24 || { not_ok "veth"; finish; }

# forced MODE PORT [SERVER_PROTO]: socat under 'run --mode MODE' sends "ping"
# to a listener (mptcpkit listen, or plain TCP socat when SERVER_PROTO is
# tcp); prints "SERVER_MPTCP GOT_BY_CLIENT GOT_BY_SERVER".
forced() {
	local mode=$1 port=$2 srv_mptcp=-
	if [ "${3:-}" = tcp ]; then
		bg "$S" bash -c 'echo pong | exec socat -t 60 TCP-LISTEN:"$1",reuseaddr - >"$2"' _ "$port" "$TMP/s.out"
	else
		bg "$S" bash -c 'echo pong | exec "$1" -j listen -4 "$2" >"$3" 2>"$4"' _ "$K" "$port" "$TMP/s.out" "$TMP/s.err"
	fi
	local lpid=$BG_PID
	wait_for 60 listening "$S" "$port" || { echo "no listener"; return; }
	echo ping | in_ns "$C" timeout 120 "$K" run --mode "$mode" -- socat -t 60 - "TCP:10.60.1.2:$port" \
		>"$TMP/c.out" 2>"$TMP/c.err"
	wait_for 60 sh -c "! kill -0 $lpid 2>/dev/null"
	[ "${3:-}" = tcp ] || srv_mptcp=$(jfields "$TMP/s.err" 1 mptcp)
	echo "$srv_mptcp $(cat "$TMP/c.out") $(cat "$TMP/s.out")"
}

if [ -e /proc/sys/net/mptcp/enabled ]; then
	check "run --mode preload: the server sees MPTCP, data both ways" "true pong ping" forced preload 7601
	check "run --mode seccomp: the server sees MPTCP, data both ways" "true pong ping" forced seccomp 7602
else
	skip "run: forced onto MPTCP" "the kernel has no MPTCP"
fi
check "run --mode seccomp against a TCP server: still works" "- pong ping" forced seccomp 7603 tcp
check "run --mode preload against a TCP server: still works" "- pong ping" forced preload 7604 tcp
finish
