#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0-or-later
# MPTCP through an L4 load balancer (nft, 'mptcpkit balancer install') to 3
# backends in backend mode ('pmd --server --balanced'), against direct to
# the backends (their own addresses, the same paths and forwarding hop, no
# balancing), in the same run, alternating:
#  - aggregation: mptcpkit perf over the two 50 Mbit/s client paths,
#    balanced / direct to backend 1 (target >= 0.97);
#  - new connections per second (open, 1 KiB each way, close), in turns
#    of 0.5 s, balanced / direct to the same 3 backends (the client taking
#    them in turn) (target >= 0.95); the same with plain TCP
#    sockets through the same balancer: what the balancer costs any TCP
#    connection, apart from what MPTCP adds;
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
# and few TIME_WAIT sockets on the client: each connection's join subflow
# bind()s its local address with port 0, and with tens of thousands of
# subflows in TIME_WAIT the kernel's port search (inet_csk_get_port,
# bhash2) took most of the CPU (perf, 2026-12-07): connections per second
# fell from about 2000 to 200 within a run, by how many the runs before
# had left, not by the path measured. The client's own cost, kept flat.
in_ns "$C" sysctl -qw net.ipv4.tcp_max_tw_buckets=2048

perf_mbit() {	# perf_mbit HOST: one test's goodput in Mbit/s ("0" unless verified)
	in_ns "$C" "$MPTCPKIT" -j perf -c "$1" -p "$PERF" -t "$SECS" 2>/dev/null | python3 -c '
import json, sys
d = json.load(sys.stdin)
print("%.2f" % (d["bits_per_second"] / 1e6 if d["verified"] else 0))'
}
# Direct, the client spreads its connections over the 3 backends itself: so
# the two differ by the balancer alone. Against backend 1 alone (as this
# bench did first) balanced was 0.80-0.93 of direct, and the same against a
# balancer over backend 1 alone 0.90-1.17: the 3 echo processes woken in turn
# on 2 cores cost, not the balancer's NAT (2026-12-07, load 1-1.5).
conn_rates() {	# conn_rates [--tcp]: "DIRECT BALANCED" connections per second, in turns
	in_ns "$C" python3 "$TOP/tests/balancer-conns.py" ratepair 10.2.1.2,10.2.2.2,10.2.3.2 "$VIP" "$SPORT" \
		"$RATE_SECS" "$@" | awk '{ print $2, $6 }'
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

agg_b=() agg_d=() rate_b=() rate_d=() tcp_b=() tcp_d=()
for r in $(seq "$RUNS"); do
	# alternate which goes first: the load of a shared machine drifts
	if [ $((r % 2)) = 1 ]; then d=$(perf_mbit 10.2.1.2); b=$(perf_mbit "$VIP")
	else b=$(perf_mbit "$VIP"); d=$(perf_mbit 10.2.1.2); fi
	agg_d+=("$d") agg_b+=("$b")
	read -r d b < <(conn_rates)
	rate_d+=("$d") rate_b+=("$b")
	read -r d b < <(conn_rates --tcp)
	tcp_d+=("$d") tcp_b+=("$b")
	echo "run $r: perf direct ${agg_d[-1]} balanced ${agg_b[-1]} Mbit/s;" \
		"connections/s direct ${rate_d[-1]} balanced ${rate_b[-1]}," \
		"TCP direct $d balanced $b (in turns of 0.5 s); load $(cut -d' ' -f1 /proc/loadavg)"
done

lb_pmd_stop
in_ns "$L" "$MPTCPKIT" balancer remove --service "$VIP:$SPORT" $(lb_backends 3)
in_ns "$L" "$MPTCPKIT" balancer remove --service "$VIP:$PERF" $(lb_backends 3)

python3 - "${agg_b[*]}" "${agg_d[*]}" "${rate_b[*]}" "${rate_d[*]}" "${tcp_b[*]}" \
	"${tcp_d[*]}" <<'PY'
import statistics as st, sys
ab, ad, rb, rd, tb, td = ([float(x) for x in a.split()] for a in sys.argv[1:7])
print("aggregation balanced/direct: median %.3f (%.2f vs %.2f Mbit/s; runs %s)" % (
    st.median(b / d for b, d in zip(ab, ad)), st.median(ab), st.median(ad),
    " ".join("%.3f" % (b / d) for b, d in zip(ab, ad))))
print("connections/s balanced/direct: median %.3f (%.1f vs %.1f /s; runs %s)" % (
    st.median(b / d for b, d in zip(rb, rd)), st.median(rb), st.median(rd),
    " ".join("%.3f" % (b / d) for b, d in zip(rb, rd))))
print("TCP connections/s balanced/direct: median %.3f (%.1f vs %.1f /s; runs %s)" % (
    st.median(b / d for b, d in zip(tb, td)), st.median(tb), st.median(td),
    " ".join("%.3f" % (b / d) for b, d in zip(tb, td))))
print("MPTCP/TCP connections/s: direct %.3f, balanced %.3f (medians of the runs)" % (
    st.median(m / t for m, t in zip(rd, td)), st.median(m / t for m, t in zip(rb, tb))))
PY
echo "load before: $LOAD0, after: $(cut -d' ' -f1-3 /proc/loadavg); $(date -u '+%F %H:%M UTC')"
