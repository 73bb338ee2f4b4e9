#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0-or-later
# Build the libFuzzer target for the MPTCPKIT_SOCKOPTS parser with clang
# (ASan + UBSan) and run it from a few seeds.
#   tests/fuzz/run-sockopt.sh [libFuzzer options]   e.g. -max_total_time=300
# Default: -max_total_time=10. Exit 77 when clang cannot build a fuzzer.
# Crashes go to $FUZZ_OUT (default build-fuzz/) as crash-*.
set -u
TOP=$(cd "$(dirname "$0")/../.." && pwd)
OUT=${FUZZ_OUT:-$TOP/build-fuzz}
CC=${CLANG:-clang}
mkdir -p "$OUT"
command -v "$CC" >/dev/null || { echo "# SKIP no clang"; exit 77; }
if ! "$CC" -g -O1 -fno-omit-frame-pointer -fsanitize=fuzzer,address,undefined \
	-fno-sanitize-recover=undefined -D_GNU_SOURCE -I"$TOP/lib" \
	"$TOP/tests/fuzz/fuzz-sockopt-policies.c" "$TOP/lib/sockopt.c" \
	-o "$OUT/fuzz-sockopt-policies" 2>"$OUT/build-sockopt.log"; then
	if grep -q -e "fuzzer" -e "cannot find" "$OUT/build-sockopt.log"; then
		echo "# SKIP clang cannot build a libFuzzer target: $(head -1 "$OUT/build-sockopt.log")"
		exit 77
	fi
	cat "$OUT/build-sockopt.log" >&2
	exit 1
fi
[ $# -eq 0 ] && set -- -max_total_time=10
SCRATCH=$(mktemp -d "/tmp/mpk-fuzz.XXXXXX")
trap 'rm -rf "$SCRATCH"' EXIT
printf 'TCP_USER_TIMEOUT=ignore' >"$SCRATCH/seed1"
printf 'tcp_md5sig=tcp, TCP_QUICKACK=error,,' >"$SCRATCH/seed2"
printf 'IP_TTL=ignore,SO_ZEROCOPY=bogus' >"$SCRATCH/seed3"
"$OUT/fuzz-sockopt-policies" -artifact_prefix="$OUT/" -max_len=256 "$@" "$SCRATCH"
