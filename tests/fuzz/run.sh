#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0-or-later
# Build the libFuzzer target for the netlink decoders with clang (ASan +
# UBSan) and run it on the seed corpus captured from a real kernel.
#   tests/fuzz/run.sh [libFuzzer options]   e.g. -max_total_time=300
# Default: -max_total_time=20. Exit 77 when clang cannot build a fuzzer.
# New inputs go to a scratch directory; crashes to $FUZZ_OUT (default
# build-fuzz/) as crash-*.
set -u
TOP=$(cd "$(dirname "$0")/../.." && pwd)
OUT=${FUZZ_OUT:-$TOP/build-fuzz}
CC=${CLANG:-clang}
mkdir -p "$OUT"
command -v "$CC" >/dev/null || { echo "# SKIP no clang"; exit 77; }
MNL_CFLAGS=$(pkg-config --cflags libmnl 2>/dev/null)
MNL_LIBS=$(pkg-config --libs libmnl 2>/dev/null || echo -lmnl)
# shellcheck disable=SC2086
if ! "$CC" -g -O1 -fno-omit-frame-pointer -fsanitize=fuzzer,address,undefined \
	-fno-sanitize-recover=undefined -I"$TOP/include" -I"$TOP/lib" $MNL_CFLAGS \
	"$TOP/tests/fuzz/fuzz-pm-parse.c" "$TOP/lib/nl.c" "$TOP/lib/pm-parse.c" \
	"$TOP/lib/pm-event-parse.c" "$TOP/lib/pm-names.c" \
	-o "$OUT/fuzz-pm-parse" $MNL_LIBS 2>"$OUT/build.log"; then
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
"$OUT/fuzz-pm-parse" -artifact_prefix="$OUT/" -max_len=4096 "$@" \
	"$SCRATCH" "$TOP/tests/fuzz/corpus"
