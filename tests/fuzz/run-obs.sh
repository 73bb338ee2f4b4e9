#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0-or-later
# Build one of the observability fuzz targets with clang (libFuzzer, ASan +
# UBSan) and run it on its seed corpus:
#   tests/fuzz/run-obs.sh TARGET [libFuzzer options]    e.g. -max_total_time=300
# TARGET: diag-parse (sock_diag replies), ss-filter (the filter of ss),
# netstat (/proc/net/netstat and the counters' notes). Default -max_total_time=20.
# Exit 77 when clang cannot build a fuzzer. Crashes go to $FUZZ_OUT
# (default build-fuzz/) as crash-*.
set -u
TOP=$(cd "$(dirname "$0")/../.." && pwd)
OUT=${FUZZ_OUT:-$TOP/build-fuzz}
CC=${CLANG:-clang}
TARGET=${1:?usage: run-obs.sh TARGET [libFuzzer options]}
shift
case "$TARGET" in
diag-parse)
	SOURCES=("$TOP/tools/diag-parse.c" "$TOP/lib/info-convert.c" "$TOP/lib/nl.c")
	CORPUS=("$TOP/tests/fuzz/corpus-diag/client" "$TOP/tests/fuzz/corpus-diag/server") ;;
ss-filter)
	SOURCES=("$TOP/tools/ss-filter.c" "$TOP/tools/diag-names.c" "$TOP/tools/util.c")
	CORPUS=("$TOP/tests/fuzz/corpus-ss-filter") ;;
netstat)
	SOURCES=("$TOP/tools/netstat.c" "$TOP/tools/counters-explain.c")
	CORPUS=("$TOP/tests/fuzz/corpus-netstat") ;;
*) echo "run-obs.sh: unknown target '$TARGET'" >&2; exit 2 ;;
esac
mkdir -p "$OUT"
command -v "$CC" >/dev/null || { echo "# SKIP no clang"; exit 77; }
MNL_CFLAGS=$(pkg-config --cflags libmnl 2>/dev/null)
MNL_LIBS=$(pkg-config --libs libmnl 2>/dev/null || echo -lmnl)
# shellcheck disable=SC2086
if ! "$CC" -g -O1 -fno-omit-frame-pointer -fsanitize=fuzzer,address,undefined \
	-fno-sanitize-recover=undefined -D_GNU_SOURCE -I"$TOP/include" -I"$TOP/lib" \
	-I"$TOP/tools" $MNL_CFLAGS "$TOP/tests/fuzz/fuzz-$TARGET.c" "${SOURCES[@]}" \
	-o "$OUT/fuzz-$TARGET" $MNL_LIBS 2>"$OUT/build.log"; then
	if grep -q -e "fuzzer" -e "cannot find" "$OUT/build.log"; then
		echo "# SKIP clang cannot build a libFuzzer target: $(head -1 "$OUT/build.log")"
		exit 77
	fi
	cat "$OUT/build.log" >&2
	exit 1
fi
[ $# -eq 0 ] && set -- -max_total_time=20
SCRATCH=$(mktemp -d "/tmp/mpk-fuzz.XXXXXX")
trap 'rm -rf "$SCRATCH"' EXIT
"$OUT/fuzz-$TARGET" -artifact_prefix="$OUT/" -max_len=8192 "$@" "$SCRATCH" "${CORPUS[@]}"
