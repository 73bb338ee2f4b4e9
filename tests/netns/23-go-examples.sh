#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0-or-later
# The Go hello client and server (examples/go) against the C and Python
# ones (issue 23). Go 1.21+ comes from scripts/go-examples.sh: `go` if
# recent enough, else Go 1.23 from bookworm-backports fetched into the
# deb-fetch cache (the machine's apt sources untouched); SKIP when it cannot
# be had. Then:
#  1. two paths (a client `subflow` endpoint on the second link): the Go
#     server with the C, Python and Go clients, the Go client with the C and
#     Python servers; each server is stopped (SIGSTOP) until both subflows
#     are seen on its side, then all say MPTCP and the greeting goes through;
#  2. every reason from its real cause, as tests/netns/20-reasons.sh does,
#     IPv4 and IPv6, the Go client's output compared byte for byte with the
#     C client's in the same case: kernel-too-old, not-compiled, blocked
#     (seccomp: socket(IPPROTO_MPTCP) fails with EINVAL, EPROTONOSUPPORT,
#     EPERM, EACCES), disabled (net.mptcp.enabled=0 in the namespace),
#     fallback against a TCP-only server (the C server refused MPTCP, and
#     the Go server opted out with GODEBUG=multipathtcp=0: not-requested);
#  3. the same causes on the server side: the Go server's JSON and text
#     compared with the C server's;
#  4. TCP_USER_TIMEOUT (-u) on an MPTCP connection: refused as `mptcpkit
#     check --sockopts` says, one line, and the client still served;
#  5. bad input: one line and a non-zero exit, the same as the C programs'.
# A real old kernel (EINVAL) or one without MPTCP (EPROTONOSUPPORT) is
# tests/vm/cases/50-go.sh's, in the kernel matrix's guests.
# Cost: 10 s on a quiet host with Go cached (25-40 s beside six other jobs);
# the first run fetches Go (two .debs, 48 MB) and builds the standard
# library it uses: about a minute more.
. "$(dirname "$0")/../lib.sh"

require_root
require_mptcp
require_cmd python3 ss

C_SRV=$BUILD/examples/c/hello-server
C_CLI=$BUILD/examples/c/hello-client
PY_SRV="python3 $TOP/examples/python/hello_server.py"
PY_CLI="python3 $TOP/examples/python/hello_client.py"
GO_SRV=$BUILD/examples/go/hello-server
GO_CLI=$BUILD/examples/go/hello-client
SECCOMP=$BUILD/tests/helpers/seccomp-errno
if [ ! -x "$C_CLI" ] || [ ! -x "$SECCOMP" ]; then
	skip_all "examples or helpers not built in $BUILD"
fi
. "$TOP/scripts/go-examples.sh"
go_version=$(go_examples_build "$BUILD" 2>"$TMP/go.err") ||
	skip_all "no Go 1.21 or later: $(head -n 1 "$TMP/go.err")"
echo "# Go examples built with $go_version"
PORT=7000

ns_new CLI cli
ns_new SRV srv
two_paths "$CLI" "$SRV" 10.0 || { not_ok "two paths"; finish; }
ip -n "$CLI" addr add fd00::1/64 dev c1 nodad
ip -n "$SRV" addr add fd00::2/64 dev s1 nodad
for ns in "$CLI" "$SRV"; do
	ip -n "$ns" mptcp limits set subflows 2 add_addr_accepted 2
done

transport() { [ "$1" = available ] && echo MPTCP || echo TCP; }

