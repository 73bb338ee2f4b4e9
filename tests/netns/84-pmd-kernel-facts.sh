#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0-or-later
# What pmd relies on about the in-kernel path manager (see the comment at
# the top of tools/pmd/pmd-kernel.c), checked on the running kernel with no
# pmd: if one of these changes, pmd's choices must be looked at again.
#  - deleting the endpoint with the initial subflow's address closes the
#    initial subflow; adding it again opens a new one from that address;
#  - (not checked here: a connection whose subflows are all closed this way
#    stays open and new endpoints revive it, but in one run on a loaded
#    machine the revived connection delivered data that failed its sha256,
#    same length: one more reason pmd never deletes the last path)
#  - a subflow closed by a reset is not re-created by the kernel.
. "$(dirname "$0")/../lib.sh"
. "$(dirname "$0")/../pmd-lib.sh"
require_root
require_mptcp
require_cmd python3 ss nft sha256sum
PORT=5284

pmd_topo 2>/dev/null
in_ns "$C" ip mptcp limits set subflows 4 add_addr_accepted 4
ep_add() { in_ns "$C" ip mptcp endpoint add "10.0.$1.1" dev "c$1" id "$1" subflow; }
ep_del() { in_ns "$C" ip mptcp endpoint del id "$1"; }
ep_add 1
ep_add 2
xfer_start 96M
if wait_for 3 both_paths; then ok "two subflows with both endpoints"
else not_ok "two subflows with both endpoints" "$(in_ns "$C" ss -Htn state established)"; fi
initial=$(in_ns "$C" ss -Htn state established "( dport = :$PORT )" | awk '$3 ~ /^10\.0\.1\.1:/ {print $3}')

ep_del 1
check_ok "deleting the initial subflow's endpoint closes the initial subflow" \
	wait_for 2 sh -c "! ip netns exec $C ss -Htn state established '( dport = :$PORT )' | grep -q '$initial'"
# as pmd does (pmd-kernel.c, a refresh): added again a little later, since
# at once the kernel may still count the closing subflow and open none
sleep 0.2
ep_add 1
check_ok "adding it again opens a new subflow from that address" wait_for 2 both_paths


path_reset 2 on
check_ok "a reset closes the subflow of path 2" \
	wait_for 2 sh -c "[ \$(ip netns exec $C ss -Htn state established '( dport = :$PORT )' | grep -c '^.*10\.0\.2\.1') = 0 ]"
path_reset 2 off
sleep 1.5
check "the kernel does not re-create it (pmd must)" 0 subflows_on "$C" $PORT 10.0.2.

if timeout 60 tail --pid="$SENDER" -f /dev/null; then ok "the transfer ends"
else not_ok "the transfer ends" "still running after 60 s"; fi
wait_for 5 test -s "$TMP/served"
check "every byte arrived intact" "$(sha256sum <"$TMP/data" | cut -d' ' -f1) $((96 << 20))" cat "$TMP/served"
finish
