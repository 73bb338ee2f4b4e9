#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0-or-later
# mptcpkit lab up --balancer N: a client with two paths, the server
# namespace balancing (nft rules from 'mptcpkit balancer install') in front
# of N backends running pmd --server --balanced; a connection to the
# service address uses both paths, its join going straight to the backend
# it landed on; lab exec backendK; lab down leaves no namespace, process or
# file; the errors are one line.
. "$(dirname "$0")/../lib.sh"
. "$(dirname "$0")/../lab-lib.sh"
require_root
require_mptcp
require_cmd ip tc nft python3

A=t97-$RUN_ID
MY_LABS=("$A")
K=$MPTCPKIT
lab() { "$K" lab "$@"; }

check_one_line "lab up --balancer 9: out of range" "expected a number of backends from 1 to 8" \
	lab up --balancer 9 --name "$A"
check_one_line "lab up --router --balancer: one topology" "two topologies" \
	lab up --router --balancer 2 --name "$A"
check_ok "lab up --balancer 2" lab up --balancer 2 --name "$A"
check "namespaces: client, server (the balancer), 2 backends" "backend1 backend2 client server" \
	bash -c "ip netns list | grep -oE -- 'mpk-lab-$A-[a-z0-9]+' | sed 's/.*-//' | sort | xargs"
check "lab status -j: topology and backends" "balancer 2" python3 -c '
import json, subprocess, sys
d = json.loads(subprocess.check_output([sys.argv[1], "-j", "lab", "status", "--name", sys.argv[2]]))
print(d["topology"], len(d["backends"]))' "$K" "$A"
check "the balancer's rules (nft table)" "table ip mptcpkit_lb_10_9_0_1_80" \
	sh -c "$K lab exec server --name $A nft list tables | grep mptcpkit_lb"
check "each backend: the C flag set, its join endpoint" "0 10.3.2.2 port 7000" \
	sh -c "echo \$($K lab exec backend2 --name $A sysctl -n net.mptcp.allow_join_initial_addr_port) \
		\$($K lab exec backend2 --name $A ip mptcp endpoint show | cut -d' ' -f1-3)"
pids=""
for k in 1 2; do
	lab exec "backend$k" --name "$A" "$K" perf -s -p 80 >/dev/null 2>&1 &
	pids="$pids $!"
done
for k in 1 2; do
	for i in $(seq 50); do
		lab exec "backend$k" --name "$A" ss -Hltn 'sport = :80' | grep -q . && break
		sleep 0.1
	done
done
lab exec client --name "$A" "$K" -j perf -c 10.9.0.1 -p 80 -t 2 >"$TMP/perf.json" 2>&1
check "perf through the balancer: MPTCP, intact, a subflow per path, the join to a backend's join port" \
	"True True 10.0.1.1 10.9.0.1:80 10.0.2.1 7000" python3 -c '
import json, sys
d = json.load(open(sys.argv[1]))
subs = sorted(d["subflows"], key=lambda s: s["local"])
print(d["mptcp"], d["verified"], subs[0]["local"].split(":")[0], subs[0]["remote"],
      subs[1]["local"].split(":")[0], subs[1]["remote"].split(":")[1])' "$TMP/perf.json"
check_one_line "lab exec backend3 on a lab of 2" "backend1..backend2" \
	lab exec backend3 --name "$A" true
# pmd must outlive 'lab up' (it once died with it, by SIGKILL, and left its
# state files), and 'lab down' stops it so that it removes them.
backend_pmds() {
	for k in 1 2; do ip netns pids "mpk-lab-$A-backend$k"; done | while read -r p; do
		tr '\0' ' ' <"/proc/$p/cmdline" 2>/dev/null | grep -q ' pmd --server' && echo "$p"
	done | xargs
}
PMDS=$(backend_pmds)
check "each backend's pmd still runs after lab up returned" "2" sh -c "echo $PMDS | wc -w"
check_ok "lab down" lab down --name "$A"
# (a zombie waits for init's reaper, slow here: exited is what counts)
check "the backends' pmd stopped, their state files removed" "" sh -c "for p in $PMDS; do
	ps -o stat= -p \$p | grep -qv Z && echo alive \$p; grep -lx \"pid \$p\" /run/mptcpkit/pmd-*.state; done 2>/dev/null"
wait $pids 2>/dev/null
check "no namespace or file left" "" sh -c "ip netns list | grep -- 'mpk-lab-$A-';
	ls /run/mptcpkit/ 2>/dev/null | grep -F -- 'lab-$A'"

# demo --balancer: its own lab of 3 backends, removed at the end (other
# demos may run beside: only namespaces that were not there before count)
demo_ns() { ip netns list | grep -oE -- 'mpk-lab-demo-[0-9]+-[a-z0-9]+' | sort; }
demo_ns >"$TMP/ns.before"
"$K" -j demo --balancer --quick >"$TMP/demo.json" 2>"$TMP/demo.err"
rc=$?
check "demo --balancer: exit 0, 4 tests, each on a backend, MPTCP, 2 subflows, intact, none astray" \
	"0 4 True" python3 -c '
import json, sys
d = json.loads(open(sys.argv[2]).read().strip().splitlines()[-1])
t = d["tests"]
print(sys.argv[1], len(t), all(x["ok"] and x["backend"] >= 1 and x["mptcp"] and x["subflows"] == 2
                                and x["verified"] and x["astray"] == 0 for x in t))' "$rc" "$TMP/demo.json"
check "demo --balancer: no lab left" "" eval 'demo_ns | comm -13 "$TMP/ns.before" -'
finish
