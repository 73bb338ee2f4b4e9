#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0-or-later
# mptcpkit ss on the sockets of obs-lib.sh, against iproute2's ss on the
# same state: connections with their tokens (ss -Mi), subflows with theirs
# and their bytes (ss -ti); subflows beneath their connection with their
# interfaces; both kinds of fallback with the side that saw it; listeners
# (-l); filters; text and JSON list the same connections; bad input is one
# line on stderr.
. "$(dirname "$0")/../lib.sh"

require_root
require_mptcp
require_cmd python3 ss
[ -x "$MPTCPKIT" ] || skip_all "no built mptcpkit at $MPTCPKIT"
. "$TOP/tests/obs-lib.sh"

obs_topo ss
obs_conns

K=$MPTCPKIT
# kss NS ARGS...: mptcpkit -j ss in a namespace.
kss() {
	local ns=$1
	shift
	in_ns "$ns" "$K" -j ss "$@"
}

for side in C S; do
	ns=${!side}
	kss "$ns" >"$TMP/$side.json" 2>"$TMP/$side.err" || not_ok "$side: ss -j" "$(cat "$TMP/$side.err")"
	check "$side: connections and tokens as ss -Mi shows them" \
		"$(in_ns "$ns" ss -HMni 2>/dev/null | "${SSP[@]}" conns | sort)" \
		sh -c "${SSJ[*]} conns <$TMP/$side.json | sort"
	check "$side: subflows and their connection's token as ss -ti shows them" \
		"$(in_ns "$ns" ss -Htni 2>/dev/null | "${SSP[@]}" subflows | sort)" \
		sh -c "${SSJ[*]} subflows <$TMP/$side.json | sort"
	check "$side: subflow bytes received as ss -ti shows them" \
		"$(in_ns "$ns" ss -Htni 2>/dev/null | "${SSP[@]}" subflow-bytes | sort)" \
		sh -c "${SSJ[*]} subflow-bytes <$TMP/$side.json | sort"
done
check "client: 4 connections with a token, 7 subflows" "4 7" \
	sh -c "echo \$(${SSJ[*]} conns <$TMP/C.json | wc -l) \$(${SSJ[*]} subflows <$TMP/C.json | wc -l)"

# Text: each connection, its subflows indented beneath it.
in_ns "$C" "$K" ss dport = :8000 >"$TMP/c.txt"
check "text: a connection to 8000, then its subflows on c1 and c2" \
	"$(printf 'ESTAB 10.0.1.2:8000 2\n c1 10.0.1.2:8000\n c2 10.0.2.2:8000')" \
	sh -c "head -3 $TMP/c.txt | awk '/^ESTAB/ { print \$1, \$3, \$NF } /^ / { print \"\", \$1, \$4 }'"
check "text: sent and received bytes of the connection" "sent 1000 received 0" \
	sh -c "grep -m1 -o 'sent [0-9]* received [0-9]*' $TMP/c.txt"
check "text and JSON list the same connections" \
	"$(kss "$C" | "${SSJ[@]}" count)" sh -c "ip netns exec $C $K ss | grep -c '^[A-Z]'"

check "-S: the connections with a token, no subflows" "4 0" \
	sh -c "ip netns exec $C $K -j ss -S | python3 -c 'import json,sys; c=json.load(sys.stdin)[\"connections\"]; print(sum(1 for x in c if x.get(\"token\")), sum(len(x[\"subflows\"]) for x in c))'"

check "a user without privileges sees the same connections" \
	"$(kss "$C" | "${SSJ[@]}" count)" \
	sh -c "ip netns exec $C setpriv --reuid=65534 --regid=65534 --clear-groups $K -j ss | ${SSJ[*]} count"

# Fallback, and the side that saw it.
check "client: fell back to the TCP server, the peer did not answer" \
	"$(printf '10.0.1.1:PORT 10.0.1.2:8002 no_answer')" \
	sh -c "${SSJ[*]} fallback <$TMP/C.json | sed 's/:[0-9]* / :PORT /; s/ :PORT/:PORT/'"
check "server: the TCP client of the MPTCP listener" \
	"10.0.1.2:8000 no_answer=0 peer_tcp" \
	sh -c "${SSJ[*]} fallback <$TMP/S.json | awk '{ print \$1, \"no_answer=0\", \$3 }'"
check "text: fallback in words" "fallback: the peer connected without MPTCP" \
	sh -c "ip netns exec $S $K ss | grep -o 'fallback: .*'"

# Listeners.
check "-l: the MPTCP listeners only" "$(printf '0.0.0.0:8000\n[::]:8001')" \
	sh -c "ip netns exec $S $K ss -l | awk '\$1 == \"LISTEN\" { print \$2 }' | sort"
check "-a: connections and listeners" 6 sh -c "ip netns exec $S $K -j ss -a | ${SSJ[*]} count"

# Filters (a connection matches by itself or by one of its subflows).
count() { kss "$C" "$@" | "${SSJ[@]}" count; }
check "filter: dport = :8001" 1 count dport = :8001
check "filter: dport :8000 (no operator)" 2 count dport :8000
check "filter: dst 10.0.2.2 (a subflow's address, also of the IPv6 connection)" 3 count dst 10.0.2.2
check "filter: dst 10.0.0.0/16" 4 count dst 10.0.0.0/16
check "filter: src [fd00:1::1]" 1 count src '[fd00:1::1]'
check "filter: src fd00:1::/64" 1 count src fd00:1::/64
check "filter: not dport = :8000 (or a subflow that is not)" 2 count not dport = :8000
check "filter: ( dport = :8001 or dport = :8002 ) and state established" 2 \
	count '(' dport = :8001 or dport = :8002 ')' and state established
check "filter: sport < 1024" 0 count sport lt 1024
check "filter: dst 10.0.1.2:8002" 1 count dst 10.0.1.2:8002
check "filter: state syn-sent" 0 count state syn-sent
check "filter: server, dst != 10.0.1.1 and dst != 10.0.2.1" 1 sh -c "ip netns exec $S $K -j ss dst != 10.0.1.1 and dst != 10.0.2.1 | ${SSJ[*]} count"

# Bad input: one line, exit 1.
check_one_line "bad port" "ss: bad filter: expected a port number at ':abc'" "$K" ss dport = :abc
check_one_line "bad address" "ss: bad filter: expected an address" "$K" ss src 300.1.1.1
check_one_line "unclosed parenthesis" "ss: bad filter: expected \) at the end" "$K" ss '(' dport = :80
check_one_line "unknown state" "ss: bad filter: expected a state" "$K" ss state bogus
check_one_line "ordered address" "ss: bad filter: addresses compare with = or != only" "$K" ss src '>' 10.0.0.1
check_one_line "unknown word" "ss: bad filter: expected sport" "$K" ss port 80
check_one_line "unknown option" "ss: unknown option '-Z'" "$K" ss -Z
check_ok "ss --help" "$K" ss --help

if ! is_sanitizer_build && command -v valgrind >/dev/null; then
	check_ok "valgrind: ss -a without leaks or errors" in_ns "$C" valgrind -q \
		--leak-check=full --errors-for-leak-kinds=all --error-exitcode=9 "$K" -j ss -a dst 10.0.2.2
else
	skip "valgrind: ss" "sanitizer build or no valgrind"
fi
finish
