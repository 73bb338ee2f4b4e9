#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0-or-later
# What run --mode bpf costs per socket() (issue 20), beside the preload shim,
# in the same kernel. For kernels that load the program: Debian's 6.12 and
# 7.3 under qemu, where TCG (and a shared host) make absolute times and even
# separate runs meaningless, so each figure is a ratio measured inside one
# process (socket-cost pair): TCP sockets (forced ones, under a mode) against
# MPTCP sockets asked directly, in alternating batches, median of the pairs;
# ROUNDS processes each, interleaved, median and range. Direct (no mode):
# what TCP costs against MPTCP. Last, what an attached program costs
# everyone else: plain TCP sockets of a process outside the run while a run
# is on, against plain TCP before (separate processes: noisy).
#   tests/vm/run-vm 6.12 -- bench/socket-cost-bpf.sh [BUILD_DIR]
set -eu
TOP=$(cd "$(dirname "$0")/.." && pwd)
BUILD=$(cd "${1:-$TOP/build}" && pwd)
COST=$BUILD/bench/socket-cost
RUN=$BUILD/tools/mptcpkit
PAIRS=${PAIRS:-200}
BATCH=${BATCH:-50}
ROUNDS=${ROUNDS:-5}
N=${N:-20000}

if ! err=$("$RUN" run --mode bpf -- true 2>&1) || [ -n "$err" ]; then
	echo "# SKIP run --mode bpf does not load here: $err"
	exit 77
fi
D=$(mktemp -d /tmp/sc-bpf.XXXXXX)
trap 'rm -rf "$D"' EXIT
median() { sort -n | awk '{ v[NR] = $1 } END { print v[int((NR + 1) / 2)] }'; }
range() { sort -n "$1" | awk '{ v[NR] = $1 } END { printf "%s-%s", v[1], v[NR] }'; }

for r in $(seq "$ROUNDS"); do
	"$COST" pair "$PAIRS" "$BATCH" >>"$D/direct"
	"$RUN" run --mode preload -- "$COST" pair "$PAIRS" "$BATCH" >>"$D/preload"
	"$RUN" run --mode bpf -- "$COST" pair "$PAIRS" "$BATCH" >>"$D/bpf"
	"$COST" sockets "$N" 0 >>"$D/tcp"
done

# Everyone else's socket() while a run is attached (it waits on a fifo).
mkfifo "$D/fifo"
"$RUN" run --mode bpf -- sh -c "read x <'$D/fifo'" &
held=$!
for i in $(seq 50); do
	[ "$("$BUILD/tests/helpers/bpf-progs" mptcpify 2>/dev/null)" = 1 ] && break
	sleep 0.2
done
for r in $(seq "$ROUNDS"); do
	"$COST" sockets "$N" 0 >>"$D/other"
done
echo done >"$D/fifo"
wait "$held"

ratio() { awk -v a="$1" -v b="$2" 'BEGIN { printf "%.2f", a / b }'; }
echo "kernel $(uname -r), $(nproc) CPUs; socket-cost pair $PAIRS $BATCH, $ROUNDS rounds (median, range)"
echo
echo "| socket()+close() of TCP, against MPTCP asked directly in the same process | ratio | rounds |"
echo "| --- | --- | --- |"
echo "| direct: plain TCP | $(median <"$D/direct") | $(range "$D/direct") |"
echo "| preload: forced to MPTCP | $(median <"$D/preload") | $(range "$D/preload") |"
echo "| bpf: forced to MPTCP (target <= 1.1) | $(median <"$D/bpf") | $(range "$D/bpf") |"
echo
echo "A process outside the run, plain TCP, while the program is attached: $(ratio "$(median <"$D/other")" "$(median <"$D/tcp")") x plain TCP before (medians of $ROUNDS processes each, N=$N; rounds $(range "$D/other") vs $(range "$D/tcp") ns)"
