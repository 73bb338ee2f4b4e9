#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0-or-later
# A silent cut of the better path (path 1) in the unequal profiles (issue
# 21): one download of SECS seconds per run (perf -R: the client's samples
# are the receiver's), path 1 cut at CUT_AT s (packets dropped both ways,
# link up) and left cut; how long until the goodput over a 0.5 s window
# is back at 0.8 x path 2's rate (down). Target: max(0.3 s, 3 x path 2's
# RTT), median. Modes (MODES, below), each in its own lab, interleaved.
#   bench/lab-profile-cut.sh [BUILD_DIR] [REPS (3)] [PROFILES]
#   PMD2_BUILD: a third mode, pmd2, pmd from that build in a third lab
#   (a change measured beside the code it replaces, in the same run).
#   DIR (down): up makes the client the sender (its samples are what the
#   peer acknowledged at the MPTCP level, i.e. delivered in order).
# Per cut, the sender's subflows (ss -tin) every 0.1 s from 0.3 s before
# the cut for 4 s go to $OUT/PROFILE-MODE-RUN.ss, pmd's log to
# $OUT/MODE-PROFILE.log (both: also MODE-server-PROFILE.log): where the
# time goes. The one-line summary per cut: bench/lab-profile-cut-timeline.py.
# Prints a markdown section. Needs root.
set -u
TOP=$(cd "$(dirname "$0")/.." && pwd)
BUILD=$(cd "${1:-$TOP/build}" && pwd)
REPS=${2:-3}
PROFILES=${3:-wifi-lte dsl-4g fibre-sat}
SECS=${SECS:-12}
DIR=${DIR:-down}
CUT_AT=${CUT_AT:-5}
M=$BUILD/tools/mptcpkit
OUT=${OUT:-/tmp/lab-profile-cut-$$}
PMD2_BUILD=${PMD2_BUILD:-}
# MODES: kernel (the lab's endpoints, in-kernel PM alone), pmd (pmd
# --client), pmd2 (pmd --client of PMD2_BUILD), both (pmd --client and
# pmd --server, of PMD2_BUILD if set: the setup pmd's manual asks for
# downloads, where the server is the sender)
# downloads default to both setups of pmd; uploads (the client sends) to
# pmd on the client
DEFAULT_MODES="kernel pmd both"
[ "$DIR" = up ] && DEFAULT_MODES="kernel pmd"
[ -n "$PMD2_BUILD" ] && DEFAULT_MODES="$DEFAULT_MODES pmd2"
MODES=${MODES:-$DEFAULT_MODES}
PORT=5600
PIDS=()
mkdir -p "$OUT"

lab_of() { echo "bc$1-$$"; }

stop_pmds() {
	for pid in "${PIDS[@]}"; do
		kill "$pid" 2>/dev/null && wait "$pid" 2>/dev/null
	done
	PIDS=()
}

cleanup() {
	stop_pmds
	for mode in $MODES; do
		"$M" lab down --force --name "$(lab_of "$mode")" >/dev/null 2>&1
	done
}
trap cleanup EXIT
trap 'exit 130' INT TERM

# sender_ss LAB FILE T0: the sender's subflows from CUT_AT - 0.3 s on
sender_ss() {
	local ns=server
	[ "$DIR" = up ] && ns=client
	sleep "$(python3 -c "import time; print(max(0, $3 + $CUT_AT - 0.3 - time.time()))")"
	for _ in $(seq 40); do
		echo "@ $(date +%s.%N) t0 $3"
		"$M" lab exec "$ns" --name "$1" ss -tinH "( sport = :$PORT or dport = :$PORT )"
		sleep 0.1
	done >"$2"
}

wait_listen() {
	for _ in $(seq 100); do
		"$M" lab exec server --name "$1" ss -Hltn "sport = :$2" | grep -q . && return 0
		sleep 0.1
	done
	return 1
}

# run LAB FILE: one download with path 1 cut at CUT_AT; perf's JSON in FILE
run() {
	local lab=$1 out=$2 t0 rev=
	[ "$DIR" = down ] && rev=-R
	PORT=$((PORT + 1))
	"$M" lab exec server --name "$lab" timeout $((SECS + 30)) "$M" perf -s -1 -p "$PORT" >/dev/null 2>&1 &
	local spid=$!
	wait_listen "$lab" "$PORT" || return 1
	t0=$(date +%s.%N)
	"$M" lab exec client --name "$lab" timeout $((SECS + 30)) "$M" -j perf -c 10.0.1.2 -p "$PORT" \
		-t "$SECS" $rev -i 0.1 >"$out" 2>/dev/null &
	local cpid=$!
	sender_ss "$lab" "${out%.json}.ss" "$t0" &
	local sspid=$!
	sleep "$(python3 -c "import time; print(max(0, $t0 + $CUT_AT - time.time()))")"
	"$M" lab link 1 down --name "$lab" >/dev/null
	wait "$cpid"
	"$M" lab link 1 up --name "$lab" >/dev/null
	wait "$spid"
	wait "$sspid"
}

