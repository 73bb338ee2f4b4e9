#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0-or-later
# mptcpkit pmd leaves alone what it did not create: a pre-existing endpoint
# stays as it was, limits set by hand are raised only as needed and
# restored at stop; endpoints follow addresses (added, deleted) and links;
# --exclude, --backup and a configuration file are honoured; -j logs JSON.
# --scheduler: what this kernel can show is limited. Upstream registers one
# packet scheduler, "default" (BPF ones exist only in mptcp_net-next's
# export branch): setting it is a no-op write, so a real change of
# net.mptcp.scheduler cannot be seen here. What is checked: the check
# before anything changes (a name not offered is refused, nothing
# touched), the value kept and restored, a killed pmd's saved original put
# back by the next pmd (its run file says a killed pmd had changed it; the
# write is real, of the value the sysctl has), and the start log line.
# Kernels before 6.6 (no sysctl): those checks are skipped.
. "$(dirname "$0")/../lib.sh"
. "$(dirname "$0")/../pmd-lib.sh"
require_root
require_mptcp
require_cmd python3
# pmd's run files under $TMP: the SIGKILL check below writes one
export MPTCPKIT_STATE_DIR=$TMP/state

pmd_topo 2>/dev/null
veth "$C" c3 10.0.3.1/24 "$S" s3 10.0.3.2/24 2>/dev/null
ip -n "$C" addr add 169.254.7.1/16 dev c3
# set by hand before pmd: an endpoint (id 7, signal) and limits
in_ns "$C" ip mptcp endpoint add 10.0.1.1 id 7 signal dev c1
in_ns "$C" ip mptcp limits set subflows 1 add_addr_accepted 3
in_ns "$C" ip mptcp endpoint show >"$TMP/ep.before"
in_ns "$C" ip mptcp limits show >"$TMP/limits.before"
csum_before=$(in_ns "$C" sysctl -n net.mptcp.checksum_enabled)
sched_before=$(in_ns "$C" sysctl -n net.mptcp.scheduler 2>/dev/null)
sched_available=$(in_ns "$C" sysctl -n net.mptcp.available_schedulers 2>/dev/null)
# sched_check: check, or skip where the kernel has no scheduler choice
sched_check() {
	if [ -n "$sched_before" ]; then check "$@"; else skip "$1" "no net.mptcp.scheduler (before 6.6)"; fi
}
rmem_before=$(in_ns "$C" sysctl -n net.ipv4.tcp_rmem)
rmem_raised=$(echo "$rmem_before" | awk '{ d = $2 < 262144 ? 262144 : $2; print $1 "\t" (d > $3 ? $3 : d) "\t" $3 }')

eps_soon() { sleep 0.2; eps; }
# endpoints without the ids the kernel chose (but with id 7, set by hand)
eps() { ip -n "$C" mptcp endpoint show | sed -E 's/ *$//; s/ id ([0-68-9]|[0-9]{2,3}) / /' | sort | paste -sd '|'; }

cat >"$TMP/pmd.conf" <<'CONF'
# client side, c3 is a backup path
mode = client
exclude = c4   ; nothing is called c4
[interface c3]
backup = yes
CONF
pmd_start "$C" "$TMP/pmd.log" -c "$TMP/pmd.conf" -j -v || not_ok "pmd starts" "$(cat "$TMP/pmd.log")"
check "DSS checksums left alone by default" "$csum_before" in_ns "$C" sysctl -n net.mptcp.checksum_enabled
sched_check "the packet scheduler left alone by default" "$sched_before" \
	in_ns "$C" sysctl -n net.mptcp.scheduler
sched_check "-j: the start says the scheduler in use and those on offer" \
	"$sched_before $(echo $sched_available | tr ' ' ',')" python3 -c '
import json, sys
s = [d for d in map(json.loads, open(sys.argv[1])) if d.get("action") == "scheduler"]
print(len(s) == 1 and "%s %s" % (s[0]["scheduler"], ",".join(s[0]["available"])))' "$TMP/pmd.log"
check "tcp_rmem's default raised to 262144 while pmd runs" "$(printf "$rmem_raised")" \
	in_ns "$C" sysctl -n net.ipv4.tcp_rmem
