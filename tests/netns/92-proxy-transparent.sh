#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0-or-later
# mptcpkit proxy transparent in a router: client (plain TCP) -> router
# (nft REDIRECT, proxy transparent, two uplinks) -> far end (proxy socks,
# then dante-server forced onto MPTCP) -> a plain TCP server. Checks: data
# intact both ways with half-close, the original destination found, MPTCP
# with two subflows between router and far end, --print-rules,
# --install-rules added and removed, a table that exists already left
# alone, a connection that was not redirected refused, --auth upstream.
. "$(dirname "$0")/../lib.sh"
require_root
require_mptcp
require_cmd python3 sha256sum timeout nft

ns_new C cli
ns_new R rtr
ns_new F far
ns_new S srv
veth "$C" c0 10.94.1.2/24 "$R" r0 10.94.1.1/24 || { not_ok "veth"; finish; }
veth "$R" a1 10.95.1.1/24 "$F" f1 10.95.1.2/24 || { not_ok "veth"; finish; }
veth "$R" a2 10.95.2.1/24 "$F" f2 10.95.2.2/24 || { not_ok "veth"; finish; }
veth "$F" f0 10.96.1.1/24 "$S" s0 10.96.1.2/24 || { not_ok "veth"; finish; }
in_ns "$C" ip route add default via 10.94.1.1
for ns in "$R" "$F"; do
	in_ns "$ns" sysctl -qw net.ipv4.conf.all.rp_filter=0 net.ipv4.conf.default.rp_filter=0
	in_ns "$ns" ip mptcp limits set subflows 2 add_addr_accepted 2
done
in_ns "$R" ip mptcp endpoint add 10.95.2.1 dev a2 subflow
K=$MPTCPKIT
PEER=$TOP/tests/proxy-peer.py
DST=10.96.1.2

head -c 4M /dev/urandom >"$TMP/up"
head -c 4M /dev/urandom >"$TMP/down"
SHA_UP=$(sha256sum <"$TMP/up" | cut -d' ' -f1)
SHA_DOWN=$(sha256sum <"$TMP/down" | cut -d' ' -f1)

# start NS LOG ARGS...: mptcpkit -j proxy ARGS in NS; its PID in PXPID.
start() {
	local ns=$1 log=$2 i
	shift 2
	bg "$ns" "$K" -j proxy "$@" >"$log" 2>"$log.err"
	PXPID=$BG_PID
	for i in $(seq 50); do
		grep -q '"listening"' "$log" 2>/dev/null && return 0
		sleep 0.1
	done
	not_ok "proxy $* started" "$(cat "$log.err")"
}
last_conn() { grep '"event":"conn"' "$1" | tail -1; }
# transfer PORT: a plain TCP client in C to DST:PORT; the server's line too.
transfer() {
	bg "$S" timeout 30 python3 "$PEER" server 6 "$1" "$TMP/down" 1 >"$TMP/srv.out"
	wait_listen "$S" "$1" || not_ok "server on $1 up"
	in_ns "$C" timeout 20 python3 "$PEER" client 6 "$DST" "$1" "$TMP/up"
	sleep 0.2
}

# --- rules ---------------------------------------------------------------------------
"$K" proxy transparent --listen 10.94.1.1:9100 --via 10.95.1.2:1080 --iif r0 \
	--allow 10.94.0.0/16 --print-rules >"$TMP/rules"
check "--print-rules: a table of its own" 1 eval 'grep -c "^table inet mptcpkit_proxy_9100 {" "$TMP/rules"'
check "--print-rules: redirect from the interface to the port" 1 \
	eval 'grep -c "iifname \"r0\" meta l4proto tcp redirect to :9100" "$TMP/rules"'
check_ok "--print-rules: nft accepts them (nft -c)" in_ns "$R" nft -c -f "$TMP/rules"

# --- towards our own socks -------------------------------------------------------------
start "$F" "$TMP/far.log" socks --listen 10.95.1.2:1080 --allow 10.95.0.0/16
start "$R" "$TMP/rtr.log" transparent --listen 10.94.1.1:9100 --via 10.95.1.2:1080 \
	--allow 10.94.0.0/16 --iif r0 --install-rules
