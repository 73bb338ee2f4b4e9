#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0-or-later
# Reproducer: an MPTCP stream delivered damaged (same length, a block of
# bytes from another data-sequence offset) with the userspace path manager,
# as test 89 sees it. Per iteration: fresh namespaces (tests/pmd-lib.sh:
# two 50 Mbit/s tbf paths), 24 MiB of random data client -> server
# (tests/pmd-xfer.py), and during it: path 2 silently dropped 1.5 s (nft),
# then path 1 link down 0.5 s and up.  Who manages the paths:
#   --mode pmd     pmd --client -j --pm userspace (default)
#   --mode pmdk    pmd --client -j --pm kernel (the comparison)
#   --mode manual  no pmd: the userspace-PM commands pmd sends, by hand
#                  (mptcpkit remove/subflow), at the same moments
#   --mode none    userspace PM, one extra subflow made at start, nothing else
# Manual mode, environment: M_WHEN=up (default: the initial subflow is
# destroyed right after path 1 comes up, as pmd does) | down (0.1 s after
# it went down) | none (kept); M_REMOVE=1 (default; REMOVE id 0 first, as
# pmd) | 0; M_JOIN=1 (default; a join from 10.0.1.1 10 ms after) | 0.
# Options: -n N iterations (default 10), --valgrind (pmd under valgrind,
# as test 89), --csum (net.mptcp.checksum_enabled=1 both ends),
# --wmem-max auto|off|BYTES (pmd's, default auto), --pmd-arg ARG (one
# more argument for pmd, repeatable: --pmd-arg --no-checksum runs pmd
# without the DSS checksums it asks for by default), -o DIR (kept results,
# default /tmp/upm-damage.PID), --keep-all (keep intact runs too), --pcap
# (full captures on the server's s1 and s2, kept for damaged runs, and
# pcap.txt: the segments that carried the damaged range, their mappings).
# For each damaged run DIR/runK/ holds: pmd.log (-j), mon-c.log and
# mon-s.log (mptcpkit -j monitor, each line stamped), events.log (what the
# script did, stamped), damage.txt, nstat-c.txt / nstat-s.txt (MPTcpExt
# and TcpExt counters), rx.log.  Ends with a one-line summary.
#   sudo flock /tmp/mpk-bench.lock bench/upm-damage.sh -n 20
set -u
M_WHEN=${M_WHEN:-up} M_REMOVE=${M_REMOVE:-1} M_JOIN=${M_JOIN:-1}
PCAP=0 N=10 MODE=pmd VALGRIND=0 CSUM=0 WMEM=auto OUT= KEEP_ALL=0 PMD_ARGS=()
while [ $# -gt 0 ]; do
	case "$1" in
	-n) N=$2; shift ;;
	--mode) MODE=$2; shift ;;
	--valgrind) VALGRIND=1 ;;
	--csum) CSUM=1 ;;
	--wmem-max) WMEM=$2; shift ;;
	--pmd-arg) PMD_ARGS+=("$2"); shift ;;
	-o) OUT=$2; shift ;;
	--keep-all) KEEP_ALL=1 ;;
	--pcap) PCAP=1 ;;
	-h|--help) sed -n '3,30p' "$0"; exit 0 ;;
	*) echo "unknown argument $1" >&2; exit 2 ;;
	esac
	shift
done
. "$(dirname "$0")/../tests/lib.sh"
. "$(dirname "$0")/../tests/pmd-lib.sh"
require_root
require_mptcp
require_cmd python3 ss tc nft sha256sum nstat
OUT=${OUT:-/tmp/upm-damage.$$}
mkdir -p "$OUT"
PY_DAMAGE='
import sys
a, b = open(sys.argv[1], "rb").read(), open(sys.argv[2], "rb").read()
diff = [i for i in range(min(len(a), len(b))) if a[i] != b[i]]
if not diff:
    print("lengths %d and %d, no differing byte" % (len(a), len(b))); sys.exit()
