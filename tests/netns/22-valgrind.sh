#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0-or-later
# The C hello examples and mpk-xfer under valgrind, in a namespace: MPTCP,
# a socket-time refusal (seccomp), a fallback, a small transfer with
# subflow info, and the error paths. No leak, no invalid access: valgrind's
# exit code 99 fails the run.
. "$(dirname "$0")/../lib.sh"

require_root
require_mptcp
require_cmd valgrind ss
# Sanitizer builds and valgrind do not mix.
is_sanitizer_build && skip_all "a sanitizer build: valgrind runs on the plain build"

C_SRV=$BUILD/examples/c/hello-server
C_CLI=$BUILD/examples/c/hello-client
XFER=$BUILD/tests/helpers/mpk-xfer
SECCOMP=$BUILD/tests/helpers/seccomp-errno
if [ ! -x "$C_CLI" ] || [ ! -x "$XFER" ]; then
	skip_all "examples or helpers not built in $BUILD"
fi
VG=(valgrind -q --trace-children=yes --leak-check=full '--errors-for-leak-kinds=definite,indirect'
	--error-exitcode=99)
PORT=7200

ns_new CLI cli
ns_new SRV srv
veth "$CLI" c0 10.0.0.1/24 "$SRV" s0 10.0.0.2/24

# pair WHAT "SERVER ARGS" "CLIENT" EXPECT: the server (under valgrind, one
# connection) and CLIENT (words, run under valgrind unless it is wrapped)
# must both exit 0, and the client's output must contain EXPECT.
pair() {
	local what=$1 server=$2 client=$3 expect=$4 port=$((PORT++)) spid crc src
	# shellcheck disable=SC2086 # words on purpose
	bg "$SRV" timeout 60 "${VG[@]}" $server "$port" >"$TMP/server.out" 2>&1
	spid=$BG_PID
	wait_listen "$SRV" "$port" || { not_ok "$what: server listens" "$(cat "$TMP/server.out")"; return; }
	# shellcheck disable=SC2086
	in_ns "$CLI" timeout 60 $client >"$TMP/client.out" 2>&1
	crc=$?
	wait "$spid"
	src=$?
	if [ "$crc" = 0 ] && grep -qF -- "$expect" "$TMP/client.out"; then
		ok "$what: client clean under valgrind"
	else
		not_ok "$what: client clean under valgrind" "exit $crc: $(head -c 600 "$TMP/client.out")"
	fi
	if [ "$src" = 0 ]; then
		ok "$what: server clean under valgrind"
	else
		not_ok "$what: server clean under valgrind" "exit $src: $(head -c 600 "$TMP/server.out")"
	fi
}

pair "hello, MPTCP" "$C_SRV -n 1" "${VG[*]} $C_CLI 10.0.0.2 $((PORT))" \
	"connection: MPTCP (available"
pair "hello -j, refused at socket()" "$C_SRV -j -n 1" \
	"$SECCOMP EPERM -- ${VG[*]} $C_CLI -j 10.0.0.2 $((PORT))" '"reason":"blocked"'
pair "hello, TCP server" "$SECCOMP EPERM -- $C_SRV -n 1" \
	"${VG[*]} $C_CLI 10.0.0.2 $((PORT))" "connection: TCP (fallback"
pair "mpk-xfer 4 MiB" "$XFER server" "${VG[*]} $XFER client 10.0.0.2 $((PORT)) 4194304" \
	'"bytes":4194304'
pair "mpk-xfer legacy info" "$XFER server" \
	"${VG[*]} $XFER client -L 10.0.0.2 $((PORT)) 1048576" '"source":"legacy"'

# Error paths: a clean failure, not a valgrind error (exit 1, not 99).
for args in "$C_CLI nosuch.invalid 80" "$C_CLI 10.0.0.2 99999" "$C_CLI 10.0.0.2 9" \
	    "$C_SRV -b 192.0.2.1 80" "$XFER client 10.0.0.2 9 100"; do
	# shellcheck disable=SC2086
	in_ns "$CLI" timeout 60 "${VG[@]}" $args >"$TMP/err.out" 2>&1
	rc=$?
	if [ "$rc" = 1 ]; then
		ok "fails cleanly under valgrind: ${args#"$BUILD"/}"
	else
		not_ok "fails cleanly under valgrind: ${args#"$BUILD"/}" "exit $rc: $(head -c 600 "$TMP/err.out")"
	fi
done

finish
