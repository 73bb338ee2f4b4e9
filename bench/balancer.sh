#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0-or-later
# MPTCP through an L4 load balancer (nft, 'mptcpkit balancer install') to 3
# backends in backend mode ('pmd --server --balanced'), against direct to
# one backend (its own address, the same paths and forwarding hop, no
# balancing), in the same run, alternating:
#  - aggregation: mptcpkit perf over the two 50 Mbit/s client paths,
#    balanced / direct (target >= 0.97);
#  - new connections per second (open, 1 KiB each way, close), in turns
#    of 0.5 s, balanced / direct (target >= 0.95);
#  - CONNS connections at once through the balancer: the share with all
#    their subflows (2, both on one backend: mptcpkit -j ss on the
#    backends), every one MPTCP with its bytes intact (target 100 %).
#   bench/balancer.sh [BUILD]   (RUNS=6 SECS=10 CONNS=200 RATE_SECS=5)
. "$(dirname "$0")/../tests/lib.sh"
. "$(dirname "$0")/../tests/balancer-lib.sh"
[ -n "${1:-}" ] && BUILD=$1 && MPTCPKIT=$BUILD/tools/mptcpkit
require_root
require_mptcp
RUNS=${RUNS:-6}
SECS=${SECS:-10}
CONNS=${CONNS:-200}
RATE_SECS=${RATE_SECS:-5}
PERF=5301
LB_RATE=50mbit

LOAD0=$(cut -d' ' -f1-3 /proc/loadavg)
lb_topo 3 bench || exit 1
lb_echo_start || exit 1
for k in 1 2 3; do
	bg "${B[k]}" "$MPTCPKIT" perf -s -p "$PERF" >/dev/null 2>&1
done
for k in 1 2 3; do wait_listen "${B[k]}" "$PERF"; done
in_ns "$L" "$MPTCPKIT" balancer install --service "$VIP:$SPORT" $(lb_backends 3) || exit 1
in_ns "$L" "$MPTCPKIT" balancer install --service "$VIP:$PERF" $(lb_backends 3) || exit 1
lb_pmd_start || { echo "pmd did not start" >&2; exit 1; }
# a load generator's setting: thousands of short connections a second would
# otherwise run out of ports in TIME_WAIT (connect: EADDRNOTAVAIL), and
# connect() slows down long before that
in_ns "$C" sysctl -qw net.ipv4.tcp_tw_reuse=1

perf_mbit() {	# perf_mbit HOST: one test's goodput in Mbit/s ("0" unless verified)
	in_ns "$C" "$MPTCPKIT" -j perf -c "$1" -p "$PERF" -t "$SECS" 2>/dev/null | python3 -c '
import json, sys
d = json.load(sys.stdin)
print("%.2f" % (d["bits_per_second"] / 1e6 if d["verified"] else 0))'
}
conn_rates() {	# conn_rates: "DIRECT BALANCED" connections per second, in turns
	in_ns "$C" python3 "$TOP/tests/balancer-conns.py" ratepair 10.2.1.2 "$VIP" "$SPORT" \
		"$RATE_SECS" | awk '{ print $2, $6 }'
}
# CONNS at once through the balancer
mkfifo "$TMP/ctl"
bg "$C" sh -c "python3 $TOP/tests/balancer-conns.py open $VIP $SPORT $CONNS 16384 <$TMP/ctl >$TMP/conns"
exec 7>"$TMP/ctl"
wait_for 120 grep -q '^round 1' "$TMP/conns"
full() { [ "$(lb_subflows_per_conn | awk '$2 == 2' | wc -l)" = "$CONNS" ]; }
wait_for 20 full
all=$(lb_subflows_per_conn | wc -l)
two=$(lb_subflows_per_conn | awk '$2 == 2' | wc -l)
per=$(lb_subflows_per_conn | cut -d' ' -f1 | sort | uniq -c | awk '{ printf "%s%d", (NR > 1 ? "/" : ""), $1 }')
astray=$(lb_counter MPJoinNoTokenFound)
echo "$CONNS at once: $(cat "$TMP/conns"); on the backends $all connections, $two with 2 subflows" \
	"(per backend $per), joins astray $astray"
exec 7>&-

agg_b=() agg_d=() rate_b=() rate_d=()
for r in $(seq "$RUNS"); do
	# alternate which goes first: the load of a shared machine drifts
	if [ $((r % 2)) = 1 ]; then d=$(perf_mbit 10.2.1.2); b=$(perf_mbit "$VIP")
	else b=$(perf_mbit "$VIP"); d=$(perf_mbit 10.2.1.2); fi
	agg_d+=("$d") agg_b+=("$b")
	read -r d b < <(conn_rates)
	rate_d+=("$d") rate_b+=("$b")
	echo "run $r: perf direct ${agg_d[-1]} balanced ${agg_b[-1]} Mbit/s;" \
		"connections/s direct $d balanced $b (in turns of 0.5 s)"
done

lb_pmd_stop
in_ns "$L" "$MPTCPKIT" balancer remove --service "$VIP:$SPORT" $(lb_backends 3)
in_ns "$L" "$MPTCPKIT" balancer remove --service "$VIP:$PERF" $(lb_backends 3)

python3 - "${agg_b[*]}" "${agg_d[*]}" "${rate_b[*]}" "${rate_d[*]}" <<'PY'
import statistics as st, sys
ab, ad, rb, rd = ([float(x) for x in a.split()] for a in sys.argv[1:5])
print("aggregation balanced/direct: median %.3f (%.2f vs %.2f Mbit/s; runs %s)" % (
    st.median(b / d for b, d in zip(ab, ad)), st.median(ab), st.median(ad),
    " ".join("%.3f" % (b / d) for b, d in zip(ab, ad))))
print("connections/s balanced/direct: median %.3f (%.1f vs %.1f /s; runs %s)" % (
    st.median(b / d for b, d in zip(rb, rd)), st.median(rb), st.median(rd),
    " ".join("%.3f" % (b / d) for b, d in zip(rb, rd))))
PY
echo "load before: $LOAD0, after: $(cut -d' ' -f1-3 /proc/loadavg); $(date -u '+%F %H:%M UTC')"
