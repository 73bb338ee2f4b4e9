#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0-or-later
# Only TCP stream sockets of AF_INET/AF_INET6 are turned into MPTCP; UDP,
# AF_UNIX, raw and explicit other protocols are left alone; SOCK_NONBLOCK and
# SOCK_CLOEXEC are kept. sockinfo prints each socket's SO_PROTOCOL and flags.
. "$(dirname "$0")/../lib.sh"
require_root
require_mptcp
H=$BUILD/tests/helpers
[ -x "$H/sockinfo" ] || skip_all "helpers not built"
ns_new NS sock

expected="tcp4 proto=262 nonblock=0 cloexec=0
tcp4-ipproto proto=262 nonblock=0 cloexec=0
tcp6 proto=262 nonblock=0 cloexec=0
tcp4-nonblock-cloexec proto=262 nonblock=1 cloexec=1
tcp4-nonblock proto=262 nonblock=1 cloexec=0
tcp4-cloexec proto=262 nonblock=0 cloexec=1
udp4 proto=17 nonblock=0 cloexec=0
udp6 proto=17 nonblock=0 cloexec=0
unix-stream proto=0 nonblock=0 cloexec=0
tcp4-explicit-mptcp proto=262 nonblock=0 cloexec=0
raw-icmp proto=1 nonblock=0 cloexec=0"
unforced=$(echo "$expected" | sed -E '1,6s/proto=262/proto=6/')

check "without mptcpkit: TCP sockets are TCP" "$unforced" in_ns "$NS" "$H/sockinfo"
check "preload: TCP forced, flags kept, the rest untouched" "$expected" \
	in_ns "$NS" "$MPTCPKIT" run --mode preload -- "$H/sockinfo"
check "seccomp: TCP forced, flags kept, the rest untouched" "$expected" \
	in_ns "$NS" "$MPTCPKIT" run --mode seccomp -- "$H/sockinfo"
check "seccomp, static program: the same" "$expected" \
	in_ns "$NS" "$MPTCPKIT" run --mode seccomp -- "$H/sockinfo-static"
check "preload cannot reach a static program" "$unforced" \
	in_ns "$NS" "$MPTCPKIT" run --mode preload -- "$H/sockinfo-static"

# Fallback keeps the flags too.
in_ns "$NS" sysctl -qw net.mptcp.enabled=0
for mode in preload seccomp; do
	check "$mode, MPTCP disabled: TCP with the flags kept" \
		"$(echo "$unforced" | sed 's/^tcp4-explicit-mptcp .*/tcp4-explicit-mptcp error/')" \
		in_ns "$NS" "$MPTCPKIT" run --mode "$mode" -- "$H/sockinfo"
done

# The shim exports socket() and setsockopt() (issue 9) and nothing else.
shim=$BUILD/shim/libmptcpkit-preload.so
check "the shim exports only socket() and setsockopt()" "setsockopt socket" \
	bash -c "nm -D --defined-only '$shim' | awk '\$2 ~ /^[TtWwDdBb]\$/ {print \$3}' | sort | xargs"
check "the shim does not link libmptcpkit" "" \
	bash -c "ldd '$shim' | grep mptcpkit || true"
finish
