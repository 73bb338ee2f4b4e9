#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0-or-later
# MPTCP servers behind an L4 load balancer (nftables, installed by
# 'mptcpkit balancer install'): a two-path client, 3 backends.
#  - without backend mode the client's joins go to the service address, the
#    balancer spreads them independently and most land on a backend that
#    has no such connection: refused (MPJoinNoTokenFound), connections with
#    one subflow. This part must show the failure, so the test can fail;
#  - with 'pmd --server --balanced VIP:PORT --join OWN:PORT' on every
#    backend: every connection MPTCP, with both subflows, both on the same
#    backend (mptcpkit -j ss on the backends), bytes intact, no join astray;
#  - a silent cut of either client path: the exchange goes on, as without
#    a balancer; a backend taken out of the balancer keeps its connections
#    and their joins, new connections avoid it;
#  - the same with 'mptcpkit proxy socks' on the backends;
#  - bad input: one line, nothing installed; at stop everything undone.
# N connections here (30); the 200 of the issue run in bench/balancer.sh.
. "$(dirname "$0")/../lib.sh"
. "$(dirname "$0")/../balancer-lib.sh"
. "$(dirname "$0")/../pmd-lib.sh"
require_root
require_mptcp
require_cmd python3 nft
[ -e /proc/sys/net/mptcp/allow_join_initial_addr_port ] ||
	skip_all "no net.mptcp.allow_join_initial_addr_port (kernel < 5.14)"

N=${N:-30}
BYTES=65536
lb_topo 3 || { not_ok "topology"; finish; }
lb_echo_start || not_ok "echo servers listen"
bal() { in_ns "$L" "$MPTCPKIT" balancer "$@"; }

# --- bad input: one line each, nothing left behind
check_one_line "pmd: --balanced without --server" "backend mode is a server's" \
	in_ns "${B[1]}" "$MPTCPKIT" pmd --balanced "$VIP:80" --join 10.2.1.2:7000
check_one_line "pmd: a join address that is not this backend's" "not an address of this backend" \
	in_ns "${B[1]}" "$MPTCPKIT" pmd --server --balanced "$VIP:80" --join 10.2.2.2:7000
check_one_line "pmd: the service address as join address, not held here" "cannot announce an address it" \
	in_ns "${B[1]}" "$MPTCPKIT" pmd --server --balanced "$VIP:80" --join "$VIP:7001"
check_one_line "pmd: --join equal to the service" "the service's own address and port" \
	in_ns "${B[1]}" "$MPTCPKIT" pmd --server --balanced "10.2.1.2:80" --join 10.2.1.2:80
bg "${B[1]}" python3 -c 'import socket,time; s=socket.socket(); s.bind(("10.2.1.2",7000)); s.listen(); time.sleep(60)'
clash=$BG_PID
wait_listen "${B[1]}" 7000
check_one_line "pmd: a join port another listener holds" "port is in use" \
	in_ns "${B[1]}" "$MPTCPKIT" pmd --server --balanced "$VIP:80" --join 10.2.1.2:7000
kill "$clash"; wait "$clash" 2>/dev/null
check "... and nothing stays: the C flag, the endpoints" "1 0" \
	sh -c "echo \$(ip netns exec ${B[1]} sysctl -n net.mptcp.allow_join_initial_addr_port) \
		\$(ip -n ${B[1]} mptcp endpoint show | wc -l)"
check_one_line "balancer: a service address not configured here" "not configured on this host" \
	bal install --service 10.9.9.9:80 $(lb_backends 3)
check_one_line "balancer: nft missing" "nft is not installed" \
	env PATH=/nonexistent "$MPTCPKIT" balancer install --service "$VIP:80" $(lb_backends 3)
check_one_line "balancer: two backends with one join address" "port clash" \
	bal rules --service "$VIP:80" --backend 10.2.1.2,join=10.2.1.2:7000 --backend 10.2.2.2,join=10.2.1.2:7000
check "... and no table was installed" "" sh -c "ip netns exec $L nft list tables"

