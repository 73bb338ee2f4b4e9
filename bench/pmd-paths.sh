#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0-or-later
# pmd beside the kernel alone on paths that fail in other ways than a clean
# cut (bench/pmd-failover.sh has that), in the two-path topology of
# tests/pmd-lib.sh (2 x 50 Mbit/s tbf), one transfer per mode and direction:
#   churn   OUTAGES (100) outages of one path at a time, 0.2-0.5 s each,
#           0.25 s apart, alternating link down and silent drop (nft drop
#           both ways, link up), seen from the client only (CHURN_ENDS=client,
#           the default: the client's link goes down, the client drops) or
#           from both ends (CHURN_ENDS=both: as before 2026-12-07); goodput against the capacity that
#           was up, every byte intact, both paths used after the last one
#   silent  REPS silent cuts of one path (SILENT_DOWN, 3 s), 3 s apart, alternating paths
#   lossy   1 % and 3 % random loss (nft numgen, both ways) on path 2,
#           goodput in REPS windows of 3 s
#   churnhc the churn above with a server that has one address (10.0.1.2;
#           s2 keeps only a route) and a receiver that half-closes at once
#           (issue 24: the server in "up", the client in "down"): the kernel
#           refuses every join, so the connection lives on its first subflow
# Modes: pmd (`mptcpkit pmd --client` in the client namespace), pmdboth
# (pmd's defaults on both ends: `mptcpkit pmd --server` in the server
# namespace too, so in "down" the sender's queues are pmd's as well),
# kernel (the same subflow endpoints and limits by hand, the in-kernel PM
# alone), mptcpd (Debian 12's mptcpd 0.12 in the client namespace making
# the same subflow endpoints: bench/mptcpd-lib.sh), and, when asked in
# MODES, pmdwmem (pmd with --wmem-max WMEM_MAX,
# 262144), pmdoff (pmd with --wmem-max off: the kernel's buffers, as pmd
# was before wmem_max = auto became its default) and pmdrmem (pmd with
# --rmem-max RMEM_MAX, 524288: a smaller receive window, opt-in),
# pmdbackup (pmd with --on-link-down backup) and pmdremove (pmd with
# --on-link-down remove), to compare what pmd does with a link that goes down.
# Directions (DIRS): up = client -> server, down = server -> client (in
# "down" the server's scheduler chooses the paths and holds the queues).
#   bench/pmd-paths.sh [BUILD_DIR] [SCENARIOS] [REPS]    (root)
#   e.g. sudo bench/pmd-paths.sh build "churn silent lossy" 10   (~23 min)
# Prints a table per scenario and appends them to bench/RESULTS.md
# (PMD_BENCH_NO_APPEND=1: print only; PMD_ARGS: more options for pmd, e.g.
# -j for its decisions with their times; PMD_BENCH_KEEP=DIR keeps the logs;
# SS_SNAP=1: ss -tin of both ends 0.1 s after each outage, in the logs;
# SERVER_SUBFLOWS=N: the server's subflow limit set to N by hand).
set -u
HERE=$(cd "$(dirname "$0")" && pwd)
export MPK_BUILD=$(cd "${1:-$HERE/../build}" && pwd)
SCENARIOS=${2:-churn silent lossy}
REPS=${3:-10}
OUTAGES=${OUTAGES:-100}
SILENT_DOWN=${SILENT_DOWN:-3}
DIRS=${DIRS:-up down}
MODES=${MODES:-pmd pmdboth kernel mptcpd}
. "$HERE/../tests/lib.sh"
. "$HERE/../tests/pmd-lib.sh"
. "$HERE/mptcpd-lib.sh"
require_root
require_mptcp
require_cmd python3 tc nft
PY="python3 $HERE/pmd-paths.py"
XFER="python3 $HERE/../tests/pmd-xfer.py"
SEND="python3 $HERE/pmd-send.py"
SAMPLE="python3 $HERE/pmd-failover.py sample"
PORT=5310
T=mpkbench

now() { date +%s.%N; }

