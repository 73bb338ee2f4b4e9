# SPDX-License-Identifier: GPL-2.0-or-later
# shellcheck shell=bash disable=SC2034
# The sockets the tests of diag, ss, top and the exporter look at (source
# after lib.sh): client namespace C and server namespace S on two paths
# (10.0.k.1 <-> 10.0.k.2, fd00:1::1 <-> fd00:1::2 on path 1), the server
# announcing 10.0.2.2, and
#   port 8000: an MPTCP server (IPv4 wildcard): 2 MPTCP clients, each with
#              a second subflow over path 2, and 1 plain TCP client (the
#              server's socket falls back: "the peer connected without MPTCP")
#   port 8001: an MPTCP server on IPv6, 1 MPTCP client over IPv6 (its
#              second subflow goes over IPv4 to 10.0.2.2, as announced)
#   port 8002: a plain TCP server, 1 MPTCP client (it falls back: "the peer
#              answered without MPTCP")
HOLD=(python3 "$TOP/tests/hold-conns.py")
SSP=(python3 "$TOP/tests/ss-parse.py")
SSJ=(python3 "$TOP/tests/ss-json.py")

# obs_topo NAME: sets C and S (namespaces NAMEc, NAMEs).
obs_topo() {
	ns_new C "${1}c"
	ns_new S "${1}s"
	two_paths "$C" "$S" 10.0 || { not_ok "topology: two paths"; exit 1; }
	addr_add "$C" fd00:1::1/64 c1
	addr_add "$S" fd00:1::2/64 s1
	ip -n "$C" mptcp limits set subflows 2 add_addr_accepted 2
	ip -n "$S" mptcp limits set subflows 2 add_addr_accepted 2
	ip -n "$S" mptcp endpoint add 10.0.2.2 dev s2 signal
}

# obs_open ARGS...: client connections (hold-conns.py open), kept until cleanup.
obs_open() {
	bg "$C" "${HOLD[@]}" open "$@" >/dev/null
}

# obs_conns: the servers and clients above; waits until every client is
# connected and the three MPTCP connections have their second subflow
# (at most 10 s).
obs_conns() {
	local p
	bg "$S" "${HOLD[@]}" serve 8000
	bg "$S" "${HOLD[@]}" serve 8001 --v6
	bg "$S" "${HOLD[@]}" serve 8002 --tcp
	for p in 8000 8001 8002; do
		wait_listen "$S" "$p" || { not_ok "server listens on $p"; exit 1; }
	done
	obs_open 10.0.1.2 8000 2
	obs_open fd00:1::2 8001 1
	obs_open 10.0.1.2 8002 1
	obs_open 10.0.1.2 8000 1 --tcp
	for _ in $(seq 100); do
		[ "$(in_ns "$C" ss -Htn state established 'dport = :8000 or dport = :8001 or dport = :8002' | wc -l)" = 8 ] && break
		sleep 0.1
	done
	sleep 0.3
}
