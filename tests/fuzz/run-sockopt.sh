#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0-or-later
# Build the libFuzzer target for the MPTCPKIT_SOCKOPTS parser with clang
# (ASan + UBSan) and run it from a few seeds.
#   tests/fuzz/run-sockopt.sh [libFuzzer options]   e.g. -max_total_time=300
# Default: -max_total_time=10. Exit 77 when clang cannot build a fuzzer.
# Crashes go to $FUZZ_OUT (default build-fuzz/) as crash-*.
. "$(dirname "$0")/lib.sh"
fuzz_build sockopt-policies "$TOP/tests/fuzz/fuzz-sockopt-policies.c" "$TOP/lib/sockopt.c"
printf 'TCP_USER_TIMEOUT=ignore' >"$SCRATCH/seed1"
printf 'tcp_md5sig=tcp, TCP_QUICKACK=error,,' >"$SCRATCH/seed2"
printf 'IP_TTL=ignore,SO_ZEROCOPY=bogus' >"$SCRATCH/seed3"
fuzz_run sockopt-policies 256 10 -- "$@"
