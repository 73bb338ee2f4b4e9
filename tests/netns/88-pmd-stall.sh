#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0-or-later
# pmd and a stalled subflow: path 2 drops TCP both ways but still answers
# ICMP (a middlebox that lost the flow's state, a congested queue that
# drops only bulk): the path is alive, yet its subflow sits in
# retransmission backoff. pmd says the path is stalled and makes a new
# subflow there (kernel PM: the endpoint deleted and added again;
# userspace PM: the subflow destroyed and created again); once TCP passes
# again, both paths carry the transfer and every byte arrives intact.
. "$(dirname "$0")/../lib.sh"
. "$(dirname "$0")/../pmd-lib.sh"
require_root
require_mptcp
require_cmd python3 ss tc nft sha256sum

# tcp_blocked on|off: path 2 drops TCP both ways on the client, ICMP passes
tcp_blocked() {
	if [ "$1" = on ]; then
		in_ns "$C" nft -f - <<-EOT
		table inet mpk_stall {
			chain o { type filter hook output priority 0; oifname "c2" meta l4proto tcp drop; }
			chain i { type filter hook input priority 0; iifname "c2" meta l4proto tcp drop; }
		}
		EOT
	else
		in_ns "$C" nft delete table inet mpk_stall
	fi
}

# stall_run PM ACTION-REGEX: one transfer through a 3 s TCP block of path 2
stall_run() {
	local pm=$1 action=$2 log="$TMP/pmd-$1.log"
	pmd_topo "$pm" 2>/dev/null
	if [ "$pm" = userspace ]; then
		in_ns "$C" sysctl -qw net.mptcp.path_manager=userspace 2>/dev/null ||
			{ skip "userspace PM" "the kernel has none"; return; }
	fi
	if pmd_start "$C" "$log" --client -j --pm "$pm"; then ok "$pm: pmd starts"
	else not_ok "$pm: pmd starts" "$(head -c 300 "$log")"; return; fi
	xfer_start 160M
	wait_for 3 both_paths || not_ok "$pm: the upload uses both paths" "$(in_ns "$C" ss -Htn state established)"
	tcp_blocked on
	# the stall needs data outstanding on path 2 through two timeouts in a
	# row (about 1 s), and the scheduler may first keep to path 1: room
	if wait_for 10 grep -q '"action":"path-stalled","address":"10.0.2.1"' "$log"
	then ok "$pm: the path is said stalled, not dead"
	else not_ok "$pm: the path is said stalled, not dead" \
		"$(in_ns "$C" ss -Htin state established; grep -v sample "$log" | tail -n 4)"; fi
	check_ok "$pm: a new subflow is made on it" \
		wait_for 3 grep -qE "$action" "$log"
	check "$pm: the path is never called dead (it answers)" 0 grep -c '"path-dead"' "$log"
	check_ok "$pm: no loop: at most 3 new subflows for it" \
		test "$(grep -cE "$action" "$log")" -le 3
	sleep 1
	tcp_blocked off
	if wait_for 6 both_paths; then ok "$pm: both paths carry the transfer once TCP passes"
	else not_ok "$pm: both paths carry the transfer once TCP passes" "$(in_ns "$C" ss -Htn state established; grep -v sample "$log" | tail -n 4)"; fi
	if timeout 60 tail --pid="$SENDER" -f /dev/null; then ok "$pm: the transfer ends"
	else not_ok "$pm: the transfer ends" "still running after 60 s"; fi
	wait_for 5 test -s "$TMP/served"
	check "$pm: every byte arrived intact" "$(sha256sum <"$TMP/data" | cut -d' ' -f1) $((160 << 20))" cat "$TMP/served"
	check_ok "$pm: pmd stops cleanly" pmd_stop
}

PORT=5288
stall_run kernel '"action":"delete-endpoint","address":"10.0.2.1".*stuck in retransmission backoff'
PORT=5289
stall_run userspace '"action":"destroy-subflow".*stuck in retransmission backoff'
finish