# run_pair CLIENT_NS SERVER_NS ADDR "SERVER" "CLIENT" [hold]: one greeting
# (commands, words split); server -j -n 1 on a new port. The outputs are
# left in $TMP/{client,server}.{out,err}, the exit codes in CRC and SRC.
# With hold, the server is stopped until both subflows are seen on its
# side (their peer addresses in $TMP/subflows): a hello is too short for
# the join to come before the server closes.
run_pair() {
	local cns=$1 sns=$2 addr=$3 server=$4 client=$5 hold=${6:-} port=$((PORT++))
	local spid cpid
	CRC=x SRC=x
	: >"$TMP/subflows"
	# shellcheck disable=SC2086 # the commands are words on purpose
	bg "$sns" $server -j -n 1 "$port" >"$TMP/server.out" 2>"$TMP/server.err"
	spid=$BG_PID
	if ! wait_listen "$sns" "$port"; then
		kill "$spid" 2>/dev/null
		echo "server did not listen: $(cat "$TMP/server.err")" >"$TMP/client.err"
		: >"$TMP/client.out"
		return
	fi
	[ -n "$hold" ] && kill -STOP "$spid"
	# shellcheck disable=SC2086
	bg "$cns" timeout 15 $client "$addr" "$port" >"$TMP/client.out" 2>"$TMP/client.err"
	cpid=$BG_PID
	if [ -n "$hold" ]; then
		for _ in $(seq 100); do
			in_ns "$sns" ss -Htn state established "( sport = :$port )" |
				awk '{print $4}' | sed -E 's/^\[(::ffff:)?//; s/\]?:[0-9]+$//' |
				sort >"$TMP/subflows"
			[ "$(wc -l <"$TMP/subflows")" -ge 2 ] && break
			sleep 0.1
		done
		kill -CONT "$spid"
	fi
	wait "$cpid"
	CRC=$?
	# A server whose client failed would wait for ever: 5 s, then killed.
	for _ in $(seq 50); do
		kill -0 "$spid" 2>/dev/null || break
		sleep 0.1
	done
	kill "$spid" 2>/dev/null
	wait "$spid"
	SRC=$?
}

# expect WHAT SOCKET CONN SERVER: the last run_pair's ends exited 0, the
# client said SOCKET then CONN and got its answer, the server said SERVER.
expect() {
	local what=$1 sock=$2 conn=$3 srv=$4 want
	if [ "$CRC" = 0 ] && [ "$SRC" = 0 ]; then
		ok "$what: both ends exit 0"
	else
		not_ok "$what: both ends exit 0" "client $CRC, server $SRC: $(cat "$TMP/client.err" "$TMP/server.err")"
	fi
	want=$(printf 'socket: %s (%s: \nconnection: %s (%s: \nanswer: hi, you said "hello"' \
		"$(transport "$sock")" "$sock" "$(transport "$conn")" "$conn")
	check "$what: client says $sock, then $conn, and got the answer" "$want" \
		sed -E 's/^(socket|connection)(: [A-Z]+ \([a-z-]+: ).*/\1\2/' "$TMP/client.out"
	check "$what: server says $srv" \
		"$([ "$srv" = available ] && echo true || echo false) $srv" \
		python3 -c 'import json,sys; o=json.load(open(sys.argv[1])); print(str(o["mptcp"]).lower(), o["reason"])' \
		"$TMP/server.out"
}

# same WHAT FILE1 FILE2: byte for byte, the servers' peer ports aside.
same() {
	local ports='s/:[0-9]+("|: )/\1/'
	if diff <(sed -E "$ports" "$2") <(sed -E "$ports" "$3") >"$TMP/diff"; then
		ok "$1"
	else
		not_ok "$1" "$(tr '\n' ' ' <"$TMP/diff")"
	fi
}

# 1. Two paths: every pairing with Go on one end sees both subflows.
ip -n "$CLI" mptcp endpoint add 10.0.2.1 dev c2 subflow
two_path() {
	local what=$1 server=$2 client=$3
	run_pair "$CLI" "$SRV" 10.0.1.2 "$server" "$client" hold
	expect "two paths, $what" available available available
	check "two paths, $what: the server saw both subflows" "10.0.1.1 10.0.2.1" \
		paste -sd' ' "$TMP/subflows"
}
two_path "Go server, C client" "$GO_SRV" "$C_CLI"
cp "$TMP/server.out" "$TMP/go-server.out"
two_path "Go server, Python client" "$GO_SRV" "$PY_CLI"
two_path "Go server, Go client" "$GO_SRV" "$GO_CLI"
two_path "C server, Go client" "$C_SRV" "$GO_CLI"
same "two paths: the Go server prints what the C one does" "$TMP/server.out" "$TMP/go-server.out"
two_path "Python server, Go client" "$PY_SRV" "$GO_CLI"
ip -n "$CLI" mptcp endpoint flush

