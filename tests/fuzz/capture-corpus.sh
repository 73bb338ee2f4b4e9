#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0-or-later
# Regenerate the fuzzer's seed corpus from the running kernel: endpoint
# dumps and limits replies, and the events of a connection driven through
# every event type (two namespaces, userspace PM on the client side).
#   tests/fuzz/capture-corpus.sh [OUTDIR]   (default tests/fuzz/corpus)
. "$(dirname "$0")/../lib.sh"
require_root
require_mptcp
OUT=$(realpath -m "${1:-$TOP/tests/fuzz/corpus}")
CAP=$BUILD/tests/helpers/pm-capture
K=$MPTCPKIT
[ -x "$CAP" ] || skip_all "build tests/helpers/pm-capture first"
mkdir -p "$OUT/server" "$OUT/client"

ns_new S caps
ns_new C capc
veth "$C" c1 10.79.1.1/24 "$S" s1 10.79.1.2/24 2>/dev/null
veth "$C" c2 10.79.2.1/24 "$S" s2 10.79.2.2/24 2>/dev/null
in_ns "$C" sysctl -qw net.mptcp.path_manager=userspace
in_ns "$S" "$K" endpoint add 10.79.1.2 id 3 dev s1 signal backup
in_ns "$S" "$K" endpoint add dead:beef::2 id 200 port 4000 subflow fullmesh 2>/dev/null
in_ns "$S" "$K" endpoint add fe80::1 id 201 dev s2 subflow
in_ns "$S" "$K" endpoint add 10.79.9.9 laminar 2>/dev/null
in_ns "$S" "$K" limits set subflows 4 add_addr_accepted 3
in_ns "$S" "$CAP" dump "$OUT" && ok "endpoint and limits replies saved" || not_ok "dump"
in_ns "$S" "$K" endpoint flush

in_ns "$S" "$CAP" events "$OUT/server" 20 4 >"$TMP/s.ready" &
CAPS=$!
in_ns "$C" "$CAP" events "$OUT/client" 20 4 >"$TMP/c.ready" &
CAPC=$!
in_ns "$C" "$K" -j monitor >"$TMP/c.json" &
MON=$!
_PIDS+=("$MON")
sleep 0.5
bg "$S" sh -c "sleep 5 | '$K' listen -4 7900 >/dev/null"
wait_listen "$S" 7900
bg "$C" sh -c "(echo hello; sleep 3) | '$K' connect 10.79.1.2 7900 >/dev/null"
sleep 0.5
T=$(head -1 "$TMP/c.json" | python3 -c 'import json,sys; print(json.loads(sys.stdin.readline())["token"])')
in_ns "$C" "$K" subflow create token "$T" lid 2 laddr 10.79.2.1 raddr 10.79.1.2 rport 7900 dev c2
sleep 0.3
SP=$(grep sub_established "$TMP/c.json" | python3 -c 'import json,sys; print(json.loads(sys.stdin.readline())["sport"])')
in_ns "$C" "$K" subflow change token "$T" laddr 10.79.2.1 lport "$SP" raddr 10.79.1.2 rport 7900 backup
sleep 0.2
in_ns "$C" "$K" subflow destroy token "$T" laddr 10.79.2.1 lport "$SP" raddr 10.79.1.2 rport 7900
in_ns "$C" "$K" announce token "$T" id 2 10.79.2.1
sleep 0.3
in_ns "$C" "$K" remove token "$T" id 2
wait "$CAPS" "$CAPC"
ok "events saved: $(ls "$OUT/server" "$OUT/client" | grep -c bin)"
finish
