#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0-or-later
# `meson install` puts the header, both libraries and the .pc file where a C
# programmer expects them, and a program builds against each through
# pkg-config. Only the API is exported from the shared library.
. "$(dirname "$0")/../lib.sh"
require_cmd meson ninja pkg-config cc nm

prefix=$TMP/prefix
if ! meson setup "$TMP/b" "$TOP" --prefix="$prefix" -Dtests=false >"$TMP/setup.log" 2>&1 ||
   ! meson install -C "$TMP/b" >"$TMP/install.log" 2>&1; then
	not_ok "build and install into a prefix" "$(tail -3 "$TMP/setup.log" "$TMP/install.log")"
	finish
fi
ok "build and install into a prefix"

pc=$(find "$prefix" -name libmptcpkit.pc | head -n 1)
check_ok "pkg-config file installed" test -n "$pc"
export PKG_CONFIG_PATH=$(dirname "$pc")
check_ok "header installed" test -f "$prefix/include/mptcpkit.h"
libdir=$(pkg-config --variable=libdir libmptcpkit)
check_ok "shared library installed" test -e "$libdir/libmptcpkit.so.1"
check_ok "static library installed" test -f "$libdir/libmptcpkit.a"

cat >"$TMP/prog.c" <<'C'
#include <stdio.h>
#include <mptcpkit.h>
int main(void)
{
	struct mpk_status st;
	int fd = mpk_socket(AF_INET, MPK_CLOEXEC, &st);

	printf("%s\n", fd >= 0 ? mpk_reason_name(st.reason) : "error");
	return fd < 0;
}
C
# shellcheck disable=SC2046
check_ok "a program builds against the shared library" \
	cc -Wall -Werror -o "$TMP/prog" "$TMP/prog.c" $(pkg-config --cflags --libs libmptcpkit)
check_ok "and runs" env LD_LIBRARY_PATH="$libdir" "$TMP/prog"
check_ok "a program builds against the static library" \
	cc -Wall -Werror -o "$TMP/prog-static" "$TMP/prog.c" $(pkg-config --cflags libmptcpkit) \
	"$libdir/libmptcpkit.a" $(pkg-config --static --libs-only-l libmptcpkit | sed 's/-lmptcpkit//')
check_ok "and runs" "$TMP/prog-static"

exported=$(nm -D --defined-only "$libdir/libmptcpkit.so.1" | awk '$2 == "T" {print $3}' | grep -v '^mpk_' || true)
check "only mpk_* functions are exported" "" echo "$exported"
check_ok "internal functions are hidden" bash -c "! nm -D '$libdir/libmptcpkit.so.1' | grep -q mpk_info_get_legacy"
check_ok "man page of the library installed" test -f "$prefix/share/man/man3/libmptcpkit.3"
undocumented=$(nm -D --defined-only "$libdir/libmptcpkit.so.1" | awk '$2 == "T" {sub(/@.*/, "", $3); print $3}' |
	while read -r fn; do grep -qw -- "$fn" "$TOP/man/libmptcpkit.3" || echo "$fn"; done)
check "every exported function is named in libmptcpkit(3)" "" echo "$undocumented"
finish
