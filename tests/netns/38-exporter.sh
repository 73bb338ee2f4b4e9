#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0-or-later
# mptcpkit exporter scraped by a real Prometheus (Debian's package), both
# started here in the client namespace of obs-lib.sh while one of its MPTCP
# connections carries live traffic: the page passes promtool's lint, and
# PromQL through Prometheus' HTTP API returns the expected series
# (connections by state, fallbacks by cause, subflows per interface, bytes
# that grow, every MPTcpExt counter). A second exporter on the same port is
# one line on stderr and leaves nothing running.
. "$(dirname "$0")/../lib.sh"

require_root
require_mptcp
require_cmd python3 ss curl
command -v prometheus >/dev/null ||
	skip_all "needs Debian's prometheus package (apt-get install prometheus)"
[ -x "$MPTCPKIT" ] || skip_all "no built mptcpkit at $MPTCPKIT"
. "$TOP/tests/obs-lib.sh"
K=$MPTCPKIT
EXP=127.0.0.1:9814
PROM=127.0.0.1:9090

obs_topo exp
obs_conns
obs_open 10.0.1.2 8000 1 --rate 2000000

bg "$C" "$K" exporter --listen "$EXP" >"$TMP/exporter.out" 2>"$TMP/exporter.err"
EXPORTER=$BG_PID
for _ in $(seq 50); do
	in_ns "$C" curl -sf "http://$EXP/metrics" -o /dev/null && break
	sleep 0.1
done
check "exporter: says where it serves" "mptcpkit exporter: serving http://$EXP/metrics" \
	cat "$TMP/exporter.out"
in_ns "$C" curl -s -D "$TMP/headers" "http://$EXP/metrics" -o "$TMP/page"
check "exporter: the Prometheus text content type" "text/plain; version=0.0.4; charset=utf-8" \
	sh -c "sed -n 's/^Content-Type: //Ip' $TMP/headers | tr -d '\r'"
if command -v promtool >/dev/null; then
	check "exporter: promtool check metrics finds nothing" "" \
		sh -c "promtool check metrics <$TMP/page 2>&1"
else
	skip "exporter: promtool check metrics" "no promtool"
fi
check "exporter: 404 elsewhere" 404 \
	in_ns "$C" curl -s -o /dev/null -w '%{http_code}' "http://$EXP/nothing"

mkdir -p "$TMP/prom"
cat >"$TMP/prom/prometheus.yml" <<EOF2
global:
  scrape_interval: 1s
scrape_configs:
  - job_name: mptcpkit
    static_configs:
      - targets: ['$EXP']
EOF2
bg "$C" prometheus --config.file="$TMP/prom/prometheus.yml" --storage.tsdb.path="$TMP/prom/data" \
	--web.listen-address="$PROM" --log.level=warn >"$TMP/prom.log" 2>&1

# query PROMQL: the value of the first series of an instant query, or "".
query() {
	in_ns "$C" curl -s --get "http://$PROM/api/v1/query" --data-urlencode "query=$1" |
		python3 -c 'import json,sys; r=json.load(sys.stdin)["data"]["result"]; print(r[0]["value"][1] if r else "")' 2>/dev/null
}
# Prometheus up and the exporter scraped (at most 20 s).
for _ in $(seq 100); do
	[ "$(query 'up{job="mptcpkit"}')" = 1 ] && break
	sleep 0.2
done
check "prometheus: the exporter is up" 1 query 'up{job="mptcpkit"}'

conns=$(in_ns "$C" "$K" -j ss | "${SSJ[@]}" count)
subflows_c2=$(in_ns "$C" ss -Htn state established src 10.0.2.1 | wc -l)
check "promql: established connections, as ss counts them ($conns)" "$conns" \
	query 'mptcp_connections{state="established"}'
check "promql: one fallback where the peer did not answer" 1 \
	query 'mptcp_connections_fallback{cause="no_answer"}'
check "promql: subflows on c2, as ss counts them ($subflows_c2)" "$subflows_c2" \
	query 'mptcp_subflows{interface="c2"}'
check "promql: MP_CAPABLE SYNs sent (5 MPTCP clients)" 1 \
	query 'mptcp_ext_mp_capable_syn_tx_total >= bool 5'
check "promql: every MPTcpExt counter is a series" \
	"$(in_ns "$C" awk '/^MPTcpExt:/ { print NF - 1; exit }' /proc/net/netstat)" \
	query 'count({__name__=~"mptcp_ext_.*"})'
sent1=$(query 'sum(mptcp_subflow_sent_bytes)')
sleep 2.5
sent2=$(query 'sum(mptcp_subflow_sent_bytes)')
if [ -n "$sent1" ] && [ -n "$sent2" ] && python3 -c "import sys; sys.exit(not float('$sent2') > float('$sent1'))"; then
	ok "promql: bytes sent grow with the live traffic ($sent1 -> $sent2)"
else
	not_ok "promql: bytes sent grow with the live traffic" "'$sent1' -> '$sent2'"
fi

# Bad input.
check_one_line "port in use" "exporter: $EXP: address already in use" in_ns "$C" "$K" exporter --listen "$EXP"
check "port in use: nothing left running" "" \
	sh -c "ip netns pids $C | xargs -r ps -o args= -p | grep -c '^$K exporter' | grep -v '^1\$'"
check_one_line "bad --listen" "exporter: bad --listen 'localhost'" "$K" exporter --listen localhost
check_one_line "bad port" "exporter: bad --listen '1.2.3.4:0'" "$K" exporter --listen 1.2.3.4:0
check_ok "exporter --help" "$K" exporter --help

if ! is_sanitizer_build && command -v valgrind >/dev/null; then
	check_ok "valgrind: exporter --once without leaks or errors" in_ns "$C" valgrind -q \
		--leak-check=full --errors-for-leak-kinds=all --error-exitcode=9 "$K" exporter --once
else
	skip "valgrind: exporter --once" "sanitizer build or no valgrind"
fi

kill -TERM "$EXPORTER"
wait "$EXPORTER"
check "exporter: SIGTERM, exit 0" 0 echo $?
finish
