#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0-or-later
# Paths that are not equal (issue 21): lab up --path and --profile set what
# they say (tc, nft, the delay engine, lab status), the delay element
# delays what it should (ping RTT within its stated accuracy: never below
# the delay, mean at most 3 ms above it), per direction, with jitter and
# loss; every byte intact over it; lab down stops the delay elements, also
# after a crash; bad input is one line and leaves nothing.
. "$(dirname "$0")/../lib.sh"
. "$(dirname "$0")/../lab-lib.sh"
require_root
require_mptcp
require_cmd ip tc nft iptables ping chrt python3

A=t52a-$RUN_ID
B=t52b-$RUN_ID
C=t52c-$RUN_ID
MY_LABS=("$A" "$B" "$C")

lab() { "$MPTCPKIT" lab "$@"; }

check_gone() {
	local left
	left=$(ip netns list | grep -c -- "mpk-lab-$2-")
	if [ "$left" = 0 ] && [ ! -e "/run/mptcpkit/lab-$2.json" ]; then
		ok "$1: nothing left"
	else
		not_ok "$1: nothing left" "$(ip netns list | grep -- "mpk-lab-$2-" | tr '\n' ' ')"
	fi
}

# path_field NAME K KEY: a value of path K in lab status -j.
path_field() {
	"$MPTCPKIT" -j lab status --name "$1" | python3 -c \
		'import json,sys; print(json.load(sys.stdin)["paths"][int(sys.argv[1])-1][sys.argv[2]])' "$2" "$3"
}

# rtt NAME ADDR COUNT: "min avg max mdev loss%" of a real-time ping -U (full
# user-to-user time: the kernel stamps a reply before the delay element
# holds it, so ping's default figure would miss the return delay).
rtt() {
	lab exec client --name "$1" chrt -f 20 ping -U -n -q -c "$3" -i 0.05 -W 2 "$2" |
		awk -F'[ /]+' '/packet loss/ { for (i = 1; i <= NF; i++) if ($i ~ /%$/) loss = $i }
			/^rtt/ { print $7, $8, $9, $10, loss }'
}

# within VALUE LO HI (floats)
within() { python3 -c 'import sys; v,lo,hi=map(float,sys.argv[1:]); sys.exit(0 if lo<=v<=hi else 1)' "$@"; }

check_range() { # WHAT VALUE LO HI
	if within "$2" "$3" "$4"; then ok "$1: $2 in [$3, $4]"; else not_ok "$1" "$2 not in [$3, $4]"; fi
}

# 1. a profile sets what it says
check_ok "lab up --profile wifi-lte" lab up --name "$A" --profile wifi-lte
ENGINE=$("$MPTCPKIT" -j lab status --name "$A" | python3 -c 'import json,sys; print(json.load(sys.stdin)["engine"])')
if has_netem; then want=netem; else want=nfqueue; fi
check "the delay engine is $want" "$want" echo "$ENGINE"
check "status: path 2 down rate" 10.0 path_field "$A" 2 rate_down
check "status: path 2 up rate" 5.0 path_field "$A" 2 rate_up
check "status: path 2 one-way delay" 30.0 path_field "$A" 2 delay_down
check "status: path 1 loss" 0.5 path_field "$A" 1 loss_down
check "tbf on the server's path 2 (down)" 1 bash -c "tc -n mpk-lab-$A-server qdisc show dev path2 | grep -c 'tbf.*rate 10Mbit'"
check "tbf on the client's path 2 (up)" 1 bash -c "tc -n mpk-lab-$A-client qdisc show dev path2 | grep -c 'tbf.*rate 5Mbit'"
check "nft loss on path 1, 0.5 %" 1 bash -c "ip netns exec mpk-lab-$A-client nft list chain inet mptcpkit_lab in | grep -c 'iifname \"path1\".*< 5000 drop'"
if [ "$ENGINE" = nfqueue ]; then
	check "NFQUEUE on the client's paths" 2 bash -c "ip netns exec mpk-lab-$A-client iptables -t mangle -S PREROUTING | grep -c NFQUEUE"
	PIDS=$("$MPTCPKIT" -j lab status --name "$A" | python3 -c 'import json,sys; d=json.load(sys.stdin); print(d.get("delay_pid_client",0), d.get("delay_pid_server",0))')
	# shellcheck disable=SC2086
	n=$(alive $PIDS | wc -w)
	check "two delay elements running" 2 echo "$n"
