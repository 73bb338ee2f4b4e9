#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0-or-later
# mptcpkit run forces programs with no MPTCP code onto MPTCP, and the server
# side proves it: mptcp-server asks the kernel (TCP_IS_MPTCP) about each
# connection it accepted. Dynamic and static clients, preload and seccomp
# modes, a program whose child connects too, curl against python's server.
. "$(dirname "$0")/../lib.sh"
. "$TOP/tests/run-forced.lib"
forced_setup
H=$HELPERS

client_case "without mptcpkit the plain client is TCP (the check can fail)" 6001 \
	"tcp plain" "$H/plain-client" "$SERVER_ADDR" 6001 plain
client_case "preload: dynamic client is MPTCP" 6002 "mptcp preload" \
	"$MPTCPKIT" run --mode preload -- "$H/plain-client" "$SERVER_ADDR" 6002 preload
client_case "seccomp: dynamic client is MPTCP" 6003 "mptcp seccomp" \
	"$MPTCPKIT" run --mode seccomp -- "$H/plain-client" "$SERVER_ADDR" 6003 seccomp
client_case "preload cannot reach a static client (it stays TCP)" 6004 "tcp static" \
	"$MPTCPKIT" run --mode preload -- "$H/plain-client-static" "$SERVER_ADDR" 6004 static
client_case "seccomp: static client is MPTCP" 6005 "mptcp static" \
	"$MPTCPKIT" run --mode seccomp -- "$H/plain-client-static" "$SERVER_ADDR" 6005 static
client_case "auto: static client is MPTCP" 6006 "mptcp auto-static" \
	"$MPTCPKIT" run -- "$H/plain-client-static" "$SERVER_ADDR" 6006 auto-static
client_case "auto: dynamic client is MPTCP" 6007 "mptcp auto-dynamic" \
	"$MPTCPKIT" run "$H/plain-client" "$SERVER_ADDR" 6007 auto-dynamic

# A program that forks and execs a child that connects too (seccomp: a
# static child, which only seccomp reaches).
for mode in preload seccomp; do
	port=$((6010 + ${#mode}))
	child=$H/plain-client
	[ "$mode" = seccomp ] && child=$H/plain-client-static
	server_start "$port" 2
	check_ok "$mode: forking client completes" in_ns "$CLI" timeout 10 \
		"$MPTCPKIT" run --mode "$mode" -- "$H/fork-client" "$SERVER_ADDR" "$port" "$child"
	check "$mode: parent and exec'd child both MPTCP" "mptcp child mptcp parent" server_saw "$port"
done

# curl against python's http.server, the server forced too; its namespace's
# counters say whether the handshake carried MP_CAPABLE (MPCapableACKRX).
if command -v curl >/dev/null && [ -x "$PY" ]; then
	mkdir -p "$TMP/www" && echo "served" >"$TMP/www/file"
	bg "$SRV" timeout 30 "$MPTCPKIT" run -- "$PY" -m http.server 6020 --bind "$SERVER_ADDR" \
		--directory "$TMP/www" >/dev/null 2>&1
	wait_listen "$SRV" 6020 || not_ok "python http.server listening"
	check "python's listening socket is MPTCP (ss -M)" "1" \
		bash -c "ip netns exec '$SRV' ss -HMln 'sport = :6020' | wc -l"
	before=$(mptcp_counter "$SRV" MPCapableACKRX)
	check "curl without mptcpkit" "served" in_ns "$CLI" timeout 10 curl -s "http://$SERVER_ADDR:6020/file"
	check "... is not MPTCP on the server" "$before" mptcp_counter "$SRV" MPCapableACKRX
	check "curl under mptcpkit run" "served" in_ns "$CLI" timeout 10 \
		"$MPTCPKIT" run -- curl -s "http://$SERVER_ADDR:6020/file"
	check "... is MPTCP on the server (MPCapableACKRX +1)" "$((before + 1))" \
		mptcp_counter "$SRV" MPCapableACKRX
	check "curl under mptcpkit run --mode seccomp" "served" in_ns "$CLI" timeout 10 \
		"$MPTCPKIT" run --mode seccomp -- curl -s "http://$SERVER_ADDR:6020/file"
	check "... is MPTCP on the server (MPCapableACKRX +2)" "$((before + 2))" \
		mptcp_counter "$SRV" MPCapableACKRX
else
	skip "curl against python http.server" "needs curl and python3"
fi
finish
