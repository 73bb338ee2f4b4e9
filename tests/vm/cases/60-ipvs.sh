#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0-or-later
# MPTCP backends behind IPVS ('mptcpkit balancer install --ipvsadm', NAT),
# in a guest whose kernel has IPVS (this host's has not): a two-path
# client, 3 backends in backend mode (pmd --server --balanced); every
# connection MPTCP with both subflows on the backend it landed on, bytes
# intact, no join astray; remove leaves no virtual service. The topology is
# test 97's (tests/balancer-lib.sh). Cost: under a minute (TCG is slow).
. "$(dirname "$0")/../../lib.sh"
. "$(dirname "$0")/../../balancer-lib.sh"
require_root
require_cmd python3 ipvsadm
[ -e /proc/sys/net/mptcp/allow_join_initial_addr_port ] ||
	skip_all "no MPTCP, or no C flag (kernel $(uname -r))"
modprobe ip_vs 2>/dev/null
[ -e /proc/net/ip_vs ] || skip_all "no IPVS in kernel $(uname -r)"

N=6
lb_topo 3 || { not_ok "topology"; finish; }
[ -e /proc/net/ip_vs ] && in_ns "$L" test -e /proc/net/ip_vs ||
	skip_all "IPVS not in the balancer's namespace"
lb_echo_start || not_ok "echo servers listen"
bal() { in_ns "$L" "$MPTCPKIT" balancer "$@"; }
check_ok "balancer install --ipvsadm" bal install --ipvsadm --service "$VIP:$SPORT" $(lb_backends 3)
check "ipvsadm lists the service and 3 real servers" "3" \
	sh -c "ip netns exec $L ipvsadm -Ln -t $VIP:$SPORT | grep -c Masq"
check_one_line "install twice: one line" "installed already" \
	bal install --ipvsadm --service "$VIP:$SPORT" $(lb_backends 3)
lb_pmd_start || not_ok "pmd --balanced starts on the backends"
mkfifo "$TMP/ctl"
bg "$C" sh -c "python3 $TOP/tests/balancer-conns.py open $VIP $SPORT $N 16384 <$TMP/ctl >$TMP/conns 2>&1"
CLIENT=$BG_PID
exec 7>"$TMP/ctl"
# At least both: 6.1's client also joins from its first path once the
# backend's limit allows it (pmd --server sets 8): 3 subflows, all here.
full() { [ "$(lb_subflows_per_conn | awk '$2 >= 2' | wc -l)" = "$N" ]; }
if wait_for 60 grep -q '^round 1' "$TMP/conns" && grep -q "^round 1 conns $N mptcp $N intact $N" "$TMP/conns"
then ok "$N connections through IPVS: MPTCP, bytes intact"
else not_ok "$N connections through IPVS" "$(cat "$TMP/conns")"; fi
if wait_for 30 full; then ok "every connection has both subflows on its backend"
else not_ok "every connection has both subflows on its backend" "$(lb_subflows_per_conn | sort | uniq -c | tr '\n' ' ')"; fi
check "no join astray" "0" lb_counter MPJoinNoTokenFound
exec 7>&-
wait "$CLIENT" 2>/dev/null
check_ok "pmd stops cleanly" lb_pmd_stop
check_ok "balancer remove --ipvsadm" bal remove --ipvsadm --service "$VIP:$SPORT" $(lb_backends 3)
check "no virtual service left" "" sh -c "ip netns exec $L ipvsadm -Ln | grep -E '^TCP'"
finish
