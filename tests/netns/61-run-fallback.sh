#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0-or-later
# A forced program still completes when MPTCP cannot be had: disabled in its
# namespace (net.mptcp.enabled=0), or blocked by a seccomp filter failing
# socket(..., IPPROTO_MPTCP) with EPERM (seccomp-errno; in seccomp mode our
# supervisor runs under that filter too, so its MPTCP socket() fails the
# same way). Every mode, dynamic and static clients; the server sees TCP.
. "$(dirname "$0")/../lib.sh"
. "$TOP/tests/run-forced.lib"
forced_setup
H=$HELPERS
port=6100

in_ns "$CLI" sysctl -qw net.mptcp.enabled=0
for mode in preload seccomp auto; do
	for client in plain-client plain-client-static; do
		[ "$mode" = preload ] && [ "$client" = plain-client-static ] && continue
		port=$((port + 1))
		client_case "MPTCP disabled, $mode, $client: completes over TCP" "$port" "tcp $mode" \
			"$MPTCPKIT" run --mode "$mode" -- "$H/$client" "$SERVER_ADDR" "$port" "$mode"
	done
done
in_ns "$CLI" sysctl -qw net.mptcp.enabled=1

for mode in preload seccomp auto; do
	for client in plain-client plain-client-static; do
		[ "$mode" = preload ] && [ "$client" = plain-client-static ] && continue
		port=$((port + 1))
		client_case "MPTCP blocked (EPERM), $mode, $client: completes over TCP" "$port" "tcp $mode" \
			"$H/seccomp-errno" EPERM -- "$MPTCPKIT" run --mode "$mode" -- \
			"$H/$client" "$SERVER_ADDR" "$port" "$mode"
	done
done

# The debug lines say why it fell back.
for mode in preload seccomp; do
	in_ns "$CLI" "$H/seccomp-errno" EPERM -- "$MPTCPKIT" run -d --mode "$mode" -- \
		"$H/sockinfo" >/dev/null 2>"$TMP/debug"
	check_ok "$mode -d: 'tcp (fallback: blocked: ...)' per forced socket" \
		grep -q 'socket(AF_INET) = [0-9]*: tcp (fallback: blocked: Operation not permitted)' "$TMP/debug"
done
in_ns "$CLI" sysctl -qw net.mptcp.enabled=0
in_ns "$CLI" "$MPTCPKIT" run -d --mode seccomp -- "$H/sockinfo" >/dev/null 2>"$TMP/debug"
check_ok "seccomp -d: 'fallback: disabled' when net.mptcp.enabled=0" grep -q 'tcp (fallback: disabled' "$TMP/debug"
finish
