#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0-or-later
# Two paths between a client and a server (two veth pairs, 10.0.1.0/24 and
# 10.0.2.0/24): a 64 MiB transfer through the library arrives whole, and
# mpk_info_get() on both ends reports the two subflows with the addresses
# they really use, while the second link carries part of the data.
#  1. a client `subflow` endpoint (with dev) for the second path: the extra
#     subflow goes from 10.0.2.1 to the server's first address;
#  2. a server `signal` endpoint instead: the client joins 10.0.2.2 from
#     10.0.2.1, and each end names the interface of each subflow; once more
#     with the client reading its subflows through the legacy getsockopts.
. "$(dirname "$0")/../lib.sh"

require_root
require_mptcp
require_cmd python3 ss

XFER=$BUILD/tests/helpers/mpk-xfer
[ -x "$XFER" ] || skip_all "mpk-xfer not built in $BUILD"
BYTES=$((64 * 1024 * 1024))
PORT=7100

ns_new CLI cli
ns_new SRV srv
veth "$CLI" c1 10.0.1.1/24 "$SRV" s1 10.0.1.2/24
veth "$CLI" c2 10.0.2.1/24 "$SRV" s2 10.0.2.2/24
for ns in "$CLI" "$SRV"; do
	# Strict reverse-path filtering drops a join's SYN-ACK (mptcp-facts.md).
	in_ns "$ns" sysctl -qw net.ipv4.conf.all.rp_filter=0 net.ipv4.conf.default.rp_filter=0
	ip -n "$ns" mptcp limits set subflows 2 add_addr_accepted 2
done
# 300 Mbit/s per link: the transfer lasts about a second, so a join that a
# busy machine delays still carries its share.
for dev in c1 c2; do
	tc -n "$CLI" qdisc add dev "$dev" root tbf rate 300mbit burst 64kb latency 50ms
done

# rx_bytes NS IF: bytes received on an interface so far.
rx_bytes() {
	ip -n "$1" -s -j link show "$2" |
		python3 -c 'import json,sys; print(json.load(sys.stdin)[0]["stats64"]["rx"]["bytes"])'
}

# subflows FILE: each subflow as "LOCAL>REMOTE IFNAME", ports left out, sorted.
subflows() {
	python3 - "$1" <<'PY'
import json, sys
o = json.load(open(sys.argv[1]))
host = lambda a: a.rsplit(":", 1)[0]
for s in sorted(o["subflows"], key=lambda s: (s["local"], s["remote"])):
    print(f'{host(s["local"])}>{host(s["remote"])} {s["ifname"]}')
PY
}

# addresses FILE: the same without the interfaces.
addresses() {
	subflows "$1" | cut -d' ' -f1
}

# field FILE KEY: one value of the JSON in FILE.
field() {
	[ -s "$1" ] && json_get "$(cat "$1")" "$2"
}

# transfer NAME [CLIENT OPTIONS]: BYTES from the client to the server's
# wildcard listener (joins may come to any of its addresses); JSON lines in
# $TMP/NAME.client and $TMP/NAME.server; checks that it arrived whole.
transfer() {
	local name=$1 port=$((PORT++)) spid s2_before crc src
	shift
	bg "$SRV" timeout 60 "$XFER" server "$port" >"$TMP/$name.server" 2>"$TMP/$name.server.err"
	spid=$BG_PID
	wait_listen "$SRV" "$port" || { not_ok "$name: server listens"; return; }
	s2_before=$(rx_bytes "$SRV" s2)
	in_ns "$CLI" timeout 60 "$XFER" client "$@" 10.0.1.2 "$port" "$BYTES" \
		>"$TMP/$name.client" 2>"$TMP/$name.client.err"
	crc=$?
	wait "$spid"
	src=$?
	# Exit codes catch ASan and LSan; UBSan only prints "runtime error".
	if [ "$crc" = 0 ] && [ "$src" = 0 ] &&
	   ! grep -q 'runtime error' "$TMP/$name.client.err" "$TMP/$name.server.err"; then
		ok "$name: both ends exit 0"
	else
		not_ok "$name: both ends exit 0" "client $crc, server $src: $(cat "$TMP/$name".*.err)"
	fi
	S2_RX=$(($(rx_bytes "$SRV" s2) - s2_before))

	check "$name: server received $BYTES bytes" "$BYTES" field "$TMP/$name.server" bytes
	check "$name: checksums match" "$(field "$TMP/$name.client" checksum)" \
		field "$TMP/$name.server" checksum
	for side in client server; do
		check "$name: $side says MPTCP" "true available" \
			echo "$(field "$TMP/$name.$side" mptcp) $(field "$TMP/$name.$side" reason)"
		check "$name: $side saw 2 subflows" 2 field "$TMP/$name.$side" subflows_max
	done
	if [ "$S2_RX" -gt $((1024 * 1024)) ]; then
		ok "$name: the second link carried data ($S2_RX bytes)"
	else
		not_ok "$name: the second link carried data" "only $S2_RX bytes on s2"
	fi
}

# 1. A client subflow endpoint bound to the second interface.
ip -n "$CLI" mptcp endpoint add 10.0.2.1 dev c2 subflow
transfer endpoint
check "endpoint: client subflows and interfaces" \
	"$(printf '10.0.1.1>10.0.1.2 c1\n10.0.2.1>10.0.1.2 c2')" subflows "$TMP/endpoint.client"
# The server's subflows both end at its first address; the library names
# the interface holding the local address, so only addresses are checked.
check "endpoint: server subflows" \
	"$(printf '10.0.1.2>10.0.1.1\n10.0.1.2>10.0.2.1')" \
	addresses "$TMP/endpoint.server"
ip -n "$CLI" mptcp endpoint flush

# 2. The server announces its second address; the client joins it.
ip -n "$SRV" mptcp endpoint add 10.0.2.2 dev s2 signal
transfer signal
check "signal: client subflows and interfaces" \
	"$(printf '10.0.1.1>10.0.1.2 c1\n10.0.2.1>10.0.2.2 c2')" subflows "$TMP/signal.client"
check "signal: server subflows and interfaces" \
	"$(printf '10.0.1.2>10.0.1.1 s1\n10.0.2.2>10.0.2.1 s2')" subflows "$TMP/signal.server"

transfer legacy -L
check "legacy: client info came from the legacy getsockopts" legacy \
	field "$TMP/legacy.client" source
check "legacy: client subflows" "$(printf '10.0.1.1>10.0.1.2\n10.0.2.1>10.0.2.2')" \
	addresses "$TMP/legacy.client"

finish