check "the pre-existing endpoint is kept; one per other usable address (backup from the file)" \
	"10.0.1.1 id 7 signal dev c1|10.0.2.1 subflow dev c2|10.0.3.1 subflow backup dev c3" eps
check "limits raised to fit three endpoints and three announced addresses, never lowered" \
	"add_addr_accepted 3 subflows 6" sh -c "ip -n $C mptcp limits show | sed 's/ *$//'"
check "no endpoint for a link-local address" "" sh -c "ip -n $C mptcp endpoint show | grep 169.254"
if python3 -c 'import json,sys; [json.loads(l) for l in open(sys.argv[1])]' "$TMP/pmd.log" 2>/dev/null &&
	grep -q '"action": *"add-endpoint"' "$TMP/pmd.log"; then ok "-j: one JSON object per log line"
else not_ok "-j: one JSON object per log line" "$(head -c 300 "$TMP/pmd.log")"; fi
check "-j: endpoint ids are JSON numbers" "True" python3 -c '
import json, sys
adds = [d for d in map(json.loads, open(sys.argv[1])) if d.get("action") == "add-endpoint"]
print(bool(adds) and all(isinstance(d.get("id"), int) for d in adds))' "$TMP/pmd.log"

ip -n "$C" addr del 10.0.3.1/24 dev c3
check_ok "an address removed: its endpoint goes" wait_for 2 sh -c "! ip -n $C mptcp endpoint show | grep -q 10.0.3.1"
ip -n "$C" addr add 10.0.3.1/24 dev c3
check_ok "the address back: its endpoint too" wait_for 2 sh -c "ip -n $C mptcp endpoint show | grep -q '10.0.3.1 .*backup'"
ip -n "$C" link set c2 down
check_ok "a link down: its endpoint goes" wait_for 2 sh -c "! ip -n $C mptcp endpoint show | grep -q 10.0.2.1"
ip -n "$C" link set c2 up
check_ok "the link up: its endpoint too" wait_for 3 sh -c "ip -n $C mptcp endpoint show | grep -q 10.0.2.1"
ip -n "$C" link set c1 down
sleep 0.3
check "a pre-existing endpoint is never deleted" "1" sh -c "ip -n $C mptcp endpoint show | grep -c 'id 7'"
ip -n "$C" link set c1 up
# someone deletes one of pmd's endpoints by hand: pmd forgets it, no error at stop
id3=$(ip -n "$C" mptcp endpoint show | awk '/10.0.3.1/ {print $3}')
# carrier-up events reach rtnetlink up to 1 s late (the kernel's linkwatch)
wait_for 3 sh -c "ip -n $C link show c1 | grep -q 'state UP'"
ip -n "$C" mptcp endpoint delete id "$id3"

kill -INT "$PMD_PID"
wait "$PMD_PID"
check "pmd stops cleanly on SIGINT" 0 echo $?
check "endpoints exactly as before pmd" "$(cat "$TMP/ep.before")" in_ns "$C" ip mptcp endpoint show
check "limits exactly as before pmd" "$(cat "$TMP/limits.before")" in_ns "$C" ip mptcp limits show
check "checksums as before pmd" "$csum_before" in_ns "$C" sysctl -n net.mptcp.checksum_enabled
sched_check "the scheduler as before pmd" "$sched_before" in_ns "$C" sysctl -n net.mptcp.scheduler
check "tcp_rmem as before pmd" "$rmem_before" in_ns "$C" sysctl -n net.ipv4.tcp_rmem

# options override the file; --exclude and --only
in_ns "$C" ip mptcp endpoint delete id 7
pmd_start "$C" "$TMP/pmd2.log" -c "$TMP/pmd.conf" --server --exclude c3
check "--server --exclude c3: signal endpoints, none on c3" \
	"10.0.1.1 signal dev c1|10.0.2.1 signal dev c2" eps_soon
