#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0-or-later
# The userspace path manager driven by mptcpkit: the client namespace has
# net.mptcp.path_manager=userspace, so a second subflow appears only through
# 'mptcpkit subflow create' (token from 'mptcpkit -j monitor'), is seen in
# the events and in ss, turns backup with 'subflow change', and goes with
# 'subflow destroy'; 'announce'/'remove' reach the peer as announced/removed.
. "$(dirname "$0")/../lib.sh"
require_root
require_mptcp
require_cmd python3 timeout ss setpriv

ns_new S upms
ns_new C upmc
two_paths "$C" "$S" 10.72 || { not_ok "two paths between the namespaces"; finish; }
in_ns "$C" sysctl -qw net.mptcp.path_manager=userspace 2>/dev/null ||
	in_ns "$C" sysctl -qw net.mptcp.pm_type=1 2>/dev/null ||
	skip_all "the kernel has no userspace path manager"
K=$MPTCPKIT
in_ns "$S" "$K" limits set subflows 2 add_addr_accepted 0 || not_ok "server limits"

bg "$C" "$K" -j monitor >"$TMP/c.json" 2>"$TMP/c.err"
bg "$S" "$K" -j monitor >"$TMP/s.json" 2>"$TMP/s.err"
sleep 0.3
bg "$S" sh -c "sleep 8 | '$K' listen -4 7200 >/dev/null"
wait_listen "$S" 7200 || not_ok "server listening"
bg "$C" sh -c "(echo hello; sleep 6) | '$K' connect 10.72.1.2 7200 >/dev/null"

# wait_event FILE PYTHON-CONDITION: the first event e matching, as JSON (5 s).
wait_event() {
	local i
	for i in $(seq 50); do
		python3 - "$1" "$2" <<'PY' && return 0
import json, sys
for line in open(sys.argv[1]):
    e = json.loads(line)
    if eval(sys.argv[2]):
        print(json.dumps(e)); sys.exit(0)
sys.exit(1)
PY
		sleep 0.1
	done
	return 1
}
field() { python3 -c 'import json,sys; print(json.loads(sys.argv[1])[sys.argv[2]])' "$1" "$2"; }
# subflows as ss reports them for the MPTCP connection ("subflows:N"; none = 0)
ss_subflows() {
	in_ns "$C" ss -Mni state established | grep -o 'subflows:[0-9]*' | cut -d: -f2 | grep . || echo 0
}

est=$(wait_event "$TMP/c.json" 'e["type"] == "established"') || { not_ok "client established event"; finish; }
ok "client established event"
T=$(field "$est" token)
check "no extra subflow from the userspace PM by itself" "0" ss_subflows

check_ok "subflow create" in_ns "$C" "$K" subflow create token "$T" lid 2 laddr 10.72.2.1 \
	raddr 10.72.1.2 rport 7200 dev c2
sub=$(wait_event "$TMP/c.json" 'e["type"] == "sub_established" and e.get("saddr") == "10.72.2.1"') &&
	ok "sub_established event from 10.72.2.1" || not_ok "sub_established event" "$(cat "$TMP/c.json")"
check "ss shows the second subflow" "1" ss_subflows
sport=$(field "$sub" sport 2>/dev/null)
check "the subflow uses local id 2" "2" field "$sub" loc_id

check_ok "subflow change backup" in_ns "$C" "$K" subflow change token "$T" laddr 10.72.2.1 \
	lport "$sport" raddr 10.72.1.2 rport 7200 backup
wait_event "$TMP/s.json" 'e["type"] == "sub_priority" and e.get("backup") is True' >/dev/null &&
	ok "the server sees sub_priority backup" || not_ok "sub_priority on the server" "$(cat "$TMP/s.json")"

check_ok "subflow destroy" in_ns "$C" "$K" subflow destroy token "$T" laddr 10.72.2.1 \
	lport "$sport" raddr 10.72.1.2 rport 7200
wait_event "$TMP/c.json" 'e["type"] == "sub_closed" and e.get("saddr") == "10.72.2.1"' >/dev/null &&
	ok "sub_closed event" || not_ok "sub_closed event" "$(cat "$TMP/c.json")"
check "ss: back to one subflow" "0" ss_subflows

# Again, and destroy without lport: found through sock_diag.
check_ok "subflow create again" in_ns "$C" "$K" subflow create token "$T" lid 2 laddr 10.72.2.1 \
	raddr 10.72.1.2 rport 7200 dev c2
for _ in $(seq 30); do [ "$(ss_subflows)" = 1 ] && break; sleep 0.1; done
check "ss: the second subflow again" "1" ss_subflows
check_ok "subflow destroy without lport" in_ns "$C" "$K" subflow destroy token "$T" \
	laddr 10.72.2.1 raddr 10.72.1.2 rport 7200
for _ in $(seq 30); do [ "$(ss_subflows)" = 0 ] && break; sleep 0.1; done
check "ss: one subflow again" "0" ss_subflows
one_line_fail_early() {
	if in_ns "$C" "$K" subflow destroy token "$T" laddr 10.72.2.1 raddr 10.72.1.2 rport 7200 \
		2>"$TMP/err"; then
		not_ok "destroy a subflow that is gone" "succeeded"
	else
		check "destroy a subflow that is gone: one line" \
			"mptcpkit: subflow destroy: no established subflow of token $T from laddr to raddr/rport" \
			cat "$TMP/err"
	fi
}
one_line_fail_early

check_ok "announce 10.72.2.1 id 2" in_ns "$C" "$K" announce token "$T" id 2 10.72.2.1
ann=$(wait_event "$TMP/s.json" 'e["type"] == "announced"') &&
	ok "the peer gets announced" || not_ok "announced on the server" "$(cat "$TMP/s.json")"
check "announced: the address" "10.72.2.1" field "$ann" daddr
check "announced: the id" "2" field "$ann" rem_id
check_ok "remove id 2" in_ns "$C" "$K" remove token "$T" id 2
wait_event "$TMP/s.json" 'e["type"] == "removed" and e.get("rem_id") == 2' >/dev/null &&
	ok "the peer gets removed" || not_ok "removed on the server" "$(cat "$TMP/s.json")"

bad=$(( (T + 1) % 4294967296 ))
check_one_line "unknown token" "subflow create" in_ns "$C" "$K" subflow create token "$bad" \
	lid 2 laddr 10.72.2.1 raddr 10.72.1.2 rport 7200
check_one_line "no CAP_NET_ADMIN" "needs CAP_NET_ADMIN" in_ns "$C" setpriv --inh-caps=-net_admin \
	--bounding-set=-net_admin "$K" subflow create token "$T" lid 2 laddr 10.72.2.1 raddr 10.72.1.2 rport 7200
check_one_line "missing rport" "rport" "$K" subflow create token 1 lid 2 raddr 10.72.1.2
check_one_line "bad token" "bad token" "$K" remove token -1 id 2
check_one_line "announce without id" "id ID" "$K" announce token 1 10.72.2.1
check_one_line "mixed families" "different families" "$K" subflow create token 1 laddr 10.0.0.1 raddr ::1 rport 1
check "no errors from the monitors" "" cat "$TMP/c.err" "$TMP/s.err"
check_ok "subflow --help" "$K" subflow --help
finish
