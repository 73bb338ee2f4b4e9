#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0-or-later
# The lab's netem engine (issue 21: one option set, two engines), in a
# guest whose kernel has netem (this host's has not): lab up --engine
# netem puts netem under the path's tbf and says so; the delay is there
# (ping's shortest round trip is at least twice the one-way delay less
# the jitter); TCP over a jittered path stays in order, as over a link
# and over the NFQUEUE element (netem's jitter alone reordered 2,866
# segments in 5 s before the lab gave it a rate); lab down leaves nothing.
# Cost: 40 s in a TCG guest.
. "$(dirname "$0")/../case-lib.sh"
. "$(dirname "$0")/../../lab-lib.sh"
require_root
require_mptcp
require_cmd tc nft ping nstat
has_netem || skip_all "no netem in kernel $(uname -r)"
# One kernel is enough for tc's netem, and 6.12's guest ends well before
# the others (the matrix's time budget).
case "$VM_KERNEL" in 6.12 | host) ;;
*) skip_all "the netem engine is checked in the 6.12 guest (the matrix's time budget)" ;; esac

N=vmnetem-$RUN_ID
MY_LABS=("$N")
lab() { "$K" lab "$@"; }
on() { local side=$1; shift; lab exec "$side" --name "$N" -- "$@"; }

check_ok "lab up --engine netem" lab up --name "$N" --engine netem \
	--path 1:rate=20,delay=10,jitter=5 --path 2:rate=20
check "lab status: engine netem" netem sh -c "'$K' -j lab status --name '$N' |
	python3 -c 'import json,sys; print(json.load(sys.stdin)[\"engine\"])'"
check_ok "netem and the tbf on path 1" sh -c \
	"ip netns exec mpk-lab-$N-client tc qdisc show dev path1 | grep -q netem &&
	 ip netns exec mpk-lab-$N-client tc qdisc show dev path1 | grep -q tbf"
min_rtt=$(on client ping -q -c 5 -i 0.2 10.0.1.2 | sed -n 's|.*= \([0-9.]*\)/.*|\1|p')
check_ok "path 1: shortest round trip >= 10 ms (2 x (10 - 5)): ${min_rtt:-none} ms" \
	awk -v r="${min_rtt:-0}" 'BEGIN { exit !(r >= 10) }'

bg "mpk-lab-$N-server" "$K" perf -s -1 >/dev/null 2>&1
wait_for 60 listening "mpk-lab-$N-server" 5301 || not_ok "perf server listens"
on client nstat -n
check_ok "TCP over the jittered path" on client "$K" perf -c 10.0.1.2 --tcp -t 3
# The sender's count of reorderings it saw in SACKs (1,427 in 5 s before).
reorder=$(on client nstat -az TcpExtTCPSACKReorder | awk '/SACKReorder/ { print $2 }')
check_ok "TCP stays in order: ${reorder:-?} reorderings seen by the sender (< 100)" \
	awk -v n="${reorder:-99999}" 'BEGIN { exit !(n < 100) }'

check_ok "lab down" lab down --name "$N"
check "nothing left" 0 sh -c "ip netns list | grep -c -- 'mpk-lab-$N-'"
finish
