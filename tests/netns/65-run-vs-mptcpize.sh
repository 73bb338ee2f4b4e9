#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0-or-later
# Side by side with Debian's mptcpize on the same programs: mptcpkit run
# succeeds wherever mptcpize does, and also where it does not: a static
# program (mptcpize leaves it on TCP) and MPTCP blocked or disabled
# (mptcpize's program cannot even create its socket; ours falls back to TCP).
# Our own mptcpize (the compatibility program) behaves like mptcpkit run.
. "$(dirname "$0")/../lib.sh"
. "$TOP/tests/run-forced.lib"
# Debian's, by path: ours may be installed earlier in PATH (/usr/local/bin).
DEBIAN=/usr/bin/mptcpize
[ -x "$DEBIAN" ] && ! grep -q "mptcpkit" "$DEBIAN" || skip_all "needs Debian's mptcpize (package mptcpize)"
OURS=$BUILD/tools/mptcpize
forced_setup
H=$HELPERS

client_case "Debian mptcpize: dynamic client is MPTCP" 6501 "mptcp debian" \
	"$DEBIAN" run "$H/plain-client" "$SERVER_ADDR" 6501 debian
client_case "mptcpkit run: the same" 6502 "mptcp ours" \
	"$MPTCPKIT" run "$H/plain-client" "$SERVER_ADDR" 6502 ours
client_case "our mptcpize run: the same" 6503 "mptcp compat" \
	"$OURS" run "$H/plain-client" "$SERVER_ADDR" 6503 compat

client_case "Debian mptcpize: a static client stays TCP" 6504 "tcp debian" \
	"$DEBIAN" run "$H/plain-client-static" "$SERVER_ADDR" 6504 debian
client_case "mptcpkit run: a static client is MPTCP" 6505 "mptcp ours" \
	"$MPTCPKIT" run "$H/plain-client-static" "$SERVER_ADDR" 6505 ours
client_case "our mptcpize run: a static client is MPTCP" 6506 "mptcp compat" \
	"$OURS" run "$H/plain-client-static" "$SERVER_ADDR" 6506 compat

# MPTCP blocked by a seccomp filter (EPERM), then disabled by sysctl.
# debian_fails WHAT PORT ERRTEXT [WRAPPER...]: with a server listening, Debian's
# mptcpize's client fails at socket() (ERRTEXT); the server then gets a
# plain connection so that it ends.
debian_fails() {
	local what=$1 port=$2 errtext=$3
	shift 3
	server_start "$port" 1
	check_fail "$what" in_ns "$CLI" timeout 5 "$@" "$DEBIAN" run "$H/plain-client" "$SERVER_ADDR" "$port" debian
	cp "$TMP/check.err" "$TMP/check.err.keep"
	check_ok "... because socket() failed: $errtext" grep -q "$errtext" "$TMP/check.err.keep"
	in_ns "$CLI" "$H/plain-client" "$SERVER_ADDR" "$port" done >/dev/null
	check "... the server saw nothing else" "tcp done" server_saw "$port"
}
debian_fails "Debian mptcpize, MPTCP blocked: the program fails" 6507 "Operation not permitted" \
	"$H/seccomp-errno" EPERM --
client_case "mptcpkit run, MPTCP blocked: completes over TCP" 6508 "tcp ours" \
	"$H/seccomp-errno" EPERM -- "$MPTCPKIT" run "$H/plain-client" "$SERVER_ADDR" 6508 ours
client_case "our mptcpize run, MPTCP blocked: completes over TCP" 6509 "tcp compat" \
	"$H/seccomp-errno" EPERM -- "$OURS" run "$H/plain-client" "$SERVER_ADDR" 6509 compat
in_ns "$CLI" sysctl -qw net.mptcp.enabled=0
debian_fails "Debian mptcpize, MPTCP disabled: the program fails" 6510 "Protocol not available"
client_case "mptcpkit run, MPTCP disabled: completes over TCP" 6511 "tcp ours" \
	"$MPTCPKIT" run "$H/plain-client" "$SERVER_ADDR" 6511 ours
in_ns "$CLI" sysctl -qw net.mptcp.enabled=1

check_ok "our mptcpize --help" "$OURS" --help
check_ok "our mptcpize run -d says the mode" bash -c "'$OURS' run -d true 2>&1 | grep -q 'preload mode'"
check "our mptcpize: missing command -> 127" 127 bash -c "'$OURS' run /nonexistent 2>/dev/null; echo \$?"
finish