# runs of differing bytes (gaps under 64 bytes joined)
runs, s, p = [], diff[0], diff[0]
for i in diff[1:]:
    if i - p > 64:
        runs.append((s, p)); s = i
    p = i
runs.append((s, p))
for s, e in runs:
    at = a.find(b[s:s + 64])
    src = "bytes never sent" if at < 0 else "sent bytes from offset %d (%+d)" % (at, at - s)
    print("bytes %d-%d (%d long, %d differ; %d mod 1424 = %d); received there: %s"
          % (s, e, e - s + 1, sum(1 for i in diff if s <= i <= e), s, s % 1424, src))
print("total: %d bytes differ in %d run(s), lengths %d/%d" % (len(diff), len(runs), len(a), len(b)))
'
T0=0
stamp() { python3 -c 'import time; print("%.3f" % time.time())'; }
ev() { echo "$(date +%s.%N | cut -c1-14) $*" >>"$RUN/events.log"; }
# mon NS FILE: the monitor, each line stamped
mon() {
	bg "$1" sh -c "stdbuf -oL '$MPTCPKIT' -j monitor | while IFS= read -r l; do echo \"\$(date +%s.%N | cut -c1-14) \$l\"; done >'$2'"
}
token() { grep -m1 '"type":"established"\|"type":"created"' "$RUN/mon-c.log" 2>/dev/null | grep -o '"token":[0-9]*' | cut -d: -f2; }
has_token() { [ -n "$(token)" ]; }
# up: subflow 10.0.2.1 -> server (manual/none modes)
m_create() {
	in_ns "$C" "$MPTCPKIT" subflow create token "$(token)" lid 2 laddr 10.0.2.1 raddr 10.0.1.2 rport "$PORT" dev c2 >>"$RUN/events.log" 2>&1
	ev "subflow create 10.0.2.1 rc=$?"
}
m_destroy() {	# m_destroy LADDR ID: as pmd's destroy_sub: REMOVE id, then SUBFLOW_DESTROY
	local lport
	lport=$(in_ns "$C" ss -Htn state established "( dport = :$PORT ) and src $1" | awk '{print $3}' | sed 's/.*://' | head -1)
	in_ns "$C" "$MPTCPKIT" remove token "$(token)" id "$2" >>"$RUN/events.log" 2>&1
	ev "remove id $2 rc=$?"
	[ -n "$lport" ] || { ev "no subflow from $1"; return; }
	in_ns "$C" "$MPTCPKIT" subflow destroy token "$(token)" laddr "$1" lport "$lport" raddr 10.0.1.2 rport "$PORT" >>"$RUN/events.log" 2>&1
	ev "subflow destroy $1:$lport rc=$?"
}

# the initial subflow (10.0.1.1, address id 0): as pmd does it, REMOVE id 0
# then SUBFLOW_DESTROY (M_REMOVE=0: the destroy alone)
m_destroy_first() {
	local lport
	lport=$(in_ns "$C" ss -Htn state established "( dport = :$PORT ) and src 10.0.1.1" | awk '{print $3}' | sed 's/.*://' | head -1)
	if [ "$M_REMOVE" = 1 ]; then
		in_ns "$C" "$MPTCPKIT" remove token "$(token)" id 0 >>"$RUN/events.log" 2>&1
		ev "remove id 0 rc=$?"
	fi
	[ -n "$lport" ] || { ev "no subflow from 10.0.1.1"; return; }
	in_ns "$C" "$MPTCPKIT" subflow destroy token "$(token)" laddr 10.0.1.1 lport "$lport" raddr 10.0.1.2 rport "$PORT" >>"$RUN/events.log" 2>&1
	ev "subflow destroy 10.0.1.1:$lport rc=$?"
}

