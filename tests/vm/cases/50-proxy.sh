#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0-or-later
# mptcpkit proxy on this kernel, client C - proxy P - server S, two paths
# between P and S (a subflow endpoint on P's second one):
#  forward: a plain TCP client (socat) through the proxy to an MPTCP server:
#   data both ways, the server sees MPTCP with two subflows, the proxy's
#   JSON line says the upstream leg was MPTCP;
#  socks: curl through the SOCKS5 proxy to an HTTP server on MPTCP.
. "$(dirname "$0")/../case-lib.sh"
require_root
require_mptcp
require_cmd python3 socat curl ss

ns_new C vmxc
ns_new P vmxp
ns_new S vmxs
veth "$C" c0 10.50.1.2/24 "$P" p0 10.50.1.1/24 || { not_ok "veth"; finish; }
two_paths "$P" "$S" 10.51 || { not_ok "two paths between proxy and server"; finish; }
in_ns "$C" ip route add default via 10.50.1.1
in_ns "$P" "$K" endpoint add 10.51.2.1 dev c2 subflow
for ns in "$P" "$S"; do in_ns "$ns" "$K" limits set subflows 2 add_addr_accepted 2; done
SRV=10.51.1.2
PORT=7500

# start_proxy LOG ARGS...: the proxy in P (its PID in PX), up when it says so.
start_proxy() {
	local log=$1
	shift
	bg "$P" "$K" -j proxy "$@" >"$log" 2>"$log.err"
	PX=$BG_PID
	wait_for 120 grep -q '"listening"' "$log" || { not_ok "proxy $1 starts" "$(cat "$log.err")"; return 1; }
}

# --- forward ------------------------------------------------------------------
export -f gate
bg "$S" bash -c '{ echo pong; gate "$1"; } | exec "$2" -j listen --info -4 "$3"' \
	_ "$TMP/go" "$K" "$PORT" >"$TMP/srv.out" 2>"$TMP/srv.err"
LPID=$BG_PID
wait_for 60 listening "$S" "$PORT" || not_ok "server up"
start_proxy "$TMP/fwd.log" forward --listen 10.50.1.1:9000 --to "$SRV:$PORT"
bg "$C" bash -c '{ echo ping; gate "$1"; } | exec socat -t 120 - TCP:10.50.1.1:9000' \
	_ "$TMP/go" >"$TMP/cli.out"
CPID=$BG_PID
if wait_for 90 subflows_up "$S" "$PORT" 2; then ok "forward: two subflows upstream"; else
	not_ok "forward: two subflows upstream" "$(tcp_established "$S" "$PORT") after 90 s"; fi
touch "$TMP/go"
wait_for 90 sh -c "! kill -0 $CPID 2>/dev/null && ! kill -0 $LPID 2>/dev/null" ||
	not_ok "forward: both ends finish" "still running"
check "forward: the client got the server's data" "pong done" sh -c "tr '\n' ' ' <'$TMP/cli.out' | sed 's/ \$//'"
check "forward: the server got the client's data" "ping done" sh -c "tr '\n' ' ' <'$TMP/srv.out' | sed 's/ \$//'"
check "forward: the server's connection is MPTCP" "true available" jfields "$TMP/srv.err" 1 mptcp reason
check "forward: the server lists two subflows (--info)" "true 2" jfields "$TMP/srv.err" 2 mptcp num_subflows
# conn LOG: the first connection line of a proxy's log, in $TMP/conn.
conn() {
	wait_for 30 grep -q '"event":"conn"' "$1"
	grep -m1 '"event":"conn"' "$1" >"$TMP/conn"
}
conn "$TMP/fwd.log"
check "forward -j: the client leg is TCP, the upstream leg MPTCP" "false true available" \
	jfields "$TMP/conn" 1 client_mptcp upstream_mptcp upstream_reason
kill -TERM "$PX"

# --- socks --------------------------------------------------------------------
mkdir -p "$TMP/www" && echo "hello over socks" >"$TMP/www/hello.txt"
bg "$S" python3 "$TOP/tests/proxy-peer.py" httpd 8080 "$TMP/www" >"$TMP/httpd.out" 2>&1
wait_for 120 listening "$S" 8080 || not_ok "HTTP server up" "$(cat "$TMP/httpd.out")"
start_proxy "$TMP/socks.log" socks --listen 10.50.1.1:1080 --allow 10.50.0.0/16
check "socks: curl gets the page through the proxy" "hello over socks" \
	in_ns "$C" curl -s --max-time 120 --socks5 10.50.1.1:1080 "http://$SRV:8080/hello.txt"
conn "$TMP/socks.log"
check "socks -j: the upstream leg is MPTCP" "true available" jfields "$TMP/conn" 1 upstream_mptcp upstream_reason
kill -TERM "$PX"
finish
