#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0-or-later
# mptcpkit proxy forward and reverse between namespaces, plain TCP programs
# at the ends: 8 MiB each way with half-close and checksums, MPTCP seen by
# the server (forward) or the proxy (reverse), two subflows upstream, the
# JSON line per connection, --no-splice, idle and connect timeouts,
# --max-conns, a config file and SIGHUP, SIGTERM drain, no fd leak, a
# request then a half-close that waits for the leg's join (issue 24),
# --workers, valgrind, bad arguments.
. "$(dirname "$0")/../lib.sh"
require_root
require_mptcp
require_cmd python3 sha256sum timeout nft

ns_new C cli
ns_new P prx
ns_new S srv
veth "$C" c0 10.90.1.2/24 "$P" p0 10.90.1.1/24 || { not_ok "veth"; finish; }
veth "$P" u1 10.91.1.1/24 "$S" s1 10.91.1.2/24 || { not_ok "veth"; finish; }
veth "$P" u2 10.91.2.1/24 "$S" s2 10.91.2.2/24 || { not_ok "veth"; finish; }
for ns in "$P" "$S"; do
	in_ns "$ns" sysctl -qw net.ipv4.conf.all.rp_filter=0 net.ipv4.conf.default.rp_filter=0
done
in_ns "$P" ip mptcp endpoint add 10.91.2.1 dev u2 subflow
in_ns "$P" ip mptcp limits set subflows 2 add_addr_accepted 2
in_ns "$S" ip mptcp limits set subflows 2 add_addr_accepted 2
in_ns "$C" ip route add default via 10.90.1.1
K=$MPTCPKIT
PEER=$TOP/tests/proxy-peer.py
SRV=10.91.1.2

head -c 8M /dev/urandom >"$TMP/up"
head -c 8M /dev/urandom >"$TMP/down"
SHA_UP=$(sha256sum <"$TMP/up" | cut -d' ' -f1)
SHA_DOWN=$(sha256sum <"$TMP/down" | cut -d' ' -f1)

# start_proxy LOG ARGS...: the proxy in P, its PID in PX; waits for its
# "listening" line.
start_proxy() {
	local log=$1 i
	shift
	bg "$P" "$K" -j proxy "$@" >"$log" 2>"$log.err"
	PX=$BG_PID
	for i in $(seq 50); do
		grep -q '"listening"' "$log" 2>/dev/null && return 0
		sleep 0.1
	done
	not_ok "proxy $* started" "$(cat "$log.err")"
	return 1
}

# stop_proxy: SIGTERM, wait for it to exit (drain).
stop_proxy() {
	kill -TERM "$PX" 2>/dev/null
	wait "$PX" 2>/dev/null
}

# conn_line LOG N: the N-th connection JSON line.
conn_line() { grep '"event":"conn"' "$1" | sed -n "${2}p"; }

fds_of() { ls "/proc/$1/fd" | wc -l; }

# --- forward: TCP in, MPTCP out --------------------------------------------------
bg "$S" timeout 40 python3 "$PEER" server 262 7000 "$TMP/down" 1 >"$TMP/srv.out"
wait_listen "$S" 7000 || not_ok "server up"
start_proxy "$TMP/fwd.log" forward --listen 10.90.1.1:9000 --to "$SRV:7000"
FD0=$(fds_of "$PX")
out=$(in_ns "$C" timeout 30 python3 "$PEER" client 6 10.90.1.1 9000 "$TMP/up")
check "forward: the client got the server's 8 MiB intact" "sha=$SHA_DOWN n=8388608" echo "$out"
sleep 0.3
check "forward: the server got the client's 8 MiB intact, over MPTCP" \
	"mptcp=1 sha=$SHA_UP n=8388608" cat "$TMP/srv.out"
J=$(conn_line "$TMP/fwd.log" 1)
check "forward -j: end closed" closed json_get "$J" end
check "forward -j: bytes up" 8388608 json_get "$J" bytes_up
check "forward -j: bytes down" 8388608 json_get "$J" bytes_down
check "forward -j: client leg is TCP (fallback)" "false fallback" eval 'echo $(json_get "$J" client_mptcp) $(json_get "$J" client_reason)'
check "forward -j: upstream leg is MPTCP" "true available" eval 'echo $(json_get "$J" upstream_mptcp) $(json_get "$J" upstream_reason)'
check "forward -j: two subflows upstream" 2 json_get "$J" upstream_subflows
check "forward -j: the client's address" 10.90.1.2 eval 'json_get "$J" client | cut -d: -f1'
check "forward -j: destination" "$SRV:7000" json_get "$J" dest
check "forward -j: copied, not spliced (an MPTCP leg)" false json_get "$J" splice
check "forward: no descriptor left behind" "$FD0" fds_of "$PX"
stop_proxy

