#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0-or-later
# mptcpkit lab: up/down, two labs side by side, leftovers of a killed
# 'lab up', link cuts, exec, and the errors (one line, non-zero, nothing left).
. "$(dirname "$0")/../lib.sh"
. "$(dirname "$0")/../lab-lib.sh"
require_root
require_mptcp
require_cmd ip tc nft python3

A=t50a-$RUN_ID
B=t50b-$RUN_ID
C=t50c-$RUN_ID
MY_LABS=("$A" "$B" "$C")


lab() { "$MPTCPKIT" lab "$@"; }

# Nothing of lab NAME left: namespaces, state file.
check_gone() {
	local left
	left=$(ip netns list | grep -c -- "mpk-lab-$2-")
	if [ "$left" = 0 ] && [ ! -e "/run/mptcpkit/lab-$2.json" ]; then
		ok "$1: nothing left"
	else
		not_ok "$1: nothing left" "$(ip netns list | grep -- "mpk-lab-$2-" | tr '\n' ' ')"
	fi
}


path_state() { # NAME K
	python3 -c 'import json,sys; d=json.load(sys.stdin); print(d["paths"][int(sys.argv[1])-1]["state"])' \
		"$2" < <("$MPTCPKIT" -j lab status --name "$1")
}

# Does a TCP SYN to ADDR get an answer (a reset counts) within 1 s?
reachable() { # NAME ADDR
	lab exec client --name "$1" timeout 1 bash -c "exec 3<>/dev/tcp/$2/9" 2>/dev/null
	[ $? != 124 ]
}

# 1. up and down, three times
for i in 1 2 3; do
	check_ok "round $i: lab up" lab up --name "$A"
	check "round $i: status shows 2 paths" 2 \
		bash -c "'$MPTCPKIT' -j lab status --name '$A' | python3 -c 'import json,sys; print(len(json.load(sys.stdin)[\"paths\"]))'"
	check_ok "round $i: lab down" lab down --name "$A"
	check_gone "round $i" "$A"
done

# 2. two labs side by side
check_ok "lab A up (3 paths, 20 Mbit/s)" lab up --name "$A" --paths 3 --rate 20
check_ok "lab B up beside it" lab up --name "$B"
check "lab A has 3 paths at 20 Mbit/s" "3 20" \
	bash -c "'$MPTCPKIT' -j lab status --name '$A' | python3 -c 'import json,sys; d=json.load(sys.stdin); print(len(d[\"paths\"]), d[\"paths\"][2][\"rate\"])'"
check "lab list shows both" "2" bash -c "'$MPTCPKIT' lab list | grep -cE '^($A|$B) '"
check "path 3 of A has its addresses" "10.0.3.1/24" \
	bash -c "'$MPTCPKIT' lab exec client --name '$A' ip -br -4 addr show path3 | awk '{print \$3}'"
check "client of A has subflow endpoints on paths 2 and 3" "path2 path3" \
	bash -c "'$MPTCPKIT' lab exec client --name '$A' ip mptcp endpoint show | grep -o 'dev path[0-9]' | cut -d' ' -f2 | xargs"

# 3. one MPTCP connection uses every path (iperf3 forced with mptcpize)
if command -v iperf3 >/dev/null && command -v mptcpize >/dev/null; then
	lab exec server --name "$A" timeout 10 mptcpize run iperf3 -s -1 >/dev/null 2>&1 &
	_PIDS+=($!)
	wait_listen "mpk-lab-$A-server" 5201
	lab exec client --name "$A" timeout 10 mptcpize run iperf3 -c 10.0.1.2 -t 2 >/dev/null 2>&1 &
	_PIDS+=($!)
	sleep 1
	check "one MPTCP connection has a subflow on each of 3 paths" "10.0.1.1 10.0.2.1 10.0.3.1" \
		bash -c "'$MPTCPKIT' lab exec client --name '$A' ss -Htn state established dport = :5201 |
			awk '{print \$3}' | sed 's/[%:].*//' | sort -u | xargs"
	wait
else
	skip "one MPTCP connection uses every path" "needs iperf3 and mptcpize"
fi

# 4. link cut and restore
check_ok "path 1 reachable before the cut" reachable "$B" 10.0.1.2
check_ok "lab link 1 down" lab link 1 down --name "$B"
check "status says path 1 down" down path_state "$B" 1
check "status says path 2 up" up path_state "$B" 2
check_fail "path 1 unreachable while cut" reachable "$B" 10.0.1.2
check_ok "path 2 reachable while path 1 is cut" reachable "$B" 10.0.2.2
check_ok "lab link 1 up" lab link 1 up --name "$B"
check "status says path 1 up again" up path_state "$B" 1
check_ok "path 1 reachable after the restore" reachable "$B" 10.0.1.2
check_one_line "link to a path that does not exist" '^mptcpkit: ' lab link 3 down --name "$B"

