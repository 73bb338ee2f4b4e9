#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0-or-later
# Path churn with pmd: during one download (the server sends, so pmd must
# make the peer leave each dead path), one path at a time goes away for
# 0.2-0.5 s, 24 times, alternating link down and a silent drop. The
# connection lives, every byte arrives intact, and afterwards both paths
# carry it again; so after both paths died at once for 1.5 s. (bench/
# measures how well; this checks that it works.)
. "$(dirname "$0")/../lib.sh"
. "$(dirname "$0")/../pmd-lib.sh"
require_root
require_mptcp
require_cmd python3 ss tc nft sha256sum
PORT=5287

pmd_topo 2>/dev/null
if pmd_start "$C" "$TMP/pmd.log" --client -j; then ok "pmd starts"
else not_ok "pmd starts" "$(head -c 300 "$TMP/pmd.log")"; finish; fi
xfer_down_start 256M
wait_for 3 both_paths || not_ok "the download uses both paths" "$(in_ns "$C" ss -Htn state established)"

for i in $(seq 24); do
	k=$((1 + i % 2))
	# 0.2, 0.3, 0.4, 0.5 s in turn; 0.25 s between outages
	away=0.$((2 + i % 4))
	if [ $((i % 4)) -lt 2 ]; then
		path_set "$k" down
		sleep "$away"
		path_set "$k" up
	else
		path_silent "$k" on
		sleep "$away"
		path_silent "$k" off
	fi
	sleep 0.25
	kill -0 "$RECEIVER" 2>/dev/null || break
done
check_ok "the connection lives through 24 outages" kill -0 "$RECEIVER"
if wait_for 3 both_paths; then ok "after the churn, both paths carry it again"
else not_ok "after the churn, both paths carry it again" "$(in_ns "$C" ss -Htn state established; grep -E 'path-|endpoint' "$TMP/pmd.log" | tail -n 4)"; fi
# both paths dead at once: pmd keeps the last one, the connection waits
path_silent 1 on
path_silent 2 on
sleep 1.5
check_ok "both paths silent: an endpoint is kept (never the last path)" \
	sh -c "ip -n $C mptcp endpoint show | grep -q ."
path_silent 1 off
path_silent 2 off
check_ok "both paths back: the connection lives" kill -0 "$RECEIVER"
if wait_for 3 both_paths; then ok "both paths back: both carry it again"
else not_ok "both paths back: both carry it again" "$(in_ns "$C" ss -Htn state established; grep -E 'path-|endpoint' "$TMP/pmd.log" | tail -n 4)"; fi
if timeout 90 tail --pid="$RECEIVER" -f /dev/null; then ok "the download ends"
else not_ok "the download ends" "still running after 90 s"; fi
check "every byte arrived intact (sha256, 256 MiB)" \
	"$(sha256sum <"$TMP/data" | cut -d' ' -f1) $((256 << 20))" cat "$TMP/got"
check_ok "pmd never stopped" kill -0 "$PMD_PID"
check_ok "pmd stops cleanly" pmd_stop
check "nothing left" "" in_ns "$C" ip mptcp endpoint show
finish
