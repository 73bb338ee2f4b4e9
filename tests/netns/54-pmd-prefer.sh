#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0-or-later
# pmd --prefer auto (issue 21) in a lab whose path 2 has 30 ms each way and
# path 1 none: during one upload pmd makes path 2 backup, with its evidence
# in pmd -j (path, RTT, rate, the best path's RTT) and MP_PRIO on the
# endpoint; when path 2's delay goes, it is promoted again; every byte
# arrives intact. --prefer aggregate leaves path 2 alone; a bad mode is
# one line. In a second lab, path 2 at 2 Mbit/s beside 20 with no delay on
# either (mptcp_net-next 381: slow in rate, not in RTT): pmd makes path 2
# backup by its rate, with the rates in pmd -j.
. "$(dirname "$0")/../lib.sh"
. "$(dirname "$0")/../lab-lib.sh"
. "$(dirname "$0")/../pmd-lib.sh"
require_root
require_mptcp
require_cmd ip tc nft iptables python3 sha256sum

L=t54-$RUN_ID
MY_LABS=("$L")
CNS=mpk-lab-$L-client
SNS=mpk-lab-$L-server
XFER="python3 $TOP/tests/pmd-xfer.py"
PORT=5541

"$MPTCPKIT" lab up --name "$L" --path 1:rate=20 --path 2:rate=20,delay=30 >/dev/null ||
	skip_all "lab up with a delay failed (no netem, no NFQUEUE?)"
ENGINE=$("$MPTCPKIT" -j lab status --name "$L" | python3 -c 'import json,sys; print(json.load(sys.stdin)["engine"])')
ip -n "$CNS" mptcp endpoint flush	# pmd makes its own

# undelay: path 2 without its delay, whichever engine adds it
undelay() {
	if [ "$ENGINE" = netem ]; then
		local ns
		for ns in "$CNS" "$SNS"; do
			tc -n "$ns" qdisc change dev path2 root handle 1: netem delay 0ms
		done
	else
		ip netns exec "$CNS" iptables -t mangle -D PREROUTING -i path2 -j NFQUEUE --queue-num 2 &&
			ip netns exec "$SNS" iptables -t mangle -D PREROUTING -i path2 -j NFQUEUE --queue-num 2
	fi
}

redelay() {
	if [ "$ENGINE" = netem ]; then
		local ns
		for ns in "$CNS" "$SNS"; do
			tc -n "$ns" qdisc change dev path2 root handle 1: netem delay 30ms
		done
	else
		ip netns exec "$CNS" iptables -t mangle -A PREROUTING -i path2 -j NFQUEUE --queue-num 2 &&
			ip netns exec "$SNS" iptables -t mangle -A PREROUTING -i path2 -j NFQUEUE --queue-num 2
	fi
}

flags_of() { ip -n "$CNS" mptcp endpoint show | grep -F "$1 " | grep -c backup; }
logged() { grep -q "\"action\":\"$1\".*\"dev\":\"path2\"" "$TMP/pmd.log"; }

check_one_line "pmd --prefer fast" '^mptcpkit: pmd: --prefer' "$MPTCPKIT" pmd --prefer fast

head -c 12000000 /dev/urandom >"$TMP/data"
WANT=$(sha256sum "$TMP/data" | cut -d' ' -f1)

pmd_start "$CNS" "$TMP/pmd.log" -j --client || not_ok "pmd started" "$(head -3 "$TMP/pmd.log")"
bg "$SNS" sh -c "$XFER serve $PORT >'$TMP/serve1.out'"
SERVE_PID=$BG_PID
wait_listen "$SNS" $PORT
bg "$CNS" $XFER send 10.0.1.2 $PORT "$TMP/data"
SEND_PID=$BG_PID

if wait_for 10 logged prefer-backup; then
	ok "pmd made path 2 backup: $(grep -m1 '"prefer-backup"' "$TMP/pmd.log" | cut -c1-300)"
else
	not_ok "pmd made path 2 backup" "$(grep -v sample "$TMP/pmd.log" | tail -5 | tr '\n' ' ')"
