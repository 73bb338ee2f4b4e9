#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0-or-later
# mptcpkit check: reason and exit code with net.mptcp.enabled 0 and 1, what it
# reads (limits, endpoints, rp_filter, path manager) and the hints for the
# known traps, each made for real in a namespace with iproute2.
. "$(dirname "$0")/../lib.sh"
require_root
require_mptcp
require_cmd python3 ip

ns_new N check
ns_new P checkpeer
veth "$N" c0 10.31.1.1/24 "$P" p0 10.31.1.2/24 || { not_ok "veth"; finish; }
veth "$N" c1 10.31.2.1/24 "$P" p1 10.31.2.2/24 || { not_ok "veth"; finish; }
in_ns "$N" sysctl -qw net.ipv4.conf.all.rp_filter=0 net.ipv4.conf.c1.rp_filter=0

# JSON of 'check' in N (exit code in $TMP/rc).
check_json() {
	in_ns "$N" "$MPTCPKIT" -j check 2>"$TMP/check.stderr"
	echo $? >"$TMP/rc"
}

# The hint ids of a check JSON, space separated.
hint_ids() {
	python3 -c 'import json,sys; print(" ".join(h["id"] for h in json.loads(sys.argv[1])["hints"]))' "$1"
}

# A value at a path of keys in a JSON object: jq-like "a.b.0.c".
json_path() {
	python3 -c '
import json,sys
v=json.loads(sys.argv[1])
for k in sys.argv[2].split("."):
    v=v[int(k)] if isinstance(v,list) else v.get(k)
print(json.dumps(v) if isinstance(v,(dict,list,bool)) or v is None else v)' "$1" "$2"
}

has_hint() { case " $(hint_ids "$1") " in *" $2 "*) return 0 ;; esac; return 1; }

expect_hint() {
	if has_hint "$1" "$2"; then ok "$3"; else not_ok "$3" "hints: $(hint_ids "$1")"; fi
}

expect_no_hint() {
	if has_hint "$1" "$2"; then not_ok "$3" "hints: $(hint_ids "$1")"; else ok "$3"; fi
}

# --- MPTCP enabled ---------------------------------------------------------
in_ns "$N" sysctl -qw net.mptcp.enabled=1
J=$(check_json)
check "enabled: exit 0" 0 cat "$TMP/rc"
check "enabled: available" true json_get "$J" available
check "enabled: reason" available json_get "$J" reason
check "enabled: IPv4 available" available json_path "$J" ipv4.reason
check "enabled: sysctl object has enabled=1" 1 json_path "$J" sysctl.enabled
check "enabled: path manager" kernel json_get "$J" path_manager
check "limits read like ip mptcp shows them" \
	"$(in_ns "$N" ip mptcp limits show | sed -n 's/.*subflows \([0-9]*\).*/\1/p')" \
	json_path "$J" limits.subflows
check "no endpoints: empty array" "[]" json_get "$J" endpoints
expect_hint "$J" no-endpoints "hint: no endpoints"
expect_hint "$J" add-addr-accepted-zero "hint: add_addr_accepted 0"
expect_hint "$J" bind-wildcard "note: bind the wildcard address"
if in_ns "$N" "$MPTCPKIT" check >"$TMP/text" 2>&1 &&
	grep -q '^MPTCP available: yes' "$TMP/text" && grep -q '\[no-endpoints\]' "$TMP/text"; then
	ok "text output: availability and hints"
else
	not_ok "text output: availability and hints" "$(head -c 300 "$TMP/text")"
fi

# --- endpoints and limits --------------------------------------------------
in_ns "$N" ip mptcp limits set subflows 3 add_addr_accepted 2
in_ns "$N" ip mptcp endpoint add 10.31.2.1 id 7 subflow
J=$(check_json)
check "limits: add_addr_accepted" 2 json_path "$J" limits.add_addr_accepted
check "limits: subflows" 3 json_path "$J" limits.subflows
check "endpoint: id" 7 json_path "$J" endpoints.0.id
check "endpoint: address" 10.31.2.1 json_path "$J" endpoints.0.address
check "endpoint: subflow flag" true json_path "$J" endpoints.0.subflow
check "endpoint: no dev" null json_path "$J" endpoints.0.dev
expect_no_hint "$J" no-endpoints "no 'no endpoints' hint with an endpoint"
expect_no_hint "$J" add-addr-accepted-zero "no add_addr_accepted hint when it is 2"
expect_hint "$J" subflow-without-dev "hint: subflow endpoint without dev"
expect_no_hint "$J" strict-rp-filter "no rp_filter hint with rp_filter 0"

