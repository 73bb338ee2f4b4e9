#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0-or-later
# Build the libFuzzer target for the lab's --path parser with clang (ASan +
# UBSan) and run it on the seed corpus.
#   tests/fuzz/run-lab-shape.sh [libFuzzer options]   e.g. -max_total_time=300
# Default: -max_total_time=20. Exit 77 when clang cannot build a fuzzer.
. "$(dirname "$0")/lib.sh"
fuzz_build lab-shape "$TOP/tests/fuzz/fuzz-lab-shape.c" "$TOP/tools/lab/lab-shape.c" -lm
fuzz_run lab-shape 256 20 "$TOP/tests/fuzz/corpus-lab-shape" -- "$@"
