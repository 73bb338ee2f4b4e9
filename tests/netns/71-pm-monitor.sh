#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0-or-later
# mptcpkit monitor on a real connection with the in-kernel path manager:
# two namespaces, two veth paths, a client 'subflow' endpoint on the second
# path. Both sides' events must come in order with the right addresses
# (created, established, sub_established over path 2, closed; listener
# events on the server), as JSON and as text, and SIGTERM/SIGINT stop it.
. "$(dirname "$0")/../lib.sh"
require_root
require_mptcp
require_cmd python3 timeout setpriv

ns_new S mons
ns_new C monc
two_paths "$C" "$S" 10.71 || { not_ok "two paths between the namespaces"; finish; }
K=$MPTCPKIT
in_ns "$C" "$K" endpoint add 10.71.2.1 id 5 dev c2 subflow || not_ok "client endpoint"
in_ns "$C" "$K" limits set subflows 2 || not_ok "client limits"
in_ns "$S" "$K" limits set subflows 2 || not_ok "server limits"

bg "$C" "$K" -j monitor >"$TMP/c.json" 2>"$TMP/c.err"
MON_CJ=$BG_PID
bg "$C" "$K" monitor >"$TMP/c.txt" 2>&1
MON_CT=$BG_PID
bg "$S" "$K" -j monitor >"$TMP/s.json" 2>"$TMP/s.err"
MON_SJ=$BG_PID
sleep 0.3 # the monitors subscribe

bg "$S" sh -c "sleep 3 | '$K' listen -4 7100 >/dev/null"
wait_listen "$S" 7100 || not_ok "server listening"
(echo hello; sleep 1.5) | timeout 10 ip netns exec "$C" "$K" connect 10.71.1.2 7100 >/dev/null ||
	not_ok "client connection"
sleep 0.5 # the last events

# stop_monitor PID SIGNAL: it must exit 0 within 2 s.
stop_monitor() {
	kill -"$2" "$1"
	for _ in $(seq 20); do
		kill -0 "$1" 2>/dev/null || break
		sleep 0.1
	done
	if kill -0 "$1" 2>/dev/null; then
		not_ok "monitor stops on SIG$2" "still running"
	elif wait "$1"; then
		ok "monitor stops on SIG$2 with exit 0"
	else
		not_ok "monitor stops on SIG$2" "exit $?"
	fi
}
stop_monitor "$MON_CJ" TERM
stop_monitor "$MON_CT" INT
stop_monitor "$MON_SJ" TERM

# events FILE: "type saddr daddr ..." per line, for the assertions.
summary() {
	python3 - "$1" <<'PY'
import json, sys
for line in open(sys.argv[1]):
    e = json.loads(line)
    keys = ("type", "saddr", "daddr", "dport", "loc_id", "server_side", "dev")
    print(" ".join(f"{k}={e[k]}" for k in keys if k in e))
PY
}
summary "$TMP/c.json" >"$TMP/c.sum" || not_ok "client JSON lines parse" "$(head -3 "$TMP/c.json")"
summary "$TMP/s.json" >"$TMP/s.sum" || not_ok "server JSON lines parse" "$(head -3 "$TMP/s.json")"

check "client events in order" "created established sub_established closed" \
	sh -c "grep -o '^type=[a-z_]*' '$TMP/c.sum' | cut -d= -f2 | tr '\n' ' ' | sed 's/ \$//'"
check "client created: addresses and port" \
	"type=created saddr=10.71.1.1 daddr=10.71.1.2 dport=7100 loc_id=0" \
	sed -n 1p "$TMP/c.sum"
check "client sub_established: over path 2 from endpoint 5" \
	"type=sub_established saddr=10.71.2.1 daddr=10.71.1.2 dport=7100 loc_id=5 dev=c2" \
	grep '^type=sub_established' "$TMP/c.sum"
token=$(head -1 "$TMP/c.json" | python3 -c 'import json,sys; print(json.loads(sys.stdin.readline())["token"])')
check "one token for the whole connection" "1" \
	sh -c "grep -o '\"token\": *[0-9]*' '$TMP/c.json' | sort -u | wc -l"
check "closed carries the token" "$token" \
	sh -c "grep '\"closed\"' '$TMP/c.json' | python3 -c 'import json,sys; print(json.loads(sys.stdin.readline())[\"token\"])'"

check "server events in order" \
	"listener_created created established sub_established closed listener_closed" \
	sh -c "grep -o '^type=[a-z_]*' '$TMP/s.sum' | cut -d= -f2 | tr '\n' ' ' | sed 's/ \$//'"
check "server created: server side, the client's address" "type=created saddr=10.71.1.2 daddr=10.71.1.1 loc_id=0 server_side=True" \
	sh -c "grep '^type=created' '$TMP/s.sum' | sed 's/ dport=[0-9]*//'"
check "server sub_established: the join from path 2" "1" \
	sh -c "grep '^type=sub_established' '$TMP/s.sum' | grep -c 'saddr=10.71.1.2 daddr=10.71.2.1'"

check "text mode: the created line" "created token $token loc_id 0 rem_id 0 saddr 10.71.1.1" \
	sh -c "head -1 '$TMP/c.txt' | cut -d' ' -f1-9"
check "text mode: as many lines as JSON events" "$(wc -l <"$TMP/c.json")" \
	sh -c "wc -l <'$TMP/c.txt'"
check "no errors from the monitors" "" cat "$TMP/c.err" "$TMP/s.err"

if in_ns "$C" setpriv --inh-caps=-net_admin --bounding-set=-net_admin "$K" monitor 2>"$TMP/nocap.err"; then
	not_ok "monitor without CAP_NET_ADMIN fails" "it succeeded"
else
	check "monitor without CAP_NET_ADMIN: one line naming it" \
		"mptcpkit: monitor: needs CAP_NET_ADMIN" cat "$TMP/nocap.err"
fi
check_fail "monitor with an argument" "$K" monitor extra

# A burst: 300 loopback connections opened, then all closed; no event lost.
ns_new B monb
bg "$B" "$K" -j monitor >"$TMP/b.json" 2>"$TMP/b.err"
MON_B=$BG_PID
sleep 0.3
cat >"$TMP/burst.py" <<'PY'
import socket
s = socket.socket(socket.AF_INET, socket.SOCK_STREAM, 262)
s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
s.bind(("127.0.0.1", 7101)); s.listen(512)
pairs = []
for _ in range(300):
    c = socket.socket(socket.AF_INET, socket.SOCK_STREAM, 262)
    c.connect(("127.0.0.1", 7101)); c.send(b"x")
    a, _ = s.accept(); a.recv(1); pairs.append((c, a))
for c, a in pairs:
    c.close(); a.close()
PY
timeout 30 ip netns exec "$B" python3 "$TMP/burst.py" || not_ok "300 loopback connections"
count_type() { grep -c "\"type\": *\"$1\"" "$TMP/b.json"; }
for _ in $(seq 50); do
	[ "$(count_type closed)" -ge 600 ] && break
	sleep 0.1
done
stop_monitor "$MON_B" TERM
check "burst: 600 created, 600 established, 600 closed" "600 600 600" \
	echo "$(count_type created) $(count_type established) $(count_type closed)"
check "burst: no error (no overrun)" "" cat "$TMP/b.err"
finish
