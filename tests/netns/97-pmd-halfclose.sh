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
# Cost: about 20 s per PM (the data flows until the 20th flap is over).
. "$(dirname "$0")/../lib.sh"
. "$(dirname "$0")/../pmd-lib.sh"
require_root
require_mptcp
require_cmd sha256sum timeout tc nft ss
K=$MPTCPKIT
PORT=5297

# flaps N: N outages, one path at a time, link down and silent drop in turn;
# stops early when the sender failed.
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
		kill -0 "$SENDER" 2>/dev/null || break	# it failed
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
	rm -f "$TMP/stop" "$TMP/sent"
	bg "$C" sh -c "python3 \"$TMP/gen.py\" \"$TMP/stop\" \"$TMP/sent\" |
		timeout 120 \"$K\" connect -v 10.0.1.2 $PORT 2>\"$TMP/$pm.cli\""
	SENDER=$BG_PID
	wait_for 5 eval '[ "$(subflows "$C" $PORT)" -ge 1 ]' || not_ok "$pm: connected"
	flaps 20
	touch "$TMP/stop"	# the data ends after the flaps, however fast it went
	wait "$SENDER"
	check "$pm: the sender ends well after $(cat "$TMP/flaps") flaps" 0 echo $?
	wait "$lpid"
	check "$pm: every byte intact" "$(cat "$TMP/sent")" eval 'sha256sum <"$TMP/got" | cut -d" " -f1'
	check "$pm: pmd names the connection once, with its state and why" 1 \
		eval "grep -c '\"action\":\"no-new-subflows\".*\"state\":\"close-wait\".*\"reason\":\"half_closed\"' \"$TMP/$pm.log\""
	check "$pm: no restore tried for it" 0 eval "grep -c '\"action\":\"restore-subflow\"' \"$TMP/$pm.log\""
	check "$pm: the endpoint or subflow of its path was never deleted" 0 \
		eval "grep -E '\"action\":\"(delete-endpoint|destroy-subflow)\"' \"$TMP/$pm.log\" | grep -c '10\\.0\\.1\\.1'"
	check_ok "$pm: pmd stops cleanly" pmd_stop
	ip netns del "$C"; ip netns del "$S"
}

# gen.py STOP SUM: random data on stdout until the file STOP exists, then
# its sha256 into SUM.
cat >"$TMP/gen.py" <<'PY'
import hashlib, os, sys
h = hashlib.sha256()
while not os.path.exists(sys.argv[1]):
    b = os.urandom(1 << 16)
    sys.stdout.buffer.write(b)
    h.update(b)
sys.stdout.buffer.close()
open(sys.argv[2], "w").write(h.hexdigest() + "\n")
PY
run kernel
run userspace
finish
