#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0-or-later
# mptcpkit endpoint / limits against `ip mptcp` on the same namespace: add
# with ours and show with both, add with ip and show with ours, change,
# delete, flush, limits; JSON equal to ip's; the error paths (no
# CAP_NET_ADMIN, bad address, unknown flag, id out of range).
. "$(dirname "$0")/../lib.sh"
require_root
require_mptcp
require_cmd ip python3 setpriv

ip mptcp help 2>&1 | grep -q endpoint || skip_all "iproute2 without 'ip mptcp'"
ns_new N pmep
ip -n "$N" link add pm0 type veth peer name pm1 || { not_ok "veth"; finish; }
K() { in_ns "$N" "$MPTCPKIT" "$@"; }
IPM() { ip -n "$N" mptcp "$@"; }

# Same text from both tools; the state is whatever the namespace holds now.
same_show() {
	local ours theirs
	ours=$(K endpoint show 2>&1)
	theirs=$(IPM endpoint show 2>&1)
	if [ "$ours" = "$theirs" ]; then
		ok "$1: endpoint show equals ip mptcp endpoint show"
	else
		not_ok "$1: endpoint show differs from ip" "ours '$ours' ip '$theirs'"
	fi
}

check "empty namespace: no endpoints" "" K endpoint show
check_ok "add 10.0.2.1 id 2 subflow dev pm0" K endpoint add 10.0.2.1 id 2 subflow dev pm0
check_ok "add an IPv6 fullmesh subflow endpoint" K endpoint add dead:beef::1 id 9 subflow fullmesh
check_ok "add a signal backup endpoint without id" K endpoint add 10.0.3.1 signal backup
check "the kernel picked the next id" "10.0.3.1 id 10 signal backup " K endpoint show id 10
check "show id 2 as ip prints it" "10.0.2.1 id 2 subflow dev pm0 " K endpoint show id 2
same_show "after three adds"

check_ok "ip adds an endpoint" IPM endpoint add 10.0.4.1 id 4 signal
check "ours shows ip's endpoint" "10.0.4.1 id 4 signal " K endpoint show id 4
same_show "after ip's add"

# JSON: ip prints the same keys (address, id, port, flags as booleans, dev).
ours=$(K -j endpoint show)
theirs=$(ip -n "$N" -j mptcp endpoint show 2>/dev/null)
if python3 -c 'import json,sys; sys.exit(json.loads(sys.argv[1]) != json.loads(sys.argv[2]))' "$ours" "$theirs"; then
	ok "endpoint show -j equals ip -j mptcp endpoint show"
else
	not_ok "endpoint show -j differs from ip" "ours $ours ip $theirs"
fi

check_ok "change id 2 backup" K endpoint change id 2 backup
check "id 2 now backup" "10.0.2.1 id 2 subflow backup dev pm0 " K endpoint show id 2
check_ok "change id 9 nofullmesh backup" K endpoint change id 9 nofullmesh backup
check "id 9: fullmesh off, backup on" "dead:beef::1 id 9 subflow backup " K endpoint show id 9
check_ok "change id 9 nobackup keeps subflow" K endpoint change id 9 nobackup
check "id 9 plain subflow" "dead:beef::1 id 9 subflow " K endpoint show id 9
same_show "after changes"
# a signal endpoint with a port (the kernel listens on it: a local address)
ip -n "$N" addr add 10.0.6.1/24 dev pm0
check_ok "add a signal endpoint with a port" K endpoint add 10.0.6.1 port 6001 id 30 signal
check_ok "change id 30 backup" K endpoint change id 30 backup
check "port kept, backup on" "10.0.6.1 port 6001 id 30 signal backup " K endpoint show id 30
same_show "with a port"

check_ok "delete id 4" K endpoint delete id 4
check_fail "id 4 is gone" K endpoint show id 4
check "ip agrees id 4 is gone" "" sh -c "ip -n $N mptcp endpoint show | grep 'id 4 '"
check_fail "delete id 4 again fails" K endpoint delete id 4
check_ok "flush" K endpoint flush
check "no endpoints after flush (ip)" "" IPM endpoint show

# Limits.
check "limits show equals ip" "$(IPM limits show)" K limits show
check_ok "limits set subflows 3 add_addr_accepted 4" K limits set subflows 3 add_addr_accepted 4
check "ip sees our limits" "add_addr_accepted 4 subflows 3 " IPM limits show
check_ok "limits set add_addr_accepted 1 only" K limits set add_addr_accepted 1
check "subflows kept" "add_addr_accepted 1 subflows 3 " K limits show
check_ok "ip sets limits" IPM limits set subflows 5 add_addr_accepted 6
check "ours shows ip's limits" "add_addr_accepted 6 subflows 5 " K limits show
check "limits -j" '{"add_addr_accepted":6,"subflows":5}' K -j limits show

nocap() { in_ns "$N" setpriv --inh-caps=-net_admin --bounding-set=-net_admin "$MPTCPKIT" "$@"; }
check_one_line "add without CAP_NET_ADMIN" "needs CAP_NET_ADMIN" nocap endpoint add 10.0.5.1
check_one_line "limits set without CAP_NET_ADMIN" "needs CAP_NET_ADMIN" nocap limits set subflows 1
check_one_line "flush without CAP_NET_ADMIN" "needs CAP_NET_ADMIN" nocap endpoint flush
check_ok "show works without CAP_NET_ADMIN" nocap limits show
check_one_line "bad address" "bad address '10.0.0.300'" K endpoint add 10.0.0.300
check_one_line "unknown flag" "unknown flag or keyword 'bogus'" K endpoint add 10.0.5.1 bogus
check_one_line "id out of range" "bad id '256'" K endpoint add 10.0.5.1 id 256
check_one_line "unknown dev" "no such interface" K endpoint add 10.0.5.1 dev nosuchdev0
check_one_line "signal with fullmesh: the kernel's reason" "signal and fullmesh" K endpoint add 10.0.5.1 signal fullmesh
check_one_line "limit above 8: the kernel's reason" "greater than maximum" K limits set subflows 9
check_one_line "change a missing id" "no endpoint with id 77" K endpoint change id 77 backup
check_one_line "delete without id" "'id ID' is required" K endpoint delete 10.0.5.1
check_one_line "unknown action" "unknown action" K endpoint frob
check "nothing was added by the failures" "" IPM endpoint show
check_ok "endpoint --help" K endpoint --help
check_ok "limits --help" K limits --help
finish
