#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0-or-later
# What run --mode bpf costs per socket() (issue 20): socket()+close() of a
# TCP socket forced by the BPF program, beside plain TCP, MPTCP asked
# directly and TCP forced by the preload shim, in the same kernel. For
# kernels that load the program: Debian's 6.12 and 7.3 under qemu, where
# TCG makes absolute times meaningless, so the table gives ratios (to direct
# MPTCP, which is what a forced socket is). Rounds interleave the four
# (the machine is shared); median of ROUNDS each. Last, what an attached
# program costs everyone else: plain TCP sockets of a process outside the
# run's cgroup while a bpf run is on, against plain TCP.
#   tests/vm/run-vm 6.12 -- bench/socket-cost-bpf.sh [BUILD_DIR]
set -eu
TOP=$(cd "$(dirname "$0")/.." && pwd)
BUILD=$(cd "${1:-$TOP/build}" && pwd)
COST=$BUILD/bench/socket-cost
RUN=$BUILD/tools/mptcpkit
N=${N:-20000}
ROUNDS=${ROUNDS:-15}

if ! err=$("$RUN" run --mode bpf -- true 2>&1) || [ -n "$err" ]; then
	echo "# SKIP run --mode bpf does not load here: $err"
	exit 77
fi
median() { sort -n | awk '{ v[NR] = $1 } END { print v[int((NR + 1) / 2)] }'; }
lowest() { sort -n | head -n1; }
: >/tmp/sc-tcp; : >/tmp/sc-mptcp; : >/tmp/sc-preload; : >/tmp/sc-bpf
for r in $(seq "$ROUNDS"); do
	"$COST" sockets "$N" 0 >>/tmp/sc-tcp
	"$COST" sockets "$N" 262 >>/tmp/sc-mptcp
	"$RUN" run --mode preload -- "$COST" sockets "$N" 0 >>/tmp/sc-preload
	"$RUN" run --mode bpf -- "$COST" sockets "$N" 0 >>/tmp/sc-bpf
done
# Everyone else's socket() while a run is attached (it waits on a fifo).
fifo=$(mktemp -u /tmp/sc-fifo.XXXXXX)
mkfifo "$fifo"
"$RUN" run --mode bpf -- sh -c "read x <'$fifo'" &
held=$!
: >/tmp/sc-other
for i in $(seq 50); do
	[ "$("$BUILD/tests/helpers/bpf-progs" mptcpify 2>/dev/null)" = 1 ] && break
	sleep 0.2
done
for r in $(seq "$ROUNDS"); do
	"$COST" sockets "$N" 0 >>/tmp/sc-other
done
echo done >"$fifo"
wait "$held"
rm -f "$fifo"
other=$(median </tmp/sc-other) other_lo=$(lowest </tmp/sc-other)
tcp=$(median </tmp/sc-tcp) mptcp=$(median </tmp/sc-mptcp)
preload=$(median </tmp/sc-preload) bpf=$(median </tmp/sc-bpf)
# The fastest round of each: what is left when the shared host's noise
# (which only ever adds time) is least.
tcp_lo=$(lowest </tmp/sc-tcp) mptcp_lo=$(lowest </tmp/sc-mptcp)
preload_lo=$(lowest </tmp/sc-preload) bpf_lo=$(lowest </tmp/sc-bpf)
ratio() { awk -v a="$1" -v b="$2" 'BEGIN { printf "%.2f", a / b }'; }
spread() { sort -n "$1" | awk -v m="$2" '{ v[NR] = $1 } END { printf "%.2f-%.2f", v[1] / m, v[NR] / m }'; }
echo "kernel $(uname -r), $(nproc) CPUs, N=$N, $ROUNDS rounds (ratios to direct MPTCP: of the medians, of the fastest rounds, and the range of the rounds over the median direct MPTCP)"
echo
echo "| socket()+close()              | median | fastest | rounds    |"
echo "| ----------------------------- | ------ | ------- | --------- |"
echo "| TCP direct                    | $(ratio "$tcp" "$mptcp") | $(ratio "$tcp_lo" "$mptcp_lo") | $(spread /tmp/sc-tcp "$mptcp") |"
echo "| MPTCP direct                  | 1.00 | 1.00 | $(spread /tmp/sc-mptcp "$mptcp") |"
echo "| TCP forced by preload (MPTCP) | $(ratio "$preload" "$mptcp") | $(ratio "$preload_lo" "$mptcp_lo") | $(spread /tmp/sc-preload "$mptcp") |"
echo "| TCP forced by bpf (MPTCP)     | $(ratio "$bpf" "$mptcp") | $(ratio "$bpf_lo" "$mptcp_lo") | $(spread /tmp/sc-bpf "$mptcp") |"
echo
echo "A process outside the run, plain TCP, while the program is attached: $(ratio "$other" "$tcp") x plain TCP without it (medians; fastest rounds $(ratio "$other_lo" "$tcp_lo"); the plain TCP rounds above ran before the run was attached)"
rm -f /tmp/sc-tcp /tmp/sc-mptcp /tmp/sc-preload /tmp/sc-bpf /tmp/sc-other
