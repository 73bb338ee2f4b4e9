#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0-or-later
# Paths like the field's (issue 21): for each lab profile, in the same run,
# single-path TCP on each path, the kernel's MPTCP (the lab's subflow
# endpoint, in-kernel PM) and MPTCP with 'mptcpkit pmd --client' (a second
# lab of the same profile, pmd running in its client namespace):
#   bulk    perf for SECS seconds, up (client sends) and down (-R),
#           receiver's goodput, bytes verified;
#   short   downloads of 100 KB, 1 MB and 10 MB over fresh connections,
#           completion time (connect to last byte), median.
# The rounds interleave the modes, so load changes hit them alike.
#   bench/lab-profiles.sh [BUILD_DIR] [REPS (3)] [SECS (10)] [PROFILES]
#   SHORT_REPS (5): downloads per size and mode; 0: no short downloads.
#   SIZES ("100000 1000000 10000000"): the short downloads' sizes (bytes).
#   PMD_OPTS (""): more options for pmd (e.g. --no-checksum).
#   SERVE_OPTS (""): lab-short.py serve's options, e.g. --nodelay (the
#   server sets TCP_NODELAY, as web servers do: it spares MPTCP a round trip
#   Nagle holds the last segment for, bench/short-upstream.md).
#   REPS 0: no bulk transfers.
#   DIRS ("up down"): the bulk directions (one, to fit a slot of a shared
#   machine).
#   MPTCPD (1): mptcpd too, Debian 12's mptcpd 0.12 (bench/mptcpd-lib.sh:
#   the addr_adv path manager making a subflow endpoint of every address)
#   in the client namespace of a lab of its own; 0: not measured.
#   PMD2_BUILD, PMD2_ARGS: a further mode, pmd2, 'pmd --client PMD2_ARGS'
#   from PMD2_BUILD (default BUILD) in a third lab: a change measured
#   beside the code it replaces, or another option, in the same run (bulk
#   only).
# Prints a markdown section; the raw figures go to $OUT (default
# /tmp/lab-profiles-PID). Needs root.
set -u
TOP=$(cd "$(dirname "$0")/.." && pwd)
BUILD=$(cd "${1:-$TOP/build}" && pwd)
REPS=${2:-3}
SECS=${3:-10}
PROFILES=${4:-equal wifi-lte dsl-4g fibre-sat slow-second}
SHORT_REPS=${SHORT_REPS:-5}
SIZES=${SIZES:-100000 1000000 10000000}
SERVE_OPTS=${SERVE_OPTS:-}
PMD_OPTS=${PMD_OPTS:-}
DIRS=${DIRS:-up down}
M=$BUILD/tools/mptcpkit
SHORT="python3 $TOP/bench/lab-short.py"
OUT=${OUT:-/tmp/lab-profiles-$$}
K=bpk-$$
P=bpp-$$
Q=
PMD2_BUILD=${PMD2_BUILD:-}
PMD2_ARGS=${PMD2_ARGS:-}
[ -n "$PMD2_BUILD$PMD2_ARGS" ] && Q=bpq-$$
M2=$(cd "${PMD2_BUILD:-$BUILD}" && pwd)/tools/mptcpkit
MPTCPD=${MPTCPD:-1}
D=
MPTCPD_PID=
MPTCPD_WHY="MPTCPD=0"
if [ "$MPTCPD" = 1 ]; then
	. "$TOP/tests/pmd-lib.sh"	# wait_for, which mptcpd_start uses (functions only)
	. "$TOP/bench/mptcpd-lib.sh"
	if mptcpd_fetch >/dev/null 2>&1; then
		D=bpd-$$
	else
		MPTCPD_WHY="mptcpd could not be fetched"
	fi
fi
PORT=5400
SPORT=5499
PMD_PIDS=()

mkdir -p "$OUT"
cleanup() {
	stop_pmd
	[ -z "$MPTCPD_PID" ] || mptcpd_stop
	for lab in "$K" "$P" $Q $D; do
		"$M" lab down --force --name "$lab" >/dev/null 2>&1
	done
}
trap cleanup EXIT
trap 'exit 130' INT TERM

wait_listen() { # LAB PORT
	for _ in $(seq 100); do
		"$M" lab exec server --name "$1" ss -Hltn "sport = :$2" | grep -q . && return 0
		sleep 0.1
	done
	echo "no server on port $2 in lab $1" >&2
	return 1
}

# bulk LAB ADDR DIR [--tcp]: goodput in Mbit/s (or FAIL)
bulk() {
	local lab=$1 addr=$2 dir=$3 rev=""
	shift 3
	[ "$dir" = down ] && rev=-R
	PORT=$((PORT + 1))
	"$M" lab exec server --name "$lab" timeout $((SECS + 30)) "$M" perf -s -1 -p "$PORT" >/dev/null 2>&1 &
	wait_listen "$lab" "$PORT" || { echo FAIL; return; }
	"$M" lab exec client --name "$lab" timeout $((SECS + 30)) "$M" -j perf -c "$addr" -p "$PORT" \
		-t "$SECS" $rev "$@" 2>/dev/null |
		python3 -c 'import json,sys
try:
    d=json.load(sys.stdin); print("%.2f" % (d["bits_per_second"]/1e6) if d["verified"] and not d["mismatches"] else "FAIL")
except Exception:
    print("FAIL")'
	wait
}

