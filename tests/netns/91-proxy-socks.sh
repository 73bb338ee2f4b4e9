#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0-or-later
# mptcpkit proxy socks between namespaces: curl through it to an HTTP
# server (checksum, MPTCP seen by the server, two subflows), IPv4, IPv6 and
# domain requests, username/password accepted and refused, BIND and UDP
# ASSOCIATE refused with 0x07, unknown address type 0x08, loopback and
# link-local destinations refused, malformed, truncated and slow
# handshakes, a flood beyond --max-conns, a destination that does not
# answer, a name whose resolver does not answer (other connections go on
# meanwhile), --allow, no descriptor leak, a listener that refuses to start.
. "$(dirname "$0")/../lib.sh"
require_root
require_mptcp
require_cmd python3 sha256sum timeout curl nft

ns_new C cli
ns_new P prx
ns_new S srv
veth "$C" c0 10.92.1.2/24 "$P" p0 10.92.1.1/24 || { not_ok "veth"; finish; }
veth "$P" u1 10.93.1.1/24 "$S" s1 10.93.1.2/24 || { not_ok "veth"; finish; }
veth "$P" u2 10.93.2.1/24 "$S" s2 10.93.2.2/24 || { not_ok "veth"; finish; }
addr_add "$P" fd00:93::1/64 u1
addr_add "$S" fd00:93::2/64 s1
for ns in "$P" "$S"; do
	in_ns "$ns" sysctl -qw net.ipv4.conf.all.rp_filter=0 net.ipv4.conf.default.rp_filter=0
done
in_ns "$P" ip mptcp endpoint add 10.93.2.1 dev u2 subflow
in_ns "$P" ip mptcp limits set subflows 2 add_addr_accepted 2
in_ns "$S" ip mptcp limits set subflows 2 add_addr_accepted 2
in_ns "$S" nft -f - <<'NFT'
table inet mpktest {
	chain input {
		type filter hook input priority 0;
		tcp dport 8999 drop
	}
}
NFT
K=$MPTCPKIT
PEER=$TOP/tests/proxy-peer.py
PX=10.92.1.1
# The proxy's namespace gets a resolver that never answers (ip netns exec
# mounts /etc/netns/NS/resolv.conf over /etc/resolv.conf for it).
mkdir -p "/etc/netns/$P"
printf 'nameserver 10.92.1.1\noptions timeout:3 attempts:1\n' >"/etc/netns/$P/resolv.conf"
trap 'rm -rf "/etc/netns/$P"; rmdir /etc/netns 2>/dev/null; cleanup' EXIT
bg "$P" python3 -c 'import socket
s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
s.bind(("10.92.1.1", 53))
while True: s.recv(512)'

mkdir "$TMP/www"
head -c 4M /dev/urandom >"$TMP/www/blob"
SHA=$(sha256sum <"$TMP/www/blob" | cut -d' ' -f1)
bg "$S" python3 "$PEER" httpd 8000 "$TMP/www" >"$TMP/httpd.log" 2>&1
wait_listen "$S" 8000 || not_ok "http server up"

# start_proxy LOG ARGS...: a socks proxy in P; its PID in PXPID.
start_proxy() {
	local log=$1 i
	shift
	bg "$P" "$K" -j proxy socks "$@" >"$log" 2>"$log.err"
	PXPID=$BG_PID
	for i in $(seq 50); do
		grep -q '"listening"' "$log" 2>/dev/null && return 0
		sleep 0.1
	done
	not_ok "proxy socks $* started" "$(cat "$log.err")"
}
# last_conn LOG: the last connection's JSON line.
last_conn() { grep '"event":"conn"' "$1" | tail -1; }
# raw PORT HEX...: a hand-made SOCKS client, prints the replies in hex.
raw() {
	local port=$1
	shift
	in_ns "$C" timeout 20 python3 "$PEER" raw "$PX" "$port" "$@"
}
via_curl() { in_ns "$C" timeout 20 curl -sS --max-time 15 "$@"; }

start_proxy "$TMP/main.log" --listen "$PX:1080" --allow 10.92.0.0/16
MAIN=$PXPID
FD0=$(ls "/proc/$MAIN/fd" | wc -l)

# --- curl through it -------------------------------------------------------------
check "curl --socks5-hostname: 4 MiB intact" "$SHA" \
	eval 'via_curl --socks5-hostname "$PX:1080" http://10.93.1.2:8000/blob | sha256sum | cut -d" " -f1'