# nft_setup: in both namespaces, a set of interfaces whose incoming packets
# are dropped (a silent cut: both ways, as each end drops what arrives).
nft_setup() {
	local ns
	for ns in "$C" "$S"; do
		in_ns "$ns" nft -f - <<-EOF || return 1
		table inet $T {
			set cut { type ifname; }
			set cutout { type ifname; }
			chain in { type filter hook prerouting priority -300; policy accept;
				iifname @cut drop; }
			chain out { type filter hook output priority -300; policy accept;
				oifname @cutout drop; }
		}
		EOF
	done
}

# silent_set K on|off [client]: path K silently cut (link stays up), or
# working: each end drops what arrives; with "client", the client alone
# drops both ways (what arrives, and what it sends, in its output hook).
silent_set() {
	local op=add
	[ "$2" = off ] && op=delete
	in_ns "$C" nft "$op element inet $T cut { \"c$1\" }"
	if [ "${3:-}" = client ]; then
		in_ns "$C" nft "$op element inet $T cutout { \"c$1\" }"
		return
	fi
	in_ns "$S" nft "$op element inet $T cut { \"s$1\" }"
}

# churn_set K down|up: one outage's start or end, as CHURN_ENDS says:
# client (the default: a flap seen from one end only, as a client's Wi-Fi
# or modem link) or both (the link down at both ends, the drop on both).
churn_set() {
	local k=$1 dir=$2 kind=$3
	if [ "$kind" = link ] && [ "${CHURN_ENDS:-client}" = client ]; then
		ip -n "$C" link set "c$k" "$dir"
	elif [ "$kind" = link ]; then
		path_set "$k" "$dir"
	elif [ "$dir" = down ]; then
		silent_set "$k" on "${CHURN_ENDS:-client}"
	else
		silent_set "$k" off "${CHURN_ENDS:-client}"
	fi
}

# loss_set K PCT: random loss of PCT % on path K, each way.
loss_set() {
	local per_mille
	per_mille=$(python3 -c "print(round($2 * 10))")
	in_ns "$C" nft add rule inet $T in iifname "c$1" numgen random mod 1000 "<" "$per_mille" drop
	in_ns "$S" nft add rule inet $T in iifname "s$1" numgen random mod 1000 "<" "$per_mille" drop
}

# one_address: the server keeps 10.0.1.2 only (churnhc).
one_address() {
	ip -n "$S" addr del 10.0.2.2/24 dev s2
	ip -n "$S" route add 10.0.2.0/24 dev s2
}

# mode_up MODE TAG: the topology, then pmd or the endpoints by hand.
mode_up() {
	pmd_topo "$2" 2>/dev/null
	[ -n "${ONE_ADDRESS:-}" ] && one_address
	# SERVER_SUBFLOWS=N: the server's subflow limit raised by hand (the
	# kernel's default is 2), to tell it apart from pmd --server's effects
	[ -n "${SERVER_SUBFLOWS:-}" ] &&
		in_ns "$S" ip mptcp limits set subflows "$SERVER_SUBFLOWS" add_addr_accepted 0
	nft_setup || { echo "nft setup failed" >&2; exit 1; }
	if [ "$1" = mptcpd ]; then
		in_ns "$C" ip mptcp limits set subflows 2 add_addr_accepted 2
		mptcpd_start "$C" "$TMP/mptcpd-$2.log" || exit 1
	elif [ "$1" != kernel ]; then
		# shellcheck disable=SC2046 # word splitting of the options wanted
		if [ "$1" = pmdboth ]; then
			# shellcheck disable=SC2086 # PMD_ARGS: options, split
			pmd_start "$S" "$TMP/pmds-$2.log" --server ${PMD_ARGS:-} ||
				{ echo "server pmd did not start: $(head -c 300 "$TMP/pmds-$2.log")" >&2; exit 1; }
			SERVER_PMD_PID=$PMD_PID
		fi
		pmd_start "$C" "$TMP/pmd-$2.log" --client $(pmd_mode_args "$1") ${PMD_ARGS:-} ||
			{ echo "pmd did not start: $(head -c 300 "$TMP/pmd-$2.log")" >&2; exit 1; }
	else
		in_ns "$C" ip mptcp limits set subflows 2 add_addr_accepted 2
		in_ns "$C" ip mptcp endpoint add 10.0.1.1 dev c1 subflow
		in_ns "$C" ip mptcp endpoint add 10.0.2.1 dev c2 subflow
	fi
	# on a loaded machine the first connect could come before the route
	# (ENETUNREACH; pmd's start gave the time)
	wait_for 5 in_ns "$C" ping -c1 -W1 -q 10.0.1.2 >/dev/null
}

