#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0-or-later
# A reproducer for a kernel behaviour pmd avoids (it never deletes a
# connection's last path): an upload loses every subflow (both subflow
# endpoints deleted, the connection stays open), then new endpoints revive
# it. Once, on a loaded machine, the revived connection delivered data of
# the right length that failed its sha256. Each round: a fresh two-path
# topology (tests/pmd-lib.sh), a SIZE upload, both endpoints deleted for
# GAP s, added again; the receiver's sha256 and length against the
# sender's. Prints one line per round and the counts; exit 0 either way
# (a measurement, not a test).
#   bench/kernel-revive.sh [BUILD_DIR] [ROUNDS (10)] [SIZE (32M)] [GAP (1)]
set -u
HERE=$(cd "$(dirname "$0")" && pwd)
export MPK_BUILD=$(cd "${1:-$HERE/../build}" && pwd)
ROUNDS=${2:-10}
SIZE=${3:-32M}
GAP=${4:-1}
. "$HERE/../tests/lib.sh"
. "$HERE/../tests/pmd-lib.sh"
require_root
require_mptcp
require_cmd python3 ss sha256sum
PORT=5320
intact=0 corrupt=0 died=0

# round I: prints "round I: intact|CORRUPT|died ..."
round() {
	local want got
	pmd_topo "rv$1" 2>/dev/null
	in_ns "$C" ip mptcp limits set subflows 4 add_addr_accepted 4
	for k in 1 2; do in_ns "$C" ip mptcp endpoint add "10.0.$k.1" dev "c$k" id "$k" subflow; done
	xfer_start "$SIZE"
	wait_for 3 both_paths
	sleep 0.5
	for k in 1 2; do in_ns "$C" ip mptcp endpoint del id "$k"; done
	sleep "$GAP"
	for k in 1 2; do in_ns "$C" ip mptcp endpoint add "10.0.$k.1" dev "c$k" id "$k" subflow; done
	timeout 60 tail --pid="$SENDER" -f /dev/null
	wait_for 5 test -s "$TMP/served"
	want="$(sha256sum <"$TMP/data" | cut -d' ' -f1) $(stat -c %s "$TMP/data")"
	got=$(cat "$TMP/served" 2>/dev/null)
	if [ "$got" = "$want" ]; then echo "round $1: intact"; intact=$((intact + 1))
	elif [ "${got##* }" = "${want##* }" ]; then echo "round $1: CORRUPT (same length: $got, want $want)"; corrupt=$((corrupt + 1))
	else echo "round $1: died (got '${got:-nothing}', want $want)"; died=$((died + 1)); fi
	ip netns pids "$C" | xargs -r kill 2>/dev/null
	ip netns pids "$S" | xargs -r kill 2>/dev/null
	rm -f "$TMP/served" "$TMP/data" "$TMP/rx.log"
}

echo "kernel $(uname -r), $ROUNDS rounds, $SIZE upload, no subflow for $GAP s, load $(cut -d' ' -f1 /proc/loadavg)"
for i in $(seq "$ROUNDS"); do round "$i"; done
echo "intact $intact, corrupt $corrupt, died $died of $ROUNDS"