fi
read -r mn av mx md loss <<<"$(rtt "$A" 10.0.2.2 20)"
check_range "wifi-lte lte RTT mean (60 ms +-10)" "$av" 57 64
check_range "wifi-lte lte RTT min" "$mn" 49 60
check_range "wifi-lte lte RTT max" "$mx" 60 75
check_range "wifi-lte lte jitter (mdev)" "$md" 1 10

# 2. per direction, exactly: no jitter, delay 25 down / 5 up on path 1
check_ok "lab up --path with DOWN/UP" lab up --name "$B" --path 1:delay=25/5 --path 2:delay=0,loss=20/0
read -r mn av mx md loss <<<"$(rtt "$B" 10.0.1.2 30)"
check_range "RTT of 25 + 5 ms: mean" "$av" 30 33
check_range "RTT of 25 + 5 ms: never below the delay" "$mn" 29.9 33
read -r mn av mx md loss <<<"$(rtt "$B" 10.0.2.2 100)"
check_range "path 2 undelayed: RTT" "$av" 0 3
check_range "path 2's 20 % loss (replies only)" "${loss%\%}" 5 40

# 3. every byte intact over delayed paths (perf verifies what it received)
"$MPTCPKIT" lab exec server --name "$B" "$MPTCPKIT" perf -s -1 -p 5399 >/dev/null 2>&1 &
_PIDS+=("$!")
wait_listen "mpk-lab-$B-server" 5399
OUT=$("$MPTCPKIT" lab exec client --name "$B" "$MPTCPKIT" -j perf -c 10.0.1.2 -p 5399 -t 3 2>/dev/null)
check "perf over the delayed lab: verified, no mismatch" "True 0" python3 -c \
	'import json,sys; d=json.loads(sys.argv[1]); print(d["verified"], d["mismatches"])' "$OUT"

# 4. lab down stops the delay elements, even after a crash (state file gone)
PIDS=$("$MPTCPKIT" -j lab status --name "$B" | python3 -c 'import json,sys; d=json.load(sys.stdin); print(d.get("delay_pid_client",0), d.get("delay_pid_server",0))')
rm -f "/run/mptcpkit/lab-$B.json"
check_ok "lab down --force without a state file" lab down --force --name "$B"
check "its delay elements are gone" "" alive $PIDS
check_gone "lab down after a crash" "$B"
check_ok "lab down A" lab down --name "$A"
check_gone "lab down A" "$A"

# 5. bad input: one line, nothing left behind
for bad in "--profile nope" "--path 3:rate=5" "--path 1:rate=0" "--path 1:rate=20000" \
	"--path 1:delay=6000" "--path 1:jitter=10" "--path 1:loss=60" "--path 1:foo=1" \
	"--path 1:rate=5/" "--path 1:rate=-5" "--path 1:" "--path x:rate=5" "--path 1:rate=5," \
	"--engine x" "--profile equal --paths 3"; do
	# shellcheck disable=SC2086
	check_one_line "lab up $bad" '^mptcpkit: lab' lab up --name "$C" $bad
	check_gone "lab up $bad" "$C"
done
# a missing NFQUEUE target: an iptables that cannot load it
before=$(pgrep -c -f 'lab delayd 1:5000:0$')
mkdir -p "$TMP/bin"
printf '#!/bin/sh\necho "Warning: Extension NFQUEUE revision 0 not supported, missing kernel module?" >&2\nexit 2\n' >"$TMP/bin/iptables"
chmod +x "$TMP/bin/iptables"
check_one_line "no NFQUEUE target" '^mptcpkit: lab up: the delay element needs .*NFQUEUE' \
	env PATH="$TMP/bin:$PATH" "$MPTCPKIT" lab up --name "$C" --engine nfqueue --path 1:delay=5
check_gone "no NFQUEUE target" "$C"
check "no delay element left" "$before" pgrep -c -f 'lab delayd 1:5000:0$'
finish