# pmd_mode_args MODE: pmd's options in MODE (pmd: none; pmdwmem: the send
# buffer ceiling WMEM_MAX, default 262144; pmdoff: that ceiling left alone;
# pmdrmem: the receive buffer ceiling RMEM_MAX, default 524288).
pmd_mode_args() {
	case "$1" in
	pmdwmem) echo "--wmem-max ${WMEM_MAX:-262144}" ;;
	pmdoff) echo "--wmem-max off" ;;
	pmdrmem) echo "--rmem-max ${RMEM_MAX:-524288}" ;;
	pmdbackup) echo "--on-link-down backup" ;;
	pmdremove) echo "--on-link-down remove" ;;
	esac
}

# mode_down MODE: stop pmd, every process of the namespaces, the namespaces.
mode_down() {
	case "$1" in
	kernel) ;;
	mptcpd) mptcpd_stop ;;
	*) pmd_stop ;;
	esac
	if [ "$1" = pmdboth ]; then
		kill -TERM "$SERVER_PMD_PID" 2>/dev/null
		wait "$SERVER_PMD_PID"
	fi
	ip netns pids "$C" | xargs -r kill 2>/dev/null
	ip netns pids "$S" | xargs -r kill 2>/dev/null
	sleep 0.5
	ip netns del "$C"
	ip netns del "$S"
}

# stream_start DIR SECONDS TAG: the transfer (the receiver is pmd-xfer.py,
# logging to $TMP/received-TAG; the sender pmd-send.py) and the sender's
# tx sampler ($TMP/samples-TAG). Each end prints "SHA256 BYTES".
stream_start() {
	local dir=$1 secs=$2 tag=$3 srv cli sns sifs
	if [ "$dir" = up ]; then
		srv="$XFER serve $PORT $TMP/received-$tag" cli="$SEND connect 10.0.1.2 $PORT $secs"
		sns=$C sifs="c1 c2"
	else
		srv="$SEND serve $PORT $secs" cli="$XFER recv 10.0.1.2 $PORT $TMP/received-$tag"
		sns=$S sifs="s1 s2"
	fi
	bg "$S" env MPK_XFER_HALFCLOSE="${HALFCLOSE:-0}" $srv >"$TMP/server-$tag.out"
	SERVER_PID=$BG_PID
	wait_listen "$S" $PORT || { echo "server did not listen" >&2; exit 1; }
	bg "$sns" $SAMPLE "$TMP/samples-$tag" "$(python3 -c "print($secs + 3)")" $sifs
	bg "$C" env MPK_XFER_HALFCLOSE="${HALFCLOSE:-0}" $cli >"$TMP/client-$tag.out"
	CLIENT_PID=$BG_PID
	if [ "$dir" = up ]; then SENDER_PID=$CLIENT_PID; else SENDER_PID=$SERVER_PID; fi
}

# stream_finish TAG: wait for both ends (at most 40 s each, then kill);
# one JSON line: both ended well (alive), and the receiver's checksum and
# byte count equal the sender's (intact).
stream_finish() {
	local tag=$1 pid alive=true intact=false sent got
	for pid in "$CLIENT_PID" "$SERVER_PID"; do
		timeout 40 tail --pid="$pid" -f /dev/null || kill "$pid" 2>/dev/null
		wait "$pid" || alive=false
	done
	sent=$(cat "$TMP/server-$tag.out") got=$(cat "$TMP/client-$tag.out")
	[ "$alive" = true ] && [ -n "$sent" ] && [ "$sent" = "$got" ] && intact=true
	printf '{"alive": %s, "intact": %s, "bytes": "%s"}\n' "$alive" "$intact" "${got##* }"
}

