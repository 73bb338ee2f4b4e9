#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0-or-later
# Installed, mptcpkit run finds the shim where meson put it
# (libdir/mptcpkit/), mptcpize and its man page are installed, and the shim
# exports socket() and setsockopt() only.
. "$(dirname "$0")/../lib.sh"
require_cmd meson ninja nm
prefix=$TMP/prefix
if ! meson setup "$TMP/b" "$TOP" --prefix="$prefix" -Dtests=false >"$TMP/setup.log" 2>&1 ||
   ! ninja -C "$TMP/b" >"$TMP/build.log" 2>&1 ||
   ! meson install -C "$TMP/b" --no-rebuild >"$TMP/install.log" 2>&1; then
	not_ok "build and install into a prefix" "$(tail -n 3 "$TMP/setup.log" "$TMP/build.log" "$TMP/install.log" 2>/dev/null)"
	finish
fi
ok "build and install into a prefix"
shim=$(find "$prefix" -name libmptcpkit-preload.so | head -n 1)
check "the shim is in libdir/mptcpkit/" "mptcpkit" basename "$(dirname "$shim")"
check_ok "mptcpize installed next to mptcpkit" test -x "$prefix/bin/mptcpize"
check_ok "mptcpize(1) installed" test -f "$prefix/share/man/man1/mptcpize.1"
check "the installed shim exports socket() and setsockopt() only" "setsockopt socket" \
	bash -c "nm -D --defined-only '$shim' | awk '\$2 ~ /^[TtWwDdBb]\$/ {print \$3}' | sort | xargs"
rm -rf "$TMP/b" # the installed program must not find the build tree's shim
check "installed mptcpkit run finds the installed shim" "$shim" \
	"$prefix/bin/mptcpkit" run --mode preload -- sh -c 'echo $LD_PRELOAD'
check "installed mptcpize run forces a socket" "262" \
	"$prefix/bin/mptcpize" run python3 -c 'import socket; print(socket.socket().getsockopt(socket.SOL_SOCKET, socket.SO_PROTOCOL))'
finish
