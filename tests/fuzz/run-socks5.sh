#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0-or-later
# Build the libFuzzer target for the proxy's SOCKS5 parsers with clang
# (ASan + UBSan) and run it on the seed corpus (real handshakes).
#   tests/fuzz/run-socks5.sh [libFuzzer options]   e.g. -max_total_time=300
# Default: -max_total_time=20. Exit 77 when clang cannot build a fuzzer.
# Crashes go to $FUZZ_OUT (default build-fuzz/) as crash-*.
. "$(dirname "$0")/lib.sh"
fuzz_build socks5 "$TOP/tests/fuzz/fuzz-socks5.c" "$TOP/tools/proxy/proxy-socks.c"
fuzz_run socks5 1024 20 "$TOP/tests/fuzz/corpus-socks5" -- "$@"
