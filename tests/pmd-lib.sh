# SPDX-License-Identifier: GPL-2.0-or-later
# The two-path topology of the pmd tests and benchmark (source after lib.sh):
#   client namespace C, server namespace S, path k = veth cK <-> sK,
#   10.0.k.1/24 (client) - 10.0.k.2/24 (server), tbf RATE each way.
# No MPTCP endpoint is set by hand: that is pmd's job.

PMD_RATE=${PMD_RATE:-50mbit}

# pmd_topo [SUFFIX]: sets C and S (namespaces pmdcSUFFIX, pmdsSUFFIX).
pmd_topo() {
	local k
	ns_new C "pmdc${1:-}"
	ns_new S "pmds${1:-}"
	two_paths "$C" "$S" 10.0 || { not_ok "topology: two paths"; exit 1; }
	for k in 1 2; do
		tc -n "$C" qdisc add dev "c$k" root tbf rate "$PMD_RATE" burst 16kb latency 20ms
		tc -n "$S" qdisc add dev "s$k" root tbf rate "$PMD_RATE" burst 16kb latency 20ms
	done
}

# path_set K up|down: both ends of path K.
path_set() {
	ip -n "$C" link set "c$1" "$2"
	ip -n "$S" link set "s$1" "$2"
}

# path_silent K on|off: path K drops everything both ways on the client
# (an nft table of its own), its link staying up: a silent failure.
path_silent() {
	if [ "$2" = on ]; then
		in_ns "$C" nft -f - <<EOF
table inet mpk_cut$1 {
	chain o { type filter hook output priority 0; oifname "c$1" drop; }
	chain i { type filter hook input priority 0; iifname "c$1" drop; }
}
EOF
	else
		in_ns "$C" nft delete table inet "mpk_cut$1"
	fi
}

# path_reset K on|off: the server answers the client's segments on path K
# with a reset (SYNs pass): the kernel closes the subflow by itself.
path_reset() {
	if [ "$2" = on ]; then
		in_ns "$S" nft -f - <<EOF
table inet mpk_rst$1 {
	chain i {
		type filter hook input priority 0;
		ip saddr 10.0.$1.1 tcp flags & ack == ack reject with tcp reset
	}
}
EOF
	else
		in_ns "$S" nft delete table inet "mpk_rst$1"
	fi
}

# subflows NS PORT: established TCP subflows of connections to/from PORT.
subflows() {
	in_ns "$1" ss -Htn state established "( dport = :$2 or sport = :$2 )" | wc -l
}

# subflows_from NS PORT PREFIX: those whose local address starts with PREFIX.
subflows_on() {
	in_ns "$1" ss -Htn state established "( dport = :$2 or sport = :$2 )" |
		awk -v p="$3" 'index($3, p) == 1' | wc -l
}

# both_paths: the connection to/from PORT has one subflow on each path (client side).
both_paths() { [ "$(subflows_on "$C" $PORT 10.0.1.)" = 1 ] && [ "$(subflows_on "$C" $PORT 10.0.2.)" = 1 ]; }
# only_on PREFIX: it has one subflow, whose local address starts with PREFIX.
only_on() { [ "$(subflows "$C" $PORT)" = 1 ] && [ "$(subflows_on "$C" $PORT "$1")" = 1 ]; }

# xfer_start SIZE: SIZE (head -c) of random data from C to S's port PORT
# with pmd-xfer.py; the receiver writes $TMP/served (and its progress to
# $TMP/rx.log), the sender is SENDER.
xfer_start() {
	head -c "$1" /dev/urandom >"$TMP/data"
	bg "$S" sh -c "python3 $TOP/tests/pmd-xfer.py serve $PORT $TMP/rx.log >$TMP/served"
	wait_listen "$S" "$PORT" || not_ok "server listens"
	bg "$C" python3 "$TOP/tests/pmd-xfer.py" send 10.0.1.2 "$PORT" "$TMP/data"
	SENDER=$BG_PID
}

# xfer_down_start SIZE: the other direction: S sends SIZE of random data,
# C receives and writes "SHA256 BYTES" to $TMP/got; RECEIVER is its PID.
xfer_down_start() {
	head -c "$1" /dev/urandom >"$TMP/data"
	bg "$S" python3 "$TOP/tests/pmd-xfer.py" serve-send "$PORT" "$TMP/data"
	wait_listen "$S" "$PORT" || not_ok "server listens"
	bg "$C" sh -c "python3 $TOP/tests/pmd-xfer.py recv 10.0.1.2 $PORT $TMP/rx.log >$TMP/got"
	RECEIVER=$BG_PID
}

# wait_for SECONDS CMD...: poll (every 0.1 s) until CMD succeeds.
wait_for() {
	local n=$(($1 * 10))
	shift
	while [ "$n" -gt 0 ]; do
		"$@" && return 0
		sleep 0.1
		n=$((n - 1))
	done
	return 1
}

# pmd_start NS LOG ARGS...: pmd in the background; PMD_PID.
pmd_start() {
	local ns=$1 log=$2
	shift 2
	bg "$ns" "$MPTCPKIT" pmd "$@" 2>"$log"
	PMD_PID=$BG_PID
	wait_for 5 grep -qE 'pmd: start|"action":"start"' "$log"
}

# pmd_stop: SIGTERM, wait; returns pmd's exit status.
pmd_stop() {
	kill -TERM "$PMD_PID" 2>/dev/null
	wait "$PMD_PID"
}
