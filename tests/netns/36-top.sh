#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0-or-later
# mptcpkit top on the sockets of obs-lib.sh, one of its connections
# carrying live traffic: batch frames (--once, -n) and JSON list every
# connection sorted by rate, the busy one first with its rate; the terminal
# view in tmux shows the same, quits on q, and says so in one line when the
# terminal is too small or is not a terminal.
. "$(dirname "$0")/../lib.sh"

require_root
require_mptcp
require_cmd python3 ss tmux
[ -x "$MPTCPKIT" ] || skip_all "no built mptcpkit at $MPTCPKIT"
. "$TOP/tests/obs-lib.sh"
K=$MPTCPKIT

obs_topo top
obs_conns
obs_open 10.0.1.2 8000 1 --rate 2000000
sleep 1

# Batch.
in_ns "$C" "$K" -j top --once >"$TMP/once.json"
check "JSON: every connection, as ss counts them" \
	"$(in_ns "$C" "$K" -j ss | "${SSJ[@]}" count)" \
	python3 -c 'import json,sys; print(len(json.load(open(sys.argv[1]))["connections"]))' "$TMP/once.json"
check "JSON: sorted by rate, the busy one first (> 100 kB/s), the others idle" "sorted busy idle" \
	python3 - "$TMP/once.json" <<'PY'
import json, sys
c = json.load(open(sys.argv[1]))["connections"]
r = [x["tx_bytes_per_s"] + x["rx_bytes_per_s"] for x in c]
print("sorted" if r == sorted(r, reverse=True) else f"unsorted {r}",
      "busy" if r[0] > 100e3 else f"slow {r[0]}",
      "idle" if all(v < 10e3 for v in r[1:]) else f"busy {r[1:]}")
PY
check "JSON: the busy connection's subflows carry its rate" "yes" \
	python3 - "$TMP/once.json" <<'PY'
import json, sys
c = json.load(open(sys.argv[1]))["connections"][0]
s = sum(x["tx_bytes_per_s"] for x in c["subflows"])
print("yes" if 0.5 * c["tx_bytes_per_s"] < s < 2 * c["tx_bytes_per_s"] else f"no {s} vs {c['tx_bytes_per_s']}")
PY
in_ns "$C" "$K" top -n 3 -d 0.3 >"$TMP/batch.txt"
check "-n 3: three frames" 3 grep -c '^mptcpkit top - ' "$TMP/batch.txt"
check "text: the first connection line is the busy one" "busy" \
	sh -c "awk '/^ +[0-9.]+ [kMG]?B\/s +[0-9.]+ [kMG]?B\/s  ESTAB/ { print (\$2 ~ /^[kMG]B/ ? \"busy\" : \"idle \" \$0); exit }' $TMP/batch.txt"

# The terminal, in tmux.
SOCK=$TMP/tmux.sock
# tmux_top COLSxLINES: top in a new tmux session; exit status into $TMP/rc.
tmux_top() {
	rm -f "$TMP/rc"
	tmux -S "$SOCK" new-session -d -x "${1%x*}" -y "${1#*x}" \
		"ip netns exec $C $K top 2>$TMP/top.err; echo \$? >$TMP/rc"
}
# wait_file FILE: at most 5 s.
wait_file() {
	for _ in $(seq 50); do [ -s "$1" ] && return 0; sleep 0.1; done
	return 1
}
cleanup_tmux() { tmux -S "$SOCK" kill-server 2>/dev/null; }
trap 'cleanup_tmux; cleanup' EXIT

tmux_top 120x30
sleep 2.5
tmux -S "$SOCK" capture-pane -p >"$TMP/screen"
check "tmux: the header says how to quit" 1 grep -c '^mptcpkit top - .*(q quits)$' "$TMP/screen"
check "tmux: the busy connection on top, with its rate" "busy" \
	sh -c "awk '/  ESTAB / { print (\$2 ~ /^[kMG]B/ ? \"busy\" : \"idle \" \$0); exit }' $TMP/screen"
tmux -S "$SOCK" send-keys q
wait_file "$TMP/rc"
check "tmux: q quits, exit 0" 0 cat "$TMP/rc"

tmux_top 40x10
wait_file "$TMP/rc"
check "tmux: too small a terminal, exit 1" 1 cat "$TMP/rc"
check "tmux: ... in one line" "mptcpkit: top: terminal too small (40x10, needs at least 60x5)" \
	cat "$TMP/top.err"
cleanup_tmux

check_one_line "not a terminal" "top: not a terminal \(use --once or -n N\)" in_ns "$C" "$K" top
check_one_line "bad -n" "top: bad -n '0'" "$K" top -n 0
check_one_line "bad -d" "top: bad -d 'soon'" "$K" top -d soon
check_one_line "-j without --once" "top: -j needs --once or -n N" "$K" -j top
check_ok "top --help" "$K" top --help

if ! is_sanitizer_build && command -v valgrind >/dev/null; then
	check_ok "valgrind: top -n 2 without leaks or errors" in_ns "$C" valgrind -q \
		--leak-check=full --errors-for-leak-kinds=all --error-exitcode=9 "$K" top -n 2 -d 0.2
else
	skip "valgrind: top -n 2" "sanitizer build or no valgrind"
fi
finish
