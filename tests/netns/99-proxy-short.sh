#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0-or-later
# proxy forward with many short connections, as bench/proxy-conns.sh makes
# them (1 KiB each way), through --workers 2 with -j into a pipe: every
# reply intact and followed by the EOF in both orders of closing (the
# server first: its EOF is passed on with shutdown(), the client's then
# closes both; the client half-closing first: the server's EOF is passed on
# by close() alone), one complete JSON line per connection although the
# lines of a wake-up go out together, no descriptor left behind.
. "$(dirname "$0")/../lib.sh"

require_root
require_mptcp
ns_new N pxshort
K=$MPTCPKIT
SHORT=$TOP/tests/proxy-short.py
CONNS=300

# lines_ok LOG: how many connection lines, and how many of them are not a
# JSON object that parses, closed with 1 KiB each way, MPTCP upstream.
lines_ok() {
	python3 - "$1" <<'PY'
import json, sys
lines = [l for l in open(sys.argv[1]) if '"event":"conn"' in l]
bad = 0
for l in lines:
    try:
        j = json.loads(l)
    except ValueError:
        bad += 1
        continue
    if (j["end"], j["bytes_up"], j["bytes_down"], j["upstream_mptcp"]) != ("closed", 1024, 1024, True):
        bad += 1
print("lines %d bad %d" % (len(lines), bad))
PY
}

port=7100
for order in server-first client-first; do
	port=$((port + 1))
	bg "$N" timeout 50 python3 "$SHORT" server "$port" "$order"
	wait_listen "$N" "$port" || not_ok "$order: server up"
	# Through cat: stdout is a pipe that both workers write.
	in_ns "$N" timeout 50 "$K" -j proxy forward --listen 127.0.0.1:$((port + 100)) \
		--to "127.0.0.1:$port" --workers 2 2>"$TMP/$order.err" | cat >"$TMP/$order.log" &
	PX_PIPE=$!
	_PIDS+=("$PX_PIPE")
	wait_listen "$N" $((port + 100)) || not_ok "$order: proxy up" "$(cat "$TMP/$order.err")"
	PX=$(in_ns "$N" ss -Hltnp "sport = :$((port + 100))" | grep -o 'pid=[0-9]*' | head -1 | cut -d= -f2)
	FD0=$(ls "/proc/$PX/fd" | wc -l)
	check "$order: $CONNS short connections, 16 at a time: replies intact, then EOF" \
		"good $CONNS of $CONNS" in_ns "$N" timeout 40 python3 "$SHORT" client 127.0.0.1 \
		$((port + 100)) "$order" "$CONNS" 16
	# The last lines are out after the wake-up that ended their connections
	# (not only at exit: this is before SIGTERM).
	for _ in $(seq 30); do
		[ "$(grep -c '"event":"conn"' "$TMP/$order.log")" -ge "$CONNS" ] && break
		sleep 0.1
	done
	check "$order: a complete JSON line per connection, closed, 1 KiB each way, MPTCP upstream" \
		"lines $CONNS bad 0" lines_ok "$TMP/$order.log"
	check "$order: no descriptor left behind (one worker)" "$FD0" eval "ls /proc/$PX/fd | wc -l"
	# SIGTERM to the first process (it passes it on): both drain and exit.
	for p in $(in_ns "$N" ss -Hltnp "sport = :$((port + 100))" | grep -o 'pid=[0-9]*' | cut -d= -f2 | sort -u); do
		kill -TERM "$p" 2>/dev/null
	done
	wait "$PX_PIPE" 2>/dev/null
	check "$order: both workers gone after SIGTERM" 0 eval "in_ns '$N' ss -Hltn 'sport = :$((port + 100))' | wc -l"
done
finish