check "the HTTP server saw MPTCP" "mptcp=1 /blob" eval 'tail -1 "$TMP/httpd.log"'
J=$(last_conn "$TMP/main.log")
check "-j: destination as asked (a name)" 10.93.1.2:8000 json_get "$J" dest
check "-j: MPTCP upstream" "true available" eval 'echo $(json_get "$J" upstream_mptcp) $(json_get "$J" upstream_reason)'
check "-j: two subflows upstream" 2 json_get "$J" upstream_subflows
check "-j: curl's leg is TCP" "false fallback" eval 'echo $(json_get "$J" client_mptcp) $(json_get "$J" client_reason)'
check "-j: bytes down at least the file" 1 eval '[ "$(json_get "$J" bytes_down)" -gt 4194304 ] && echo 1'
check "curl --socks5 (IPv4 request)" "$SHA" \
	eval 'via_curl --socks5 "$PX:1080" http://10.93.1.2:8000/blob | sha256sum | cut -d" " -f1'
check "-j: IPv4 destination" 10.93.1.2:8000 json_get "$(last_conn "$TMP/main.log")" dest
check "curl --socks5 to an IPv6 server" "$SHA" \
	eval 'via_curl --socks5 "$PX:1080" "http://[fd00:93::2]:8000/blob" | sha256sum | cut -d" " -f1'
check "-j: IPv6 destination" "[fd00:93::2]:8000" json_get "$(last_conn "$TMP/main.log")" dest

# --- requests refused --------------------------------------------------------------
check "BIND (request in two pieces): reply 0x07" "0500 - 05070001000000000000 eof" raw 1080 050100 05020001 0a5d01020050
check "-j: unsupported" unsupported json_get "$(last_conn "$TMP/main.log")" end
check "UDP ASSOCIATE: reply 0x07" "0500 05070001000000000000 eof" raw 1080 050100 050300010a5d01020050
check "unknown address type: reply 0x08" "0500 05080001000000000000 eof" raw 1080 050100 05010005000000000050
check "loopback destination: reply 0x02" "0500 05020001000000000000 eof" raw 1080 050100 050100017f0000011f40
check "-j: dest-not-allowed" dest-not-allowed json_get "$(last_conn "$TMP/main.log")" end
check "link-local destination: reply 0x02" "0500 05020001000000000000 eof" raw 1080 050100 05010001a9fe01011f40
check "IPv6 loopback: reply 0x02" "0500 - 05020001000000000000 eof" \
	raw 1080 050100 0501000400000000000000000000000000000001 1f40
check "localhost by name: reply 0x02" "0500 05020001000000000000 eof" raw 1080 050100 05010003096c6f63616c686f73741f40
check "closed port: reply 0x05" "0500 05050001000000000000 eof" raw 1080 050100 050100010a5d01021f3f
check "-j: connect-failed" connect-failed json_get "$(last_conn "$TMP/main.log")" end
check "no acceptable method: 0xff" "05ff eof" raw 1080 050102
check "malformed greeting: closed" "eof" raw 1080 04010000
check "-j: bad-handshake" bad-handshake json_get "$(last_conn "$TMP/main.log")" end
check "empty domain name: closed" "0500 eof" raw 1080 050100 0501000300
check "truncated request, then gone" "0500 - -" raw 1080 050100 050100 ""
sleep 0.3
check "-j: the truncated one is a bad handshake" bad-handshake json_get "$(last_conn "$TMP/main.log")" end
check "pipelined greeting and request" "0500" eval 'raw 1080 0501000501000300 | cut -c1-4'

# --- username/password -------------------------------------------------------------
printf 'alice:s3cret\n' >"$TMP/auth"
start_proxy "$TMP/auth.log" --listen "$PX:1081" --auth-file "$TMP/auth"
check "auth: right password, 4 MiB intact" "$SHA" \
	eval 'via_curl -x socks5h://alice:s3cret@$PX:1081 http://10.93.1.2:8000/blob | sha256sum | cut -d" " -f1'
check_fail "auth: wrong password refused" via_curl -o /dev/null -x "socks5h://alice:nope@$PX:1081" http://10.93.1.2:8000/blob
check "-j: auth-failed" auth-failed json_get "$(last_conn "$TMP/auth.log")" end
check "auth: no-auth offer refused with 0xff" "05ff eof" raw 1081 050100
check "auth: status 0x01 for a wrong password" "0502 0101 eof" raw 1081 050102 01056175736572026e6f

# --- limits: flood, slow handshakes, silent destinations ----------------------------------
start_proxy "$TMP/lim.log" --listen "$PX:1082" --allow 10.92.0.0/16 --max-conns 3 \
	--handshake-timeout 1 --connect-timeout 1
check "flood: 3 of 6 held, 3 closed at once; the slow ones closed at the deadline" \
	"open=3 closed=3 open=0 closed=6" in_ns "$C" timeout 20 python3 "$PEER" hold "$PX" 1082 6 0.5 2
