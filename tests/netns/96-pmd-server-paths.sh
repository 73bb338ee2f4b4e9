#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0-or-later
# pmd --server, where every subflow of a connection carries the address the
# client connected to: the join over path 2 has 10.0.1.2, path 1's address,
# on the server. pmd must count a subflow for the path it leaves by (its
# output route) and keep an endpoint whose address carries subflows over a
# path that works, since deleting an endpoint closes every subflow of its
# address:
#   - path 2 silently cut: the stall is path 2's (10.0.2.2), and path 1's
#     endpoint, which the survivor uses, stays;
#   - path 1 silently cut: path 1 is dead, but its address carries the join
#     over path 2: its endpoint is kept.
# The client has its endpoints set by hand (the kernel alone), so the dead
# subflows stay and only the server's pmd decides; the download goes on
# after each cut and arrives intact.
# Then pmd on both ends: the server announces 10.0.2.2, the client joins it
# too, and the limits on both ends must leave room for a join on a path
# whose subflow a cut closed: after path 1's cut, path 1 carries the
# download again, so path 2's cut leaves it a working subflow. And when
# path 1's link goes down, the server keeps 10.0.1.2, which its join over
# path 2 carries; an implicit endpoint the kernel made for a join to the
# announced address gives way to pmd's own.
. "$(dirname "$0")/../lib.sh"
. "$(dirname "$0")/../pmd-lib.sh"
require_root
require_mptcp
require_cmd python3 ss tc nft sha256sum

PORT=5296
slog=$TMP/pmd-server.log
pmd_topo srv 2>/dev/null
# the client takes no announced address: two subflows, one per path
in_ns "$C" ip mptcp limits set subflows 2 add_addr_accepted 0
in_ns "$C" ip mptcp endpoint add 10.0.1.1 dev c1 subflow
in_ns "$C" ip mptcp endpoint add 10.0.2.1 dev c2 subflow
if pmd_start "$S" "$slog" --server -j; then ok "pmd --server starts"
else not_ok "pmd --server starts" "$(head -c 300 "$slog")"; finish; fi
xfer_down_start 200M
if wait_for 5 both_paths; then ok "the download uses both paths"
else not_ok "the download uses both paths" "$(in_ns "$S" ss -Htn state established)"; fi

# survivor_kept: pmd --server never deleted the endpoint of 10.0.1.2
survivor_kept() { ! grep -q '"action":"delete-endpoint","address":"10.0.1.2"' "$slog"; }

path_silent 2 on
check_ok "path 2 cut: its verdict is path 2's own (10.0.2.2)" \
	wait_for 6 grep -qE '"action":"path-(dead|stalled)","address":"10.0.2.2"' "$slog"
sleep 1
check_ok "path 2 cut: path 1's endpoint, the survivor's, stays" survivor_kept
path_silent 2 off
wait_for 8 both_paths || not_ok "path 2 carries the download again" "$(in_ns "$C" ss -Htin state established)"

path_silent 1 on
if wait_for 6 grep -q '"action":"keep-endpoint","address":"10.0.1.2".*over paths that work' "$slog"
then ok "path 1 cut: its endpoint is kept, its address carries the join over path 2"
else not_ok "path 1 cut: its endpoint is kept, its address carries the join over path 2" \
	"$(grep -v probe "$slog" | tail -n 5)"; fi
sleep 1
check_ok "path 1 cut: the endpoint of 10.0.1.2 was never deleted" survivor_kept
path_silent 1 off

if timeout 90 tail --pid="$RECEIVER" -f /dev/null; then ok "the download ends"
else not_ok "the download ends" "still running after 90 s: $(tail -n 1 "$TMP/rx.log")"; fi
check "every byte arrived intact" "$(sha256sum <"$TMP/data" | cut -d' ' -f1) $((200 << 20))" cat "$TMP/got"
check_ok "pmd --server stops cleanly" pmd_stop

rx_bytes() { tail -n 1 "$TMP/rx.log" | cut -d' ' -f2; }
# goes_on WHAT: progress, not speed: 1 MB received within one second
goes_on() {
	local b0 b1
	b0=$(rx_bytes)
	sleep 1
	b1=$(rx_bytes)
	check_ok "both ends: $1: the download goes on ($((b1 - b0)) bytes in 1 s)" \
		test $((b1 - b0)) -gt $((1 << 20))
}
on_path1() { [ "$(subflows_on "$C" $PORT 10.0.1.)" -ge 1 ]; }
PORT=5297
pmd_topo both 2>/dev/null
pmd_start "$S" "$TMP/both-s.log" --server -j || not_ok "both ends: pmd --server starts"
SERVER_PMD=$PMD_PID
pmd_start "$C" "$TMP/both-c.log" --client -j || not_ok "both ends: pmd --client starts"
xfer_down_start 200M
wait_for 5 on_path1 || not_ok "both ends: the download uses path 1"
path_silent 1 on
sleep 1.5
path_silent 1 off
if wait_for 8 on_path1; then ok "both ends: path 1 carries the download again after its cut"
else not_ok "both ends: path 1 carries the download again after its cut" \
	"$(in_ns "$C" ss -Htn state established; grep -v probe "$TMP/both-c.log" | tail -n 4)"; fi
path_silent 2 on
sleep 1
goes_on "path 2 cut"
path_silent 2 off
wait_for 8 sh -c "[ \$(ip netns exec $C ss -Htn state established src 10.0.2.1 | wc -l) -ge 1 ]"
# path 1's link down on both ends: the server's join over path 2 has
# 10.0.1.2, the address of the link that went down
path_set 1 down
sleep 1
check_ok "both ends: path 1's link down: the server keeps the endpoint of 10.0.1.2" \
	sh -c "! grep -q '\"delete-endpoint\",\"address\":\"10.0.1.2\".*link down' $TMP/both-s.log"
check_ok "both ends: ... and its join over path 2 stays" \
	sh -c "ip netns exec $S ss -Htn state established src 10.0.1.2 dst 10.0.2.1 | grep -q ."
goes_on "path 1's link down"
path_set 1 up
# the kernel makes an implicit endpoint (no subflow flag) for an address it
# joins an announced one from; pmd's own must replace it
check_ok "both ends: the client's endpoints are pmd's, none implicit" \
	wait_for 5 sh -c "[ \$(ip -n $C mptcp endpoint show | grep -c 'subflow dev') = 2 ] &&
		! ip -n $C mptcp endpoint show | grep -q implicit"
if timeout 60 tail --pid="$RECEIVER" -f /dev/null; then ok "both ends: the download ends"
else not_ok "both ends: the download ends" "still running after 60 s: $(tail -n 1 "$TMP/rx.log")"; fi
check "both ends: every byte arrived intact" "$(sha256sum <"$TMP/data" | cut -d' ' -f1) $((200 << 20))" cat "$TMP/got"
check_ok "both ends: the client's pmd stops cleanly" pmd_stop
PMD_PID=$SERVER_PMD
check_ok "both ends: pmd --server stops cleanly" pmd_stop
finish