# --- without backend mode: the joins are balanced too, and refused
check_ok "balancer install (nft)" bal install --service "$VIP:$SPORT" $(lb_backends 3)
check_fail "balancer install twice is refused" bal install --service "$VIP:$SPORT" $(lb_backends 3)
mkfifo "$TMP/ctl"
open_conns() {	# open_conns N PORT [--socks]: client on $TMP/ctl, output $TMP/conns
	bg "$C" sh -c "python3 $TOP/tests/balancer-conns.py open $VIP $2 $1 $BYTES $3 <$TMP/ctl >$TMP/conns"
	CLIENT=$BG_PID
	exec 7>"$TMP/ctl"
}
close_conns() { exec 7>&-; wait "$CLIENT" 2>/dev/null; }
round_ok() {	# round_ok K N: round K reported N of N connections, MPTCP and intact
	grep -q "^round $1 conns $2 mptcp $2 intact $2\$" "$TMP/conns"
}
two_subflows() {	# every one of N connections on the backends has 2 subflows
	local got
	got=$(lb_subflows_per_conn "${2:-$SPORT}" | awk '$2 == 2' | wc -l)
	[ "$got" = "$1" ]
}
open_conns "$N" "$SPORT" ""
wait_for 60 grep -q '^round 1' "$TMP/conns"
sleep 2
refused=$(lb_counter MPJoinNoTokenFound)
full=$(lb_subflows_per_conn | awk '$2 == 2' | wc -l)
if [ "$refused" -gt 0 ] && [ "$full" -lt "$N" ]; then
	ok "without backend mode: joins refused for unknown tokens ($refused), $full of $N connections with both subflows"
else
	not_ok "without backend mode: joins refused" "refused $refused, $full of $N with both subflows"
fi
check_ok "check tells the backend's operator that joins go astray" \
	sh -c "ip netns exec ${B[1]} $MPTCPKIT check | grep -q 'joins balanced apart'"
close_conns

# --- backend mode
if lb_pmd_start; then ok "pmd --server --balanced starts on the 3 backends"
else not_ok "pmd --server --balanced starts" "$(cat "$TMP"/pmd*.log | head -c 300)"; fi
check "the C flag is set on every backend" "0 0 0" sh -c "echo \$(for b in ${B[*]}; do
	ip netns exec \$b sysctl -n net.mptcp.allow_join_initial_addr_port; done)"
before=$(lb_counter MPJoinNoTokenFound)
open_conns "$N" "$SPORT" ""
if wait_for 60 grep -q '^round 1' "$TMP/conns" && round_ok 1 "$N"; then
	ok "$N connections through the balancer: every one MPTCP, bytes intact"
else not_ok "$N connections: every one MPTCP, bytes intact" "$(cat "$TMP/conns")"; fi
if wait_for 10 two_subflows "$N"; then
	ok "every connection has both subflows, on the same backend (mptcpkit -j ss on the backends)"
else not_ok "every connection has both subflows on one backend" \
	"$(lb_subflows_per_conn | sort | uniq -c | tr '\n' ' ')"; fi
check "no join astray (MPJoinNoTokenFound unchanged)" "$before" lb_counter MPJoinNoTokenFound
check "the client: path 2's subflows, one per connection, all to a join address" "$N $N" \
	sh -c "ip netns exec $C ss -Htn state established src 10.1.2.1 |
		awk '{ n++ } \$4 ~ /:$JPORT\$/ { j++ } END { print n + 0, j + 0 }'"
check "the balancer spread the connections over the 3 backends" 3 \
	eval "lb_subflows_per_conn | cut -d' ' -f1 | sort -u | wc -l"
