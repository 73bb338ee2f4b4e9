#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0-or-later
# What forcing a program onto MPTCP costs (mptcpkit run, issues 4 and 9): one
# socket()+close() plain TCP, MPTCP asked directly, TCP forced by the preload
# shim, TCP forced through the seccomp supervisor; a pipe write+read loop,
# which neither mode should touch; a setsockopt() MPTCP accepts (never
# notified) and a socket()+setsockopt(TCP_USER_TIMEOUT)+close(), which MPTCP
# refuses (the forced socket is swapped for TCP). Median of 5 runs each.
#   bench/socket-cost.sh [BUILD_DIR] [--append]   (--append: to bench/RESULTS.md)
set -eu
TOP=$(cd "$(dirname "$0")/.." && pwd)
BUILD=$(cd "${1:-$TOP/build}" && pwd)
APPEND=${2:-}
COST=$BUILD/bench/socket-cost
RUN=$BUILD/tools/mptcpkit
N=${N:-100000}
NSECCOMP=${NSECCOMP:-20000}
NPIPE=${NPIPE:-500000}
NSWAP=${NSWAP:-5000}

median() { sort -n | awk '{ v[NR] = $1 } END { print v[int((NR + 1) / 2)] }'; }
measure() {
	local i
	for i in 1 2 3 4 5; do "$@"; done | median
}

tcp=$(measure "$COST" sockets "$N" 0)
mptcp=$(measure "$COST" sockets "$N" 262)
preload=$(measure "$RUN" run --mode preload -- "$COST" sockets "$N" 0)
seccomp=$(measure "$RUN" run --mode seccomp -- "$COST" sockets "$NSECCOMP" 0)
pipe=$(measure "$COST" pipe "$NPIPE")
pipe_pre=$(measure "$RUN" run --mode preload -- "$COST" pipe "$NPIPE")
pipe_sec=$(measure "$RUN" run --mode seccomp -- "$COST" pipe "$NPIPE")
opt=$(measure "$COST" sockopt "$NPIPE" 262)
opt_pre=$(measure "$RUN" run --mode preload -- "$COST" sockopt "$NPIPE" 0)
opt_sec=$(measure "$RUN" run --mode seccomp -- "$COST" sockopt "$NPIPE" 0)
swap=$(measure "$COST" swap "$NSWAP")
swap_pre=$(measure "$RUN" run --mode preload -- "$COST" swap "$NSWAP")
swap_sec=$(measure "$RUN" run --mode seccomp -- "$COST" swap "$NSWAP")

ratio() { awk -v a="$1" -v b="$2" 'BEGIN { printf "%.2f", a / b }'; }
us() { awk -v a="$1" 'BEGIN { printf "%.1f", a / 1000 }'; }
table=$(cat <<TABLE
| what (per operation)                  | ns     | vs direct MPTCP |
| ------------------------------------- | ------ | --------------- |
| socket()+close(), TCP direct          | $tcp | $(ratio "$tcp" "$mptcp") |
| socket()+close(), MPTCP direct        | $mptcp | 1.00 |
| TCP forced by preload (MPTCP)         | $preload | $(ratio "$preload" "$mptcp") (target <= 1.1) |
| TCP forced by seccomp (MPTCP)         | $seccomp | $(ratio "$seccomp" "$mptcp"), $(us "$seccomp") us (target <= 10 us) |
| pipe write+read, direct               | $pipe | - |
| pipe write+read, under preload        | $pipe_pre | $(ratio "$pipe_pre" "$pipe") x direct pipe |
| pipe write+read, under seccomp        | $pipe_sec | $(ratio "$pipe_sec" "$pipe") x direct pipe |
| setsockopt(TCP_NODELAY), MPTCP direct | $opt | - |
| ... on a socket forced by preload     | $opt_pre | $(ratio "$opt_pre" "$opt") x direct MPTCP |
| ... on a socket forced by seccomp     | $opt_sec | $(ratio "$opt_sec" "$opt") x direct MPTCP (never notified) |
| socket+TCP_USER_TIMEOUT+close, direct | $swap | - (plain TCP) |
| ... preload (swapped to TCP)          | $swap_pre | $(ratio "$swap_pre" "$swap") x direct |
| ... seccomp (swapped to TCP)          | $swap_sec | $(ratio "$swap_sec" "$swap") x direct, $(us "$swap_sec") us |
TABLE
)
echo "$table"
if [ "$APPEND" = --append ]; then
	{
		echo
		echo "## mptcpkit run: cost of forcing (bench/socket-cost.sh)"
		echo
		echo "$(date -u '+%Y-%m-%d %H:%M UTC'), $(nproc) cores, kernel $(uname -r);"
		echo "command: \`bench/socket-cost.sh build --append\` (N=$N, seccomp N=$NSECCOMP, pipe and setsockopt N=$NPIPE, swap N=$NSWAP, median of 5)"
		echo
		echo "$table"
	} >>"$TOP/bench/RESULTS.md"
fi