# 2. The client's reasons: the Go client, then the C client in the same
# case, against the same server; their outputs must be the same.
client_case() {
	local what=$1 addr=$2 wrap=$3 server=$4 sock=$5 conn=$6 srv=$7
	run_pair "$CLI" "$SRV" "$addr" "$server" "$wrap $GO_CLI"
	expect "$what" "$sock" "$conn" "$srv"
	cp "$TMP/client.out" "$TMP/go-client.out"
	run_pair "$CLI" "$SRV" "$addr" "$server" "$wrap $C_CLI"
	same "$what: the Go client prints what the C one does" "$TMP/client.out" "$TMP/go-client.out"
}
for addr in 10.0.1.2 fd00::2; do
	v=IPv4; [ "$addr" = fd00::2 ] && v=IPv6
	client_case "$v available" "$addr" "" "$C_SRV" available available available
	client_case "$v kernel-too-old (EINVAL)" "$addr" "$SECCOMP EINVAL --" "$C_SRV" \
		kernel-too-old kernel-too-old fallback
	client_case "$v not-compiled (EPROTONOSUPPORT)" "$addr" "$SECCOMP EPROTONOSUPPORT --" \
		"$C_SRV" not-compiled not-compiled fallback
	client_case "$v blocked (EPERM)" "$addr" "$SECCOMP EPERM --" "$C_SRV" \
		blocked blocked fallback
	client_case "$v blocked (EACCES)" "$addr" "$SECCOMP EACCES --" "$C_SRV" \
		blocked blocked fallback
	in_ns "$CLI" sysctl -qw net.mptcp.enabled=0
	client_case "$v disabled (sysctl)" "$addr" "" "$C_SRV" disabled disabled fallback
	in_ns "$CLI" sysctl -qw net.mptcp.enabled=1
	client_case "$v fallback, TCP-only C server" "$addr" "" "$SECCOMP EPERM -- $C_SRV" \
		available fallback blocked
	client_case "$v fallback, Go server with GODEBUG=multipathtcp=0" "$addr" "" \
		"env GODEBUG=multipathtcp=0 $GO_SRV" available fallback not-requested
done

# 3. The server's reasons: the Go server, then the C server in the same
# case, with the C client; their JSON must be the same.
server_case() {
	local what=$1 addr=$2 wrap=$3 srv=$4
	run_pair "$CLI" "$SRV" "$addr" "$wrap $GO_SRV" "$C_CLI"
	expect "$what" available fallback "$srv"
	cp "$TMP/server.out" "$TMP/go-server.out"
	run_pair "$CLI" "$SRV" "$addr" "$wrap $C_SRV" "$C_CLI"
	same "$what: the Go server prints what the C one does" "$TMP/server.out" "$TMP/go-server.out"
}
for addr in 10.0.1.2 fd00::2; do
	v=IPv4; [ "$addr" = fd00::2 ] && v=IPv6
	server_case "$v Go server kernel-too-old" "$addr" "$SECCOMP EINVAL --" kernel-too-old
	server_case "$v Go server not-compiled" "$addr" "$SECCOMP EPROTONOSUPPORT --" not-compiled
	server_case "$v Go server blocked" "$addr" "$SECCOMP EPERM --" blocked
	in_ns "$SRV" sysctl -qw net.mptcp.enabled=0
	server_case "$v Go server disabled" "$addr" "" disabled
	in_ns "$SRV" sysctl -qw net.mptcp.enabled=1
done

# The text output, Go and C servers on one connection each.
text_port=$((PORT++))
text_server() { # NAME "SERVER": its text output in $TMP/text-NAME.out
	local port=$text_port
	# shellcheck disable=SC2086
	bg "$SRV" timeout 15 $2 -n 1 "$port" >"$TMP/text-$1.out" 2>&1
	if wait_listen "$SRV" "$port"; then
		in_ns "$CLI" timeout 15 "$C_CLI" 10.0.1.2 "$port" >/dev/null 2>&1
	fi
	wait "$BG_PID"
}
text_server c "$C_SRV"
text_server go "$GO_SRV"
same "text output: the Go server prints what the C one does" "$TMP/text-c.out" "$TMP/text-go.out"
check "text output: MPTCP, one line per connection" \
	"$(printf 'listening on port 7000: MPTCP (available: MPTCP is in use)\nconnection from 10.0.1.1: MPTCP (available: MPTCP is in use)')" \
	sed -E 's/port [0-9]+:/port 7000:/; s/^(connection from [0-9.]+):[0-9]+:/\1:/' "$TMP/text-go.out"
