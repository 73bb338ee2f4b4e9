#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0-or-later
# mptcpkit perf between two namespaces joined by two 50 Mbit/s paths:
# MPTCP uses both subflows and verifies the payload, --tcp falls back, -R,
# --plot writes an SVG, text output, a server that dies or freezes
# mid-transfer, SIGTERM on the server, bad input.
. "$(dirname "$0")/../lib.sh"
require_root
require_mptcp
require_cmd ip tc python3 timeout

ns_new S perfsrv
ns_new C perfcli
K=$MPTCPKIT
SRV=10.40.1.2

setup() {
	local ns k
	for ns in "$S" "$C"; do
		in_ns "$ns" sysctl -qw net.ipv4.conf.all.rp_filter=0 net.ipv4.conf.default.rp_filter=0 \
			net.mptcp.enabled=1 || return 1
		ip -n "$ns" mptcp limits set subflows 2 add_addr_accepted 2 || return 1
	done
	for k in 1 2; do
		veth "$C" p$k 10.40.$k.1/24 "$S" p$k 10.40.$k.2/24 || return 1
		for ns in "$S" "$C"; do
			tc -n "$ns" qdisc add dev p$k root tbf rate 50mbit burst 16kb latency 50ms ||
				return 1
		done
	done
	# Without 'dev' the second subflow would leave through path 1.
	ip -n "$C" mptcp endpoint add 10.40.2.1 dev p2 subflow
}
setup || { not_ok "two-path setup"; finish; }

# pyj FILE EXPR: evaluate EXPR with d = the JSON document in FILE.
pyj() {
	python3 -c 'import json,sys; d=json.load(open(sys.argv[1])); r=eval(sys.argv[2]); print(json.dumps(r) if isinstance(r,(bool,list,dict)) or r is None else r)' "$1" "$2" 2>&1
}


client() { in_ns "$C" timeout 30 "$K" "$@"; }

# a safety bound only: longer than the whole script takes under ASan (at
# 120 s it expired first there, and its SIGTERM to the process group hit
# LeakSanitizer's exit-time tracer, which then hung)
# --foreground: a SIGTERM to timeout reaches the server once, and timeout
# stays in the test's process group, where the suite's limit reaches it.
bg "$S" timeout --foreground 600 "$K" -j perf -s >"$TMP/server.json" 2>"$TMP/server.err"
SPID=$BG_PID
wait_listen "$S" 5301 || not_ok "server listening on 5301"

# --- MPTCP over both paths ----------------------------------------------------
client -j perf -c "$SRV" -t 3 >"$TMP/mptcp.json" 2>"$TMP/mptcp.err"
check "mptcp: exit 0" 0 echo $?
J=$TMP/mptcp.json
check "mptcp: mptcp true" true pyj "$J" 'd["mptcp"]'
check "mptcp: reason available" available pyj "$J" 'd["reason"]'
check "mptcp: verified" true pyj "$J" 'd["verified"]'
check "mptcp: no mismatches" 0 pyj "$J" 'd["mismatches"]'
check "mptcp: all bytes arrived" true pyj "$J" 'd["bytes"] == d["bytes_sent"] > 0'
check "mptcp: two subflows" 2 pyj "$J" 'len(d["subflows"])'
check "mptcp: each subflow carries >= 20%" true pyj "$J" 'all(s["percent"] >= 20 for s in d["subflows"])'
check "mptcp: second subflow from 10.40.2.1" true \
	pyj "$J" 'any(s["local"].startswith("10.40.2.1:") for s in d["subflows"])'
check "mptcp: more than one path's rate (> 60 Mbit/s)" true pyj "$J" 'd["bits_per_second"] > 60e6'
check "mptcp: an 'added' event per subflow" 2 pyj "$J" 'sum(e["event"] == "added" for e in d["events"])'
check "mptcp: samples every ~50 ms" true \
	pyj "$J" 'len(d["samples"]) >= 40 and all(len(s["subflow_bytes"]) == 2 for s in d["samples"])'
check "mptcp: intervals cover the test" true pyj "$J" 'len(d["intervals"]) >= 3'
check "mptcp: samples agree with the subflow totals" true \
	pyj "$J" 'd["samples"][-1]["subflow_bytes"] == [s["bytes"] for s in d["subflows"]]'

# --- plain TCP ----------------------------------------------------------------
client -j perf -c "$SRV" -t 2 --tcp >"$TMP/tcp.json" 2>"$TMP/tcp.err"
J=$TMP/tcp.json
check "--tcp: mptcp false" false pyj "$J" 'd["mptcp"]'
check "--tcp: reason tcp-only" tcp-only pyj "$J" 'd["reason"]'
check "--tcp: verified" true pyj "$J" 'd["verified"]'
check "--tcp: one subflow" 1 pyj "$J" 'len(d["subflows"])'

# --- reverse ------------------------------------------------------------------
client -j perf -c "$SRV" -t 3 -R >"$TMP/rev.json" 2>"$TMP/rev.err"
J=$TMP/rev.json
check "-R: the client receives" receive pyj "$J" 'd["direction"]'
check "-R: mptcp true" true pyj "$J" 'd["mptcp"]'
check "-R: verified" true pyj "$J" 'd["verified"]'
check "-R: two subflows with >= 20% each" true \
	pyj "$J" 'len(d["subflows"]) == 2 and all(s["percent"] >= 20 for s in d["subflows"])'

# The server printed one JSON document per test.
check "server: one document per test" "receive receive send" \
	eval "python3 -c 'import json,sys; print(\" \".join(json.loads(l)[\"direction\"] for l in open(sys.argv[1])))' $TMP/server.json"

