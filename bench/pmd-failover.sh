#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0-or-later
# pmd failover: in the two-path lab (2 x 50 Mbit/s tbf), during one long
# transfer per mode, cut a path (link down on both ends) and restore it,
# REPS times, alternating paths 2 and 1; per-interface tx bytes are sampled
# every 20 ms in the client namespace. Two modes in the same run:
#   pmd     mptcpkit pmd in the client namespace, no endpoint by hand
#   kernel  the same endpoints set by hand, the in-kernel PM alone
#   *-lowat the same with net.ipv4.tcp_notsent_lowat = 131072 (client)
# Measured: after a cut, the time until the goodput (bytes the receiving
# application got, logged every 20 ms) is back at the surviving path's rate;
# after a restore, the time until the restored path carries traffic.
#   bench/pmd-failover.sh [BUILD_DIR] [REPS]     (root; about 5 minutes)
# Appends the figures to bench/RESULTS.md.
set -u
HERE=$(cd "$(dirname "$0")" && pwd)
export MPK_BUILD=$(cd "${1:-$HERE/../build}" && pwd)
REPS=${2:-10}
DOWN=2.5   # seconds a path stays cut
UP=3.5     # seconds after a restore before the next cut
. "$HERE/../tests/lib.sh"
. "$HERE/../tests/pmd-lib.sh"
require_root
require_mptcp
require_cmd python3 tc
HELPER="python3 $HERE/pmd-failover.py"
XFER="python3 $HERE/../tests/pmd-xfer.py"
RUN_SECONDS=$(python3 -c "print(int(3 + $REPS * ($DOWN + $UP) + 2))")

now() { date +%s.%N; }

# phase MODE: one topology, one transfer, REPS cuts and restores.
phase() {
	local mode=$1 port=5290 i k
	pmd_topo "$mode" 2>/dev/null
	if [ "$mode" = kernel-lowat ]; then
		in_ns "$C" sysctl -qw net.ipv4.tcp_notsent_lowat=131072
	fi
	if [ "$mode" = pmd ]; then
		pmd_start "$C" "$TMP/pmd-$mode.log" --client || { echo "pmd did not start" >&2; exit 1; }
	elif [ "$mode" = pmd-lowat ]; then
		pmd_start "$C" "$TMP/pmd-$mode.log" --client --notsent-lowat 131072 ||
			{ echo "pmd did not start" >&2; exit 1; }
	else
		in_ns "$C" ip mptcp limits set subflows 2 add_addr_accepted 2
		in_ns "$C" ip mptcp endpoint add 10.0.1.1 dev c1 subflow
		in_ns "$C" ip mptcp endpoint add 10.0.2.1 dev c2 subflow
	fi
	bg "$S" sh -c "$XFER serve $port $TMP/received-$mode >/dev/null"
	wait_listen "$S" $port
	bg "$C" $HELPER sample "$TMP/samples-$mode" "$RUN_SECONDS" c1 c2
	bg "$C" $XFER send 10.0.1.2 $port -t "$RUN_SECONDS"
	sleep 3
	: >"$TMP/events-$mode"
	for i in $(seq "$REPS"); do
		k=$((1 + i % 2))
		echo "cut $k $(now)" >>"$TMP/events-$mode"
		path_set $k down
		sleep "$DOWN"
		echo "restore $k $(now)" >>"$TMP/events-$mode"
		path_set $k up
		sleep "$UP"
	done
	case $mode in pmd*) pmd_stop ;; esac
	sleep 2.5
	$HELPER analyse "$TMP/samples-$mode" "$TMP/received-$mode" "$TMP/events-$mode" "$mode" |
		tee "$TMP/result-$mode"
	# free the CPU for the next phase
	ip netns pids "$C" | xargs -r kill 2>/dev/null
	ip netns pids "$S" | xargs -r kill 2>/dev/null
	sleep 0.5
	ip netns del "$C"
	ip netns del "$S"
}

START=$(date -u +%Y-%m-%dT%H:%MZ)
MODES="pmd kernel pmd-lowat kernel-lowat"
for m in $MODES; do phase $m; done

[ -n "${PMD_BENCH_KEEP:-}" ] && cp -r "$TMP" "$PMD_BENCH_KEEP"
summary() {
	python3 - "$TMP"/result-* <<'PY'
import json, sys
rows = {}
for path in sys.argv[1:]:
    for line in open(path):
        d = json.loads(line)
        if d.get("summary"):
            rows[d["mode"]] = d
def cell(s):
    if s["median"] is None:
        return f"none of {s['runs']}"
    miss = f", {s['missed']} not within the window" if s["missed"] else ""
    return f"median {s['median']:.2f}, mean {s['mean']:.2f}, {s['min']:.2f}-{s['max']:.2f}{miss}"
print("| | cut: goodput back at the surviving path's rate (s) | restore: both paths carry traffic (s) |")
print("|---|---|---|")
for m in ("pmd", "kernel", "pmd-lowat", "kernel-lowat"):
    r = rows[m]
    print(f"| {m} | {cell(r['cut'])} | {cell(r['restore'])} |")
PY
}
TABLE=$(summary)
echo "$TABLE"
{
	echo
	echo "## pmd failover (bench/pmd-failover.sh)"
	echo
	echo "Date $START; machine: $(nproc) cores, kernel $(uname -r); two paths of 50 Mbit/s (tbf), no delay;"
	echo "one long transfer per mode, $REPS cuts (link down on both ends, ${DOWN} s) and restores (${UP} s),"
	echo "alternating paths 2 and 1; tx bytes per interface sampled every 20 ms, bytes received by the"
	echo "application logged every 20 ms (60 ms windows, timed at their end). Cut: time until the goodput"
	echo "is back at 80 % of one path's rate for 300 ms; restore: until the path's tx is above 20 % of it."
	echo "Command: \`sudo bench/pmd-failover.sh build $REPS\`. pmd = \`mptcpkit pmd --client\`;"
	echo "kernel = the same subflow endpoints (with dev) and limits set by hand, in-kernel PM alone."
	echo "-lowat = the same with net.ipv4.tcp_notsent_lowat = 131072 in the client namespace"
	echo "(pmd: \`--notsent-lowat 131072\`; kernel: sysctl by hand)."
	echo
	echo "$TABLE"
	echo
	echo "Per event (seconds; null = not within the window):"
	echo
	echo '```'
	for m in $MODES; do grep -h '"event"' "$TMP/result-$m"; done
	echo '```'
} >>"$HERE/RESULTS.md"
