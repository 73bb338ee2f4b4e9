#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0-or-later
# pmd on this kernel: started on the client of two paths with no endpoint
# set by hand, it adds one per address; a connection gets a subflow on each
# path; path 2 cut (link down both ends): the connection lives on path 1;
# path 2 back: both paths again; SIGTERM: exit 0, endpoints as before.
. "$(dirname "$0")/../case-lib.sh"
require_root
require_mptcp
require_cmd python3 ss

PORT=7400
ns_new C vmdc
ns_new S vmds
two_paths "$C" "$S" 10.40 || { not_ok "two paths between the namespaces"; finish; }
in_ns "$S" "$K" limits set subflows 2 add_addr_accepted 2
in_ns "$C" ip mptcp endpoint show >"$TMP/ep.before"

# on_path K: subflows of the connection whose local address is on path K.
on_path() {
	ip netns exec "$C" ss -Htn state established "( dport = :$PORT )" |
		awk -v p="10.40.$1." 'index($3, p) == 1' | wc -l
}
both_paths() { [ "$(on_path 1)" = 1 ] && [ "$(on_path 2)" = 1 ]; }
only_path1() { [ "$(on_path 1)" = 1 ] && [ "$(on_path 2)" = 0 ]; }
path_set() {
	ip -n "$C" link set "c$1" "$2" && ip -n "$S" link set "s$1" "$2"
}

bg "$C" "$K" pmd --client 2>"$TMP/pmd.log"
PMD=$BG_PID
if wait_for 120 grep -qE 'pmd: start|"action":"start"' "$TMP/pmd.log"; then
	ok "pmd starts"
else
	not_ok "pmd starts" "$(head -c 300 "$TMP/pmd.log")"
	finish
fi
ep_list() {
	ip -n "$C" mptcp endpoint show | sed 's/ id [0-9]*//; s/ *$//' | sort | paste -sd '|'
}
want="10.40.1.1 subflow dev c1|10.40.2.1 subflow dev c2"
wait_for 60 sh -c "[ \"\$(ip -n '$C' mptcp endpoint show | wc -l)\" -ge 2 ]"
check "an endpoint per address, with its device" "$want" ep_list

export -f gate
bg "$S" bash -c 'gate "$1" | exec "$2" listen -4 "$3" >"$4"' _ "$TMP/go" "$K" "$PORT" "$TMP/srv.out"
LPID=$BG_PID
wait_for 60 listening "$S" "$PORT" || not_ok "listener up"
bg "$C" bash -c '{ echo hello; gate "$1"; } | exec "$2" connect 10.40.1.2 "$3" >/dev/null' \
	_ "$TMP/go" "$K" "$PORT"
CPID=$BG_PID
if wait_for 90 both_paths; then ok "the connection has a subflow on each path"; else
	not_ok "the connection has a subflow on each path" "$(in_ns "$C" ss -Htn state established)"; fi

path_set 2 down
if wait_for 60 only_path1; then ok "path 2 cut: only path 1's subflow is left"; else
	not_ok "path 2 cut: only path 1's subflow is left" "$(in_ns "$C" ss -Htn state established)"; fi
kill -0 "$CPID" 2>/dev/null && ok "path 2 cut: the connection lives" ||
	not_ok "path 2 cut: the connection lives" "the client ended"
path_set 2 up
if wait_for 90 both_paths; then ok "path 2 back: both paths used again"; else
	not_ok "path 2 back: both paths used again" "$(in_ns "$C" ss -Htn state established)"; fi

touch "$TMP/go"
wait_for 60 sh -c "! kill -0 $CPID 2>/dev/null && ! kill -0 $LPID 2>/dev/null"
check "the data arrived" "hello done" sh -c "tr '\n' ' ' <'$TMP/srv.out' | sed 's/ \$//'"

kill -TERM "$PMD"
if wait_for 60 sh -c "! kill -0 $PMD 2>/dev/null"; then
	wait "$PMD"
	check "pmd stops on SIGTERM with exit 0" 0 echo $?
else
	not_ok "pmd stops on SIGTERM" "still running after 60 s"
fi
check "endpoints as before pmd" "$(cat "$TMP/ep.before")" in_ns "$C" ip mptcp endpoint show
# Not asserted (its wording belongs to pmd): what pmd said on this kernel.
grep -iE "error|fail|warn" "$TMP/pmd.log" | head -5 | sed "s/^/# pmd: /"
finish
