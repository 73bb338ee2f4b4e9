#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0-or-later
# connect/listen over two paths, with monitor and ss watching: the server
# announces its second address, the client joins it. Both ends must say
# MPTCP and list both subflows (--info); 'mptcpkit ss' must show the
# connection with its two subflows while it lives; each side's monitor
# must see created, established, the join, closed. On 6.1 the old library
# took MPTCP_FULL_INFO's EOPNOTSUPP (unknown option before 6.5) for a
# fallback: "mptcp": false and one subflow. The listener reads its
# standard input from /dev/null, as from a script (issue 24): EOF before
# anything was read means nothing to send, not a half-close, which would
# make the kernel refuse the join (it did: one subflow).
. "$(dirname "$0")/../case-lib.sh"
require_root
require_mptcp
require_cmd python3 ss

PORT=7200
ns_new C vmc
ns_new S vms
two_paths "$C" "$S" 10.20 || { not_ok "two paths between the namespaces"; finish; }
for ns in "$C" "$S"; do
	in_ns "$ns" "$K" limits set subflows 2 add_addr_accepted 2 || not_ok "limits in $ns"
done
in_ns "$S" "$K" endpoint add 10.20.2.2 dev s2 signal || not_ok "server signal endpoint"

for side in C S; do
	bg "${!side}" "$K" -j monitor >"$TMP/$side.mon" 2>"$TMP/$side.mon.err"
	eval "MON_$side=$BG_PID"
	wait_subscribed "$BG_PID" || echo "# $side monitor: subscription not seen, going on"
done

export -f gate
bg "$S" "$K" -j listen --info "$PORT" </dev/null >"$TMP/S.out" 2>"$TMP/S.err"
LPID=$BG_PID
wait_for 60 listening "$S" "$PORT" || not_ok "listener up"
bg "$C" bash -c 'gate "$1" | exec "$2" -j connect --info 10.20.1.2 "$3"' _ "$TMP/go" "$K" "$PORT" \
	>"$TMP/C.out" 2>"$TMP/C.err"
CPID=$BG_PID
if wait_for 90 subflows_up "$S" "$PORT" 2; then
	ok "the join came: two subflows established"
else
	not_ok "the join came" "$(tcp_established "$S" "$PORT") subflow(s) after 90 s"
fi

# ss while the connection lives: one MPTCP connection, two subflows.
in_ns "$C" "$K" -j ss >"$TMP/ss.json" 2>"$TMP/ss.err"
check "ss: one connection with a token, two subflows" "1 2" python3 -c '
import json, sys
c = json.load(open(sys.argv[1]))["connections"]
print(sum(1 for x in c if x.get("token")), sum(len(x.get("subflows", [])) for x in c))' "$TMP/ss.json"

touch "$TMP/go"
wait_for 60 sh -c "! kill -0 $CPID 2>/dev/null && ! kill -0 $LPID 2>/dev/null" ||
	not_ok "connect and listen end" "still running after 60 s"
check "the client's data arrived, nothing came back" "done|" echo "$(cat "$TMP/S.out")|$(cat "$TMP/C.out")"

for side in C S; do
	name=$([ "$side" = C ] && echo connect || echo listen)
	f=$TMP/$side.err
	check "$name: status line says MPTCP" "true available" jfields "$f" 1 mptcp reason
	check "$name --info: mptcp true, two subflows" "true 2" jfields "$f" 2 mptcp num_subflows
done
check "connect --info: the second subflow goes to the announced address" 1 \
	grep -c '"remote":"10.20.2.2:'"$PORT"'"' "$TMP/C.err"
check "listen --info: the second subflow came to the announced address" 1 \
	grep -c '"local":"10.20.2.2:'"$PORT"'"' "$TMP/S.err"

# Events: both sides, in order; the join over path 2.
wait_for 30 grep -q '"closed"' "$TMP/C.mon" "$TMP/S.mon"
for side in C S; do
	kill "$(eval echo "\$MON_$side")" 2>/dev/null
	check "monitor ($side): created, established, sub_established, closed" \
		"created established sub_established closed" python3 -c '
import json, sys
want = ("created", "established", "sub_established", "closed")
print(" ".join(e["type"] for e in map(json.loads, open(sys.argv[1])) if e["type"] in want))' \
		"$TMP/$side.mon"
done
check "monitor (C): the join from 10.20.2.1 to 10.20.2.2" 1 python3 -c '
import json, sys
print(sum(1 for e in map(json.loads, open(sys.argv[1])) if e["type"] == "sub_established"
          and e.get("saddr") == "10.20.2.1" and e.get("daddr") == "10.20.2.2"))' "$TMP/C.mon"
finish
