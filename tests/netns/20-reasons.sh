#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0-or-later
# Every reason the hello examples report, each produced by its real cause,
# with the greeting still exchanged (over TCP when MPTCP cannot be had),
# over IPv4 and IPv6, C and Python clients and servers in every pairing:
#   available       MPTCP on both ends
#   kernel-too-old  socket(IPPROTO_MPTCP) fails with EINVAL (seccomp)
#   not-compiled    ... EPROTONOSUPPORT (seccomp)
#   blocked         ... EPERM or EACCES (seccomp)
#   disabled        net.mptcp.enabled=0 in the client's namespace
#   fallback        a plain TCP peer, and a router stripping TCP option 30
# Then bad input: one line on stderr and a non-zero exit.
. "$(dirname "$0")/../lib.sh"

require_root
require_mptcp
require_cmd python3 ss

C_SRV=$BUILD/examples/c/hello-server
C_CLI=$BUILD/examples/c/hello-client
PY_SRV="python3 $TOP/examples/python/hello_server.py"
PY_CLI="python3 $TOP/examples/python/hello_client.py"
SECCOMP=$BUILD/tests/helpers/seccomp-errno
if [ ! -x "$C_CLI" ] || [ ! -x "$SECCOMP" ]; then
	skip_all "examples or helpers not built in $BUILD"
fi
PORT=7000

# Client and server on one link.
ns_new CLI cli
ns_new SRV srv
veth "$CLI" c0 10.0.0.1/24 "$SRV" s0 10.0.0.2/24
ip -n "$CLI" addr add fd00::1/64 dev c0 nodad
ip -n "$SRV" addr add fd00::2/64 dev s0 nodad

transport() { [ "$1" = available ] && echo MPTCP || echo TCP; }

# hello WHAT CLIENT_NS SERVER_NS ADDR "SERVER" "CLIENT" SOCKET CONN SERVER_REASON
# One greeting from CLIENT to SERVER (commands, words split); the client
# must report SOCKET then CONN, the server SERVER_REASON. The client's
# output is left in $TMP/client.out, the server's JSON in $TMP/server.out.
hello() {
	local what=$1 cns=$2 sns=$3 addr=$4 server=$5 client=$6
	local want_sock=$7 want_conn=$8 want_srv=$9 port=$((PORT++)) spid line line2 crc src
	# shellcheck disable=SC2086 # the commands are words on purpose
	bg "$sns" timeout 15 $server -j -n 1 "$port" >"$TMP/server.out" 2>&1
	spid=$BG_PID
	if ! wait_listen "$sns" "$port"; then
		not_ok "$what: server listens" "$(cat "$TMP/server.out")"
		return
	fi
	# shellcheck disable=SC2086
	in_ns "$cns" timeout 15 $client "$addr" "$port" >"$TMP/client.out" 2>&1
	crc=$?
	wait "$spid"
	src=$?
	# Exit codes catch ASan and LSan; UBSan only prints "runtime error".
	if [ "$crc" = 0 ] && [ "$src" = 0 ] &&
	   ! grep -q 'runtime error' "$TMP/client.out" "$TMP/server.out"; then
		ok "$what: both ends exit 0"
	else
		not_ok "$what: both ends exit 0" "client $crc, server $src"
	fi

	line="socket: $(transport "$want_sock") ($want_sock: "
	line2="connection: $(transport "$want_conn") ($want_conn: "
	if grep -qF "$line" "$TMP/client.out" && grep -qF "$line2" "$TMP/client.out"; then
		ok "$what: client says $want_sock, then $want_conn"
	else
		not_ok "$what: client says $want_sock, then $want_conn" "$(cat "$TMP/client.out")"
	fi
	check "$what: greeting exchanged" 'answer: hi, you said "hello"' \
		grep '^answer:' "$TMP/client.out"
	check "$what: server says $want_srv" \
		"$([ "$want_srv" = available ] && echo true || echo false) $want_srv" \
		python3 -c 'import json,sys; o=json.load(open(sys.argv[1])); print(str(o["mptcp"]).lower(), o["reason"])' \
		"$TMP/server.out"
}

