#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0-or-later
# pmd --prefer auto (issue 21) in a lab whose path 2 has 30 ms each way,
# path 1 none, and path 2 carries 20 Mbit/s down and 2 up beside 40 each
# way: in an upload pmd tries path 2, then makes it backup (its RTT is far
# above path 1's and it carries under a quarter of path 1's rate this
# way), with its evidence in pmd -j (path, RTT, rate, the best path's,
# direction send) and MP_PRIO on the endpoint and the subflow; in a
# download the data turns, path 2's rate that way is not known, so it is
# active again (direction receive) and carries part of the download;
# every byte arrives intact. --prefer aggregate leaves path 2 alone; a bad
# mode is one line. In a second lab, path 2 at 2 Mbit/s beside 20 with no
# delay on either (mptcp_net-next 381: slow in rate, not in RTT): pmd
# makes path 2 backup by its rate, with the rates in pmd -j.
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

"$MPTCPKIT" lab up --name "$L" --path 1:rate=40 --path 2:rate=20/2,delay=30 >/dev/null ||
	skip_all "lab up with a delay failed (no netem, no NFQUEUE?)"
ip -n "$CNS" mptcp endpoint flush	# pmd makes its own

flags_of() { ip -n "$CNS" mptcp endpoint show | grep -F "$1 " | grep -c backup; }
logged() { grep -q "\"action\":\"$1\".*\"dev\":\"path2\"" "$TMP/pmd.log"; }

check_one_line "pmd --prefer fast" '^mptcpkit: pmd: --prefer' "$MPTCPKIT" pmd --prefer fast

head -c 10000000 /dev/urandom >"$TMP/data"
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
check "its evidence: path, RTT (60 ms +-15), rate under a quarter of the best path's, by RTT, sending" \
	"path2 1 1 path1 rtt send" python3 -c '
import json, sys
for line in open(sys.argv[1]):
    d = json.loads(line)
    if d.get("action") == "prefer-backup":
        print(d["dev"], int(45000 <= d["rtt_us"] <= 75000), int(0 < 4 * d["rate_kbit"] < d["best_rate_kbit"]),
              d["best_dev"], d["by"], d["direction"])
        break' "$TMP/pmd.log"
wait_for 5 [ "$(flags_of 10.0.2.1)" = 1 ]
check "the endpoint of path 2 is backup (MP_PRIO)" 1 flags_of 10.0.2.1
check "the endpoint of path 1 is not" 0 flags_of 10.0.1.1
# the subflow itself: MP_PRIO sent while its join was not fully
# established was lost, and the subflow kept carrying data (pmd re-sends)
sf_backup() { ip netns exec "$CNS" ss -tinH src 10.0.2.1 | grep -c 'flags:[A-Za-z]*b'; }
wait_for 3 [ "$(sf_backup)" = 1 ]
check "the upload's subflow on path 2 is backup too (ss: b)" 1 sf_backup

wait "$SEND_PID"
wait "$SERVE_PID"
check "every byte intact (sha256) through the upload" "$WANT 10000000" cat "$TMP/serve1.out"

# the data turns: path 2's rate this way is not known, so it is tried
head -c 8000000 "$TMP/data" >"$TMP/data2"
bg "$SNS" $XFER serve-send $((PORT + 2)) "$TMP/data2"
SERVE_PID=$BG_PID
wait_listen "$SNS" $((PORT + 2))
bg "$CNS" sh -c "$XFER recv 10.0.1.2 $((PORT + 2)) >'$TMP/recv2.out'"
RECV_PID=$BG_PID
active_again() { grep '"action":"prefer-active"' "$TMP/pmd.log" | grep -q '"dev":"path2".*"direction":"receive"'; }
if wait_for 5 active_again; then
	ok "in a download path 2 is active again: $(grep '"prefer-active"' "$TMP/pmd.log" | tail -1 | cut -c1-300)"
else
	not_ok "in a download path 2 is active again" "$(grep -v sample "$TMP/pmd.log" | tail -5 | tr '\n' ' ')"
fi
wait_for 3 [ "$(flags_of 10.0.2.1)" = 0 ]
check "the endpoint of path 2 is active (MP_PRIO)" 0 flags_of 10.0.2.1
# what the client received over path 2 so far: the server sends on it
rcvd2() { ip netns exec "$CNS" ss -tinH src 10.0.2.1 | grep -o 'bytes_received:[0-9]*' | cut -d: -f2 | sort -n | tail -1; }
carried() { [ "$(rcvd2)" -gt 300000 ] 2>/dev/null; }
check_ok "path 2 carries part of the download (over 300 KB)" wait_for 5 carried
wait "$RECV_PID"
wait "$SERVE_PID"
check "every byte of the download intact (sha256)" "$(sha256sum "$TMP/data2" | cut -d' ' -f1) 8000000" \
	cut -d' ' -f1,2 "$TMP/recv2.out"
check "path 2 stayed active: it carries its share this way" "" python3 -c '
import json, sys
after = False
for line in open(sys.argv[1]):
    d = json.loads(line)
    if d.get("action") == "prefer-active" and d.get("direction") == "receive":
        after = True
    elif after and d.get("action") == "prefer-backup":
        print(d["direction"], d["rate_kbit"], d["best_rate_kbit"], d["by"])' "$TMP/pmd.log"
pmd_stop

bg "$SNS" sh -c "$XFER serve $((PORT + 1)) >'$TMP/serve.out'"
SERVE_PID=$BG_PID
wait_listen "$SNS" $((PORT + 1))
pmd_start "$CNS" "$TMP/pmd2.log" -j --client --prefer aggregate
head -c 4000000 "$TMP/data" >"$TMP/data4"
ip netns exec "$CNS" $XFER send 10.0.1.2 $((PORT + 1)) "$TMP/data4"
wait "$SERVE_PID"
check "every byte intact (sha256, --prefer aggregate)" \
	"$(sha256sum "$TMP/data4" | cut -d' ' -f1) 4000000" cat "$TMP/serve.out"
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