check_ok "pmd stops" pmd_stop
pmd_start "$C" "$TMP/pmd3.log" --only c2 --backup c2 --checksum
check "--only c2 --backup c2" "10.0.2.1 subflow backup dev c2" eps_soon
check "--checksum asks for DSS checksums while pmd runs" 1 in_ns "$C" sysctl -n net.mptcp.checksum_enabled
# the server (left at 0) agrees; ss shows it
bg "$S" python3 -c 'import socket; l = socket.socket(socket.AF_INET, socket.SOCK_STREAM, 262); l.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1); l.bind(("10.0.2.2", 5281)); l.listen(1); c, _ = l.accept(); c.recv(1)'
spid=$BG_PID
wait_listen "$S" 5281
bg "$C" python3 -c 'import socket, time; s = socket.socket(socket.AF_INET, socket.SOCK_STREAM, 262); s.connect(("10.0.2.2", 5281)); time.sleep(3)'
cpid=$BG_PID
check_ok "... a connection meanwhile uses them (ss -j)" wait_for 2 sh -c \
	"ip netns exec $C $MPTCPKIT -j ss | python3 -c 'import json, sys; sys.exit([c[\"checksum\"] for c in json.load(sys.stdin)[\"connections\"] if c.get(\"remote\") == \"10.0.2.2:5281\"] != [True])'"
kill "$cpid" "$spid" 2>/dev/null; wait "$cpid" "$spid" 2>/dev/null
check_ok "pmd stops" pmd_stop
check "nothing left" "" in_ns "$C" ip mptcp endpoint show

lowat_before=$(in_ns "$C" sysctl -n net.ipv4.tcp_notsent_lowat)
pmd_start "$C" "$TMP/pmd4.log" --on-link-down backup --notsent-lowat 131072
check "--notsent-lowat sets the sysctl" 131072 in_ns "$C" sysctl -n net.ipv4.tcp_notsent_lowat
ip -n "$C" link set c2 down
check_ok "--on-link-down backup: the endpoint stays, marked backup" \
	wait_for 2 sh -c "ip -n $C mptcp endpoint show | grep -q '10.0.2.1 .*subflow backup'"
ip -n "$C" link set c2 up
check_ok "--on-link-down backup: not backup once the link is up" \
	wait_for 3 sh -c "ip -n $C mptcp endpoint show | grep -q '10.0.2.1 .*subflow dev'"
check_ok "pmd stops" pmd_stop
check "nothing left after --on-link-down backup" "" in_ns "$C" ip mptcp endpoint show
check "the sysctl restored at stop" "$lowat_before" in_ns "$C" sysctl -n net.ipv4.tcp_notsent_lowat

# --wmem-max caps tcp_wmem's third field; after a SIGKILL the next pmd
# restores the value found before the first one, not what it had set
wmem_before=$(in_ns "$C" sysctl -n net.ipv4.tcp_wmem)
# --scheduler: checked before pmd changes anything. (tcp_rmem's default,
# which every pmd raises, and the endpoints show that nothing was.)
check_one_line "--scheduler nosuch is refused with one line" \
	"pmd: scheduler 'nosuch' is not available here( \\(available: $sched_available\\)$|: this kernel)" \
	in_ns "$C" "$MPTCPKIT" pmd --scheduler nosuch
sched_check "... leaving the scheduler and tcp_rmem as they were, making no endpoint" \
	"$sched_before|$rmem_before" sh -c "{ ip netns exec $C sysctl -n net.mptcp.scheduler \
	net.ipv4.tcp_rmem; ip -n $C mptcp endpoint show; } | paste -sd '|'"
check_fail "a scheduler's name with a blank is refused" "$MPTCPKIT" pmd --scheduler 'a b'
printf 'scheduler = %s\n' "${sched_before:-default}" >"$TMP/sched.conf"
pmd_start "$C" "$TMP/pmd-sched.log" -c "$TMP/sched.conf" --wmem-max off
sched_check "scheduler = $sched_before (the file): set while pmd runs" "$sched_before" \
	in_ns "$C" sysctl -n net.mptcp.scheduler
sched_check "... and said at start" 1 grep -c "pmd: scheduler scheduler $sched_before .*: --scheduler" \
	"$TMP/pmd-sched.log"