RTR=$PXPID
check_ok "--install-rules: the table is there" in_ns "$R" nft list table inet mptcpkit_proxy_9100
check "through the proxy pair: the client got 4 MiB intact" "sha=$SHA_DOWN n=4194304" transfer 7000
check "the server got 4 MiB intact" "mptcp=0 sha=$SHA_UP n=4194304" cat "$TMP/srv.out"
J=$(last_conn "$TMP/rtr.log")
check "router -j: the original destination" "$DST:7000" json_get "$J" dest
check "router -j: via the far end" 10.95.1.2:1080 json_get "$J" upstream
check "router -j: MPTCP towards the far end" "true available" eval 'echo $(json_get "$J" upstream_mptcp) $(json_get "$J" upstream_reason)'
check "router -j: two subflows towards the far end" 2 json_get "$J" upstream_subflows
check "router -j: the client is plain TCP" false json_get "$J" client_mptcp
check "router -j: closed, bytes both ways" "closed 4194304 4194304" \
	eval 'echo $(json_get "$J" end) $(json_get "$J" bytes_up) $(json_get "$J" bytes_down)'
J=$(last_conn "$TMP/far.log")
check "far -j: the request came over MPTCP from the router" "true 10.95.1.1" \
	eval 'echo $(json_get "$J" client_mptcp) $(json_get "$J" client | cut -d: -f1)'
check "far -j: asked for the original destination" "$DST:7000" json_get "$J" dest

check "a connection to the proxy itself (not redirected) is refused" eof \
	in_ns "$C" timeout 10 python3 "$PEER" raw 10.94.1.1 9100 61
check "router -j: no-original-dst" no-original-dst json_get "$(last_conn "$TMP/rtr.log")" end

in_ns "$R" nft add table inet mptcpkit_proxy_9109
check_one_line "--install-rules: a table that exists already stops it" \
	'^mptcpkit: proxy: nft table inet mptcpkit_proxy_9109 exists already' in_ns "$R" \
	"$K" proxy transparent --listen 10.94.1.1:9109 --via 10.95.1.2:1080 --allow 10.94.0.0/16 --install-rules
check_ok "--install-rules: ... and is left alone" in_ns "$R" nft list table inet mptcpkit_proxy_9109
in_ns "$R" nft delete table inet mptcpkit_proxy_9109
kill -TERM "$RTR"
wait "$RTR"
check "SIGTERM: exit 0" 0 echo $?
check_fail "--install-rules: the table is gone after exit" in_ns "$R" nft list table inet mptcpkit_proxy_9100
check "--install-rules: nothing else left in the router's ruleset" "" eval 'in_ns "$R" nft list ruleset'

# --- --auth towards the far end ----------------------------------------------------------
start "$F" "$TMP/fara.log" socks --listen 10.95.1.2:1081 --auth bob:pw
start "$R" "$TMP/rtra.log" transparent --listen 10.94.1.1:9101 --via 10.95.1.2:1081 \
	--allow 10.94.0.0/16 --auth bob:pw --install-rules
check "--auth upstream: data intact" "sha=$SHA_DOWN n=4194304" transfer 7001
kill -TERM "$PXPID"
wait "$PXPID"
start "$R" "$TMP/rtrb.log" transparent --listen 10.94.1.1:9102 --via 10.95.1.2:1081 \
	--allow 10.94.0.0/16 --auth bob:wrong --install-rules
in_ns "$C" timeout 10 python3 "$PEER" raw "$DST" 7002 61 >/dev/null
check "wrong --auth upstream: upstream-refused, status 1" "upstream-refused 1" \
	eval 'J=$(last_conn "$TMP/rtrb.log"); echo $(json_get "$J" end) $(json_get "$J" code)'
kill -TERM "$PXPID"
wait "$PXPID"

