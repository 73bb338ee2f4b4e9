#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0-or-later
# The layout of tools/ (issue 19): no file or subsystem folder calls one
# that calls it back (read from the built objects' symbols), and the unit
# tests compile no tools/ source of their own (they link the engines'
# library).
. "$(dirname "$0")/../lib.sh"
require_cmd nm python3

python3 "$TOP/scripts/check-layout.py" "$BUILD"
if grep -n "tools/" "$TOP/tests/unit/meson.build" | grep -q "\.c'"; then
	not_ok "unit tests link the engines' library" \
		"$(grep -n "tools/.*\.c'" "$TOP/tests/unit/meson.build" | head -1)"
else
	ok "unit tests link the engines' library"
fi
for d in "$TOP"/tools/*/; do
	[ -f "$d/README.md" ] || { not_ok "tools/$(basename "$d") says what it owns" "no README.md"; continue; }
	ok "tools/$(basename "$d") says what it owns"
done
exit $_FAILED
