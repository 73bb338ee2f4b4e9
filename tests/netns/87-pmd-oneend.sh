#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0-or-later
# Link flaps seen from the client only, against a server with the kernel's
# default limits (2 subflows) and no pmd (issue 24): during an upload the
# client's second link goes down for 0.3 s, six times. pmd deletes its
# endpoint at each; the FIN of the subflow that closes cannot leave, and
# here the RM_ADDR is lost too (pure ACKs on path 1 dropped for 0.2 s; in
# one-ended churn 4-14 of 35 were lost), so the server keeps that subflow,
# counted against its limit. Before, the server then refused joins made
# when the link came back (3 in this test); pmd now resets those subflows
# over the path that is back before it joins again. Checked: after each
# flap the connection has a subflow on each path again within 2 s, the
# server refused no join, every byte arrives intact.
. "$(dirname "$0")/../lib.sh"
. "$(dirname "$0")/../pmd-lib.sh"
require_root
require_mptcp
require_cmd python3 ss tc nft nstat sha256sum
PORT=5293

pmd_topo 2>/dev/null
in_ns "$S" ip mptcp limits set subflows 2 add_addr_accepted 0
# The client's pure ACKs on path 1 are dropped while path 2 goes down: the
# RM_ADDR the kernel sends when pmd deletes path 2's endpoint rides on one.
in_ns "$C" nft -f - <<EOF
table inet mpk_rmaddr {
	set quiet { type ifname; }
	chain o {
		type filter hook output priority 0;
		oifname @quiet ip length < 256 tcp flags & (syn | fin | rst) == 0 counter drop
	}
}
EOF
[ $? = 0 ] || skip_all "nft cannot make the rule that loses the RM_ADDR"
if pmd_start "$C" "$TMP/pmd.log" --client -j; then ok "pmd starts"
else not_ok "pmd starts" "$(head -c 300 "$TMP/pmd.log")"; finish; fi
xfer_start 128M
if wait_for 5 both_paths; then ok "the upload uses both paths"
else not_ok "the upload uses both paths" "$(in_ns "$C" ss -Htn state established)"; fi

slow=""
for i in $(seq 6); do
	in_ns "$C" nft add element inet mpk_rmaddr quiet '{ "c1" }'
	ip -n "$C" link set c2 down
	sleep 0.2
	in_ns "$C" nft delete element inet mpk_rmaddr quiet '{ "c1" }'
	sleep 0.1
	ip -n "$C" link set c2 up
	wait_for 2 both_paths || slow="$slow $i"
	sleep 0.2
	kill -0 "$SENDER" 2>/dev/null || break
done
if [ -z "$slow" ]; then ok "after each of 6 flaps, both paths within 2 s"
else not_ok "after each of 6 flaps, both paths within 2 s" "not after flap(s)$slow: $(in_ns "$C" ss -Htn state established "( dport = :$PORT )")"; fi
rejected=$(in_ns "$S" nstat -asz MPTcpExtMPJoinRejected | awk '/MPJoinRejected/ { print $2 }')
check "the server refused no join (MPJoinRejected)" "0" echo "${rejected:-?}"
check_ok "pmd reset the subflows closed while c2 was down" grep -q '"action":"reset-subflows"' "$TMP/pmd.log"
check_fail "... and the kernel let it (no no-subflow-reset)" grep -q 'no-subflow-reset' "$TMP/pmd.log"
check_ok "pure ACKs were dropped (the scenario holds)" \
	sh -c "ip netns exec $C nft list table inet mpk_rmaddr | grep -q 'packets [1-9]'"
if timeout 60 tail --pid="$SENDER" -f /dev/null; then ok "the upload ends"
else not_ok "the upload ends" "still running after 60 s"; fi
wait_for 5 sh -c "[ -s $TMP/served ]"
check "every byte arrived intact (sha256, 128 MiB)" \
	"$(sha256sum <"$TMP/data" | cut -d' ' -f1) $((128 << 20))" cat "$TMP/served"
check_ok "pmd stops cleanly" pmd_stop
check "nothing left" "" in_ns "$C" ip mptcp endpoint show
finish
