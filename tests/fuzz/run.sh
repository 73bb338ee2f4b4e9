#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0-or-later
# Build the libFuzzer target for the netlink decoders with clang (ASan +
# UBSan) and run it on the seed corpus captured from a real kernel.
#   tests/fuzz/run.sh [libFuzzer options]   e.g. -max_total_time=300
# Default: -max_total_time=20. Exit 77 when clang cannot build a fuzzer.
# New inputs go to a scratch directory; crashes to $FUZZ_OUT (default
# build-fuzz/) as crash-*.
. "$(dirname "$0")/lib.sh"
MNL_CFLAGS=$(pkg-config --cflags libmnl 2>/dev/null)
MNL_LIBS=$(pkg-config --libs libmnl 2>/dev/null || echo -lmnl)
# shellcheck disable=SC2086
fuzz_build pm-parse $MNL_CFLAGS "$TOP/tests/fuzz/fuzz-pm-parse.c" "$TOP/lib/nl.c" \
	"$TOP/lib/pm-parse.c" "$TOP/lib/pm-event-parse.c" "$TOP/lib/pm-names.c" $MNL_LIBS
fuzz_run pm-parse 4096 20 "$TOP/tests/fuzz/corpus" -- "$@"
