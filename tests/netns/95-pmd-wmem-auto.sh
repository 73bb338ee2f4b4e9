#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0-or-later
# pmd's default wmem_max auto: tcp_wmem's ceiling starts at 262144 (small
# subflow queues: fast failover), rises when a transfer keeps more in
# flight than a quarter of it (a fat path: 2 x 200 Mbit/s with a 20 ms
# queue, reno filling it), so the transfer is not held back, comes down
# again once the transfer is over, and is restored when pmd stops.
. "$(dirname "$0")/../lib.sh"
. "$(dirname "$0")/../pmd-lib.sh"
require_root
require_mptcp
require_cmd python3 sha256sum

ceiling() { in_ns "$C" sysctl -n net.ipv4.tcp_wmem | awk '{ print $3 }'; }
ceiling_is() { [ "$(ceiling)" = "$1" ]; }
ceiling_above() { [ "$(ceiling)" -gt "$1" ]; }

PMD_RATE=200mbit
pmd_topo 2>/dev/null
for ns in "$C" "$S"; do
	in_ns "$ns" sysctl -qw net.ipv4.tcp_congestion_control=reno ||
		skip_all "congestion control reno cannot be chosen in a namespace"
done
before=$(ceiling)
[ "$before" -gt 1048576 ] || skip_all "tcp_wmem's ceiling is $before here: nothing to size"
log="$TMP/pmd.log"
pmd_start "$C" "$log" --client -j || { not_ok "pmd starts" "$(head -c 300 "$log")"; finish; }
check_ok "the ceiling starts at 262144" ceiling_is 262144

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
check_ok "idle again, the ceiling comes down (after 10 s)" wait_for 15 ceiling_is 262144
check_ok "pmd stops" pmd_stop
check "the ceiling found at start is restored" "$before" ceiling
finish
