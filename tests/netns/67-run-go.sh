#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0-or-later
# A Go program reaches the kernel without libc: LD_PRELOAD (Debian's
# mptcpize, our preload mode) cannot force it, and Go 1.19 ignores
# GODEBUG=multipathtcp=1 (1.21+). mptcpkit run's auto mode recognises a Go
# binary and forces it through seccomp; the server proves it. With
# TCP_USER_TIMEOUT set, it keeps working (the socket option policy).
. "$(dirname "$0")/../lib.sh"
. "$TOP/tests/run-forced.lib"
require_cmd go
export GOCACHE=$TMP/go-cache GOPATH=$TMP/go-path GO111MODULE=off GOFLAGS=
GOBIN_CLIENT=$TMP/go-client
if ! (cd "$TOP/tests/helpers/go-client" && CGO_ENABLED=0 go build -o "$GOBIN_CLIENT" .) \
	>"$TMP/go-build.log" 2>&1; then
	skip_all "go cannot build here: $(head -c 200 "$TMP/go-build.log")"
fi
forced_setup

client_case "without mptcpkit the Go client is TCP" 6701 "tcp plain" \
	"$GOBIN_CLIENT" "$SERVER_ADDR" 6701 plain
client_case "preload cannot reach the Go client (it stays TCP)" 6702 "tcp preload" \
	"$MPTCPKIT" run --mode preload -- "$GOBIN_CLIENT" "$SERVER_ADDR" 6702 preload
if command -v mptcpize >/dev/null && [ "$(command -v mptcpize)" = /usr/bin/mptcpize ]; then
	client_case "Debian's mptcpize cannot force the Go client either" 6703 "tcp mptcpize" \
		/usr/bin/mptcpize run "$GOBIN_CLIENT" "$SERVER_ADDR" 6703 mptcpize
else
	skip "Debian's mptcpize cannot force the Go client either" "/usr/bin/mptcpize is not installed"
fi
client_case "seccomp: the Go client is MPTCP" 6704 "mptcp seccomp" \
	"$MPTCPKIT" run --mode seccomp -- "$GOBIN_CLIENT" "$SERVER_ADDR" 6704 seccomp
client_case "auto: the Go client is MPTCP" 6705 "mptcp auto" \
	"$MPTCPKIT" run -- "$GOBIN_CLIENT" "$SERVER_ADDR" 6705 auto
# A Go client that sets TCP_USER_TIMEOUT (gRPC, Tailscale), which MPTCP
# refuses here: it keeps working, on TCP by the default policy (issue 9).
export GO_CLIENT_USER_TIMEOUT=5000
client_case "TCP_USER_TIMEOUT: the Go client works unforced (TCP)" 6711 "tcp uto-plain" \
	"$GOBIN_CLIENT" "$SERVER_ADDR" 6711 uto-plain
client_case "TCP_USER_TIMEOUT: seccomp keeps the Go client working (swapped to TCP)" 6712 \
	"tcp uto-seccomp" "$MPTCPKIT" run --mode seccomp -- "$GOBIN_CLIENT" "$SERVER_ADDR" 6712 uto-seccomp
client_case "TCP_USER_TIMEOUT=ignore: the Go client works and stays MPTCP" 6713 \
	"mptcp uto-ignore" "$MPTCPKIT" run --sockopt TCP_USER_TIMEOUT=ignore -- "$GOBIN_CLIENT" \
	"$SERVER_ADDR" 6713 uto-ignore
check "TCP_USER_TIMEOUT=error: the Go client fails as it would without a policy" 1 \
	sh -c "ip netns exec '$CLI' '$MPTCPKIT' run --sockopt TCP_USER_TIMEOUT=error -- \
	'$GOBIN_CLIENT' '$SERVER_ADDR' 6714 2>&1 | grep -c 'protocol not available'"
unset GO_CLIENT_USER_TIMEOUT

check "auto -d says it chose seccomp because the program is Go" 1 \
	sh -c "'$MPTCPKIT' run -d -- '$GOBIN_CLIENT' 127.0.0.1 1 2>&1 | grep -ci 'seccomp.*go\|go.*seccomp'"
finish
