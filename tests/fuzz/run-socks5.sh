#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0-or-later
# Build the libFuzzer target for the proxy's SOCKS5 parsers with clang
# (ASan + UBSan) and run it on the seed corpus (real handshakes).
#   tests/fuzz/run-socks5.sh [libFuzzer options]   e.g. -max_total_time=300
# Default: -max_total_time=20. Exit 77 when clang cannot build a fuzzer.
# Crashes go to $FUZZ_OUT (default build-fuzz/) as crash-*.
set -u
TOP=$(cd "$(dirname "$0")/../.." && pwd)
OUT=${FUZZ_OUT:-$TOP/build-fuzz}
CC=${CLANG:-clang}
mkdir -p "$OUT"
command -v "$CC" >/dev/null || { echo "# SKIP no clang"; exit 77; }
if ! "$CC" -g -O1 -fno-omit-frame-pointer -fsanitize=fuzzer,address,undefined \
	-fno-sanitize-recover=undefined -I"$TOP/include" -I"$TOP/tools" -I"$TOP/tools/common" \
	"$TOP/tests/fuzz/fuzz-socks5.c" "$TOP/tools/proxy-socks.c" \
	-o "$OUT/fuzz-socks5" 2>"$OUT/build-socks5.log"; then
	if grep -q -e "fuzzer" -e "cannot find" "$OUT/build-socks5.log"; then
		echo "# SKIP clang cannot build a libFuzzer target: $(head -1 "$OUT/build-socks5.log")"
		exit 77
	fi
	cat "$OUT/build-socks5.log" >&2
	exit 1
fi
[ $# -eq 0 ] && set -- -max_total_time=20
SCRATCH=$(mktemp -d "/tmp/mpk-fuzz.XXXXXX")
trap 'rm -rf "$SCRATCH"' EXIT
"$OUT/fuzz-socks5" -artifact_prefix="$OUT/" -max_len=1024 "$@" \
	"$SCRATCH" "$TOP/tests/fuzz/corpus-socks5"