check_ok "pmd counts the joins on each backend" wait_for 5 grep -q 'pmd: joins received [1-9]' "$TMP/pmd1.log"
# exporter_joins: per backend, "K ACCEPTED UNKNOWN_TOKEN" from its exporter
# (pmd's statistics file, rewritten at most once a second)
exporter_joins() {
	local k
	for k in "${!B[@]}"; do
		in_ns "${B[k]}" "$MPTCPKIT" exporter --once | awk -v k="$k" -v j="10.2.$k.2:$JPORT" '
			index($0, "mptcpkit_pmd_joins_total{join=\"" j "\",result=\"accepted\"}") == 1 { a = $2 }
			index($0, "mptcpkit_pmd_joins_total{join=\"" j "\",result=\"unknown_token\"}") == 1 { u = $2 }
			END { print k, a, u }'
	done
}
joins_want=$(lb_subflows_per_conn | awk '{ n[$1]++ } END { for (k = 1; k <= 3; k++) print k, n[k] + 0, 0 }')
check_ok "the exporter of each backend: its joins accepted (one per connection there), none astray" \
	wait_for 5 eval '[ "$(exporter_joins)" = "$joins_want" ]'

# --- a silent cut of either client path
for k in 1 2; do
	path_silent "$k" on
	echo round >&7
	if wait_for 40 grep -q "^round $((k + 1)) " "$TMP/conns" && round_ok $((k + 1)) "$N"; then
		ok "path $k silently cut: every connection goes on, bytes intact"
	else not_ok "path $k silently cut: every connection goes on" "$(tail -n 1 "$TMP/conns")"; fi
	path_silent "$k" off
	# A subflow whose data was in flight at the cut is in RTO back-off by
	# now (seconds): cut the other path before its timer fires and the
	# client's kernel PM has nothing to send that connection's data on for
	# that long (once, in a fresh-clone run: round 3, 29 of 30 intact)
	wait_for 20 sh -c "! ip netns exec $C ss -Htni src 10.1.$k.1 | grep -q 'backoff:'" ||
		echo "# path $k: subflows still in back-off after 20 s"
done

# --- backend 3 taken out of the balancer
on3=$(lb_subflows_per_conn | awk '$1 == 3' | wc -l)
check_ok "balancer remove" bal remove --service "$VIP:$SPORT" $(lb_backends 3)
check_ok "balancer install with backends 1 and 2" bal install --service "$VIP:$SPORT" $(lb_backends 2)
echo round >&7
if wait_for 40 grep -q "^round 4 " "$TMP/conns" && round_ok 4 "$N"; then
	ok "backend 3 out: the established connections go on (its $on3 too), bytes intact"
else not_ok "backend 3 out: established connections go on" "$(tail -n 1 "$TMP/conns")"; fi
check "... and backend 3's keep both subflows" "$on3" \
	eval "lb_subflows_per_conn | awk '\$1 == 3 && \$2 == 2' | wc -l"
close_conns
sleep 0.5
bg "$C" python3 "$TOP/tests/balancer-conns.py" open "$VIP" "$SPORT" 10 1024 </dev/null >"$TMP/new"
wait "$BG_PID"
check "... new connections go to backends 1 and 2 only" "0" \
	eval "lb_subflows_per_conn | awk '\$1 == 3' | wc -l"
check_ok "balancer remove" bal remove --service "$VIP:$SPORT" $(lb_backends 2)

# --- mptcpkit proxy socks on the backends
SOCKS=1080
for k in 1 2 3; do
	bg "${B[k]}" python3 "$TOP/tests/balancer-conns.py" serve 7777
	bg "${B[k]}" "$MPTCPKIT" proxy socks --listen "0.0.0.0:$SOCKS" --allow 10.1.0.0/16 \
		--allow-local-dest >/dev/null 2>&1
done
for k in 1 2 3; do wait_listen "${B[k]}" "$SOCKS" && wait_listen "${B[k]}" 7777; done
check_ok "balancer install for the SOCKS service" bal install --service "$VIP:$SOCKS" $(lb_backends 3)
open_conns "$N" "$SOCKS" --socks
if wait_for 60 grep -q '^round 1' "$TMP/conns" && round_ok 1 "$N"; then
	ok "socks: $N connections through the balancer to proxy socks: MPTCP, bytes intact"
