#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0-or-later
# mptcpkit pmd --pm userspace: with the client's path manager set to
# 'userspace' the kernel opens no extra subflow; pmd follows the events and
# creates one from the other address, destroys it when its link goes down,
# creates it again when the link comes back, the same for the path of the
# initial subflow, and the transfer keeps every byte; a silent failure
# (health checks) is handled the same way; a subflow kept while its link
# was down survives the link's return; joins a server refuses are made
# again after a growing wait. pmd sets the path manager
# itself, restores it at stop and after a SIGKILL (the next pmd does).
. "$(dirname "$0")/../lib.sh"
. "$(dirname "$0")/../pmd-lib.sh"
require_root
require_mptcp
require_cmd python3 ss tc nft sha256sum
PORT=5282

pmd_topo 2>/dev/null
# pm_type: 5.19-6.14; path_manager: 6.15+ (pm_type stays as an alias)
pm_sysctl() { in_ns "$C" sysctl -n net.mptcp.path_manager 2>/dev/null || in_ns "$C" sysctl -n net.mptcp.pm_type; }
pm_sysctl >/dev/null 2>&1 || skip_all "the kernel has no userspace path manager"
PM_BEFORE=$(pm_sysctl)
# pmd selects the userspace PM itself (issue 24), and says so
if pmd_start "$C" "$TMP/pmd.log" --pm userspace; then ok "pmd --pm userspace starts"
else not_ok "pmd --pm userspace starts" "$(head -c 300 "$TMP/pmd.log")"; finish; fi
check "pmd made userspace the namespace's path manager" 1 \
	eval 'pm_sysctl | grep -cx "userspace\|1"'
check "... and said so" 1 eval 'grep -c "set-sysctl .*net.mptcp.\(path_manager\|pm_type\)" "$TMP/pmd.log"'
check "no endpoint is added" "" in_ns "$C" ip mptcp endpoint show

xfer_start 96M

if wait_for 3 both_paths; then ok "pmd created a subflow on the second path"; else
	not_ok "pmd created a subflow on the second path" "$(in_ns "$C" ss -Htn state established; cat "$TMP/pmd.log")"; fi
for k in 2 1; do
	other=$((3 - k))
	path_set $k down
	if wait_for 1 only_on "10.0.$other."; then ok "path $k cut: pmd destroyed its subflow at once"
	else not_ok "path $k cut: pmd destroyed its subflow at once" "$(in_ns "$C" ss -Htn state established)"; fi
	sleep 1
	path_set $k up
	if wait_for 3 both_paths; then ok "path $k restored: pmd created its subflow again"
	else not_ok "path $k restored: pmd created its subflow again" "$(in_ns "$C" ss -Htn state established; tail -5 "$TMP/pmd.log")"; fi
	sleep 0.5
done
# a silent failure of path 2: the health checks destroy its subflow, and
# create it again once the path answers
path_silent 2 on
if wait_for 2 only_on 10.0.1.; then ok "path 2 silent: pmd destroyed its subflow"
else not_ok "path 2 silent: pmd destroyed its subflow" "$(in_ns "$C" ss -Htn state established; tail -3 "$TMP/pmd.log")"; fi
path_silent 2 off
if wait_for 3 both_paths; then ok "path 2 answers again: pmd created its subflow again"
else not_ok "path 2 answers again: pmd created its subflow again" "$(in_ns "$C" ss -Htn state established; tail -3 "$TMP/pmd.log")"; fi
if timeout 60 tail --pid="$SENDER" -f /dev/null; then ok "the transfer ends"; else not_ok "the transfer ends" "still running after 60 s"; fi
wait_for 5 test -s "$TMP/served"
check "every byte arrived intact (sha256, 96 MiB)" \
	"$(sha256sum <"$TMP/data" | cut -d' ' -f1) $((96 << 20))" cat "$TMP/served"
grep -q "destroy-subflow .*local 10.0.2.1" "$TMP/pmd.log" &&
	ok "the log says which subflow was destroyed" || not_ok "the log says which subflow was destroyed" "$(cat "$TMP/pmd.log")"