# short LAB ADDR MODE [--tcp]: SHORT_REPS downloads of $size from ADDR,
# one line per completion time in $OUT/short
short() {
	local lab=$1 addr=$2 mode=$3 t
	shift 3
	for t in $("$M" lab exec client --name "$lab" $SHORT get "$addr" "$SPORT" "$size" "$SHORT_REPS" "$@"); do
		echo "$prof $size $mode $t" >>"$OUT/short"
	done
}

start_pmd() { # LAB LOG MPTCPKIT [ARGS]
	local lab=$1 log=$2 m=$3
	shift 3
	# pmd makes its own endpoints: the lab's are not pmd's, so it would
	# leave them alone (and could not make them backup)
	"$M" lab exec client --name "$lab" ip mptcp endpoint flush
	"$M" lab exec client --name "$lab" "$m" -j pmd --client "$@" >"$log" 2>&1 &
	PMD_PIDS+=($!)
}

stop_pmd() {
	for pid in "${PMD_PIDS[@]}"; do
		kill "$pid" 2>/dev/null && wait "$pid" 2>/dev/null
	done
	PMD_PIDS=()
}

LOAD0=$(cut -d' ' -f1-3 /proc/loadavg)
START=$(date -u '+%Y-%m-%d %H:%M')
for prof in $PROFILES; do
	"$M" lab up --name "$K" --profile "$prof" >/dev/null || { echo "lab up $prof failed" >&2; exit 1; }
	"$M" lab up --name "$P" --profile "$prof" >/dev/null || { echo "lab up $prof failed" >&2; exit 1; }
	# shellcheck disable=SC2086 # PMD_OPTS: words
	start_pmd "$P" "$OUT/pmd-$prof.log" "$M" $PMD_OPTS
	if [ -n "$Q" ]; then
		"$M" lab up --name "$Q" --profile "$prof" >/dev/null || { echo "lab up $prof failed" >&2; exit 1; }
		# shellcheck disable=SC2086 # PMD2_ARGS: words
		start_pmd "$Q" "$OUT/pmd2-$prof.log" "$M2" $PMD2_ARGS
	fi
	if [ -n "$D" ]; then
		"$M" lab up --name "$D" --profile "$prof" >/dev/null || { echo "lab up $prof failed" >&2; exit 1; }
		mptcpd_start "mpk-lab-$D-client" "$OUT/mptcpd-$prof.log" || exit 1
	fi
	sleep 2
	for lab in "$K" "$P" $D; do
		"$M" lab exec server --name "$lab" timeout 3600 $SHORT serve "$SPORT" $SERVE_OPTS >/dev/null 2>&1 &
		wait_listen "$lab" "$SPORT"
	done
	for r in $(seq "$REPS"); do
		for dir in $DIRS; do
			echo "$prof $dir tcp1 $(bulk "$K" 10.0.1.2 "$dir" --tcp)" >>"$OUT/bulk"
			echo "$prof $dir tcp2 $(bulk "$K" 10.0.2.2 "$dir" --tcp)" >>"$OUT/bulk"
			echo "$prof $dir kernel $(bulk "$K" 10.0.1.2 "$dir")" >>"$OUT/bulk"
			echo "$prof $dir pmd $(bulk "$P" 10.0.1.2 "$dir")" >>"$OUT/bulk"
			[ -z "$Q" ] || echo "$prof $dir pmd2 $(bulk "$Q" 10.0.1.2 "$dir")" >>"$OUT/bulk"
			[ -z "$D" ] || echo "$prof $dir mptcpd $(bulk "$D" 10.0.1.2 "$dir")" >>"$OUT/bulk"
		done
	done
	for size in $SIZES; do
		[ "$SHORT_REPS" -gt 0 ] || break
		short "$K" 10.0.1.2 tcp1 --tcp
		short "$K" 10.0.2.2 tcp2 --tcp
		short "$K" 10.0.1.2 kernel
		short "$P" 10.0.1.2 pmd
		[ -z "$D" ] || short "$D" 10.0.1.2 mptcpd
	done
	stop_pmd
	[ -z "$MPTCPD_PID" ] || mptcpd_stop
	MPTCPD_PID=
	[ -z "$D" ] || "$M" lab down --name "$D" >/dev/null
	"$M" lab down --name "$K" >/dev/null
	"$M" lab down --name "$P" >/dev/null
	[ -z "$Q" ] || "$M" lab down --name "$Q" >/dev/null
done
LOAD1=$(cut -d' ' -f1-3 /proc/loadavg)

touch "$OUT/bulk"
python3 - "$OUT" "$START" "$LOAD0" "$LOAD1" "$REPS" "$SECS" "$SHORT_REPS" "$(git -C "$TOP" rev-parse --short HEAD)" "$SERVE_OPTS" \
	"$(git -C "$(dirname "$M2")" rev-parse --short HEAD 2>/dev/null)" "$PMD2_ARGS" "$MPTCPD_WHY" <<'EOF'
