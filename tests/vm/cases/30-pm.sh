#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0-or-later
# Path management on this kernel: endpoints (add with flags, show, change,
# delete, flush) and limits, each read back through iproute2 as well; then,
# where the kernel has it (5.19+), the userspace path manager: a second
# subflow appears only through 'mptcpkit subflow create' with the token
# from 'mptcpkit -j monitor', and 'announce' reaches the peer.
. "$(dirname "$0")/../case-lib.sh"
require_root
require_mptcp
require_cmd python3 ss

ns_new C vmpc
ns_new S vmps
two_paths "$C" "$S" 10.30 || { not_ok "two paths between the namespaces"; finish; }

# ep_summary NS: "ID ADDR FLAGS... dev IF" per endpoint, from mptcpkit -j.
ep_summary() {
	in_ns "$1" "$K" -j endpoint show | python3 -c '
import json, sys
for e in json.load(sys.stdin):
    flags = " ".join(f for f in ("signal", "subflow", "backup", "fullmesh") if e.get(f) or f in e.get("flags", []))
    print(e.get("id"), e.get("address"), flags, "dev", e.get("dev"))'
}

check_ok "endpoint add subflow backup" in_ns "$C" "$K" endpoint add 10.30.2.1 id 5 dev c2 subflow backup
check_ok "endpoint add signal" in_ns "$C" "$K" endpoint add 10.30.1.1 id 6 dev c1 signal
check "endpoint show -j: both, with their flags" \
	"$(printf '5 10.30.2.1 subflow backup dev c2\n6 10.30.1.1 signal dev c1')" ep_summary "$C"
check "iproute2 sees the same endpoints" 2 sh -c "ip -n '$C' mptcp endpoint show | grep -c -e 'id 5 subflow backup dev c2' -e 'id 6 signal dev c1'"
check_ok "endpoint change id 5 nobackup" in_ns "$C" "$K" endpoint change id 5 nobackup
first_ep() { ep_summary "$C" | head -1; }
check "the change is seen" "5 10.30.2.1 subflow dev c2" first_ep
check_ok "endpoint delete id 6" in_ns "$C" "$K" endpoint delete id 6
check "one endpoint left" 1 sh -c "ip -n '$C' mptcp endpoint show | wc -l"
check_ok "endpoint flush" in_ns "$C" "$K" endpoint flush
check "no endpoint left" 0 sh -c "ip -n '$C' mptcp endpoint show | wc -l"
check_ok "limits set subflows 3 add_addr_accepted 4" in_ns "$C" "$K" limits set subflows 3 add_addr_accepted 4
check "limits -j reads them back" "3 4" sh -c \
	"ip netns exec '$C' '$K' -j limits | python3 -c 'import json,sys; l=json.load(sys.stdin); print(l[\"subflows\"], l[\"add_addr_accepted\"])'"
check "iproute2 reads the same limits" 1 sh -c "ip -n '$C' mptcp limits show | grep -c 'add_addr_accepted 4 subflows 3'"
check_one_line "endpoint add of an address nobody has: one line" "mptcpkit: " \
	in_ns "$C" "$K" endpoint add 10.30.2.1 id 7 dev nosuchdev subflow

# --- the userspace path manager ----------------------------------------------
upm_on() {
	in_ns "$C" sysctl -qw net.mptcp.path_manager=userspace 2>/dev/null ||
		in_ns "$C" sysctl -qw net.mptcp.pm_type=1 2>/dev/null
}
if ! upm_on; then
	skip "userspace path manager" "this kernel has none (5.19+)"
	finish
fi
PORT=7300
in_ns "$S" "$K" limits set subflows 2 add_addr_accepted 2
in_ns "$C" "$K" limits set subflows 2 add_addr_accepted 2
bg "$C" "$K" -j monitor >"$TMP/c.mon" 2>/dev/null
wait_subscribed "$BG_PID" || echo "# monitor: subscription not seen, going on"
bg "$S" "$K" -j monitor >"$TMP/s.mon" 2>/dev/null
wait_subscribed "$BG_PID" || echo "# monitor: subscription not seen, going on"
export -f gate
bg "$S" bash -c 'gate "$1" | exec "$2" listen -4 "$3" >/dev/null' _ "$TMP/go" "$K" "$PORT"
wait_for 60 listening "$S" "$PORT" || not_ok "listener up"
# Data first: a join needs a fully established connection (and the
# established event comes with it).
bg "$C" bash -c '{ echo hello; gate "$1"; } | exec "$2" connect 10.30.1.2 "$3" >/dev/null' \
	_ "$TMP/go" "$K" "$PORT"

token() {
	python3 -c '
import json, sys
for e in map(json.loads, open(sys.argv[1])):
    if e["type"] == "established":
        print(e["token"]); sys.exit(0)
sys.exit(1)' "$TMP/c.mon"
}
wait_for 60 token || {
	not_ok "userspace PM: the client's established event" "$(head -c 300 "$TMP/c.mon")"
	finish
}
T=$(token)
if wait_for 5 subflows_up "$S" "$PORT" 2; then
	not_ok "userspace PM: no subflow by itself" "a second subflow came without being asked"
else
	ok "userspace PM: no subflow by itself"
fi
check_ok "subflow create over path 2" in_ns "$C" "$K" subflow create token "$T" lid 2 \
	laddr 10.30.2.1 raddr 10.30.1.2 rport "$PORT" dev c2
if wait_for 60 subflows_up "$S" "$PORT" 2; then
	ok "userspace PM: the created subflow is established"
else
	not_ok "userspace PM: the created subflow is established" "$(tcp_established "$S" "$PORT") subflow(s)"
fi
check_ok "announce 10.30.2.1 (id 2, the subflow's)" in_ns "$C" "$K" announce token "$T" id 2 10.30.2.1
if wait_for 60 grep -q '"announced"' "$TMP/s.mon"; then
	ok "the peer's monitor sees the announce"
else
	not_ok "the peer's monitor sees the announce" "$(tr '\n' ' ' <"$TMP/s.mon" | head -c 300)"
fi
touch "$TMP/go"
finish
