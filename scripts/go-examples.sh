#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0-or-later
# Build the Go examples (examples/go) into BUILD/examples/go, with a Go of
# 1.21 or later (the MPTCP API): $MPK_GO if set, else `go` on PATH if it is
# recent enough, else Go 1.23 from bookworm-backports fetched once with
# scripts/deb-fetch.sh into its cache (the machine's apt sources untouched).
#   scripts/go-examples.sh BUILD
# The build never touches the network (GOTOOLCHAIN=local, GOPROXY=off: the
# module uses the standard library only); its cache is kept beside the
# fetched packages, so a second build takes a second or two.
# Exit 0 with the Go version on stdout; otherwise one line on stderr saying
# why, exit 1. Sourced, it defines go_examples_build with the same argument.
set -u
GO_EXAMPLES_TOP=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
. "$GO_EXAMPLES_TOP/scripts/deb-fetch.sh"

GO_SUITE=bookworm-backports
GO_DEBS=(golang-1.23-go golang-1.23-src)

# go_is_recent GO: true when GO runs and is 1.21 or later.
go_is_recent() {
	local v
	v=$(GOTOOLCHAIN=local GOENV=off "$1" env GOVERSION 2>/dev/null) || return 1
	v=${v#go}
	[ "${v%%.*}" = 1 ] || return 1
	v=${v#*.}
	[ "${v%%[!0-9]*}" -ge 21 ] 2>/dev/null
}

# go_find: the path of a usable go on stdout, or one line on stderr.
go_find() {
	local dest=$DEB_CACHE/go-1.23 go
	if [ -n "${MPK_GO:-}" ]; then
		go_is_recent "$MPK_GO" && { echo "$MPK_GO"; return 0; }
		echo "go-examples: MPK_GO=$MPK_GO is not a Go 1.21 or later" >&2
		return 1
	fi
	go=$(command -v go) && go_is_recent "$go" && { echo "$go"; return 0; }
	go=$dest/usr/lib/go-1.23/bin/go
	if [ ! -x "$go" ]; then
		mkdir -p "$DEB_CACHE" 2>/dev/null ||
			{ echo "go-examples: cannot create $DEB_CACHE" >&2; return 1; }
		# One fetch at a time: deb_fetch replaces its destination.
		(
			flock 9
			[ -x "$go" ] || deb_fetch "$GO_SUITE" "$dest" "${GO_DEBS[@]}"
		) 9>"$DEB_CACHE/go.lock" || return 1
	fi
	go_is_recent "$go" || { echo "go-examples: $go does not run" >&2; return 1; }
	echo "$go"
}

go_examples_build() {
	local build=$1 go out log
	go=$(go_find) || return 1
	out=$build/examples/go
	mkdir -p "$out" "$DEB_CACHE/go-build" "$DEB_CACHE/go-path" 2>/dev/null ||
		{ echo "go-examples: cannot create $out or the cache" >&2; return 1; }
	out=$(cd "$out" && pwd)
	log=$out/build.log
	(
		cd "$GO_EXAMPLES_TOP/examples/go" &&
		env GOTOOLCHAIN=local GOPROXY=off GOFLAGS= GOENV=off GOTELEMETRY=off \
			GOCACHE="$DEB_CACHE/go-build" GOPATH="$DEB_CACHE/go-path" \
			XDG_CONFIG_HOME="$DEB_CACHE/go-path" CGO_ENABLED=0 \
			"$go" build -o "$out/" ./hello-client ./hello-server
	) >"$log" 2>&1 || {
		echo "go-examples: go build failed: $(head -c 300 "$log" | tr '\n' ' ')" >&2
		return 1
	}
	GOTOOLCHAIN=local GOENV=off "$go" env GOVERSION
}

if [ "${BASH_SOURCE[0]}" = "$0" ]; then
	[ $# = 1 ] || { echo "usage: go-examples.sh BUILD" >&2; exit 2; }
	go_examples_build "$1"
fi