in_ns "$N" sysctl -qw net.ipv4.conf.all.rp_filter=1
J=$(check_json)
check "rp_filter all read" 1 json_path "$J" rp_filter.all
expect_hint "$J" strict-rp-filter "hint: strict rp_filter with a subflow endpoint"
in_ns "$N" sysctl -qw net.ipv4.conf.all.rp_filter=2
J=$(check_json)
expect_no_hint "$J" strict-rp-filter "no rp_filter hint in loose mode"

in_ns "$N" ip mptcp endpoint flush
in_ns "$N" ip mptcp endpoint add 10.31.2.1 id 8 dev c1 subflow backup
J=$(check_json)
check "endpoint: dev" c1 json_path "$J" endpoints.0.dev
check "endpoint: backup flag" true json_path "$J" endpoints.0.backup
expect_no_hint "$J" subflow-without-dev "no dev hint when the endpoint has one"

# --- congestion control ----------------------------------------------------
# bbr on MPTCP subflows (issue 21, bench/bbr-upstream.md): a hint that
# says so; none under reno. A namespace may take only an algorithm of
# tcp_allowed_congestion_control as its default.
if in_ns "$N" sysctl -qw net.ipv4.tcp_congestion_control=bbr 2>/dev/null; then
	J=$(check_json)
	check "congestion control read" bbr json_get "$J" congestion_control
	expect_hint "$J" cc-bbr "hint: congestion control bbr"
else
	skip "bbr hint" "bbr is not allowed as a namespace's default here"
fi
in_ns "$N" sysctl -qw net.ipv4.tcp_congestion_control=reno
J=$(check_json)
check "congestion control read: reno" reno json_get "$J" congestion_control
expect_no_hint "$J" cc-bbr "no bbr hint under reno"

# --- userspace path manager ------------------------------------------------
if in_ns "$N" sysctl -qw net.mptcp.path_manager=userspace 2>/dev/null ||
	in_ns "$N" sysctl -qw net.mptcp.pm_type=1 2>/dev/null; then
	J=$(check_json)
	check "userspace PM: path manager" userspace json_get "$J" path_manager
	expect_hint "$J" userspace-pm-no-daemon "hint: userspace PM without a daemon"
	bg "$N" ip mptcp monitor
	MON=$BG_PID
	sleep 0.5
	J=$(check_json)
	expect_no_hint "$J" userspace-pm-no-daemon "no daemon hint while a program listens to PM events"
	kill "$MON"
	in_ns "$N" sysctl -qw net.mptcp.path_manager=kernel 2>/dev/null ||
		in_ns "$N" sysctl -qw net.mptcp.pm_type=0
else
	skip "userspace PM hints" "the kernel has no userspace path manager"
fi

# --- MPTCP disabled --------------------------------------------------------
in_ns "$N" sysctl -qw net.mptcp.enabled=0
J=$(check_json)
check "disabled: exit 1" 1 cat "$TMP/rc"
check "disabled: available" false json_get "$J" available
check "disabled: reason" disabled json_get "$J" reason
check "disabled: IPv4 reason" disabled json_path "$J" ipv4.reason
check "disabled: IPv6 reason" disabled json_path "$J" ipv6.reason
expect_hint "$J" mptcp-disabled "hint: MPTCP disabled"
if grep -q 'net.mptcp.enabled' <<<"$(json_get "$J" reason_text)"; then
	ok "disabled: reason text names the sysctl"
else
	not_ok "disabled: reason text names the sysctl" "$(json_get "$J" reason_text)"
fi
check_fail "disabled: text mode exits non-zero too" in_ns "$N" "$MPTCPKIT" check

# --- usage -----------------------------------------------------------------
check_ok "check --help" "$MPTCPKIT" check --help
if "$MPTCPKIT" check bogus >/dev/null 2>"$TMP/err"; then
	not_ok "check with an extra argument fails"
elif [ "$(wc -l <"$TMP/err")" = 1 ] && grep -q '^mptcpkit: check:' "$TMP/err"; then
	ok "check with an extra argument fails with one line"
else
	not_ok "check with an extra argument fails with one line" "$(cat "$TMP/err")"
fi
finish