# same WHAT FILE1 FILE2: the C and Python programs print the same thing
# (the server's peer port aside).
same() {
	local ports='s/:[0-9]+("|: )/\1/'
	if diff <(sed -E "$ports" "$2") <(sed -E "$ports" "$3") >"$TMP/diff"; then
		ok "$1"
	else
		not_ok "$1" "$(tr '\n' ' ' <"$TMP/diff")"
	fi
}

# Every pairing of C and Python for one case: C<->C first, then the
# others' outputs compared with it.
pairings() {
	local what=$1 cns=$2 sns=$3 addr=$4 wrap=$5
	shift 5
	hello "$what C-C" "$cns" "$sns" "$addr" "$C_SRV" "$wrap $C_CLI" "$@"
	cp "$TMP/client.out" "$TMP/c-client.out"
	cp "$TMP/server.out" "$TMP/c-server.out"
	hello "$what C client, Python server" "$cns" "$sns" "$addr" "$PY_SRV" "$wrap $C_CLI" "$@"
	same "$what: Python server prints what the C one does" "$TMP/c-server.out" "$TMP/server.out"
	hello "$what Python client, C server" "$cns" "$sns" "$addr" "$C_SRV" "$wrap $PY_CLI" "$@"
	same "$what: Python client prints what the C one does" "$TMP/c-client.out" "$TMP/client.out"
}

for addr in 10.0.0.2 fd00::2; do
	v=IPv4; [ "$addr" = fd00::2 ] && v=IPv6
	pairings "$v available" "$CLI" "$SRV" "$addr" "" available available available
	pairings "$v kernel-too-old" "$CLI" "$SRV" "$addr" "$SECCOMP EINVAL --" \
		kernel-too-old kernel-too-old fallback
	pairings "$v not-compiled" "$CLI" "$SRV" "$addr" "$SECCOMP EPROTONOSUPPORT --" \
		not-compiled not-compiled fallback
	pairings "$v blocked (EPERM)" "$CLI" "$SRV" "$addr" "$SECCOMP EPERM --" \
		blocked blocked fallback
	hello "$v blocked (EACCES)" "$CLI" "$SRV" "$addr" "$C_SRV" "$SECCOMP EACCES -- $C_CLI" \
		blocked blocked fallback

	in_ns "$CLI" sysctl -qw net.mptcp.enabled=0
	pairings "$v disabled" "$CLI" "$SRV" "$addr" "" disabled disabled fallback
	in_ns "$CLI" sysctl -qw net.mptcp.enabled=1

	# A plain TCP peer: the server's own socket() is refused MPTCP, so it
	# listens with IPPROTO_TCP, and the client's MPTCP falls back.
	hello "$v plain TCP server" "$CLI" "$SRV" "$addr" "$SECCOMP EPERM -- $C_SRV" \
		"$C_CLI" available fallback blocked
	hello "$v plain TCP server, Python client" "$CLI" "$SRV" "$addr" \
		"$SECCOMP EPERM -- $C_SRV" "$PY_CLI" available fallback blocked
done

# By name (/etc/hosts), with the family chosen; then the servers' text
# output, C and Python, compared on one port.
hello "C client by name -4" "$SRV" "$SRV" localhost "$C_SRV" "$C_CLI -4" \
	available available available
hello "Python client by name -4" "$SRV" "$SRV" localhost "$PY_SRV" "$PY_CLI -4" \
	available available available
text_port=$PORT
for lang in c py; do
	srv=$C_SRV; [ $lang = py ] && srv=$PY_SRV
	# shellcheck disable=SC2086
	bg "$SRV" timeout 15 $srv -n 1 "$text_port" >"$TMP/text-$lang.out" 2>&1
	if wait_listen "$SRV" "$text_port"; then
		in_ns "$CLI" timeout 15 "$C_CLI" 10.0.0.2 "$text_port" >/dev/null 2>&1
	fi
	wait "$BG_PID"
done
same "text output: Python server prints what the C one does" \
	"$TMP/text-c.out" "$TMP/text-py.out"
