#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0-or-later
# pmd's link state under fast sequences of link changes: after each one
# settles, pmd's endpoints are exactly the expected set. A link down and up
# within milliseconds; the issue's sequence (f1 down, f1 up, f2 down 0.5 s
# later: f1 must be back although its carrier comes late); both links at
# once (never the last path: one endpoint stays); 100 changes in a second.
# No health checks here: link state alone decides.
. "$(dirname "$0")/../lib.sh"
. "$(dirname "$0")/../pmd-lib.sh"
require_root
require_mptcp

pmd_topo 2>/dev/null
if pmd_start "$C" "$TMP/pmd.log" --client --no-health-checks; then ok "pmd starts"
else not_ok "pmd starts" "$(head -c 300 "$TMP/pmd.log")"; finish; fi

# endpoints as "ADDRESS DEV|...", sorted
eps() { ip -n "$C" mptcp endpoint show | awk '{print $1, $NF}' | sort | paste -sd '|'; }
BOTH="10.0.1.1 c1|10.0.2.1 c2"
# settle WHAT EXPECTED: the set is EXPECTED within 3 s (the kernel's
# linkwatch may hold a carrier change up to a second) and stays so
settle() {
	if wait_for 3 sh -c "[ \"\$(ip -n $C mptcp endpoint show | awk '{print \$1, \$NF}' | sort | paste -sd '|')\" = '$2' ]" &&
		sleep 0.3 && [ "$(eps)" = "$2" ]; then
		ok "$1: endpoints are '$2'"
	else
		not_ok "$1: endpoints are '$2'" "got '$(eps)'"
	fi
}

settle "at start" "$BOTH"

ip -n "$C" link set c2 down
ip -n "$C" link set c2 up
settle "c2 down and up within milliseconds" "$BOTH"

path_set 1 down
sleep 0.3
path_set 1 up
sleep 0.5
path_set 2 down
settle "f1 down, f1 up, f2 down 0.5 s later" "10.0.1.1 c1"
path_set 2 up
settle "f2 up again" "$BOTH"

ip -n "$C" link set c1 down & a=$!
ip -n "$C" link set c2 down & b=$!
wait "$a" "$b"
# both in one batch or one after the other: one or both are kept, never none
if wait_for 3 grep -q "keep-endpoint .*the last path" "$TMP/pmd.log" && sleep 0.3 &&
	[ "$(ip -n "$C" mptcp endpoint show | wc -l)" -ge 1 ]; then
	ok "both links down at once: the last path's endpoint is kept ($(eps))"
else
	not_ok "both links down at once: the last path's endpoint is kept" "got '$(eps)'"
fi
grep -q "keep-endpoint .*the last path" "$TMP/pmd.log" &&
	ok "the log says why it kept it" || not_ok "the log says why it kept it" "$(tail -n 3 "$TMP/pmd.log")"
ip -n "$C" link set c1 up & a=$!
ip -n "$C" link set c2 up & b=$!
wait "$a" "$b"
settle "both links up at once" "$BOTH"

for i in $(seq 50); do
	ip -n "$C" link set c2 down
	ip -n "$C" link set c2 up
done
settle "100 changes of c2 within about a second, ending up" "$BOTH"
for i in $(seq 49); do
	ip -n "$C" link set c1 down
	ip -n "$C" link set c1 up
done
ip -n "$C" link set c1 down
settle "99 changes of c1, ending down" "10.0.2.1 c2"
ip -n "$C" link set c1 up
settle "c1 up" "$BOTH"

# addresses too: removed and added back quickly, on both links at once
ip -n "$C" addr del 10.0.1.1/24 dev c1
ip -n "$C" addr del 10.0.2.1/24 dev c2
ip -n "$C" addr add 10.0.1.1/24 dev c1
ip -n "$C" addr add 10.0.2.1/24 dev c2
settle "both addresses removed and added back" "$BOTH"

check_ok "pmd still runs" kill -0 "$PMD_PID"
check_ok "pmd stops cleanly" pmd_stop
check "nothing left" "" in_ns "$C" ip mptcp endpoint show

# notifications lost (a receive buffer made small, a burst of 600 address
# changes): pmd reads everything again and ends up right
MPTCPKIT_RTNL_RCVBUF=4096 pmd_start "$C" "$TMP/pmd2.log" --client --no-health-checks
settle "with a small buffer" "$BOTH"
for i in $(seq 100); do
	echo "address add 10.0.9.$i/32 dev c2"
	echo "address add 10.0.8.$i/32 dev c1"
	echo "address del 10.0.9.$i/32 dev c2"
done >"$TMP/burst"
for i in $(seq 100); do echo "address del 10.0.8.$i/32 dev c1"; done >>"$TMP/burst"
kill -STOP "$PMD_PID"	# it reads nothing while the burst comes
ip -n "$C" -batch "$TMP/burst"
ip -n "$C" link set c2 down
kill -CONT "$PMD_PID"
settle "after the burst and c2 down, read while stopped" "10.0.1.1 c1"
check_ok "the log says it read everything again" grep -q "pmd: resync" "$TMP/pmd2.log"
ip -n "$C" link set c2 up
settle "c2 up" "$BOTH"
check_ok "pmd stops cleanly" pmd_stop
check "nothing left" "" in_ns "$C" ip mptcp endpoint show
finish