one() {
	local k=$1 pm=userspace want got vgpid= ok=1
	RUN=$OUT/run$k
	mkdir -p "$RUN"
	RUN_ID=$$-$k
	_NAMESPACES=() _PIDS=()
	pmd_topo "" 2>/dev/null
	[ "$MODE" = pmdk ] && pm=kernel
	if [ "$pm" = userspace ]; then
		in_ns "$C" sysctl -qw net.mptcp.path_manager=userspace || { echo "no userspace PM"; exit 1; }
	fi
	if [ "$CSUM" = 1 ]; then
		in_ns "$C" sysctl -qw net.mptcp.checksum_enabled=1
		in_ns "$S" sysctl -qw net.mptcp.checksum_enabled=1
	fi
	# pmd's --wmem-max auto ends at this ceiling in these runs: the same without pmd
	[ "$MODE" = manual ] || [ "$MODE" = none ] && in_ns "$C" sysctl -qw net.ipv4.tcp_wmem="4096 16384 851968"
	mon "$C" "$RUN/mon-c.log"
	mon "$S" "$RUN/mon-s.log"
	in_ns "$C" nstat -n; in_ns "$S" nstat -n
	if [ "$PCAP" = 1 ]; then
		bg "$S" tcpdump -q -U -B 32768 -s 0 -i s1 -w "$RUN/s1.pcap" 2>/dev/null
		bg "$S" tcpdump -q -U -B 32768 -s 0 -i s2 -w "$RUN/s2.pcap" 2>/dev/null
		sleep 0.5
	fi
	case "$MODE" in
	pmd|pmdk)
		local vg=()
		[ "$VALGRIND" = 1 ] && vg=(valgrind -q --error-exitcode=99)
		bg "$C" "${vg[@]}" "$MPTCPKIT" pmd --client -j --pm "$pm" --wmem-max "$WMEM" \
			--probe c2=10.0.2.2:5399 "${PMD_ARGS[@]}" 2>"$RUN/pmd.log"
		vgpid=$BG_PID
		wait_for 20 grep -q '"action":"start"' "$RUN/pmd.log" || { echo "run$k: pmd did not start"; return 2; }
		;;
	esac
	sleep 0.3
	PORT=$((5300 + k % 500))
	MPK_XFER_SAVE=$RUN/received xfer_start 24M
	ev "transfer started"
	[ "$MODE" = manual ] || [ "$MODE" = none ] && { wait_for 5 has_token; m_create; }
	wait_for 10 both_paths || ev "not both paths after 10 s"
	ev "both paths"
	path_silent 2 on; ev "path 2 silent"
	if [ "$MODE" = manual ]; then sleep 0.5; m_destroy 10.0.2.1 2; sleep 1.0; else sleep 1.5; fi
	path_silent 2 off; ev "path 2 back"
	[ "$MODE" = manual ] && m_create
	path_set 1 down; ev "path 1 down"
	if [ "$MODE" = manual ] && [ "$M_WHEN" = down ]; then
		sleep 0.1; m_destroy_first; sleep 0.4
	else
		sleep 0.5
	fi
	path_set 1 up; ev "path 1 up"
	if [ "$MODE" = manual ] && [ "$M_WHEN" = up ]; then
		m_destroy_first
	fi
	if [ "$MODE" = manual ] && [ "$M_WHEN" != none ] && [ "$M_JOIN" = 1 ]; then
		sleep 0.01
		in_ns "$C" "$MPTCPKIT" subflow create token "$(token)" lid 3 laddr 10.0.1.1 raddr 10.0.1.2 rport "$PORT" dev c1 >>"$RUN/events.log" 2>&1
		ev "subflow create 10.0.1.1 rc=$?"
	fi
	timeout 60 tail --pid="$SENDER" -f /dev/null
	wait_for 5 test -s "$TMP/served"
	ev "transfer ended"
	want="$(sha256sum <"$TMP/data" | cut -d' ' -f1) $((24 << 20))"
	got=$(cat "$TMP/served" 2>/dev/null)
	in_ns "$C" nstat -az | grep -E '^(MPTcpExt|TcpExtTCPOFO|TcpExtTCPSACK|TcpExtTCPLoss|TcpExtTCPTimeouts)' | awk '$2 != 0' >"$RUN/nstat-c.txt"
	in_ns "$S" nstat -az | grep -E '^(MPTcpExt|TcpExtTCPOFO|TcpExtTCPSACK|TcpExtTCPLoss|TcpExtTCPTimeouts)' | awk '$2 != 0' >"$RUN/nstat-s.txt"
	[ -n "$vgpid" ] && { kill -TERM "$vgpid"; wait "$vgpid"; }
	cp "$TMP/rx.log" "$RUN/" 2>/dev/null
	# the counters that tell a mapping or checksum problem, both ends, every run
	local cnt
	cnt=$(for e in c s; do grep -E 'DSSNotMatching|DSSNoMatchTCP|DataCsumErr|MPFail|InfiniteMap|DSSCorrupt|MPRstTx|RmSubflow|MPJoinRejected' "$RUN/nstat-$e.txt" |
		awk -v e=$e '{printf "%s:%s=%s ", e, substr($1, 9), $2}'; done)
	if [ "$got" = "$want" ]; then
		echo "run$k: intact; $cnt"
		ok=1
	elif [ -z "$got" ]; then
		echo "run$k: no result (connection failed?)" | tee "$RUN/damage.txt"
		ok=2
	else
		python3 -c "$PY_DAMAGE" "$TMP/data" "$RUN/received" >"$RUN/damage.txt"
		echo "run$k: DAMAGED: $(head -1 "$RUN/damage.txt"); $cnt"
		ok=0
	fi
	# stop this iteration's processes and namespaces (lib.sh's cleanup, per run)
	for pid in "${_PIDS[@]}"; do kill "$pid" 2>/dev/null; done
	for pid in "${_PIDS[@]}"; do wait "$pid" 2>/dev/null; done
	for ns in "${_NAMESPACES[@]}"; do
		ip netns pids "$ns" 2>/dev/null | xargs -r kill -9 2>/dev/null
		ip netns del "$ns" 2>/dev/null
	done
	_NAMESPACES=() _PIDS=()
	if [ "$PCAP" = 1 ] && [ $ok = 0 ]; then
		set -- $(head -1 "$RUN/damage.txt" | sed 's/^bytes \([0-9]*\)-\([0-9]*\) .*/\1 \2/')
		python3 "$TOP/bench/upm-damage-pcap.py" "$TMP/data" "$1" "$2" "$RUN"/s[12].pcap >"$RUN/pcap.txt" 2>&1
	fi
	[ $ok = 0 ] || rm -f "$RUN"/s[12].pcap
	rm -f "$TMP/served" "$TMP/data" "$TMP/rx.log" "$RUN/received"
	[ $ok = 1 ] && [ "$KEEP_ALL" = 0 ] && rm -rf "$RUN"
	return $ok
}

echo "# kernel $(uname -r), mode $MODE$([ "$MODE" = manual ] && echo " (M_WHEN=$M_WHEN M_REMOVE=$M_REMOVE M_JOIN=$M_JOIN)"), valgrind $VALGRIND, csum $CSUM, wmem-max $WMEM, pmd args: ${PMD_ARGS[*]:-none}, load $(cut -d' ' -f1-3 /proc/loadavg), results in $OUT"
dmg=0 fail=0
for k in $(seq "$N"); do
	one "$k"
	case $? in 0) dmg=$((dmg + 1)) ;; 2) fail=$((fail + 1)) ;; esac
done
echo "# summary: $dmg damaged, $fail failed, $((N - dmg - fail)) intact of $N (mode $MODE, valgrind $VALGRIND, csum $CSUM, pmd args: ${PMD_ARGS[*]:-none}); load $(cut -d' ' -f1-3 /proc/loadavg)"
