#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0-or-later
# mptcpkit pmd in a two-path topology with no endpoint set by hand: a
# transfer uses both paths; cutting a path (link down on both ends) keeps
# it going with every byte intact; restoring the path brings its subflow
# back; the same for the path of the initial subflow; a clean stop leaves
# endpoints and limits as they were.
. "$(dirname "$0")/../lib.sh"
. "$(dirname "$0")/../pmd-lib.sh"
require_root
require_mptcp
require_cmd python3 ss tc sha256sum
PORT=5280

pmd_topo 2>/dev/null
in_ns "$C" ip mptcp endpoint show >"$TMP/ep.before"
in_ns "$C" ip mptcp limits show >"$TMP/limits.before"
if pmd_start "$C" "$TMP/pmd.log" --client; then
	ok "pmd starts"
else
	not_ok "pmd starts" "$(head -c 300 "$TMP/pmd.log")"
	finish
fi
check "an endpoint per usable address, with its device" \
	"10.0.1.1 subflow dev c1|10.0.2.1 subflow dev c2" \
	sh -c "ip -n $C mptcp endpoint show | sed 's/ id [0-9]*//; s/ *$//' | sort | paste -sd '|'"

# 96 MiB: about 8 s at 2 x 50 Mbit/s, longer while a path is cut
xfer_start 96M

if wait_for 3 both_paths; then ok "the transfer uses both paths"; else
	not_ok "the transfer uses both paths" "$(in_ns "$C" ss -Htn state established)"; fi

# cut and restore each path: the extra subflow's, then the initial one's
for k in 2 1; do
	other=$((3 - k))
	path_set $k down
	if wait_for 1 only_on "10.0.$other."; then ok "path $k cut: its subflow is closed at once"
	else not_ok "path $k cut: its subflow is closed at once" "$(in_ns "$C" ss -Htn state established)"; fi
	sleep 1
	kill -0 "$SENDER" 2>/dev/null && ok "path $k cut: the transfer goes on" ||
		not_ok "path $k cut: the transfer goes on" "the sender ended early"
	path_set $k up
	if wait_for 3 both_paths; then ok "path $k restored: both paths used again"
	else not_ok "path $k restored: both paths used again" "$(in_ns "$C" ss -Htn state established)"; fi
	sleep 0.5
done

if timeout 60 tail --pid="$SENDER" -f /dev/null; then ok "the transfer ends"; else not_ok "the transfer ends" "still running after 60 s"; fi
wait "$SENDER"
check_ok "the sender succeeded" test $? = 0
wait_for 5 test -s "$TMP/served"
check "every byte arrived intact (sha256, 96 MiB)" \
	"$(sha256sum <"$TMP/data" | cut -d' ' -f1) $((96 << 20))" cat "$TMP/served"
grep -q "delete-endpoint address 10.0.2.1 .*: link down" "$TMP/pmd.log" &&
	ok "the log says what pmd did and why" || not_ok "the log says what pmd did and why" "$(cat "$TMP/pmd.log")"

check_ok "pmd stops cleanly on SIGTERM" pmd_stop
check "endpoints as before pmd" "$(cat "$TMP/ep.before")" in_ns "$C" ip mptcp endpoint show
check "limits as before pmd" "$(cat "$TMP/limits.before")" in_ns "$C" ip mptcp limits show
finish
