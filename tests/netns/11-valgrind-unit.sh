#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0-or-later
# Every unit test program again under valgrind: no leak, no invalid access.
. "$(dirname "$0")/../lib.sh"
require_cmd valgrind
# Sanitizer builds and valgrind do not mix.
is_sanitizer_build && skip_all "a sanitizer build: valgrind runs on the plain build"
for t in "$BUILD"/tests/unit/test-*; do
	[ -f "$t" ] && [ -x "$t" ] || continue
	check_ok "valgrind: $(basename "$t")" valgrind -q --leak-check=full \
		--errors-for-leak-kinds=definite,indirect,possible --error-exitcode=99 "$t"
done
finish