fi
check "its evidence: path, RTT (60 ms +-15), rate, the best path" "path2 1 1 path1" python3 -c '
import json, sys
for line in open(sys.argv[1]):
    d = json.loads(line)
    if d.get("action") == "prefer-backup":
        print(d["dev"], int(45000 <= d["rtt_us"] <= 75000), int("rate_kbit" in d), d["best_dev"])
        break' "$TMP/pmd.log"
wait_for 5 [ "$(flags_of 10.0.2.1)" = 1 ]
check "the endpoint of path 2 is backup (MP_PRIO)" 1 flags_of 10.0.2.1
check "the endpoint of path 1 is not" 0 flags_of 10.0.1.1
# the subflow itself: MP_PRIO sent while its join was not fully
# established was lost, and the subflow kept carrying data (pmd re-sends)
sf_backup() { ip netns exec "$CNS" ss -tinH src 10.0.2.1 | grep -c 'flags:[A-Za-z]*b'; }
wait_for 3 [ "$(sf_backup)" = 1 ]
check "the upload's subflow on path 2 is backup too (ss: b)" 1 sf_backup

check_ok "path 2 loses its delay" undelay
if wait_for 15 logged prefer-active; then
	ok "a path that got better is promoted: $(grep -m1 '"prefer-active"' "$TMP/pmd.log" | cut -c1-300)"
else
	not_ok "a path that got better is promoted" "$(grep -v sample "$TMP/pmd.log" | tail -5 | tr '\n' ' ')"
fi
wait_for 5 [ "$(flags_of 10.0.2.1)" = 0 ]
check "the endpoint of path 2 is active again" 0 flags_of 10.0.2.1

wait "$SEND_PID"
wait "$SERVE_PID"
check "every byte intact (sha256) through backup and promotion" "$WANT 12000000" cat "$TMP/serve1.out"
pmd_stop

check_ok "path 2 gets its delay back" redelay
bg "$SNS" sh -c "$XFER serve $((PORT + 1)) >'$TMP/serve.out'"
SERVE_PID=$BG_PID
wait_listen "$SNS" $((PORT + 1))
pmd_start "$CNS" "$TMP/pmd2.log" -j --client --prefer aggregate
ip netns exec "$CNS" $XFER send 10.0.1.2 $((PORT + 1)) "$TMP/data"
wait "$SERVE_PID"
check "every byte intact (sha256, --prefer aggregate)" "$WANT 12000000" cat "$TMP/serve.out"
check "--prefer aggregate: path 2 never backup" 0 grep -c '"prefer-backup"' "$TMP/pmd2.log"
pmd_stop

# slow in rate only: the same RTT, a tenth of the rate
R=t54r-$RUN_ID
MY_LABS+=("$R")
RNS=mpk-lab-$R-client
"$MPTCPKIT" lab up --name "$R" --path 1:rate=20 --path 2:rate=2 >/dev/null
ip -n "$RNS" mptcp endpoint flush
bg "mpk-lab-$R-server" sh -c "$XFER serve $PORT >'$TMP/serve3.out'"
SERVE_PID=$BG_PID
wait_listen "mpk-lab-$R-server" $PORT
pmd_start "$RNS" "$TMP/pmd3.log" -j --client
head -c 6000000 "$TMP/data" >"$TMP/data3"
ip netns exec "$RNS" $XFER send 10.0.1.2 $PORT "$TMP/data3"
wait "$SERVE_PID"
check "every byte intact (sha256, path 2 slow in rate)" \
	"$(sha256sum "$TMP/data3" | cut -d' ' -f1) 6000000" cat "$TMP/serve3.out"
check "path 2, 2 Mbit/s beside 20, same RTT: backup by its rate, below a fifth of path 1's" \
	"path2 rate 1 path1" python3 -c '
import json, sys
for line in open(sys.argv[1]):
    d = json.loads(line)
    if d.get("action") == "prefer-backup":
        print(d["dev"], d["by"], int(0 < 5 * d["rate_kbit"] < d["best_rate_kbit"]), d["best_dev"])
        break' "$TMP/pmd3.log"
rflags_of() { ip -n "$RNS" mptcp endpoint show | grep -F "$1 " | grep -c backup; }
check "its endpoint is backup (MP_PRIO)" 1 rflags_of 10.0.2.1
pmd_stop
finish
