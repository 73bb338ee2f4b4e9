#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0-or-later
# A short libFuzzer run (ASan + UBSan) of the lab's --path parser on the
# seed corpus. Longer runs: tests/fuzz/run-lab-shape.sh -max_total_time=SECONDS.
# Needs no root and no namespace.
. "$(dirname "$0")/../lib.sh"
require_cmd clang
# the targets are built here by clang with their own ASan + UBSan, whatever
# the build directory: the plain pass of run-tests has run them already
is_sanitizer_build && skip_all "a sanitizer build: the fuzz targets (clang, ASan + UBSan of their own) run with the plain build"

FUZZ_OUT=$TMP/fuzz "$TOP/tests/fuzz/run-lab-shape.sh" -max_total_time=${MPK_FUZZ_SECONDS:-10} >"$TMP/fuzz.log" 2>&1
rc=$?
[ "$rc" = 77 ] && skip_all "$(grep -m1 SKIP "$TMP/fuzz.log" | sed 's/^# SKIP //')"
if [ "$rc" = 0 ] && grep -q '^Done [0-9]* runs' "$TMP/fuzz.log"; then
	ok "fuzz-lab-shape: $(grep '^Done' "$TMP/fuzz.log"), no crash"
else
	not_ok "fuzz-lab-shape exit $rc" "$(grep -m3 -e ERROR -e SUMMARY -e 'Test unit written' "$TMP/fuzz.log" | tr '\n' ' ')"
fi
finish
