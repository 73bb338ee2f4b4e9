#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0-or-later
# The sock_diag engine (tools/diag/diag.c) against iproute2's ss on the same
# sockets: two MPTCP connections over two paths (the server announces its
# second address), one over IPv6, one whose server has no MPTCP (the
# client falls back) and one plain TCP client of an MPTCP listener (the
# server's socket falls back). diag-dump must list the MPTCP sockets, their
# tokens and subflows exactly as `ss -Mi` and `ss -ti` do, match subflows
# to connections by token, name each subflow's interface, and show both
# kinds of fallback and the listeners.
. "$(dirname "$0")/../lib.sh"

require_root
require_mptcp
require_cmd python3 ss

DUMP=$BUILD/tests/helpers/diag-dump
[ -x "$DUMP" ] || skip_all "diag-dump not built in $BUILD"
. "$TOP/tests/obs-lib.sh"

obs_topo diag
obs_conns

in_ns "$C" "$DUMP" >"$TMP/c.dump" 2>"$TMP/c.err" || not_ok "client diag-dump" "$(cat "$TMP/c.err")"
in_ns "$S" "$DUMP" >"$TMP/s.dump" 2>"$TMP/s.err" || not_ok "server diag-dump" "$(cat "$TMP/s.err")"

# conns FILE: MPTCP connections as ss shows them (with a token).
conns() {
	awk '$1 == "conn" && $5 != "token=00000000" { print $2, $3, $5 }' "$1" | sort
}
subflows() {
	awk '$1 == "sf" { print $2, $3, $6 }' "$1" | sort
}

check "client: 4 MPTCP sockets (one fell back), server: 3" "4 3" \
	echo "$(conns "$TMP/c.dump" | wc -l) $(conns "$TMP/s.dump" | wc -l)"
for side in C S; do
	ns=${!side}
	f=$TMP/${side,,}.dump
	check "$side: connections and tokens as ss -Mi shows them" \
		"$(in_ns "$ns" ss -HMni 2>/dev/null | "${SSP[@]}" conns | sort)" conns "$f"
	check "$side: subflows and tokens as ss -ti shows them" \
		"$(in_ns "$ns" ss -Htni 2>/dev/null | "${SSP[@]}" subflows | sort)" subflows "$f"
	check "$side: every subflow has tcp_info (rtt > 0)" 0 \
		sh -c "grep -c '^sf .* rtt=0\$' $f"
done

# Subflows matched to connections by token, with their interfaces.
check "client: two MPTCP connections to 8000 with 2 subflows each" 2 \
	grep -c '^conn 10.0.1.1:[0-9]* 10.0.1.2:8000 1 token=[0-9a-f]* fallback=0 subflows=2$' "$TMP/c.dump"
check "client: subflows to 8000 on c1 and c2, ids 0 and 1" \
	"$(printf 'c1 ids=0,0\nc1 ids=0,0\nc2 ids=1,1\nc2 ids=1,1')" \
	sh -c "awk '\$1 == \"sf\" && \$3 ~ /:8000\$/ { print \$5, \$7 }' $TMP/c.dump | sort"
check "server: subflows on s1 and s2" "s1 s1 s2 s2" \
	sh -c "awk '\$1 == \"sf\" && \$2 ~ /:8000\$/ { print \$5 }' $TMP/s.dump | sort | xargs"
check "IPv6: the connection and its subflow" 2 \
	grep -Ec '^(conn|sf) \[fd00:1::1\]:[0-9]+ \[fd00:1::2\]:8001 ' "$TMP/c.dump"

# Fallback, on each side.
check "client: MPTCP to a TCP server: fallback, one subflow" 1 \
	grep -Ec '^conn 10.0.1.1:[0-9]+ 10.0.1.2:8002 1 token=[0-9a-f]+ fallback=1 subflows=1$' "$TMP/c.dump"
check "server: TCP client of the MPTCP listener: fallback, no token" 1 \
	grep -Ec '^conn 10.0.1.2:8000 10.0.1.1:[0-9]+ 1 token=00000000 fallback=1 subflows=0$' "$TMP/s.dump"
check "server: without 'fallback' no fallen-back connection" 0 \
	sh -c "in_ns $S $DUMP conns subflows | grep -c fallback=1"

check "server: the MPTCP listeners" "$(printf 'listen 0.0.0.0:8000\nlisten [::]:8001')" \
	sh -c "grep '^listen' $TMP/s.dump | sort"
check "server: 'subflows' alone: no connections" 0 \
	sh -c "in_ns $S $DUMP subflows | grep -vc '^sf '"

if ! is_sanitizer_build && command -v valgrind >/dev/null; then
	check_ok "valgrind: diag-dump without leaks or errors" in_ns "$S" valgrind -q \
		--leak-check=full --errors-for-leak-kinds=all --error-exitcode=9 "$DUMP"
else
	skip "valgrind: diag-dump" "sanitizer build or no valgrind"
fi
finish