else not_ok "socks: $N connections: MPTCP, bytes intact" "$(cat "$TMP/conns")"; fi
if wait_for 10 two_subflows "$N" "$SOCKS"; then ok "socks: every connection has both subflows, on one backend"
else not_ok "socks: both subflows on one backend" "$(lb_subflows_per_conn $SOCKS | sort | uniq -c | tr '\n' ' ')"; fi
close_conns
check_ok "balancer remove (socks)" bal remove --service "$VIP:$SOCKS" $(lb_backends 3)

# --- IPVS: the rules always; applied only where the kernel has IPVS
check "ipvsadm rules: the service, its real servers (masquerade)" \
	"-A -t $VIP:80 -s rr|-a -t $VIP:80 -r 10.2.1.2:80 -m -w 1|-a -t $VIP:80 -r 10.2.2.2:80 -m -w 1" \
	sh -c "$MPTCPKIT balancer rules --ipvsadm --service $VIP:80 $(lb_backends 2) | paste -sd'|'"
check "ipvsadm rules, direct routing, joins on the VIP: a service per backend" \
	"-A -t $VIP:7001 -s rr|-a -t $VIP:7001 -r 10.2.1.2:7001 -g -w 1" \
	sh -c "$MPTCPKIT balancer rules --ipvsadm --method dr --service $VIP:80 \
		--backend 10.2.1.2,join=$VIP:7001 | tail -n 2 | paste -sd'|'"
check "keepalived: a virtual_server block per service" "2" sh -c \
	"$MPTCPKIT balancer rules --keepalived --method dr --service $VIP:80 \
		--backend 10.2.1.2,join=$VIP:7001 | grep -c '^virtual_server'"
if in_ns "$L" test -e /proc/net/ip_vs && command -v ipvsadm >/dev/null; then
	check_ok "balancer install --ipvsadm" bal install --ipvsadm --service "$VIP:$SPORT" $(lb_backends 3)
	check_ok "balancer remove --ipvsadm" bal remove --ipvsadm --service "$VIP:$SPORT" $(lb_backends 3)
else
	check_one_line "balancer install --ipvsadm without IPVS: one line" \
		"ipvsadm is not installed|has no IPVS" bal install --ipvsadm --service "$VIP:$SPORT" $(lb_backends 3)
	skip "IPVS applied and used" "no IPVS in this kernel (or no ipvsadm): tests/vm/cases/60-ipvs.sh runs it in Debian's kernels"
fi

# --- a pmd killed (SIGKILL) left the C flag and its endpoint: the next adopts them
kill -9 "${LB_PMD[1]}"; wait "${LB_PMD[1]}" 2>/dev/null
bg "${B[1]}" "$MPTCPKIT" pmd --server --balanced "$VIP:$SPORT" --join "10.2.1.2:$JPORT" \
	--no-health-checks 2>"$TMP/pmd1b.log"
LB_PMD[1]=$BG_PID
check_ok "after SIGKILL, the next pmd starts and adopts what it left" \
	wait_for 10 grep -q 'pmd: adopt .*allow_join_initial_addr_port 1' "$TMP/pmd1b.log"
wait_for 10 grep -q 'pmd: start' "$TMP/pmd1b.log"	# stopped before it started, it cannot undo

# --- stop: everything undone
check_ok "pmd stops cleanly on the 3 backends" lb_pmd_stop
check "the C flag restored, no endpoint left" "1 1 1 0" sh -c "echo \$(for b in ${B[*]}; do
	ip netns exec \$b sysctl -n net.mptcp.allow_join_initial_addr_port; done) \
	\$(for b in ${B[*]}; do ip -n \$b mptcp endpoint show; done | wc -l)"
check "no balancer table left" "" sh -c "ip netns exec $L nft list tables"
check_ok "check: with the C flag but nothing announced, it says so" \
	sh -c "ip netns exec ${B[1]} sysctl -qw net.mptcp.allow_join_initial_addr_port=0 &&
		ip netns exec ${B[1]} $MPTCPKIT check | grep -q 'no signal endpoint'"
finish
