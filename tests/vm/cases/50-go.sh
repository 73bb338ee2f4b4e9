#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0-or-later
# The Go hello client and server (examples/go) on this guest's kernel, over
# loopback: on a kernel without MPTCP (Debian 11's 5.10) both say
# not-compiled from the real EPROTONOSUPPORT (before 5.6: kernel-too-old,
# EINVAL), elsewhere MPTCP; from 5.16 a TCP-only Go server
# (GODEBUG=multipathtcp=0) makes the client say fallback (before 5.16 Go's
# TCPConn.MultipathTCP cannot tell). The Go client's output is compared
# with the C client's when the C one runs here.
# The Go programs are static: build them on the host first
# (scripts/go-examples.sh "$MPK_BUILD", or tests/netns/23-go-examples.sh).
# Cost: a few seconds.
. "$(dirname "$0")/../../lib.sh"

GO_SRV=$BUILD/examples/go/hello-server
GO_CLI=$BUILD/examples/go/hello-client
C_CLI=$BUILD/examples/c/hello-client
if [ ! -x "$GO_CLI" ] || [ ! -x "$GO_SRV" ]; then
	skip_all "the Go examples are not built in $BUILD (scripts/go-examples.sh on the host)"
fi

# What the kernel should answer, from /proc and the version, not from Go.
IFS=. read -r major minor _ <<<"$(uname -r)"
if [ -e /proc/sys/net/mptcp/enabled ]; then
	want=available
	[ "$(cat /proc/sys/net/mptcp/enabled)" = 0 ] && want=disabled
elif [ "$major" -lt 5 ] || { [ "$major" = 5 ] && [ "$minor" -lt 6 ]; }; then
	want=kernel-too-old
else
	want=not-compiled
fi
transport() { [ "$1" = available ] && echo MPTCP || echo TCP; }
echo "# kernel $(uname -r): expecting $want"

# serve OUT "SERVER": start SERVER -n 1 on a port of its choice; the port
# in PORT once it says it listens (a slow guest: up to 30 s).
serve() {
	local out=$1
	shift
	"$@" -n 1 0 >"$out" 2>&1 &
	BG_PID=$!
	_PIDS+=("$BG_PID")
	PORT=
	for _ in $(seq 300); do
		PORT=$(sed -nE 's/^listening on port ([0-9]+):.*/\1/p' "$out")
		[ -n "$PORT" ] && return 0
		sleep 0.1
	done
	return 1
}

# hello WHAT "SERVER" CLIENT SOCKET CONN SERVER_REASON
hello() {
	local what=$1 server=$2 client=$3 sock=$4 conn=$5 srv=$6
	# shellcheck disable=SC2086 # the server command is words on purpose
	if ! serve "$TMP/server.out" $server; then
		not_ok "$what: server listens" "$(cat "$TMP/server.out")"
		return
	fi
	timeout 30 "$client" 127.0.0.1 "$PORT" >"$TMP/client.out" 2>&1
	local crc=$?
	# A server whose client failed would wait for ever: 10 s, then killed.
	for _ in $(seq 100); do
		kill -0 "$BG_PID" 2>/dev/null || break
		sleep 0.1
	done
	kill "$BG_PID" 2>/dev/null
	wait "$BG_PID"
	local src=$?
	if [ "$crc" = 0 ] && [ "$src" = 0 ]; then
		ok "$what: both ends exit 0"
	else
		not_ok "$what: both ends exit 0" "client $crc, server $src: $(cat "$TMP/client.out")"
	fi
	check "$what: client says $sock, then $conn" \
		"$(printf 'socket: %s (%s:\nconnection: %s (%s:' "$(transport "$sock")" "$sock" \
			"$(transport "$conn")" "$conn")" \
		sed -nE 's/^((socket|connection): [A-Z]+ \([a-z-]+:).*/\1/p' "$TMP/client.out"
	check "$what: server says $srv" "$(transport "$srv") ($srv:" \
		sed -nE 's/^connection from [^ ]+ ([A-Z]+ \([a-z-]+:).*/\1/p' "$TMP/server.out"
}

hello "Go client, Go server" "$GO_SRV" "$GO_CLI" "$want" "$want" "$want"
check "Go server: listening line" "$(transport "$want") ($want:" \
	sed -nE 's/^listening on port [0-9]+: ([A-Z]+ \([a-z-]+:).*/\1/p' "$TMP/server.out"
cp "$TMP/client.out" "$TMP/go-client.out"

if [ -x "$C_CLI" ] && { "$C_CLI" >/dev/null 2>&1; [ $? = 2 ]; }; then
	hello "C client, Go server" "$GO_SRV" "$C_CLI" "$want" "$want" "$want"
	if cmp -s "$TMP/client.out" "$TMP/go-client.out"; then
		ok "the Go client prints what the C one does"
	else
		not_ok "the Go client prints what the C one does" "$(diff "$TMP/client.out" "$TMP/go-client.out" | tr '\n' ' ')"
	fi
else
	skip "the Go client prints what the C one does" "the C client does not run here"
fi

if [ "$want" = available ] && { [ "$major" -gt 5 ] || [ "$minor" -ge 16 ]; }; then
	hello "Go client, TCP-only Go server" "env GODEBUG=multipathtcp=0 $GO_SRV" "$GO_CLI" \
		available fallback not-requested
else
	skip "Go client, TCP-only Go server" "needs MPTCP and Linux 5.16 (MPTCP_INFO)"
fi
finish