# 5. exec
check "exec client runs in the client namespace" "mpk-lab-$B-client" lab exec client --name "$B" ip netns identify
check "exec server runs in the server namespace" "mpk-lab-$B-server" lab exec server --name "$B" ip netns identify
lab exec client --name "$B" sh -c 'exit 7'
check "exec passes the exit status through" 7 echo $?

# 6. errors: one line, non-zero, nothing left behind
check_one_line "lab up of an existing lab" '^mptcpkit: ' lab up --name "$B"
check "the existing lab still works after it" up path_state "$B" 2
check_one_line "lab down of a missing lab" '^mptcpkit: ' lab down --name "$C"
check_ok "lab down --force of a missing lab" lab down --force --name "$C"
# Where the kernel lacks netem, --engine netem cannot be had (the default
# engine then is the NFQUEUE delay element: tests/netns/52-lab-paths.sh).
if ! has_netem; then
	check_one_line "--engine netem without netem" '^mptcpkit: .*netem' lab up --name "$C" --delay 20 --engine netem
	check_gone "--engine netem without netem" "$C"
else
	skip "--engine netem without netem" "this kernel has netem"
fi
for bad in 0 9 two; do
	check_one_line "--paths $bad" '^mptcpkit: ' lab up --name "$C" --paths "$bad"
	check_gone "--paths $bad" "$C"
done
check_one_line "a bad lab name" '^mptcpkit: ' lab up --name "a/b"
check_one_line "not root" '^mptcpkit: ' setpriv --reuid=65534 --clear-groups "$MPTCPKIT" lab status --name "$B"
check_ok "lab down A" lab down --name "$A"
check_ok "lab down B" lab down --name "$B"
check_gone "lab A" "$A"
check_gone "lab B" "$B"

# 7. leftovers of a crash: a 'lab up' killed midway, a lone namespace
lab up --name "$C" --paths 8 >/dev/null 2>&1 &
pid=$!
sleep 0.03
kill -9 "$pid" 2>/dev/null
wait "$pid" 2>/dev/null
check_ok "lab down --force after a killed lab up" lab down --force --name "$C"
check_gone "killed lab up" "$C"
ip netns add "mpk-lab-$C-server"
check "lab list shows the half lab as incomplete" "$C  (incomplete)" bash -c "'$MPTCPKIT' lab list | grep -- '^$C '"
check_one_line "lab up over the leftover" '^mptcpkit: ' lab up --name "$C"
check_ok "lab down removes the leftover" lab down --name "$C"
check_gone "leftover namespace" "$C"

check_ok "lab up again" lab up --name "$C"
ip netns del "mpk-lab-$C-client"
ip netns del "mpk-lab-$C-server"
check_ok "lab down after its namespaces were removed by hand (stale state file)" lab down --name "$C"
check_gone "stale state file" "$C"

# 8. congestion control
check_ok "lab up (default congestion control)" lab up --name "$C"
check "the lab's cc is what both namespaces use" \
	"$(lab status --name "$C" | grep -o 'cc [a-z0-9]*' | cut -d' ' -f2) x2" \
	bash -c "for s in client server; do '$MPTCPKIT' lab exec \$s --name '$C' sysctl -n net.ipv4.tcp_congestion_control; done | sort | uniq -c | awk '{print \$2\" x\"\$1}'"
check_ok "lab down" lab down --name "$C"
check_one_line "--cc with an unknown algorithm" '^mptcpkit: ' lab up --name "$C" --cc no-such-cc
check_gone "--cc with an unknown algorithm" "$C"

# 9. loss
check_ok "lab up with 10% loss" lab up --name "$C" --loss 10
check "status shows the loss" 10 bash -c "'$MPTCPKIT' -j lab status --name '$C' | python3 -c 'import json,sys; print(int(json.load(sys.stdin)[\"loss\"]))'"
check "both namespaces drop 10% at random" 2 bash -c "for s in client server; do '$MPTCPKIT' lab exec \$s --name '$C' nft list ruleset; done | grep -c 'numgen random mod 1000 < 100 drop'"
check_ok "lab down" lab down --name "$C"
for n in "${MY_LABS[@]}"; do
	check_gone "at the end, lab $n" "$n"
done

finish