# A request of 200 bytes, then the client's half-close at once (issue 24):
# the half-close waits for the leg's join (--halfclose-hold), since the
# server refuses joins after the DATA_FIN it carries.
head -c 200 /dev/urandom >"$TMP/req"
bg "$S" timeout 40 python3 "$PEER" server 262 7011 "$TMP/down" 1 >"$TMP/srv.out"
wait_listen "$S" 7011 || not_ok "server up"
start_proxy "$TMP/hc.log" forward --listen 10.90.1.1:9011 --to "$SRV:7011"
out=$(in_ns "$C" timeout 30 python3 "$PEER" client 6 10.90.1.1 9011 "$TMP/req")
sleep 0.3
check "forward, request then half-close: the client got 8 MiB intact" "sha=$SHA_DOWN n=8388608" echo "$out"
check "forward, request then half-close: the server read the request to its EOF" \
	"mptcp=1 sha=$(sha256sum <"$TMP/req" | cut -d' ' -f1) n=200" cat "$TMP/srv.out"
check "forward, request then half-close: two subflows upstream (the join came before the DATA_FIN)" \
	2 json_get "$(conn_line "$TMP/hc.log" 1)" upstream_subflows
stop_proxy

# A join that never completes (the server drops SYNs on path 2): the
# half-close waits at most --halfclose-hold, then goes on.
in_ns "$S" nft -f - <<EOF
table inet mpk_nojoin {
	chain i {
		type filter hook input priority 0;
		iifname "s2" tcp flags & (syn | ack) == syn drop
	}
}
EOF
bg "$S" timeout 40 python3 "$PEER" server 262 7012 "$TMP/down" 1 >"$TMP/srv.out"
wait_listen "$S" 7012 || not_ok "server up"
start_proxy "$TMP/hc2.log" forward --listen 10.90.1.1:9012 --to "$SRV:7012" --halfclose-hold 400
t0=$(date +%s%N)
out=$(in_ns "$C" timeout 30 python3 "$PEER" client 6 10.90.1.1 9012 "$TMP/req")
ms=$((($(date +%s%N) - t0) / 1000000))
check "forward, no join possible: the client got 8 MiB intact" "sha=$SHA_DOWN n=8388608" echo "$out"
if [ "$ms" -ge 400 ] && [ "$ms" -lt 3000 ]; then
	ok "forward, no join possible: the half-close waited the hold, no longer ($ms ms)"
else
	not_ok "forward, no join possible: the half-close waited the hold, no longer" "$ms ms"
fi
stop_proxy
in_ns "$S" nft delete table inet mpk_nojoin

# --- reverse: MPTCP in, TCP out ---------------------------------------------------
bg "$S" timeout 40 python3 "$PEER" server 6 7001 "$TMP/down" 1 >"$TMP/srv.out"
wait_listen "$S" 7001 || not_ok "server up"
start_proxy "$TMP/rev.log" reverse --listen 10.90.1.1:9001 --to "$SRV:7001" --no-splice
out=$(in_ns "$C" timeout 30 python3 "$PEER" client 262 10.90.1.1 9001 "$TMP/up")
check "reverse (--no-splice): the client got 8 MiB intact" "sha=$SHA_DOWN n=8388608" echo "$out"
sleep 0.3
check "reverse: the TCP backend got 8 MiB intact, over TCP" "mptcp=0 sha=$SHA_UP n=8388608" cat "$TMP/srv.out"
J=$(conn_line "$TMP/rev.log" 1)
check "reverse -j: the client leg is MPTCP" "true available" eval 'echo $(json_get "$J" client_mptcp) $(json_get "$J" client_reason)'
check "reverse -j: the upstream leg is TCP" false json_get "$J" upstream_mptcp
check "reverse -j: no splice with --no-splice" false json_get "$J" splice
stop_proxy

# --- timeouts and limits -------------------------------------------------------------
in_ns "$S" nft -f - <<'NFT'
table inet mpktest {
	chain input {
		type filter hook input priority 0;
		tcp dport 7999 drop
	}
}
NFT
start_proxy "$TMP/to.log" forward --listen 10.90.1.1:9002 --to "$SRV:7999" --connect-timeout 1
in_ns "$C" timeout 10 python3 "$PEER" raw 10.90.1.1 9002 61 >/dev/null
J=$(conn_line "$TMP/to.log" 1)
check "a destination that does not answer: connect-timeout" connect-timeout json_get "$J" end
stop_proxy

bg "$S" timeout 40 python3 "$PEER" server 6 7002 "$TMP/down" 3 >/dev/null
wait_listen "$S" 7002 || not_ok "server up"
start_proxy "$TMP/max.log" forward --listen 10.90.1.1:9003 --to "$SRV:7002" --max-conns 2 --idle-timeout 2
FD0=$(fds_of "$PX")
check "--max-conns 2: two of four held, two closed; then idle-timeout 2 s closes the others" \
	"open=2 closed=2 open=0 closed=4" in_ns "$C" timeout 20 python3 "$PEER" hold 10.90.1.1 9003 4 0.5 4
