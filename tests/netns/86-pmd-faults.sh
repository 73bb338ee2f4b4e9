#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0-or-later
# pmd's own faults: killed with SIGKILL and started again, it adopts the
# endpoints it made and still restores the limits found before the first
# one; the exporter shows what it did; a second pmd in the same namespace is refused; bad configuration,
# a missing interface, no CAP_NET_ADMIN: one clear line, nothing changed.
. "$(dirname "$0")/../lib.sh"
. "$(dirname "$0")/../pmd-lib.sh"
require_root
require_mptcp
require_cmd capsh

pmd_topo 2>/dev/null
in_ns "$C" ip mptcp limits set subflows 1 add_addr_accepted 0
in_ns "$C" ip mptcp endpoint show >"$TMP/ep.before"
in_ns "$C" ip mptcp limits show >"$TMP/limits.before"
STATE_DIR=$TMP/state
export MPTCPKIT_STATE_DIR=$STATE_DIR

pmd_start "$C" "$TMP/pmd1.log" --client || not_ok "pmd starts" "$(cat "$TMP/pmd1.log")"
wait_for 2 sh -c "[ \$(ip -n $C mptcp endpoint show | wc -l) = 2 ]"
check_ok "its state is written under the state directory" sh -c "ls $STATE_DIR/pmd-*.state"
check_one_line "a second pmd in the namespace is refused" "another pmd \(pid [0-9]+\)" \
	in_ns "$C" "$MPTCPKIT" pmd --client
kill -KILL "$PMD_PID"
wait "$PMD_PID" 2>/dev/null
check "SIGKILL leaves pmd's endpoints behind" 2 sh -c "ip -n $C mptcp endpoint show | wc -l"

pmd_start "$C" "$TMP/pmd2.log" --client -j || not_ok "pmd starts again" "$(cat "$TMP/pmd2.log")"
check "the new pmd adopts both endpoints" 2 grep -c '"action":"adopt-endpoint"' "$TMP/pmd2.log"
check "and adds none twice" 0 grep -c '"action":"add-endpoint"' "$TMP/pmd2.log"
check_ok "the exporter sees pmd and what it did" wait_for 3 sh -c \
	"ip netns exec $C $MPTCPKIT exporter --once | grep -qx 'mptcpkit_pmd_actions_total{action=\"adopt-endpoint\"} 2'"
path_set 2 down
check_ok "an adopted endpoint is managed (deleted when its link goes)" \
	wait_for 2 sh -c "! ip -n $C mptcp endpoint show | grep -q 10.0.2.1"
path_set 2 up
wait_for 3 sh -c "ip -n $C mptcp endpoint show | grep -q 10.0.2.1"
check_ok "pmd stops cleanly" pmd_stop
check "endpoints as before the first pmd" "$(cat "$TMP/ep.before")" in_ns "$C" ip mptcp endpoint show
check "limits as before the first pmd (not as the killed one left them)" \
	"$(cat "$TMP/limits.before")" in_ns "$C" ip mptcp limits show
check "the state file is gone after a clean stop" "" sh -c "ls $STATE_DIR 2>/dev/null"
check "the exporter: no pmd any more" "mptcpkit_pmd_up 0" sh -c \
	"ip netns exec $C $MPTCPKIT exporter --once | grep '^mptcpkit_pmd_up'"

# bad input: one line, a non-zero exit, nothing changed
bad() {
	check_one_line "$1" "$2" in_ns "$C" "$MPTCPKIT" pmd "${@:3}"
	check "... and nothing changed" "$(cat "$TMP/ep.before")" in_ns "$C" ip mptcp endpoint show
}
printf 'dead_after_ms = soon\n' >"$TMP/bad1.conf"
bad "a bad value" "line 1: dead_after_ms must be 50..60000, not 'soon'" -c "$TMP/bad1.conf"
printf 'probe_intervall_ms = 20\n' >"$TMP/bad2.conf"
bad "an unknown key" "line 1: unknown key 'probe_intervall_ms'" -c "$TMP/bad2.conf"
printf '[interface c1]\nprobe = 10.0.1.300\n' >"$TMP/bad3.conf"
bad "a probe target that is no address" "line 2: probe: '10.0.1.300' is not ADDR, ADDR:PORT" -c "$TMP/bad3.conf"
bad "--probe without IF=" "--probe: expected IF=ADDR" --probe 10.0.1.2
bad "--no-health-checks takes no value" "bad option|unexpected" --no-health-checks=yes
check_one_line "no CAP_NET_ADMIN (capsh drops it)" "needs CAP_NET_ADMIN" \
	in_ns "$C" capsh --drop=cap_net_admin -- -c "exec $MPTCPKIT pmd --client"
check "... and nothing changed" "$(cat "$TMP/ep.before")" in_ns "$C" ip mptcp endpoint show

# an interface of the configuration that does not exist: said, pmd runs
printf '[interface wwan9]\nbackup = yes\n' >"$TMP/missing.conf"
pmd_start "$C" "$TMP/pmd3.log" -c "$TMP/missing.conf"
check_ok "a missing interface is said once, and pmd runs" \
	grep -q "warning dev wwan9: this interface of the configuration does not exist" "$TMP/pmd3.log"
check_ok "pmd stops cleanly" pmd_stop
finish