# --- tproxy: no NAT, an IP_TRANSPARENT listener, policy routing ---------------------
"$K" proxy transparent --listen 10.94.1.1:9104 --via 10.95.1.2:1080 --allow 10.94.0.0/16 \
	--iif r0 --tproxy --print-rules >"$TMP/trules"
check "--tproxy --print-rules: tproxy to the port, with a mark" 1 \
	eval 'grep -c "iifname \"r0\" meta nfproto ipv4 meta l4proto tcp tproxy ip to :9104 meta mark set 0x6d706b accept" "$TMP/trules"'
start "$R" "$TMP/rtrt.log" transparent --listen 10.94.1.1:9104 --via 10.95.1.2:1080 \
	--allow 10.94.0.0/16 --iif r0 --tproxy --install-rules
check "--tproxy --install-rules: the fwmark rule is there" 1 eval 'in_ns "$R" ip rule | grep -c "fwmark 0x6d706b lookup 27017"'
check "--tproxy: the client got 4 MiB intact" "sha=$SHA_DOWN n=4194304" transfer 7004
check "--tproxy: the server got 4 MiB intact" "mptcp=0 sha=$SHA_UP n=4194304" cat "$TMP/srv.out"
J=$(last_conn "$TMP/rtrt.log")
check "--tproxy -j: the original destination" "$DST:7004" json_get "$J" dest
check "--tproxy -j: MPTCP towards the far end" true json_get "$J" upstream_mptcp
check "--tproxy: not redirected, refused" eof in_ns "$C" timeout 10 python3 "$PEER" raw 10.94.1.1 9104 61
kill -TERM "$PXPID"
wait "$PXPID"
check "--tproxy: rules, ip rules and routes gone after exit" "0 0 0" eval 'echo \
	$(in_ns "$R" nft list ruleset | grep -c .) $(in_ns "$R" ip rule | grep -c 6d706b) \
	$(in_ns "$R" ip route show table 27017 2>/dev/null | grep -c .)'

# --- towards dante-server, forced onto MPTCP -------------------------------------------
if ! command -v danted >/dev/null; then
	skip "through dante-server" "no danted (Debian package dante-server)"
else
	cat >"$TMP/danted.conf" <<EOF2
logoutput: $TMP/danted.log
internal: 10.95.1.2 port = 1180
external: 10.96.1.1
clientmethod: none
socksmethod: none
user.privileged: root
user.unprivileged: nobody
client pass { from: 10.95.0.0/16 to: 0.0.0.0/0 }
socks pass { from: 0.0.0.0/0 to: 0.0.0.0/0 command: connect }
EOF2
	bg "$F" "$K" run -- danted -f "$TMP/danted.conf" -p "$TMP/danted.pid"
	wait_listen "$F" 1180 || not_ok "danted up" "$(tail -3 "$TMP/danted.log")"
	start "$R" "$TMP/rtrd.log" transparent --listen 10.94.1.1:9103 --via 10.95.1.2:1180 \
		--allow 10.94.0.0/16 --install-rules
	check "through dante-server: the client got 4 MiB intact" "sha=$SHA_DOWN n=4194304" transfer 7003
	check "through dante-server: the server got 4 MiB intact" "mptcp=0 sha=$SHA_UP n=4194304" cat "$TMP/srv.out"
	J=$(last_conn "$TMP/rtrd.log")
	check "through dante-server: MPTCP towards it (forced with mptcpkit run)" true json_get "$J" upstream_mptcp
	check "through dante-server: the original destination" "$DST:7003" json_get "$J" dest
	kill -TERM "$PXPID"
	wait "$PXPID"
fi

check_one_line "transparent on a non-loopback address needs --allow" \
	'^mptcpkit: proxy transparent: listening on 0.0.0.0 for anyone' \
	"$K" proxy transparent --listen 0.0.0.0:9100 --via 10.0.0.1:1080 --auth a:b
check_one_line "transparent without --via" '^mptcpkit: proxy transparent: --via' \
	"$K" proxy transparent --listen 9100
check_one_line "--print-rules outside transparent mode" '^mptcpkit: proxy: --print-rules' \
	"$K" proxy socks --listen 1080 --print-rules
finish
