# SPDX-License-Identifier: GPL-2.0-or-later
# The load-balancer topology of test 97 and bench/balancer.sh (source after
# lib.sh):
#   client C, two paths: cK (10.1.K.1/24) <-> lK (10.1.K.2/24) in the
#   balancer L; L holds the service address VIP 10.9.0.1 (on lo) and routes;
#   backend Bk (k = 1..N): eth0 10.2.k.2/24 <-> L's bk 10.2.k.1/24, its own
#   address routed through L: the join address 10.2.k.2:JPORT.
# The client takes announced addresses; path 2's endpoint is fullmesh: on
# 6.18 a plain subflow endpoint joins a C-flag server's announced address
# from the default route's address only (measured: path 1 twice).
VIP=10.9.0.1
# wait_for SECONDS CMD... (as pmd-lib.sh has it), unless already defined
declare -F wait_for >/dev/null || wait_for() {
	local n=$(($1 * 10))
	shift
	while [ "$n" -gt 0 ]; do "$@" && return 0; sleep 0.1; n=$((n - 1)); done
	return 1
}
SPORT=${SPORT:-80}
JPORT=${JPORT:-7000}
LB_RATE=${LB_RATE:-}

# lb_topo N [SUFFIX]: sets C, L and B[1..N].
lb_topo() {
	local n=$1 k ns
	ns_new C "lbc${2:-}"
	ns_new L "lbl${2:-}"
	B=()
	for k in $(seq "$n"); do
		ns_new ns "lbb$k${2:-}"
		B[k]=$ns
	done
	for ns in "$C" "$L" "${B[@]}"; do
		in_ns "$ns" sysctl -qw net.ipv4.conf.all.rp_filter=0 net.ipv4.conf.default.rp_filter=0
	done
	for k in 1 2; do
		veth "$C" "c$k" "10.1.$k.1/24" "$L" "l$k" "10.1.$k.2/24" || return 1
		if [ -n "$LB_RATE" ]; then
			tc -n "$C" qdisc add dev "c$k" root tbf rate "$LB_RATE" burst 16kb latency 20ms
			tc -n "$L" qdisc add dev "l$k" root tbf rate "$LB_RATE" burst 16kb latency 20ms
		fi
	done
	ip -n "$C" route add default via 10.1.1.2
	ip -n "$C" rule add from 10.1.2.1 table 102
	ip -n "$C" route add default via 10.1.2.2 dev c2 table 102
	ip -n "$L" addr add "$VIP/32" dev lo
	in_ns "$L" sysctl -qw net.ipv4.ip_forward=1
	for k in $(seq "$n"); do
		veth "$L" "b$k" "10.2.$k.1/24" "${B[k]}" eth0 "10.2.$k.2/24" || return 1
		ip -n "${B[k]}" route add default via "10.2.$k.1"
	done
	in_ns "$C" ip mptcp limits set subflows 2 add_addr_accepted 2
	in_ns "$C" ip mptcp endpoint add 10.1.2.1 dev c2 subflow fullmesh
}

# lb_backends K: the --backend arguments of the first K backends.
lb_backends() {
	local k
	for k in $(seq "$1"); do
		printf -- '--backend 10.2.%d.2,join=10.2.%d.2:%d ' "$k" "$k" "$JPORT"
	done
}

# lb_echo_start: an echo server on every backend's service port.
lb_echo_start() {
	local k
	for k in "${!B[@]}"; do
		bg "${B[k]}" python3 "$TOP/tests/balancer-conns.py" serve "$SPORT"
	done
	for k in "${!B[@]}"; do
		wait_listen "${B[k]}" "$SPORT" || return 1
	done
}

# lb_pmd_start: pmd in backend mode on every backend; logs $TMP/pmdK.log,
# PIDs in LB_PMD[k].
lb_pmd_start() {
	local k
	LB_PMD=()
	for k in "${!B[@]}"; do
		bg "${B[k]}" "$MPTCPKIT" pmd --server --balanced "$VIP:$SPORT" \
			--join "10.2.$k.2:$JPORT" --no-health-checks 2>"$TMP/pmd$k.log"
		LB_PMD[k]=$BG_PID
	done
	for k in "${!B[@]}"; do
		wait_for 10 grep -q 'pmd: start' "$TMP/pmd$k.log" || return 1
	done
}

# lb_pmd_stop: SIGTERM to each, its exit status checked (1 if any failed).
lb_pmd_stop() {
	local k st rc=0
	for k in "${!LB_PMD[@]}"; do
		kill -TERM "${LB_PMD[k]}" 2>/dev/null
		wait "${LB_PMD[k]}" && continue
		st=$? rc=1	# say which and why: its log's last lines
		echo "backend $k: exit $st: $(tail -n 2 "$(ls -t "$TMP"/pmd"$k"*.log | head -1)" | tr '\n' ' ')" >&2
	done
	LB_PMD=()
	return $rc
}

# lb_subflows_per_conn [PORT]: on every backend, each MPTCP connection to
# PORT (default SPORT) with its number of subflows, one line "BACKEND NUM"
# per connection (mptcpkit -j ss).
lb_subflows_per_conn() {
	local k port=${1:-$SPORT}
	for k in "${!B[@]}"; do
		in_ns "${B[k]}" "$MPTCPKIT" -j ss | python3 -c '
import json, sys
for c in json.load(sys.stdin)["connections"]:
    if c.get("state") == "established" and c["local"].endswith(":'"$port"'"):
        print(sys.argv[1], c["num_subflows"])' "$k"
	done
}

# lb_counter NAME: the sum of a MPTcpExt counter over the backends.
lb_counter() {
	local k sum=0 v
	for k in "${!B[@]}"; do
		v=$(in_ns "${B[k]}" awk -v n="$1" '$1 == "MPTcpExt:" {
			if (!h) { for (i = 2; i <= NF; i++) name[i] = $i; h = 1 }
			else for (i = 2; i <= NF; i++) if (name[i] == n) print $i }' /proc/net/netstat)
		sum=$((sum + ${v:-0}))
	done
	echo "$sum"
}