check "text output: one line per connection" \
	"connection from 10.0.0.1: MPTCP (available: MPTCP is in use)" \
	sed -nE 's/^(connection from [0-9.]+):[0-9]+:/\1:/p' "$TMP/text-c.out"

# A middlebox: client - router - server, the router stripping MP_CAPABLE
# (TCP option 30) from every packet it forwards.
ns_new RCLI rcli
ns_new ROUTER router
ns_new RSRV rsrv
veth "$RCLI" c0 10.0.10.1/24 "$ROUTER" r0 10.0.10.254/24
veth "$ROUTER" r1 10.0.20.254/24 "$RSRV" s0 10.0.20.2/24
ip -n "$RCLI" addr add fd10::1/64 dev c0 nodad
ip -n "$ROUTER" addr add fd10::fe/64 dev r0 nodad
ip -n "$ROUTER" addr add fd20::fe/64 dev r1 nodad
ip -n "$RSRV" addr add fd20::2/64 dev s0 nodad
ip -n "$RCLI" route add default via 10.0.10.254
ip -n "$RCLI" -6 route add default via fd10::fe
ip -n "$RSRV" route add default via 10.0.20.254
ip -n "$RSRV" -6 route add default via fd20::fe
in_ns "$ROUTER" sysctl -qw net.ipv4.ip_forward=1 net.ipv6.conf.all.forwarding=1

strip_ok=true
for ipt in iptables ip6tables; do
	in_ns "$ROUTER" "$ipt" -t mangle -A FORWARD -p tcp -j TCPOPTSTRIP --strip-options 30 \
		2>"$TMP/ipt.err" || strip_ok=false
done
if $strip_ok; then
	for addr in 10.0.20.2 fd20::2; do
		v=IPv4; [ "$addr" = fd20::2 ] && v=IPv6
		pairings "$v option-stripping router" "$RCLI" "$RSRV" "$addr" "" \
			available fallback fallback
	done
else
	skip "option-stripping router" "iptables TCPOPTSTRIP unusable: $(head -c 200 "$TMP/ipt.err")"
fi

# Bad input: one clear line on stderr, nothing on stdout, non-zero exit.
# (In the client namespace: an unknown name cannot reach a real resolver.)
bad_input() {
	local what=$1 prefix=$2 rc
	shift 2
	in_ns "$CLI" timeout 10 "$@" >"$TMP/bad.out" 2>"$TMP/bad.err"
	rc=$?
	if [ "$rc" != 0 ] && [ "$rc" != 124 ] && [ ! -s "$TMP/bad.out" ] &&
	   [ "$(wc -l <"$TMP/bad.err")" = 1 ] && grep -q "^$prefix" "$TMP/bad.err"; then
		ok "$what: $(cat "$TMP/bad.err")"
	else
		not_ok "$what" "exit $rc, stdout '$(cat "$TMP/bad.out")', stderr '$(cat "$TMP/bad.err")'"
	fi
}
for cli in "$C_CLI" "$PY_CLI"; do
	name=$(basename "${cli##* }")
	# shellcheck disable=SC2086
	bad_input "$name: port out of range" "$name: cannot connect to 10.0.0.2 port 99999: invalid service or port" $cli 10.0.0.2 99999
	# shellcheck disable=SC2086
	bad_input "$name: port not a number" "$name: cannot connect to 10.0.0.2 port 12ab: invalid service or port" $cli 10.0.0.2 12ab
	# shellcheck disable=SC2086
	bad_input "$name: unknown host" "$name: cannot connect to nosuch.invalid port 7000: " $cli nosuch.invalid 7000
	# shellcheck disable=SC2086
	bad_input "$name: nothing listening" "$name: cannot connect to 10.0.0.2 port 9: Connection refused" $cli 10.0.0.2 9
done
for srv in "$C_SRV" "$PY_SRV"; do
	name=$(basename "${srv##* }")
	# shellcheck disable=SC2086
	bad_input "$name: port out of range" "$name: cannot listen on every address port 70000: invalid service or port" $srv 70000
	# shellcheck disable=SC2086
	bad_input "$name: address not ours" "$name: cannot listen on 192.0.2.1 port 7000: Cannot assign requested address" $srv -b 192.0.2.1 7000
done

finish
