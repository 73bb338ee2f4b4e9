#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0-or-later
# Short libFuzzer runs (ASan + UBSan) of the observability parsers on their
# seed corpora: sock_diag replies (diag-parse), the filter of ss
# (ss-filter), /proc/net/netstat and the counters' notes (netstat). Longer runs:
# tests/fuzz/run-obs.sh TARGET -max_total_time=SECONDS. No root needed.
. "$(dirname "$0")/../lib.sh"
require_cmd clang pkg-config
# the targets are built here by clang with their own ASan + UBSan, whatever
# the build directory: the plain pass of run-tests has run them already
is_sanitizer_build && skip_all "a sanitizer build: the fuzz targets (clang, ASan + UBSan of their own) run with the plain build"

for target in diag-parse ss-filter netstat; do
	FUZZ_OUT=$TMP/fuzz "$TOP/tests/fuzz/run-obs.sh" "$target" \
		-max_total_time="${MPK_FUZZ_SECONDS:-8}" >"$TMP/$target.log" 2>&1
	rc=$?
	[ "$rc" = 77 ] && skip_all "$(grep -m1 SKIP "$TMP/$target.log" | sed 's/^# SKIP //')"
	if [ "$rc" = 0 ] && grep -q '^Done [0-9]* runs' "$TMP/$target.log"; then
		ok "fuzz-$target: $(grep '^Done' "$TMP/$target.log"), no crash"
	else
		not_ok "fuzz-$target exit $rc" \
			"$(grep -m3 -e ERROR -e SUMMARY -e 'Test unit written' "$TMP/$target.log" | tr '\n' ' ')"
	fi
done
finish