check "flood: three max-conns lines" 3 eval 'grep -c "\"end\":\"max-conns\"" "$TMP/lim.log"'
check "slow handshakes: three handshake-timeout lines" 3 eval 'grep -c "\"end\":\"handshake-timeout\"" "$TMP/lim.log"'
check "after the flood: served again" "$SHA" \
	eval 'via_curl --socks5-hostname "$PX:1082" http://10.93.1.2:8000/blob | sha256sum | cut -d" " -f1'
check "a destination that does not answer: reply 0x04 after the connect timeout" \
	"0500 05040001000000000000 eof" raw 1082 050100 050100010a5d01022327
check "-j: connect-timeout" connect-timeout json_get "$(last_conn "$TMP/lim.log")" end

# A name whose resolver does not answer: resolved off the loop, so a
# connection by address made meanwhile is served first.
RAW_WAIT=8 raw 1080 050100 0501000309736c6f772e746573740050 >"$TMP/slow.out" &
SLOW=$!
sleep 0.5
check "while a name is being resolved: another connection is served" "$SHA" \
	eval 'via_curl --socks5 "$PX:1080" http://10.93.1.2:8000/blob | sha256sum | cut -d" " -f1'
wait "$SLOW"
check "the name that does not resolve: reply 0x04" "0500 05040001000000000000 eof" cat "$TMP/slow.out"
check "-j: it ended after the other one, as resolve-failed" "10.93.1.2:8000 slow.test:80 resolve-failed" \
	eval 'grep "\"event\":\"conn\"" "$TMP/main.log" | tail -2 | while read -r l; do json_get "$l" dest; done | tr "\n" " "; json_get "$(last_conn "$TMP/main.log")" end'

start_proxy "$TMP/allow.log" --listen "$PX:1083" --allow 10.99.0.0/16 --allow fd00::/8
check "--allow: other clients closed at once" "eof" raw 1083 050100
check "-j: client-not-allowed" client-not-allowed json_get "$(last_conn "$TMP/allow.log")" end

sleep 0.3
check "main proxy: no descriptor left behind" "$FD0" eval 'ls /proc/$MAIN/fd | wc -l'
check "main proxy: still serving" "$SHA" \
	eval 'via_curl --socks5-hostname "$PX:1080" http://10.93.1.2:8000/blob | sha256sum | cut -d" " -f1'

kill -TERM "$MAIN"
wait "$MAIN"
check "SIGTERM (the resolver thread running): exit 0" 0 echo $?

# --- valgrind: the resolver thread, refusals, a transfer, SIGTERM ---------------------
if ! command -v valgrind >/dev/null; then
	skip "valgrind: proxy socks" "no valgrind"
elif is_sanitizer_build; then
	skip "valgrind: proxy socks" "sanitizer build"
else
	bg "$P" valgrind -q --leak-check=full --errors-for-leak-kinds=definite,indirect \
		--error-exitcode=99 --track-fds=yes "$K" proxy socks --listen "$PX:1084" \
		--allow 10.92.0.0/16 >"$TMP/vg.out" 2>"$TMP/vg.err"
	VG=$BG_PID
	wait_listen "$P" 1084 || sleep 3
	via_curl -s -o /dev/null --socks5-hostname "$PX:1084" http://10.93.1.2:8000/blob
	raw 1084 050100 0501000309736c6f772e746573740050 >/dev/null &
	raw 1084 04 >/dev/null
	raw 1084 050100 050100017f0000010050 >/dev/null
	sleep 0.5
	kill -TERM "$VG" # with a name still being resolved
	wait "$VG"
	rc=$?
	left=$(awk '/FILE DESCRIPTORS:/ {n = $4 - 3} /inherited from parent/ {n--} END {print n + 0}' "$TMP/vg.err")
	if [ "$rc" = 0 ] && [ "$left" = 0 ]; then
		ok "valgrind (socks, resolver thread): no error, no leak, no descriptor left open"
	else
		not_ok "valgrind (socks, resolver thread): no error, no leak, no descriptor left open" \
			"rc $rc $(head -c 400 "$TMP/vg.err")"
	fi
fi

check_one_line "non-loopback socks without --auth or --allow refuses to start" \
	'^mptcpkit: proxy socks: listening on 0.0.0.0 for anyone' "$K" proxy socks --listen 0.0.0.0:1090
check_one_line "bad --allow" '^mptcpkit: proxy: bad value for --allow' "$K" proxy socks --listen 1 --allow 10.0.0.0/33
check_one_line "bad --auth" '^mptcpkit: proxy: bad value for --auth' "$K" proxy socks --listen 1 --auth nocolon
check_one_line "missing --auth-file" '^mptcpkit: proxy: --auth-file' "$K" proxy socks --listen 1 --auth-file "$TMP/none"
check_ok "proxy socks --help" "$K" proxy socks --help
finish