# --- text output and --plot ---------------------------------------------------
client perf -c "$SRV" -t 2 --plot "$TMP/plot.svg" --mark '1:a <moment> & more' \
	>"$TMP/text.out" 2>"$TMP/text.err"
check "text: exit 0" 0 echo $?
check "text: subflow added events" 2 grep -c "subflow added" "$TMP/text.out"
check "text: interval lines in Mbit/s" true eval '[ $(grep -c "Mbit/s   #0" "$TMP/text.out") -ge 2 ] && echo true'
check "text: summary says verified" 1 grep -c "verified yes" "$TMP/text.out"
check "--plot: well-formed SVG with a line per subflow and the total" "ok" \
	python3 - "$TMP/plot.svg" <<'PY'
import sys, xml.etree.ElementTree as ET
root = ET.parse(sys.argv[1]).getroot()
ns = "{http://www.w3.org/2000/svg}"
series = {p.get("data-series") for p in root.iter(ns + "polyline")}
text = " ".join(t.text or "" for t in root.iter(ns + "text"))
ok = (root.tag == ns + "svg" and {"0", "1", "2"} <= series and "10.40.2.1:" in text
      and "Mbit/s" in text and "added" in text and "a <moment> & more" in text
      and "href" not in open(sys.argv[1]).read())
print("ok" if ok else "bad: series %s text %s" % (series, text[:200]))
PY

# --- SIGTERM: the server exits cleanly ----------------------------------------
kill -TERM "$SPID"
rc=timeout
# (a bound, not a timing target: a sanitizer build on a busy machine is slow)
for _ in $(seq 100); do
	if ! kill -0 "$SPID" 2>/dev/null; then wait "$SPID"; rc=$?; break; fi
	sleep 0.1
done
if [ "$rc" = timeout ] && [ "$(tree_pids "$SPID" | xargs -r ps -o comm= -p | grep -c mptcpkit)" -ge 2 ]; then
	# the server forks nothing: a second mptcpkit below it is LeakSanitizer's
	# exit-time tracer, which hangs now and then (google/sanitizers#1330)
	tree_diag "$SPID"
	skip "server: SIGTERM -> exit 0" "the server reached its exit, then LeakSanitizer's exit-time check hung"
else
	check "server: SIGTERM -> exit 0" 0 echo "$rc"
	[ "$rc" = timeout ] && { tree_diag "$SPID"; cat "$TMP/server.err"; }
fi

# --- a server killed mid-transfer (client sending, then receiving) -----------
killed_server() { # PORT WHAT CLIENT_ARGS...
	local port=$1 what=$2 kpid cpid rc start took
	shift 2
	bg "$S" "$K" perf -s -1 -p "$port" >/dev/null 2>&1
	kpid=$BG_PID
	wait_listen "$S" "$port" || not_ok "$what: one-off server up"
	client perf -c "$SRV" -p "$port" -t 10 "$@" >/dev/null 2>"$TMP/killed.err" &
	cpid=$!
	sleep 1
	start=$(date +%s%N)
	kill -KILL "$kpid"
	wait "$kpid" 2>/dev/null
	wait "$cpid"
	rc=$?
	took=$(( ($(date +%s%N) - start) / 1000000 ))
	check "$what: client fails" true eval "[ $rc != 0 ] && [ $rc != 124 ] && echo true"
	check "$what: one line on stderr" "1 1" \
		eval "echo \$(grep -c '^mptcpkit: ' $TMP/killed.err) \$(wc -l <$TMP/killed.err)"
	check "$what: client gone within 3 s of the kill" true eval "[ $took -lt 3000 ] && echo true"
}
killed_server 5302 "server killed while the client sends"
killed_server 5304 "server killed while it sends (-R)" -R

# --- a server that freezes: no progress -> timeout ------------------------------
bg "$S" "$K" perf -s -1 -p 5303 >/dev/null 2>&1
FPID=$BG_PID
wait_listen "$S" 5303 || not_ok "one-off server up"
client perf -c "$SRV" -p 5303 -t 30 --tcp >/dev/null 2>"$TMP/frozen.err" &
CPID=$!
sleep 1
kill -STOP "$FPID"
wait "$CPID"
rc=$?
kill -KILL "$FPID" 2>/dev/null
wait "$FPID" 2>/dev/null
check "frozen server: client fails on its own" true eval "[ $rc != 0 ] && [ $rc != 124 ] && echo true"
check "frozen server: says the peer stopped responding" 1 grep -c "stopped responding" "$TMP/frozen.err"

# --- bad input ------------------------------------------------------------------
check_one_line "bad port" '^mptcpkit: ' "$K" perf -c 127.0.0.1 -p 0
check_one_line "port not a number" '^mptcpkit: ' "$K" perf -s -p http
check_one_line "-t 0" '^mptcpkit: ' "$K" perf -c 127.0.0.1 -t 0
check_one_line "--mark without a label" '^mptcpkit: .*mark' "$K" perf -c 127.0.0.1 --mark 3
check_one_line "--mark on the server" '^mptcpkit: ' "$K" perf -s --mark 1:x
check_one_line "unknown option" '^mptcpkit: ' "$K" perf -c 127.0.0.1 --bogus
check_one_line "neither -c nor -s" '^mptcpkit: ' "$K" perf
check_one_line "both -c and -s" '^mptcpkit: ' "$K" perf -s -c 127.0.0.1
check_one_line "-R on the server" '^mptcpkit: ' "$K" perf -s -R
check_one_line "no server there" '^mptcpkit: ' in_ns "$C" "$K" perf -c "$SRV" -p 5399 -t 1
check "--help" 0 eval '"$K" perf --help | grep -c "^Usage: mptcpkit perf" >/dev/null; echo $?'

finish