check "--max-conns: two lines say max-conns" 2 eval 'grep -c "\"end\":\"max-conns\"" "$TMP/max.log"'
check "--idle-timeout 2: the idle connections were closed" 2 eval 'grep -c "\"end\":\"idle-timeout\"" "$TMP/max.log"'
check "after the timeouts: no descriptor left behind" "$FD0" fds_of "$PX"
stop_proxy

# --- a config file, SIGHUP, SIGTERM drain --------------------------------------------
bg "$S" timeout 40 python3 "$PEER" server 6 7003 "$TMP/down" 1 >"$TMP/a.out"
bg "$S" timeout 40 python3 "$PEER" server 6 7004 "$TMP/down" 1 >"$TMP/b.out"
wait_listen "$S" 7004 || not_ok "servers up"
printf '# test\nmode forward\nlisten 10.90.1.1:9004\nto %s:7003\n' "$SRV" >"$TMP/p.conf"
start_proxy "$TMP/cf.log" --config "$TMP/p.conf"
check "config file: connection to its target" "sha=$SHA_DOWN n=8388608" \
	in_ns "$C" timeout 30 python3 "$PEER" client 6 10.90.1.1 9004 "$TMP/up"
check "TCP both ways (the server has no MPTCP): zero-copy" true \
	eval 'json_get "$(conn_line "$TMP/cf.log" 1)" splice'
sed -i "s/:7003/:7004/" "$TMP/p.conf"
kill -HUP "$PX"
sleep 0.5
check "SIGHUP: reloaded" 1 eval 'grep -c "\"event\":\"reload\",\"ok\":true" "$TMP/cf.log"'
check "SIGHUP: new connections go to the new target" "sha=$SHA_DOWN n=8388608" \
	in_ns "$C" timeout 30 python3 "$PEER" client 6 10.90.1.1 9004 "$TMP/up"
check "SIGHUP: the second server got it" 1 eval 'grep -c "n=8388608" "$TMP/b.out"'
echo "bad-setting 1" >>"$TMP/p.conf"
kill -HUP "$PX"
sleep 0.5
check "SIGHUP with a bad file: refused, old settings kept" 1 eval 'grep -c "\"event\":\"reload\",\"ok\":false" "$TMP/cf.log"'
stop_proxy

# Drain: a slow transfer that is open at SIGTERM still completes.
bg "$S" timeout 40 python3 "$PEER" server 6 7005 "$TMP/down" 1 >/dev/null
wait_listen "$S" 7005 || not_ok "server up"
start_proxy "$TMP/dr.log" forward --listen 10.90.1.1:9005 --to "$SRV:7005" --drain-timeout 10
mkfifo "$TMP/slow"
( sleep 1; cat "$TMP/up" ) >"$TMP/slow" &
in_ns "$C" timeout 30 python3 "$PEER" client 6 10.90.1.1 9005 "$TMP/slow" >"$TMP/dr.out" &
CL=$!
for i in $(seq 50); do
	in_ns "$P" ss -Htn state established "sport = :9005" | grep -q . && break
	sleep 0.1
done
kill -TERM "$PX"
sleep 0.2
check_fail "drain: the listener is closed at SIGTERM" in_ns "$C" timeout 5 python3 "$PEER" raw 10.90.1.1 9005 61
wait "$CL"
check "drain: the open connection completed" "sha=$SHA_DOWN n=8388608" cat "$TMP/dr.out"
wait "$PX"
check "drain: exit 0 after the last connection" 0 echo $?

# --- valgrind: leaks and descriptors ---------------------------------------------------
if ! command -v valgrind >/dev/null; then
	skip "valgrind: proxy forward" "no valgrind"
elif is_sanitizer_build; then
	skip "valgrind: proxy forward" "sanitizer build"
else
	bg "$S" timeout 60 python3 "$PEER" server 6 7006 "$TMP/down" 2 >/dev/null
	wait_listen "$S" 7006 || not_ok "server up"
	bg "$P" valgrind -q --leak-check=full --errors-for-leak-kinds=definite,indirect \
		--error-exitcode=99 --track-fds=yes "$K" proxy forward --listen 10.90.1.1:9006 \
		--to "$SRV:7006" >"$TMP/vg.out" 2>"$TMP/vg.err"
	VG=$BG_PID
	wait_listen "$P" 9006 || sleep 3
	in_ns "$C" timeout 30 python3 "$PEER" client 6 10.90.1.1 9006 "$TMP/up" >/dev/null
	in_ns "$C" timeout 30 python3 "$PEER" raw 10.90.1.1 9006 61 >/dev/null
	kill -TERM "$VG"
	wait "$VG"
	rc=$?
	# Descriptors open at exit, less the standard ones and those inherited.
	left=$(awk '/FILE DESCRIPTORS:/ {n = $4 - 3} /inherited from parent/ {n--} END {print n + 0}' "$TMP/vg.err")
	if [ "$rc" = 0 ] && [ "$left" = 0 ]; then
		ok "valgrind: no error, no leak, no descriptor left open"
	else
		not_ok "valgrind: no error, no leak, no descriptor left open" "rc $rc $(head -c 400 "$TMP/vg.err")"
	fi
