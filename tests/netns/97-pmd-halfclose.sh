#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0-or-later
# pmd never kills a connection that cannot take new subflows (issue 24).
# A client with two interfaces and pmd --client, a server with one address,
# a receiver that half-closes at once (`listen -N </dev/null`, what listen
# did from a script before): the kernel refuses every join from then on,
# so the connection lives on its first subflow alone. One path at a time
# goes away 20 times (0.3 s, 0.25 s apart; link down and silent drop in
# turn): pmd must keep the endpoint carrying that subflow (a link that comes
# back revives it; a deleted one never comes back), not loop on restores,
# and say once which connection cannot take subflows. The transfer ends,
# every byte intact. For the kernel PM and the userspace PM.
# Cost: about 20 s per PM (80 MiB over one 50 Mbit/s path, 20 flaps).
. "$(dirname "$0")/../lib.sh"
. "$(dirname "$0")/../pmd-lib.sh"
require_root
require_mptcp
require_cmd sha256sum timeout tc nft ss
K=$MPTCPKIT
PORT=5297

# flaps N: N outages, one path at a time, link down and silent drop in turn;
# stops early when the sender is done.
flaps() {
	local i k
	for i in $(seq "$1"); do
		k=$((1 + i % 2))
		if [ $((i % 4)) -lt 2 ]; then
			path_set "$k" down; sleep 0.3; path_set "$k" up
		else
			path_silent "$k" on; sleep 0.3; path_silent "$k" off
		fi
		sleep 0.25
		kill -0 "$SENDER" 2>/dev/null || break
	done
	echo "$i" >"$TMP/flaps"
}

# run PM: one transfer under flaps with pmd --pm PM on the client.
run() {
	local pm=$1 args=(--client -j)
	pmd_topo "$pm"
	in_ns "$S" ip mptcp limits set subflows 2 add_addr_accepted 0
	[ "$pm" = userspace ] && args+=(--pm userspace)
	if pmd_start "$C" "$TMP/$pm.log" "${args[@]}"; then ok "$pm: pmd starts"
	else not_ok "$pm: pmd starts" "$(head -c 300 "$TMP/$pm.log")"; return; fi
	bg "$S" sh -c "exec timeout 120 \"$K\" listen -N $PORT </dev/null >\"$TMP/got\""
	local lpid=$BG_PID
	wait_listen "$S" $PORT || not_ok "$pm: listener up"
	bg "$C" sh -c "exec timeout 120 \"$K\" connect -v 10.0.1.2 $PORT <\"$TMP/data\" 2>\"$TMP/$pm.cli\""
	SENDER=$BG_PID
	wait_for 5 eval '[ "$(subflows "$C" $PORT)" -ge 1 ]' || not_ok "$pm: connected"
	flaps 20
	check "$pm: the transfer lasted through the 20 flaps" 20 cat "$TMP/flaps"
	wait "$SENDER"
	check "$pm: the sender ends well" 0 echo $?
	wait "$lpid"
	check "$pm: every byte intact" "$SUM" eval 'sha256sum <"$TMP/got"'
	check "$pm: pmd names the connection once, with its state and why" 1 \
		eval "grep -c '\"action\":\"no-new-subflows\".*\"state\":\"close-wait\".*\"reason\":\"half_closed\"' \"$TMP/$pm.log\""
	check "$pm: no restore tried for it" 0 eval "grep -c '\"action\":\"restore-subflow\"' \"$TMP/$pm.log\""
	check "$pm: the endpoint or subflow of its path was never deleted" 0 \
		eval "grep -E '\"action\":\"(delete-endpoint|destroy-subflow)\"' \"$TMP/$pm.log\" | grep -c '10\\.0\\.1\\.1'"
	check_ok "$pm: pmd stops cleanly" pmd_stop
	ip netns del "$C"; ip netns del "$S"
}

head -c 80M /dev/urandom >"$TMP/data"
SUM=$(sha256sum <"$TMP/data")
run kernel
run userspace
finish
