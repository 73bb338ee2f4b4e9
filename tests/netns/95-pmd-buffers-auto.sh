#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0-or-later
# pmd's default wmem_max auto, and rmem_max auto (opt-in): tcp_wmem's ceiling starts at
# 262144 (small subflow queues: fast failover), rises when an upload keeps
# more in flight than a quarter of it (a fat path: 2 x 200 Mbit/s with a
# 20 ms queue, reno filling it), so the transfer is not held back, comes
# down again once it is over; tcp_rmem's the same from 524288 for a
# download (4 x the window it uses, rate x receive RTT: about 0.9 MB here,
# or the host's ceiling while segments keep arriving out of order, which
# reno's drops may or may not do within the check); both restored when pmd
# stops.
. "$(dirname "$0")/../lib.sh"
. "$(dirname "$0")/../pmd-lib.sh"
require_root
require_mptcp
require_cmd python3 sha256sum

# ceiling [wmem|rmem]: the third field of net.ipv4.tcp_wmem (or _rmem)
ceiling() { in_ns "$C" sysctl -n "net.ipv4.tcp_${1:-wmem}" | awk '{ print $3 }'; }
ceiling_is() { [ "$(ceiling "${2:-}")" = "$1" ]; }
ceiling_above() { [ "$(ceiling "${2:-}")" -gt "$1" ]; }

PMD_RATE=200mbit
pmd_topo 2>/dev/null
for ns in "$C" "$S"; do
	in_ns "$ns" sysctl -qw net.ipv4.tcp_congestion_control=reno ||
		skip_all "congestion control reno cannot be chosen in a namespace"
done
before=$(ceiling) rbefore=$(ceiling rmem)
[ "$before" -gt 1048576 ] || skip_all "tcp_wmem's ceiling is $before here: nothing to size"
[ "$rbefore" -gt 2097152 ] || skip_all "tcp_rmem's ceiling is $rbefore here: nothing to size"
log="$TMP/pmd.log"
pmd_start "$C" "$log" --client -j --rmem-max auto || { not_ok "pmd starts" "$(head -c 300 "$log")"; finish; }
check_ok "the ceiling starts at 262144" ceiling_is 262144
check_ok "the receive ceiling starts at 524288" ceiling_is 524288 rmem

PORT=5395
xfer_start 300M
check_ok "a transfer that needs more raises it" wait_for 10 ceiling_above 524288
check_ok "... logged with the bytes in flight that asked for it" \
	grep -qE '"action":"set-sysctl".*"in_flight":[0-9]+' "$log"
if timeout 60 tail --pid="$SENDER" -f /dev/null; then ok "the transfer ends"
else not_ok "the transfer ends" "still running after 60 s"; fi
wait_for 5 test -s "$TMP/served"
check "every byte arrived intact" "$(sha256sum <"$TMP/data" | cut -d' ' -f1) $((300 << 20))" \
	cat "$TMP/served"

PORT=5396
xfer_down_start 300M
check_ok "a download that needs more raises the receive ceiling" \
	wait_for 10 ceiling_above 524288 rmem
check_ok "... logged with the window that asked for it" \
	grep -qE '"action":"set-sysctl","sysctl":"net.ipv4.tcp_rmem".*"rcv_window":[0-9]+' "$log"
if timeout 60 tail --pid="$RECEIVER" -f /dev/null; then ok "the download ends"
else not_ok "the download ends" "still running after 60 s"; fi
check "every byte of it arrived intact" "$(sha256sum <"$TMP/data" | cut -d' ' -f1) $((300 << 20))" \
	cat "$TMP/got"
check_ok "idle again, both ceilings come down (after 10 s)" \
	wait_for 25 sh -c "$(declare -f ceiling ceiling_is in_ns); C=$C; ceiling_is 262144 && ceiling_is 524288 rmem"
check_ok "pmd stops" pmd_stop
check "the ceiling found at start is restored" "$before" ceiling
check "the receive ceiling found at start is restored" "$rbefore" ceiling rmem
finish