fi

# --- --workers: processes sharing the port ----------------------------------------------
head -c 64K /dev/urandom >"$TMP/small"
SHA_SMALL=$(sha256sum <"$TMP/small" | cut -d' ' -f1)
bg "$S" timeout 40 python3 "$PEER" server 262 7005 "$TMP/small" 8 >"$TMP/w.out"
wait_listen "$S" 7005 || not_ok "server up"
start_proxy "$TMP/w.log" forward --listen 10.90.1.1:9005 --to "$SRV:7005" --workers 2
check "--workers 2: two listeners on the port" 2 eval "in_ns '$P' ss -Hltn 'sport = :9005' | wc -l"
good=0
for i in $(seq 8); do
	out=$(in_ns "$C" timeout 10 python3 "$PEER" client 6 10.90.1.1 9005 "$TMP/small")
	[ "$out" = "sha=$SHA_SMALL n=65536" ] && good=$((good + 1))
done
check "--workers 2: 8 of 8 connections carried intact" 8 echo "$good"
WK=$(pgrep -P "$PX" | tr '\n' ' ')
stop_proxy
check "--workers 2: a line per connection, from either worker" 8 eval 'grep -c "\"event\":\"conn\"" "$TMP/w.log"'
check "--workers 2: one listening line" 1 eval 'grep -c "\"event\":\"listening\"" "$TMP/w.log"'
left=0
for w in $WK; do kill -0 "$w" 2>/dev/null && left=$((left + 1)); done
check "--workers 2: SIGTERM ended the other worker too (${WK:-none seen})" "1 0" echo "$(echo $WK | wc -w) $left"

# --- bad input -----------------------------------------------------------------------
check_one_line "no mode" '^mptcpkit: proxy: ' "$K" proxy
check_one_line "unknown mode" '^mptcpkit: proxy: ' "$K" proxy sideways --listen 1
check_one_line "forward without --to" '^mptcpkit: proxy forward: --to' "$K" proxy forward --listen 127.0.0.1:1
check_one_line "bad --listen" '^mptcpkit: proxy: bad value for --listen' "$K" proxy forward --listen 1.2.3.4:99999 --to a:1
check_one_line "bad --to" '^mptcpkit: proxy: bad value for --to' "$K" proxy forward --listen 1 --to nohost
check_one_line "unknown option" '^mptcpkit: proxy: unknown option' "$K" proxy forward --frob
check_one_line "missing value" '^mptcpkit: proxy: --to needs a value' "$K" proxy forward --to
check_one_line "bad --max-conns" '^mptcpkit: proxy: bad value' "$K" proxy forward --listen 1 --to a:1 --max-conns 0
check_one_line "bad --workers" '^mptcpkit: proxy: bad value for --workers' "$K" proxy forward --listen 1 --to a:1 --workers 0
check_one_line "--workers with --tproxy" '^mptcpkit: proxy transparent: --workers is not for --tproxy' \
	"$K" proxy transparent --listen 127.0.0.1:1 --via a:1 --tproxy --workers 2
check_one_line "missing config file" '^mptcpkit: proxy: reading ' "$K" proxy --config "$TMP/none.conf"
printf 'mode forward\nlisten 1\nfrob 2\n' >"$TMP/bad.conf"
check_one_line "bad config file line" '^mptcpkit: proxy: .*line 3' "$K" proxy --config "$TMP/bad.conf"
check_one_line "port in use" '^mptcpkit: proxy: listening' in_ns "$P" bash -c \
	"'$K' proxy forward --listen 10.90.1.1:9010 --to 10.91.1.2:1 & sleep 0.5; '$K' proxy forward --listen 10.90.1.1:9010 --to 10.91.1.2:1; r=\$?; kill \$!; exit \$r"
check_one_line "a target that does not resolve" '^mptcpkit: proxy: resolving no-such-host.invalid: ' \
	"$K" proxy forward --listen 127.0.0.1:0 --to no-such-host.invalid:80
check_ok "proxy --help" "$K" proxy --help
check_ok "proxy forward --help" "$K" proxy forward --help
finish
