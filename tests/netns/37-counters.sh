#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0-or-later
# mptcpkit counters (and the counters part of check) in fresh namespaces,
# whose counters start at zero: an MPTCP client of a TCP server falls back
# (the SYN-ACK had no MP_CAPABLE), an ADD_ADDR is ignored under the
# add_addr_accepted limit 0, a join over a path that drops it is never
# answered; each must show as its counter and its note, --since and
# --interval only what changed, unknown counters raw (--file), and bad
# input (an unreadable /proc among it) one line on stderr.
. "$(dirname "$0")/../lib.sh"

require_root
require_mptcp
require_cmd python3 nft
[ -x "$MPTCPKIT" ] || skip_all "no built mptcpkit at $MPTCPKIT"
K=$MPTCPKIT
HOLD=(python3 "$TOP/tests/hold-conns.py")

ns_new C cntc
ns_new S cnts
two_paths "$C" "$S" 10.0 || { not_ok "topology: two paths"; exit 1; }
bg "$S" "${HOLD[@]}" serve 8000
bg "$S" "${HOLD[@]}" serve 8002 --tcp
for p in 8000 8002; do
	wait_listen "$S" "$p" || { not_ok "server listens on $p"; exit 1; }
done

# jc JSONFILE KEY: a counter of 'counters -j' output (zero ones are left out).
jc() {
	python3 -c 'import json,sys; print(json.load(open(sys.argv[1]))["counters"].get(sys.argv[2], 0))' "$1" "$2"
}
# notes JSONFILE: the note ids.
notes() {
	python3 -c 'import json,sys; print(" ".join(n["id"] for n in json.load(open(sys.argv[1]))["notes"]))' "$1"
}
# connect_once PORT: one MPTCP connection from the client, held HOLD_S s.
connect_once() {
	in_ns "$C" timeout "${HOLD_S:-1}" "${HOLD[@]}" open 10.0.1.2 "$1" 1 >/dev/null
}

# 1. MPTCP to a TCP server: the client falls back.
in_ns "$C" cat /proc/net/netstat >"$TMP/start"
connect_once 8002
in_ns "$C" "$K" -j counters >"$TMP/1.json"
check "fallback: MPCapableFallbackSYNACK 1" 1 jc "$TMP/1.json" MPCapableFallbackSYNACK
check "fallback: the note" "syn-no-mp-capable" notes "$TMP/1.json"
check "fallback: the note in words" \
	"1 connection(s) opened here fell back to TCP: the SYN-ACK had no MP_CAPABLE (the peer has no MPTCP, or a middlebox on the way strips the option)" \
	sh -c "ip netns exec $C $K counters | sed -n 's/^  - \[syn-no-mp-capable\] //p'"
check "check shows the note too" 1 sh -c "ip netns exec $C $K check | grep -c '^  - \[syn-no-mp-capable\]'"
in_ns "$C" cat /proc/net/netstat >"$TMP/after1"

# 2. The server announces its second address; the client ignores it.
ip -n "$S" mptcp endpoint add 10.0.2.2 dev s2 signal
ip -n "$C" mptcp limits set subflows 2 add_addr_accepted 0
connect_once 8000
in_ns "$C" "$K" -j counters --since "$TMP/after1" >"$TMP/2.json"
check "ADD_ADDR ignored: AddAddr 1 since the first step" 1 jc "$TMP/2.json" AddAddr
check "--since: the first step's fallback is not in it" 0 jc "$TMP/2.json" MPCapableFallbackSYNACK
check "--since: the note" "add-addr-unused" notes "$TMP/2.json"
check "--since: the whole run" 1 jc <(in_ns "$C" "$K" -j counters --since "$TMP/start") \
	MPCapableFallbackSYNACK

# 3. A join over a path that drops it (--interval while it happens).
ip -n "$S" mptcp endpoint flush
in_ns "$S" nft -f - <<EOF2 || not_ok "nft rule in the server namespace"
table inet cntdrop {
	chain in {
		type filter hook input priority 0;
		iifname "s2" tcp dport 8000 drop
	}
}
EOF2
ip -n "$C" mptcp endpoint add 10.0.2.1 dev c2 subflow
in_ns "$C" "$K" -j counters --interval 3 >"$TMP/3.json" &
ipid=$!
sleep 0.5
HOLD_S=2 connect_once 8000
wait "$ipid"
check "--interval: one MP_CAPABLE SYN during it" 1 jc "$TMP/3.json" MPCapableSYNTX
check "join dropped: MPJoinSynAckRx 0" 0 jc "$TMP/3.json" MPJoinSynAckRx
case " $(notes "$TMP/3.json") " in
*" joins-unanswered "*) ok "join dropped: the note joins-unanswered" ;;
*) not_ok "join dropped: the note joins-unanswered" "$(notes "$TMP/3.json") / $(cat "$TMP/3.json")" ;;
esac

# Every counter, known or not.
check "-a: every MPTcpExt counter of the kernel" \
	"$(in_ns "$C" awk '/^MPTcpExt:/ { print NF - 1; exit }' /proc/net/netstat)" \
	sh -c "ip netns exec $C $K -j counters -a | python3 -c 'import json,sys; print(len(json.load(sys.stdin)[\"counters\"]))'"
printf 'MPTcpExt: MPCapableSYNTX CounterOfTomorrow\nMPTcpExt: 3 42\n' >"$TMP/future"
check "--file: an unknown counter shown raw" "  CounterOfTomorrow                  42" \
	sh -c "$K counters --file $TMP/future | grep CounterOfTomorrow"

# Bad input.
check_one_line "--interval 0" "counters: bad interval '0'" "$K" counters --interval 0
check_one_line "--interval x" "counters: bad interval 'x'" "$K" counters --interval x
check_one_line "--since a missing file" "counters: $TMP/nope: No such file or directory" \
	"$K" counters --since "$TMP/nope"
check_one_line "--file a directory" "counters: $TMP: Is a directory" "$K" counters --file "$TMP"
check_one_line "--since and --interval" "do not go together" "$K" counters --since x --interval 1
check_one_line "a file without MPTcpExt" "has no MPTcpExt counters" "$K" counters --file /etc/hostname
check_one_line "unknown option" "counters: unexpected '--bogus'" "$K" counters --bogus
if is_sanitizer_build; then
	skip "/proc unreadable" "the sanitizers need /proc themselves"
else
	check_one_line "/proc unreadable" "counters: /proc/net/netstat: No such file or directory" \
		unshare -m sh -c "mount -t tmpfs none /proc && exec $K counters"
fi
check_ok "counters --help" "$K" counters --help

if ! is_sanitizer_build && command -v valgrind >/dev/null; then
	check_ok "valgrind: counters without leaks or errors" in_ns "$C" valgrind -q \
		--leak-check=full --errors-for-leak-kinds=all --error-exitcode=9 "$K" -j counters \
		--since "$TMP/start"
else
	skip "valgrind: counters" "sanitizer build or no valgrind"
fi
finish