text_server optout "env GODEBUG=multipathtcp=0 $GO_SRV"
check "text output: GODEBUG=multipathtcp=0 opts out (Go 1.24's default is MPTCP)" \
	"listening: TCP (not-requested: MPTCP was not asked for (GODEBUG=multipathtcp=0))" \
	sed -nE 's/^listening on port [0-9]+:/listening:/p' "$TMP/text-optout.out"

# 4. A socket option MPTCP refuses: the Go server says so once and serves.
if [ -x "$MPTCPKIT" ]; then
	refused=$("$MPTCPKIT" -j check --sockopts | python3 -c '
import json, sys
for s in json.load(sys.stdin)["sockopts"]:
    if s["name"] == "TCP_USER_TIMEOUT":
        print(s["set"] if s["refused"] else "")')
	run_pair "$CLI" "$SRV" 10.0.1.2 "$GO_SRV -u 5000" "$C_CLI"
	expect "TCP_USER_TIMEOUT on MPTCP" available available available
	if [ -n "$refused" ]; then
		check "TCP_USER_TIMEOUT on MPTCP: refused ($refused), one line, served without it" \
			"hello-server: TCP_USER_TIMEOUT refused on an MPTCP connection: serving without it (mptcpkit check --sockopts)" \
			sed -E 's/ \([A-Z][a-z ]+\):/:/' "$TMP/server.err"
	else
		check "TCP_USER_TIMEOUT on MPTCP: accepted by this kernel, nothing said" "" \
			cat "$TMP/server.err"
	fi
	run_pair "$CLI" "$SRV" 10.0.1.2 "env GODEBUG=multipathtcp=0 $GO_SRV -u 5000" "$C_CLI"
	expect "TCP_USER_TIMEOUT, GODEBUG=multipathtcp=0" available fallback not-requested
	check "TCP_USER_TIMEOUT on TCP: accepted, nothing said" "" cat "$TMP/server.err"
else
	skip "TCP_USER_TIMEOUT" "$MPTCPKIT not built"
fi

# 5. Bad input: one line on stderr, nothing on stdout, a non-zero exit,
# the same line as the C program's. (In the client namespace: an unknown
# name cannot reach a real resolver.)
bad_input() {
	local what=$1 c_prog=$2 go_prog=$3 rc
	shift 3
	in_ns "$CLI" timeout 10 "$c_prog" "$@" >/dev/null 2>"$TMP/bad-c.err"
	in_ns "$CLI" timeout 10 "$go_prog" "$@" >"$TMP/bad.out" 2>"$TMP/bad.err"
	rc=$?
	if [ "$rc" != 0 ] && [ "$rc" != 124 ] && [ ! -s "$TMP/bad.out" ] &&
	   [ "$(wc -l <"$TMP/bad.err")" = 1 ] && cmp -s "$TMP/bad.err" "$TMP/bad-c.err"; then
		ok "$what: $(cat "$TMP/bad.err")"
	else
		not_ok "$what" "exit $rc, stdout '$(cat "$TMP/bad.out")', stderr '$(cat "$TMP/bad.err")', C's '$(cat "$TMP/bad-c.err")'"
	fi
}
bad_input "Go client: port out of range" "$C_CLI" "$GO_CLI" 10.0.1.2 99999
bad_input "Go client: port not a number" "$C_CLI" "$GO_CLI" 10.0.1.2 12ab
bad_input "Go client: nothing listening" "$C_CLI" "$GO_CLI" 10.0.1.2 9
bad_input "Go client: unreachable host" "$C_CLI" "$GO_CLI" 192.0.2.1 7000
bad_input "Go client: unknown host" "$C_CLI" "$GO_CLI" nosuch.invalid 7000
bad_input "Go client: no arguments" "$C_CLI" "$GO_CLI"
bad_input "Go server: port out of range" "$C_SRV" "$GO_SRV" 70000
bad_input "Go server: address not ours" "$C_SRV" "$GO_SRV" -b 192.0.2.1 7000

finish
