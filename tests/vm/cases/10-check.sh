#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0-or-later
# check, and the reasons MPTCP is not used, on this kernel: with MPTCP,
# check says available (and disabled when net.mptcp.enabled=0 in a
# namespace); connect to a plain TCP server says fallback; check
# --sockopts probes every option without failing. Without MPTCP (Debian
# 11's 5.10), check and connect say not-compiled and the connection still
# works over TCP.
. "$(dirname "$0")/../case-lib.sh"
require_root
require_cmd python3

ns_new A vma
ns_new B vmb
veth "$A" a0 10.10.1.1/24 "$B" b0 10.10.1.2/24 || { not_ok "veth"; finish; }

# connect_reason PORT: connect -j from A to a plain TCP listener in B on
# PORT; prints "MPTCP REASON DATA" (the status line's keys, what arrived).
connect_reason() {
	local port=$1
	bg "$B" bash -c 'echo pong | exec "$1" -j listen -4 "$2" 2>/dev/null' _ "$K" "$port" \
		>"$TMP/l.out"
	wait_for 60 listening "$B" "$port" || { echo "no listener"; return; }
	echo ping | in_ns "$A" timeout 60 "$K" -j connect 10.10.1.2 "$port" >"$TMP/c.out" 2>"$TMP/c.err"
	echo "$(jfields "$TMP/c.err" 1 mptcp reason) $(cat "$TMP/c.out")"
}

# check_says [NS]: check -j's exit status, "available" and "reason".
check_says() {
	local rc
	if [ -n "${1:-}" ]; then
		in_ns "$1" "$K" -j check >"$TMP/check.json" 2>"$TMP/check.err"
	else
		"$K" -j check >"$TMP/check.json" 2>"$TMP/check.err"
	fi
	rc=$?
	echo "$rc $(jfields "$TMP/check.json" 1 available reason)"
}

if [ ! -e /proc/sys/net/mptcp/enabled ]; then
	check "check without MPTCP: exit 1, not-compiled" "1 false not-compiled" check_says
	check "connect: TCP, reason not-compiled, data arrives" "false not-compiled pong" connect_reason 7101
	finish
fi

check "check -j: exit 0, available" "0 true available" check_says
check "check -j: the path manager is kernel" kernel jfields "$TMP/check.json" 1 path_manager
check_ok "check (text) exits 0" "$K" check
in_ns "$A" sysctl -qw net.mptcp.enabled=0
check "check where net.mptcp.enabled=0: exit 1, disabled" "1 false disabled" check_says "$A"
check "connect where MPTCP is disabled: TCP, reason disabled, data arrives" \
	"false disabled pong" connect_reason 7102
in_ns "$A" sysctl -qw net.mptcp.enabled=1
# B's listener is plain TCP now: the client falls back.
in_ns "$B" sysctl -qw net.mptcp.enabled=0
check "connect to a plain TCP server: fallback, data arrives" "false fallback pong" connect_reason 7103
in_ns "$B" sysctl -qw net.mptcp.enabled=1
check "connect MPTCP to MPTCP: available" "true available pong" connect_reason 7104
check_ok "check --sockopts probes this kernel's options" "$K" -j check --sockopts
finish