LOAD0=$(cut -d' ' -f1-3 /proc/loadavg)
START=$(date -u '+%Y-%m-%d %H:%M')
# mode_up MODE PROFILE: its lab, and pmd as the mode wants it
mode_up() {
	local lab m=$M
	lab=$(lab_of "$1")
	"$M" lab up --name "$lab" --profile "$2" >/dev/null || exit 1
	[ "$1" = kernel ] && return
	[ "$1" != pmd ] && [ -n "$PMD2_BUILD" ] && m=$PMD2_BUILD/tools/mptcpkit
	# pmd makes its own endpoints: the lab's are not pmd's, so it would
	# leave them alone (and could not make them backup)
	"$M" lab exec client --name "$lab" ip mptcp endpoint flush
	"$M" lab exec client --name "$lab" "$m" -j pmd --client >"$OUT/$1-$2.log" 2>&1 &
	PIDS+=($!)
	if [ "$1" = both ]; then
		"$M" lab exec server --name "$lab" "$m" -j pmd --server >"$OUT/$1-server-$2.log" 2>&1 &
		PIDS+=($!)
	fi
}

for prof in $PROFILES; do
	for mode in $MODES; do
		mode_up "$mode" "$prof"
	done
	sleep 2
	for r in $(seq "$REPS"); do
		for mode in $MODES; do
			run "$(lab_of "$mode")" "$OUT/$prof-$mode-$r.json"
		done
	done
	stop_pmds
	for mode in $MODES; do
		"$M" lab down --name "$(lab_of "$mode")" >/dev/null
	done
done

python3 - "$OUT" "$START" "$LOAD0" "$(cut -d' ' -f1-3 /proc/loadavg)" "$REPS" "$CUT_AT" "$PROFILES" "$DIR" "$MODES" <<'EOF'
import glob, json, statistics as st, sys
out, start, load0, load1, reps, cut_at, profiles, direction, modes = sys.argv[1:]
modes = modes.split()
cut_at = float(cut_at)
# path 2's rate (Mbit/s) in this direction and its RTT (s), per profile
P2 = {"wifi-lte": (10, 0.060), "dsl-4g": (50, 0.045), "fibre-sat": (50, 0.600), "equal": (50, 0.0)}
if direction == "up":
    P2 = {"wifi-lte": (5, 0.060), "dsl-4g": (10, 0.045), "fibre-sat": (5, 0.600), "equal": (50, 0.0)}
def rate_from(t, b, i, span):
    j = i
    while j < len(t) and t[j] - t[i] < span:
        j += 1
    if j >= len(t):
        return None, j
    return (b[j] - b[i]) * 8 / (t[j] - t[i]) / 1e6, j

def back_after(doc, rate):
    # the first moment after the cut from which two 0.5 s windows in a row
    # carry 0.8 x the rate (a burst of reordered data is not a recovery)
    s = doc.get("samples") or []
    t = [x["t"] for x in s]; b = [x["bytes"] for x in s]
    for i in range(len(t)):
        if t[i] < cut_at:
            continue
        r1, j = rate_from(t, b, i, 0.5)
        if r1 is None:
            return None
        r2, _ = rate_from(t, b, j, 0.5)
        if r2 is None:
            return None
        if r1 >= 0.8 * rate and r2 >= 0.8 * rate:
            return t[i] - cut_at
    return None
print(f"## Silent cut of the better path in the unequal profiles (issue 21, {start} UTC)")
print()
print(f"`bench/lab-profile-cut.sh` : {'uploads' if direction == 'up' else 'downloads'}, path 1 cut at {cut_at:g} s (dropped both ways, link up),")
print(f"{reps} runs per mode (not 10: time); load average {load0} at the start, {load1} at the end (2 cores")
print("shared with other work). Time from the cut until 0.5 s of goodput at 0.8 x path 2's rate;")
print("target max(0.3 s, 3 x path 2's RTT), median. Two 0.5 s windows in a row must reach it (a burst of\nreordered data released at once is not a recovery).")
print()
print("| profile | target | " + " | ".join(f"{m}: median (runs)" for m in modes) +
      " | " + " | ".join(f"{m} met" for m in modes if m != "kernel") + " |")
print("| --- | --- |" + " --- |" * (2 * len(modes) - 1))
for prof in profiles.split():
    rate, rtt = P2[prof]
    target = max(0.3, 3 * rtt)
    cells, meds = [], {}
    for mode in modes:
        v = []
        for f in sorted(glob.glob(f"{out}/{prof}-{mode}-*.json")):
            try:
                v.append(back_after(json.load(open(f)), rate))
            except Exception:
                v.append(None)
        ok = [x for x in v if x is not None]
        meds[mode] = st.median(ok) if len(ok) * 2 > len(v) else None
        cells.append("%s (%s)" % ("%.2f s" % meds[mode] if meds[mode] is not None else "never",
                                  ", ".join("%.2f" % x if x is not None else "never" for x in v)))
    met = ["yes" if meds[m] is not None and meds[m] <= target else "no" for m in modes if m != "kernel"]
    print(f"| {prof} | {target:.2f} s | " + " | ".join(cells) + " | " + " | ".join(met) + " |")
EOF
