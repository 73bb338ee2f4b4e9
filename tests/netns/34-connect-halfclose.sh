#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0-or-later
# connect/listen from a script keep multipath (issue 24): a client with two
# interfaces, a server with one address, `listen PORT </dev/null >file` and
# `connect HOST PORT <file`. The kernel refuses every MP_JOIN once a side
# has sent DATA_FIN, so listen must not shut down at its (empty) input's
# end: the connection gets its second subflow and the server rejects no
# join; -v says when the connection can no longer take subflows. Then -N,
# the old behaviour, to show the check can fail: joins rejected, one subflow.
# Cost: about 10 s (two 24 MiB transfers over 2 x 50 Mbit/s).
. "$(dirname "$0")/../lib.sh"
. "$(dirname "$0")/../pmd-lib.sh"
require_root
require_mptcp
require_cmd sha256sum timeout nstat tc

pmd_topo hc
K=$MPTCPKIT
PORT=5340
# The server has one address (10.0.1.2) and announces nothing; the client
# joins it from c2 (the route to an address that is not on c2's link is
# taken on link when the subflow is bound to c2).
in_ns "$C" ip mptcp endpoint add 10.0.2.1 dev c2 subflow
in_ns "$C" ip mptcp limits set subflows 2 add_addr_accepted 0
in_ns "$S" ip mptcp limits set subflows 2 add_addr_accepted 0
head -c 24M /dev/urandom >"$TMP/data"

# mib NS NAME: one MPTcpExt counter of NS.
mib() { in_ns "$1" nstat -az "MPTcpExt$2" | awk -v n="MPTcpExt$2" '$1 == n { v = $2 } END { print v + 0 }'; }
rejected() { mib "$S" MPJoinRejected; }

# run_pair NAME LISTEN_OPTS: one transfer, client -> server; the most
# subflows the client saw into $TMP/NAME.max.
run_pair() {
	local name=$1 max=0 n i
	shift
	bg "$S" timeout 60 "$K" listen -v "$@" $PORT </dev/null >"$TMP/$name.got" 2>"$TMP/$name.srv"
	local lpid=$BG_PID
	wait_listen "$S" $PORT || not_ok "$name: listener up"
	# bash gives background jobs /dev/null as standard input: say it inside.
	bg "$C" sh -c "exec timeout 60 \"$K\" connect -v 10.0.1.2 $PORT <\"$TMP/data\" >/dev/null 2>\"$TMP/$name.cli\""
	local cpid=$BG_PID
	for i in $(seq 600); do
		n=$(subflows "$C" $PORT)
		[ "$n" -gt "$max" ] && max=$n
		kill -0 "$cpid" 2>/dev/null || break
		sleep 0.05
	done
	wait "$cpid"; echo "$?" >"$TMP/$name.crc"
	wait "$lpid"; echo "$?" >"$TMP/$name.lrc"
	echo "$max" >"$TMP/$name.max"
}

SUM=$(sha256sum <"$TMP/data")
r0=$(rejected)
run_pair keep
check "listen </dev/null: connect exits 0" 0 cat "$TMP/keep.crc"
check "listen </dev/null: listen exits 0" 0 cat "$TMP/keep.lrc"
check "listen </dev/null: every byte intact" "$SUM" eval 'sha256sum <"$TMP/keep.got"'
check "listen </dev/null: the connection got its second subflow" 2 cat "$TMP/keep.max"
check "listen </dev/null: the server rejected no join" 0 echo $(($(rejected) - r0))
check "listen -v: no half-close of its own" 0 eval 'grep -c "we sent our end" "$TMP/keep.srv"'
check "listen -v: says when the peer's end made the connection take no subflow" 1 \
	eval 'grep -c "^mptcpkit: the connection can no longer take new subflows: the peer sent its end of data (DATA_FIN)" "$TMP/keep.srv"'
check "connect -v: says when its end did, after the data was acknowledged" 1 \
	eval 'grep -c "^mptcpkit: the connection can no longer take new subflows: we sent our end of data (DATA_FIN); it keeps its 2 subflow" "$TMP/keep.cli"'

# -N: shut down at once (what listen did before): joins are refused.
# Whether the client's join or listen's DATA_FIN comes first is a race on
# zero-delay veths (CI once saw the join win): the server drops the first
# MP_JOIN SYN (a SYN is 60-80 bytes: the quota lets one through its match), so the join arrives with the SYN's retransmission, 1 s later,
# after the DATA_FIN, as it would behind any real round trip.
in_ns "$S" nft -f - <<EOF || not_ok "nft rule: drop the first join SYN"
table inet mpk_hc {
	chain in {
		type filter hook input priority 0;
		ip saddr 10.0.2.1 tcp dport $PORT tcp flags & (syn | ack) == syn quota until 100 bytes counter drop
	}
}
EOF
tx0=$(mib "$C" MPJoinSynTx) ack0=$(mib "$S" MPJoinAckRx)
run_pair now -N
check "listen -N: the first join SYN was dropped, once" 1 \
	eval "in_ns \"\$S\" nft list table inet mpk_hc | grep -o 'counter packets [0-9]*' | cut -d' ' -f3"
in_ns "$S" nft delete table inet mpk_hc
check "listen -N: every byte intact" "$SUM" eval 'sha256sum <"$TMP/now.got"'
check "listen -N: one subflow only (joins refused after its DATA_FIN)" 1 cat "$TMP/now.max"
# Which end refuses depends on the kernel (6.18's server lets the SYN
# through and the client, past its peer's DATA_FIN, resets it): a join was
# tried and none completed.
check "listen -N: joins tried, none completed" "tried 0" \
	eval 'echo "$( [ $(($(mib "$C" MPJoinSynTx) - tx0)) -gt 0 ] && echo tried) $(($(mib "$S" MPJoinAckRx) - ack0))"'
check "listen -N -v: says it half-closed" 1 \
	eval 'grep -c "can no longer take new subflows: we sent our end of data (DATA_FIN); it keeps its 1 subflow" "$TMP/now.srv"'

# -j -v: the same as a JSON line.
bg "$S" timeout 20 "$K" listen $PORT </dev/null >/dev/null
lpid=$BG_PID
wait_listen "$S" $PORT || not_ok "listener up"
echo hi | in_ns "$C" timeout 20 "$K" -j connect -v 10.0.1.2 $PORT >/dev/null 2>"$TMP/j.err"
wait "$lpid"
J=$(grep no_new_subflows "$TMP/j.err")
check "connect -j -v: a JSON line when it can take no new subflow" we_closed json_get "$J" why
check "... with the subflows it keeps" 1 eval 'json_get "$J" subflows | grep -c "^[12]$"'

# Nothing to send on either side: -N on one side ends both.
bg "$S" timeout 20 "$K" listen $PORT </dev/null >/dev/null
lpid=$BG_PID
wait_listen "$S" $PORT || not_ok "listener up"
check_ok "connect -N </dev/null to listen </dev/null: both end" in_ns "$C" timeout 20 "$K" connect -N 10.0.1.2 $PORT </dev/null
wait "$lpid"
check "... listen too" 0 echo $?
# -d: standard input is not read (a terminal would not block it).
bg "$S" timeout 20 sh -c "printf served | \"$K\" listen $PORT"
lpid=$BG_PID
wait_listen "$S" $PORT || not_ok "listener up"
check "connect -d: receives, sends nothing" served eval 'echo unread | in_ns "$C" timeout 20 "$K" connect -d 10.0.1.2 $PORT'
wait "$lpid"
finish