# ss_snap TAG WHAT: SS_SNAP=1: both ends' subflows of the transfer (ss -tin)
# 0.1 s after an outage's end, appended to $TMP/ss-TAG (with PMD_BENCH_KEEP).
ss_snap() {
	sleep 0.1
	{
		echo "== $2 $(now) client"
		in_ns "$C" ss -tinH "( dport = :$PORT or sport = :$PORT )"
		echo "== $2 $(now) server"
		in_ns "$S" ss -tinH "( dport = :$PORT or sport = :$PORT )"
	} >>"$TMP/ss-$1" 2>&1
}

# churn_run MODE DIR: one transfer through OUTAGES outages (the namespaces'
# nstat counters at the end in $TMP/nstat-client-TAG and -server-TAG).
churn_run() {
	local mode=$1 dir=$2 tag="churn${3:-}-$1-$2" k kind down gap secs
	$PY schedule "$OUTAGES" 8 >"$TMP/schedule"
	# room for a loaded machine, where the commands of each outage take
	# longer than planned: the sender is told when the churn is over
	secs=$(awk '{ s += $3 + $4 + 0.35 } END { printf "%d", 3 * s + 3 + 5 }' "$TMP/schedule")
	mode_up "$mode" "$tag"
	stream_start "$dir" "$secs" "$tag"
	sleep 3
	: >"$TMP/events-$tag"
	while read -r k kind down gap; do
		echo "down $k $kind $(now)" >>"$TMP/events-$tag"
		churn_set "$k" down "$kind"
		sleep "$down"
		echo "up $k $(now)" >>"$TMP/events-$tag"
		churn_set "$k" up "$kind"
		[ -n "${SS_SNAP:-}" ] && ss_snap "$tag" "up $k $kind" &
		sleep "$gap"
	done <"$TMP/schedule"
	sleep 5	# the 5 s after the last outage, then the sender ends
	kill -USR1 "$SENDER_PID" 2>/dev/null
	stream_finish "$tag" >"$TMP/end-$tag"
	in_ns "$C" nstat -az >"$TMP/nstat-client-$tag" 2>&1
	in_ns "$S" nstat -az >"$TMP/nstat-server-$tag" 2>&1
	mode_down "$mode"
	$PY churn "$TMP/samples-$tag" "$TMP/received-$tag" "$TMP/events-$tag" "$mode-$dir${3:+-$3}" |
		python3 -c 'import json,sys; d=json.load(sys.stdin); d.update(json.load(open(sys.argv[1]))); print(json.dumps(d))' \
			"$TMP/end-$tag" | tee "$TMP/result-$tag"
}

# silent_run MODE DIR: REPS silent cuts of SILENT_DOWN s, 3 s apart.
silent_run() {
	local mode=$1 dir=$2 tag="silent-$1-$2" i k secs
	secs=$((3 + REPS * (SILENT_DOWN + 3) + 2))
	mode_up "$mode" "$tag"
	stream_start "$dir" "$secs" "$tag"
	sleep 3
	: >"$TMP/events-$tag"
	for i in $(seq "$REPS"); do
		k=$((1 + i % 2))
		echo "cut $k $(now)" >>"$TMP/events-$tag"
		silent_set $k on
		sleep "$SILENT_DOWN"
		echo "restore $k $(now)" >>"$TMP/events-$tag"
		silent_set $k off
		sleep 3
	done
	stream_finish "$tag" >"$TMP/end-$tag"
	mode_down "$mode"
	$PY silent "$TMP/samples-$tag" "$TMP/received-$tag" "$TMP/events-$tag" "$mode-$dir" |
		tee "$TMP/result-$tag"
	cat "$TMP/end-$tag"
}

# lossy_run MODE DIR PCT: PCT % loss on path 2, REPS windows of 3 s.
lossy_run() {
	local mode=$1 dir=$2 pct=$3 tag="lossy$3-$1-$2" start
	mode_up "$mode" "$tag"
	loss_set 2 "$pct"
	stream_start "$dir" $((3 + REPS * 3 + 1)) "$tag"
	sleep 3
	start=$(now)
	stream_finish "$tag" >"$TMP/end-$tag"
	mode_down "$mode"
	$PY lossy "$TMP/samples-$tag" "$TMP/received-$tag" "$start" "$REPS" 3 "$mode-$dir-$pct" |
		tee "$TMP/result-$tag"
	cat "$TMP/end-$tag"
}