import statistics as st, sys
out, start, load0, load1, reps, secs, sreps, commit, sopts, pmd2_build, pmd2_args, mptcpd_why = sys.argv[1:]
def med(v): return st.median(v) if v else float("nan")
bulk, short = {}, {}
for line in open(out + "/bulk"):
    p, d, m, v = line.split()
    bulk.setdefault((p, d, m), []).append(None if v == "FAIL" else float(v))
try:
    for line in open(out + "/short"):
        p, s, m, v = line.split()
        short.setdefault((p, int(s), m), []).append(None if v == "FAIL" else float(v))
except FileNotFoundError:
    pass
profiles = list(dict.fromkeys([k[0] for k in bulk] + [k[0] for k in short]))
print(f"## Paths like the field's: profiles, TCP per path vs MPTCP (issue 21, {start} UTC)")
print()
print(f"`bench/lab-profiles.sh build {reps} {secs}` (commit {commit}), 2 cores shared with other work:")
print(f"load average {load0} at the start, {load1} at the end. {reps} rounds of {secs} s per mode and")
print(f"direction (not 10: time), modes interleaved; short downloads {sreps} per size and mode.")
print("Delay by the NFQUEUE delay element (no netem here). kernel = the lab's subflow endpoint,")
print("in-kernel PM; pmd = `mptcpkit pmd --client` (defaults) in a second lab of the same profile.")
mptcpd = any(k[2] == "mptcpd" for k in list(bulk) + list(short))
if mptcpd:
    print("mptcpd = Debian 12's mptcpd 0.12 (addr_adv, subflow endpoints; bench/mptcpd-lib.sh) in a lab of its own.")
else:
    print(f"mptcpd was not measured ({mptcpd_why}).")
print("Goodput: perf's receiver, Mbit/s, median (min-max).")
print()
pmd2 = any(k[2] == "pmd2" for k in bulk)
modes = ("tcp1", "tcp2", "kernel", "pmd") + (("pmd2",) if pmd2 else ()) + (("mptcpd",) if mptcpd else ())
if pmd2:
    print(f"pmd2 = `pmd --client {pmd2_args}` of {pmd2_build} in a third lab.")
    print()
print("| profile | dir | TCP path 1 | TCP path 2 | kernel MPTCP | pmd MPTCP |" + (" pmd2 MPTCP |" if pmd2 else "") +
      (" mptcpd MPTCP |" if mptcpd else "") +
      " pmd / best path |" + (" pmd2 / best path |" if pmd2 else "") + (" mptcpd / best path |" if mptcpd else "") +
      " pmd / sum |")
print("|" + " --- |" * (8 + 2 * pmd2 + 2 * mptcpd))
fails = 0
for p in profiles:
    for d in ("up", "down"):
        if (p, d, "pmd") not in bulk:
            continue
        cells, meds = [], {}
        for m in modes:
            v = bulk.get((p, d, m), [])
            ok = [x for x in v if x is not None]
            fails += len(v) - len(ok)
            meds[m] = med(ok)
            cells.append("%.1f (%.1f-%.1f)%s" % (meds[m], min(ok), max(ok), "" if len(ok) == len(v) else " %d FAIL" % (len(v) - len(ok))) if ok else "FAIL")
        best = max(meds["tcp1"], meds["tcp2"])
        print(f"| {p} | {d} | " + " | ".join(cells) +
              " | %.2f (kernel %.2f)" % (meds["pmd"] / best, meds["kernel"] / best) +
              (" | %.2f" % (meds["pmd2"] / best) if pmd2 else "") +
              (" | %.2f" % (meds["mptcpd"] / best) if mptcpd else "") +
              " | %.2f |" % (meds["pmd"] / (meds["tcp1"] + meds["tcp2"])))
print()
if short:
    print("Short downloads over a fresh connection: completion time, median of %s (s)%s:" % (sreps, ", server " + sopts if sopts else ""))
    print()
    smodes = ("tcp1", "tcp2", "kernel", "pmd") + (("mptcpd",) if mptcpd else ())
    print("| profile | size | TCP path 1 | TCP path 2 | kernel MPTCP | pmd MPTCP |" + (" mptcpd MPTCP |" if mptcpd else "") +
          " pmd / best path |" + (" mptcpd / best path |" if mptcpd else ""))
    print("|" + " --- |" * (7 + 2 * mptcpd))
    for p in profiles:
        for s in sorted({k[1] for k in short if k[0] == p}):
            meds = {}
            for m in smodes:
                v = [x for x in short.get((p, s, m), []) if x is not None]
                fails += len(short.get((p, s, m), [])) - len(v)
                meds[m] = med(v)
            best = min(meds["tcp1"], meds["tcp2"])
            print(f"| {p} | {s // 1000} KB | " + " | ".join("%.3f" % meds[m] for m in smodes) +
                  " | %.2f (kernel %.2f)" % (meds["pmd"] / best, meds["kernel"] / best) +
                  (" | %.2f" % (meds["mptcpd"] / best) if mptcpd else "") + " |")
    print()
print(f"Failed or unverified transfers: {fails}.")
EOF