check_ok "pmd stops cleanly" pmd_stop
check "pmd restored the path manager at stop" "$PM_BEFORE" pm_sysctl
# The connection's last subflow is kept while its link is down; when the
# link comes back up, its carrier later (IFF_UP first), that subflow is not
# destroyed and made anew: it resumes (bench/upm-damage.md: the new join
# got the whole unacknowledged queue at once). On a second connection, the
# first one being over, with a pmd without health checks: with them, a
# sample once path 2's subflow is up destroys the kept one while its link
# is down, which is right too, but not what is tested here.
pmd_start "$C" "$TMP/pmd4.log" --pm userspace --no-health-checks ||
	not_ok "pmd --no-health-checks starts" "$(head -c 300 "$TMP/pmd4.log")"
PORT2=5283
# port_on PREFIX: the local address:port of the subflow from PREFIX
port_on() { in_ns "$C" ss -Htn state established "( dport = :$PORT2 )" | awk -v p="$1" 'index($3, p) == 1 {print $3}'; }
on_path() { [ -n "$(port_on "$1")" ]; }
bg "$S" sh -c "python3 $TOP/tests/pmd-xfer.py serve $PORT2 >/dev/null"
wait_listen "$S" $PORT2 || not_ok "second server listens"
path_set 2 down
bg "$C" python3 "$TOP/tests/pmd-xfer.py" send 10.0.1.2 $PORT2 -t 8
wait_for 3 on_path 10.0.1.
kept=$(port_on 10.0.1.)
path_set 1 down
path_set 2 up
wait_for 3 on_path 10.0.2. || not_ok "path 2 up: a subflow there" "$(tail -3 "$TMP/pmd4.log")"
mark=$(wc -l <"$TMP/pmd4.log")
ip -n "$C" link set c1 up	# IFF_UP, no carrier until its peer is up
sleep 0.3
ip -n "$S" link set s1 up
sleep 1.5
after() { tail -n +"$((mark + 1))" "$TMP/pmd4.log" | grep "$1"; }
check "path 1 back up: its kept subflow is neither destroyed nor made anew" "" \
	after '\(destroy\|create\)-subflow .*local 10.0.1.1'
check "... it is the same subflow" "$kept" port_on 10.0.1.
check "... and the log says why it was kept" 1 eval "after 'keep-subflow .*local 10.0.1.1.*coming back up' | wc -l"
# A server at its subflow limit (0 here) refuses every join at once: pmd
# makes it again after a wait that doubles (0.1, 0.2, 0.4 s ...), and says
# so once; it made 9 within 60 ms before.
PORT3=5284
in_ns "$S" ip mptcp limits set subflows 0
bg "$S" sh -c "python3 $TOP/tests/pmd-xfer.py serve $PORT3 >/dev/null"
wait_listen "$S" $PORT3 || not_ok "third server listens"
bg "$C" python3 "$TOP/tests/pmd-xfer.py" send 10.0.1.2 $PORT3 -t 3
wait_for 3 grep -q "backoff token" "$TMP/pmd4.log"
sleep 1.2
token=$(sed -n 's/.*backoff token \([0-9]*\) .*/\1/p' "$TMP/pmd4.log" | head -1)
tries=$(grep -c "create-subflow token $token " "$TMP/pmd4.log")
if [ -n "$token" ] && [ "$tries" -ge 3 ] && [ "$tries" -le 5 ]; then
	ok "joins refused: pmd makes them again after a growing wait ($tries in 1.2 s)"
else not_ok "joins refused: pmd makes them again after a growing wait" "$tries tries: $(tail -5 "$TMP/pmd4.log")"; fi
check "... and says so once" 1 grep -c "backoff token $token .*a subflow closed: made again after 100 ms" "$TMP/pmd4.log"
check_ok "that pmd stops cleanly too" pmd_stop
# after a SIGKILL, the next pmd (here --pm kernel) restores it
pmd_start "$C" "$TMP/pmd2.log" --pm userspace || not_ok "pmd --pm userspace again"
kill -KILL "$PMD_PID"; wait "$PMD_PID" 2>/dev/null
pmd_start "$C" "$TMP/pmd3.log" || not_ok "pmd --pm kernel after a SIGKILL"
check "after a SIGKILL, the next pmd restores the path manager" "$PM_BEFORE" pm_sysctl
check_ok "that pmd stops cleanly" pmd_stop
finish