START=$(date -u +%Y-%m-%dT%H:%MZ)
LOAD=$(cut -d' ' -f1 /proc/loadavg)
COMMIT=$(git -C "$HERE" rev-parse --short HEAD 2>/dev/null || echo unknown)
for scen in $SCENARIOS; do
	for dir in $DIRS; do
		for mode in $MODES; do
			case $scen in
			churn) churn_run "$mode" "$dir" ;;
			churnhc) ONE_ADDRESS=1 HALFCLOSE=1 churn_run "$mode" "$dir" hc ;;
			silent) silent_run "$mode" "$dir" ;;
			lossy) for pct in 1 3; do lossy_run "$mode" "$dir" $pct; done ;;
			*) echo "unknown scenario $scen" >&2; exit 2 ;;
			esac
		done
	done
done

[ -n "${PMD_BENCH_KEEP:-}" ] && cp -r "$TMP" "$PMD_BENCH_KEEP"
TABLES=$($PY report "$TMP" $SCENARIOS)
echo "$TABLES"
[ -n "${PMD_BENCH_NO_APPEND:-}" ] && exit 0
{
	echo
	echo "## pmd on churn, silent cuts and lossy paths (bench/pmd-paths.sh)"
	echo
	echo "Date $START; machine: $(nproc) cores, kernel $(uname -r), load average $LOAD at the start;"
	awk -v l="$LOAD" 'BEGIN { exit !(l > 1) }' &&
		echo "**the cores were shared with other jobs** (figures are noisy; re-run on a quiet machine)."
	echo "Two paths of 50 Mbit/s (tbf), no delay; pmd = \`mptcpkit pmd --client\` (pmd of commit $COMMIT),"
	case " $MODES " in *" pmdwmem "*)
		echo "pmdwmem = the same with \`--wmem-max ${WMEM_MAX:-262144}\`;" ;;
	esac
	case " $MODES " in *" pmdoff "*)
		echo "pmdoff = the same with \`--wmem-max off\` (the kernel's send buffer ceiling);" ;;
	esac
	case " $MODES " in *" pmdrmem "*)
		echo "pmdrmem = the same with \`--rmem-max ${RMEM_MAX:-524288}\`;" ;;
	esac
	case " $MODES " in *" pmdbackup "*)
		echo "pmdbackup = the same with \`--on-link-down backup\`;" ;;
	esac
	case " $MODES " in *" pmdremove "*)
		echo "pmdremove = the same with \`--on-link-down remove\`;" ;;
	esac
	case " $MODES " in *" pmdboth "*)
		echo "pmdboth = pmd's defaults on both ends (\`mptcpkit pmd --server\` on the server too);" ;;
	esac
	case " $MODES " in *" mptcpd "*)
		echo "mptcpd = Debian 12's mptcpd 0.12 in the client namespace (addr_adv, --addr-flags=subflow; bench/mptcpd-lib.sh);" ;;
	esac
	echo "congestion control $(sysctl -n net.ipv4.tcp_congestion_control) (the host's default);"
	echo "kernel = the same subflow endpoints (with dev) and limits set by hand, in-kernel PM alone."
	echo "up = client -> server, down = server -> client; one transfer per mode and direction,"
	echo "sha256 of the stream compared end to end. Command: \`sudo bench/pmd-paths.sh build \"$SCENARIOS\" $REPS\`"
	echo "(OUTAGES=$OUTAGES, SILENT_DOWN=$SILENT_DOWN). Churn: goodput between the first outage's start and the last one's end"
	echo "over (paths up x 47.8 Mbit/s, time-weighted); blocks of 10 outages give median and worst."
	echo "Silent: time until the goodput is back at 80 % of the surviving path's rate for 300 ms"
	echo "(bench/pmd-failover.py's measure), and until the restored path carries traffic again."
	echo "Lossy: goodput in $REPS windows of 3 s. Churn outages seen from: ${CHURN_ENDS:-client} (CHURN_ENDS)."
	case " $SCENARIOS " in *" churnhc "*)
		echo "Churnhc: the churn with a server of one address (10.0.1.2) and a receiver that half-closes at"
		echo "once (the server in up, the client in down): the kernel refuses every join (issue 24)." ;;
	esac
	echo
	echo "$TABLES"
} >>"$HERE/RESULTS.md"
