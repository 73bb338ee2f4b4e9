#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0-or-later
# Build one of the observability fuzz targets with clang (libFuzzer, ASan +
# UBSan) and run it on its seed corpus:
#   tests/fuzz/run-obs.sh TARGET [libFuzzer options]    e.g. -max_total_time=300
# TARGET: diag-parse (sock_diag replies), ss-filter (the filter of ss),
# netstat (/proc/net/netstat and the counters' notes). Default -max_total_time=20.
# Exit 77 when clang cannot build a fuzzer. Crashes go to $FUZZ_OUT
# (default build-fuzz/) as crash-*.
. "$(dirname "$0")/lib.sh"
TARGET=${1:?usage: run-obs.sh TARGET [libFuzzer options]}
shift
case "$TARGET" in
diag-parse)
	SOURCES=("$TOP/tools/diag/diag-parse.c" "$TOP/lib/info-convert.c" "$TOP/lib/nl.c")
	CORPUS=("$TOP/tests/fuzz/corpus-diag/client" "$TOP/tests/fuzz/corpus-diag/server") ;;
ss-filter)
	SOURCES=("$TOP/tools/diag/ss-filter.c" "$TOP/tools/diag/diag-names.c" "$TOP/tools/common/helpers.c")
	CORPUS=("$TOP/tests/fuzz/corpus-ss-filter") ;;
netstat)
	SOURCES=("$TOP/tools/diag/netstat.c" "$TOP/tools/diag/counters-explain.c")
	CORPUS=("$TOP/tests/fuzz/corpus-netstat") ;;
*) echo "run-obs.sh: unknown target '$TARGET'" >&2; exit 2 ;;
esac
MNL_CFLAGS=$(pkg-config --cflags libmnl 2>/dev/null)
MNL_LIBS=$(pkg-config --libs libmnl 2>/dev/null || echo -lmnl)
# shellcheck disable=SC2086
fuzz_build "$TARGET" $MNL_CFLAGS "$TOP/tests/fuzz/fuzz-$TARGET.c" "${SOURCES[@]}" $MNL_LIBS
fuzz_run "$TARGET" 8192 20 "${CORPUS[@]}" -- "$@"