check_ok "pmd stops" pmd_stop
sched_check "... restored at stop" "$sched_before" in_ns "$C" sysctl -n net.mptcp.scheduler
wmem_capped=$(echo "$wmem_before" | awk '{ print $1 "\t" ($2 > 262144 ? 262144 : $2) "\t262144" }')
pmd_start "$C" "$TMP/pmd5.log" --wmem-max 262144
check "--wmem-max caps the sysctl's ceiling" "$(printf "$wmem_capped")" \
	in_ns "$C" sysctl -n net.ipv4.tcp_wmem
kill -KILL "$PMD_PID"
wait "$PMD_PID" 2>/dev/null
# as if the killed pmd had also set another scheduler (none exists here)
[ -z "$sched_before" ] ||
	echo "sysctl net/mptcp/scheduler $sched_before" >>"$(echo "$MPTCPKIT_STATE_DIR"/pmd-*.tune)"
pmd_start "$C" "$TMP/pmd6.log" --wmem-max off
check_ok "pmd after a SIGKILL restores the sysctl it left" \
	grep -q 'restore-sysctl.*tcp_wmem.*left by a pmd that was killed' "$TMP/pmd6.log"
sched_check "... and the scheduler a killed pmd had saved" 1 grep -c \
	"restore-sysctl sysctl net.mptcp.scheduler value $sched_before: left by a pmd that was killed" \
	"$TMP/pmd6.log"
sched_check "... which it then leaves alone" "$sched_before" in_ns "$C" sysctl -n net.mptcp.scheduler
check "... to the value found before the first pmd" "$wmem_before" \
	in_ns "$C" sysctl -n net.ipv4.tcp_wmem
check_ok "pmd stops" pmd_stop

# the default, wmem_max auto, starts at its floor (262144) and, after a
# SIGKILL, the next pmd starts from the value found before the first one
pmd_start "$C" "$TMP/pmd7.log"
check "auto (the default) starts at 262144" "$(printf "$wmem_capped")" \
	in_ns "$C" sysctl -n net.ipv4.tcp_wmem
kill -KILL "$PMD_PID"
wait "$PMD_PID" 2>/dev/null
pmd_start "$C" "$TMP/pmd8.log"
check_ok "pmd stops" pmd_stop
check "... and after a SIGKILL and a restart, stop restores the first value" \
	"$wmem_before" in_ns "$C" sysctl -n net.ipv4.tcp_wmem
pmd_start "$C" "$TMP/pmd9.log" --no-health-checks
check "auto without health checks leaves the sysctl alone" "$wmem_before" \
	in_ns "$C" sysctl -n net.ipv4.tcp_wmem
check_ok "pmd stops" pmd_stop
# tcp_rmem's default (raised, field alone) beside its ceiling (--rmem-max),
# through a SIGKILL: the next pmd puts back both fields as they were
pmd_start "$C" "$TMP/pmd10.log" --rmem-max 1048576
kill -KILL "$PMD_PID"
wait "$PMD_PID" 2>/dev/null
pmd_start "$C" "$TMP/pmd11.log" --rmem-max 524288 --rmem-default off
check_ok "pmd stops" pmd_stop
check "tcp_rmem's default and ceiling as before, after a SIGKILL" "$rmem_before" \
	in_ns "$C" sysctl -n net.ipv4.tcp_rmem
check_fail "--rmem-default below 4 KiB is refused" "$MPTCPKIT" pmd --rmem-default 100
check_fail "--wmem-max below 64 KiB is refused" "$MPTCPKIT" pmd --wmem-max 4096
check_fail "--wmem-max neither auto, off nor bytes is refused" "$MPTCPKIT" pmd --wmem-max lots

check_fail "a bad configuration file is refused" "$MPTCPKIT" pmd -c /dev/null --pm nope
printf 'mode = sideways\n' >"$TMP/bad.conf"
check "the error names the file and line" \
	"mptcpkit: pmd: $TMP/bad.conf: line 1: mode must be client or server, not 'sideways'" \
	sh -c "'$MPTCPKIT' pmd -c '$TMP/bad.conf' 2>&1"
check_fail "a missing file given with -c is an error" "$MPTCPKIT" pmd -c "$TMP/none.conf"
finish
