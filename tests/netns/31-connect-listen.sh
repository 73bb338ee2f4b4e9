#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0-or-later
# mptcpkit connect/listen between two namespaces: MPTCP status lines, each
# fallback (plain TCP peer, MPTCP disabled), a 32 MiB transfer both ways,
# half-close, -k, --info with two subflows, a peer that dies, bad input.
. "$(dirname "$0")/../lib.sh"
require_root
require_mptcp
require_cmd python3 sha256sum timeout

ns_new S srv
ns_new C cli
veth "$S" s0 10.32.1.1/24 "$C" c0 10.32.1.2/24 || { not_ok "veth"; finish; }
veth "$S" s1 10.32.2.1/24 "$C" c1 10.32.2.2/24 || { not_ok "veth"; finish; }
SRV=10.32.1.1
K=$MPTCPKIT

# A python3 peer: "server PROTO PORT" reads to EOF then answers "got N";
# "client PROTO HOST PORT" sends "ping" and prints the answer. PROTO 6 is
# plain TCP, 262 MPTCP.
cat >"$TMP/peer.py" <<'PY'
import socket, sys
mode, proto = sys.argv[1], int(sys.argv[2])
if mode == "server":
    s = socket.socket(socket.AF_INET, socket.SOCK_STREAM, proto)
    s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    s.bind(("0.0.0.0", int(sys.argv[3]))); s.listen(1)
    c, _ = s.accept(); n = 0
    while True:
        b = c.recv(65536)
        if not b: break
        n += len(b)
    c.sendall(b"got %d\n" % n); c.close()
else:
    c = socket.create_connection((sys.argv[3], int(sys.argv[4])), timeout=10)
    c.sendall(b"ping"); c.shutdown(socket.SHUT_WR)
    sys.stdout.write(c.recv(100).decode()); c.close()
PY

# bg_stdin FILE NS CMD...: bg with FILE as standard input (bash gives
# background jobs /dev/null otherwise).
bg_stdin() {
	local f=$1 ns=$2
	shift 2
	bg "$ns" bash -c 'f=$1; shift; exec "$@" <"$f"' _ "$f" "$@"
}

# The first line of a file (the JSON status line).
line1() { sed -n 1p "$1"; }

# --- MPTCP on both sides; half-close -----------------------------------------
printf 'hello from server\n' >"$TMP/srv.in"
bg_stdin "$TMP/srv.in" "$S" timeout 20 "$K" -j listen 5000 >"$TMP/srv.out" 2>"$TMP/srv.err"
LPID=$BG_PID
wait_listen "$S" 5000 || not_ok "listener up"
out=$(echo hi | in_ns "$C" timeout 20 "$K" connect -j "$SRV" 5000 2>"$TMP/cli.err")
check "connect: received the server's data" "hello from server" echo "$out"
wait "$LPID"
check "listen: received the client's data" "hi" cat "$TMP/srv.out"
J=$(line1 "$TMP/cli.err")
check "connect -j: mptcp true" true json_get "$J" mptcp
check "connect -j: reason available" available json_get "$J" reason
check "connect -j: remote address" "$SRV:5000" json_get "$J" remote
check "connect -j: local address" 10.32.1.2 eval 'json_get "$J" local | cut -d: -f1'
J=$(line1 "$TMP/srv.err")
check "listen -j: mptcp true" true json_get "$J" mptcp
check "listen -j: reason available" available json_get "$J" reason
check "listen -j: local address" "$SRV:5000" json_get "$J" local

# The server answers only after the client's EOF: half-close works.
bg "$S" timeout 20 python3 "$TMP/peer.py" server 262 5001
wait_listen "$S" 5001 || not_ok "python MPTCP server up"
check "half-close: reply after our EOF" "got 3" \
	eval 'echo hi | in_ns "$C" timeout 20 "$K" connect -v "$SRV" 5001 2>"$TMP/v.err"'
check "-v: a human line when connected" 1 eval 'grep -c "^mptcpkit: connected .* over MPTCP$" "$TMP/v.err"'
check "-v: the subflows at the end" 1 eval 'grep -c "^mptcpkit: connection done: mptcp yes, 1 subflow" "$TMP/v.err"'
check "-v: the subflow's addresses and interface" 1 \
	eval 'grep -c "^  10.32.1.2:[0-9]* -> $SRV:5001 dev c0$" "$TMP/v.err"'

# --- fallbacks ---------------------------------------------------------------
bg "$S" timeout 20 python3 "$TMP/peer.py" server 6 5002
wait_listen "$S" 5002 || not_ok "python TCP server up"
echo abcd | in_ns "$C" timeout 20 "$K" -j connect "$SRV" 5002 >"$TMP/out" 2>"$TMP/err"
J=$(line1 "$TMP/err")
check "plain TCP server: mptcp false" false json_get "$J" mptcp
check "plain TCP server: reason fallback" fallback json_get "$J" reason
check "plain TCP server: data still flows" "got 5" cat "$TMP/out"

bg "$S" timeout 20 "$K" -j listen 5003 </dev/null >"$TMP/srv.out" 2>"$TMP/srv.err"
LPID=$BG_PID
wait_listen "$S" 5003 || not_ok "listener up"
check "plain TCP client talks to listen" "" in_ns "$C" timeout 20 python3 "$TMP/peer.py" client 6 "$SRV" 5003
wait "$LPID"
J=$(line1 "$TMP/srv.err")
check "listen with a plain TCP client: reason fallback" fallback json_get "$J" reason
check "listen got the TCP client's data" ping cat "$TMP/srv.out"

in_ns "$C" sysctl -qw net.mptcp.enabled=0
bg "$S" timeout 20 "$K" listen 5004 </dev/null >"$TMP/srv.out"
LPID=$BG_PID
wait_listen "$S" 5004 || not_ok "listener up"
echo x | in_ns "$C" timeout 20 "$K" connect -j "$SRV" 5004 >/dev/null 2>"$TMP/err"
wait "$LPID"
J=$(line1 "$TMP/err")
check "client with net.mptcp.enabled=0: mptcp false" false json_get "$J" mptcp
check "client with net.mptcp.enabled=0: reason disabled" disabled json_get "$J" reason
check "client with net.mptcp.enabled=0: data still flows" x cat "$TMP/srv.out"
in_ns "$C" sysctl -qw net.mptcp.enabled=1

in_ns "$S" sysctl -qw net.mptcp.enabled=0
bg "$S" timeout 20 "$K" -j listen 5014 </dev/null >"$TMP/srv.out" 2>"$TMP/srv.err"
LPID=$BG_PID
wait_listen "$S" 5014 || not_ok "listener up"
echo y | in_ns "$C" timeout 20 "$K" -j connect "$SRV" 5014 >/dev/null 2>"$TMP/err"
wait "$LPID"
in_ns "$S" sysctl -qw net.mptcp.enabled=1
check "server with net.mptcp.enabled=0: listen says disabled" disabled json_get "$(line1 "$TMP/srv.err")" reason
check "server with net.mptcp.enabled=0: the client falls back" fallback json_get "$(line1 "$TMP/err")" reason
check "server with net.mptcp.enabled=0: data still flows" y cat "$TMP/srv.out"

# --- IPv6 (loopback of the server namespace) -----------------------------------
bg "$S" timeout 20 "$K" listen -6 5015 </dev/null >"$TMP/srv.out"
LPID=$BG_PID
wait_listen "$S" 5015 || not_ok "listener up"
echo six | in_ns "$S" timeout 20 "$K" -j connect -6 ::1 5015 >/dev/null 2>"$TMP/err"
wait "$LPID"
J=$(line1 "$TMP/err")
check "IPv6: remote address" "[::1]:5015" json_get "$J" remote
check "IPv6: mptcp true" true json_get "$J" mptcp
check "IPv6: data" six cat "$TMP/srv.out"

# --- 32 MiB both ways ----------------------------------------------------------
head -c 32M /dev/urandom >"$TMP/a"
head -c 32M /dev/urandom >"$TMP/b"
bg_stdin "$TMP/a" "$S" timeout 60 "$K" listen 5005 >"$TMP/a.got"
LPID=$BG_PID
wait_listen "$S" 5005 || not_ok "listener up"
in_ns "$C" timeout 60 "$K" connect "$SRV" 5005 <"$TMP/b" >"$TMP/b.got"
check "32 MiB client -> server: exit 0" 0 echo $?
wait "$LPID"
check "32 MiB server -> client: exit 0" 0 echo $?
check "32 MiB client -> server: same sha256" "$(sha256sum <"$TMP/b")" eval 'sha256sum <"$TMP/a.got"'
check "32 MiB server -> client: same sha256" "$(sha256sum <"$TMP/a")" eval 'sha256sum <"$TMP/b.got"'
rm -f "$TMP/a" "$TMP/a.got" "$TMP/b.got"

# --- -k: two connections, one after the other -----------------------------------
bg "$S" timeout 30 "$K" -j listen -k 5006 </dev/null >"$TMP/srv.out" 2>"$TMP/srv.err"
LPID=$BG_PID
wait_listen "$S" 5006 || not_ok "listener up"
echo one | in_ns "$C" timeout 10 "$K" connect "$SRV" 5006
echo two | in_ns "$C" timeout 10 "$K" connect "$SRV" 5006
sleep 0.2
check "-k: both connections served" "one two" eval 'tr "\n" " " <"$TMP/srv.out" | sed "s/ $//"'
check "-k: one JSON line per connection" 2 eval 'grep -c "\"mptcp\":true" "$TMP/srv.err"'
kill "$LPID" 2>/dev/null

# --- --info: a second subflow over the second link ------------------------------
in_ns "$S" ip mptcp endpoint add 10.32.2.1 dev s1 signal
in_ns "$S" ip mptcp limits set subflows 2 add_addr_accepted 2
in_ns "$C" ip mptcp limits set subflows 2 add_addr_accepted 2
# The server keeps its side open for a while: the kernel adds no subflow to
# a connection the peer has already half-closed.
bg "$S" bash -c '(sleep 2; echo x) | exec "$@"' _ timeout 20 "$K" listen 5007 >/dev/null
LPID=$BG_PID
wait_listen "$S" 5007 || not_ok "listener up"
(sleep 1; echo hi) | in_ns "$C" timeout 20 "$K" -j connect --info "$SRV" 5007 2>"$TMP/err" >/dev/null
wait "$LPID"
I=$(sed -n 2p "$TMP/err")
check "--info: two subflows" 2 json_get "$I" num_subflows
check "--info: the second subflow goes to the announced address" 1 \
	eval 'grep -c "\"remote\":\"10.32.2.1:5007\"" <<<"$I"'
check "--info: subflows name their interface" 1 eval 'grep -c "\"ifname\":\"c1\"" <<<"$I"'

# --- a peer that dies mid-transfer ---------------------------------------------
bg "$S" "$K" listen 5008 </dev/null >/dev/null
LPID=$BG_PID
wait_listen "$S" 5008 || not_ok "listener up"
# Killed with unread data, the server's MPTCP socket is usually reset; but
# measured here (6.18), in about 1 run in 3 it closes gracefully instead and
# stays in FIN-WAIT-2 acking zero-window probes: -w bounds that case.
in_ns "$C" timeout 20 "$K" connect -w 3 "$SRV" 5008 </dev/zero >/dev/null 2>"$TMP/err" &
CPID=$!
sleep 0.5
{ kill -9 "$LPID"; wait "$LPID"; } 2>/dev/null
wait "$CPID"
rc=$?
if [ "$rc" != 0 ] && [ "$rc" != 124 ] && [ "$(wc -l <"$TMP/err")" = 1 ] &&
	grep -qE '^mptcpkit: connect: .*(peer went away|is the peer gone)' "$TMP/err"; then
	ok "peer killed mid-transfer: one clear line, non-zero exit, no hang"
else
	not_ok "peer killed mid-transfer: one clear line, non-zero exit, no hang" "rc $rc: $(cat "$TMP/err")"
fi

check_one_line "unknown subcommand" '^mptcpkit: ' "$K" frobnicate
check_one_line "connect: bad port" '^mptcpkit: ' "$K" connect 127.0.0.1 70000
check_one_line "connect: port not a number" '^mptcpkit: ' "$K" connect 127.0.0.1 http-ish
check_one_line "connect: missing port" '^mptcpkit: ' "$K" connect 127.0.0.1
check_one_line "connect: no arguments" '^mptcpkit: ' "$K" connect
check_one_line "connect: unknown option" '^mptcpkit: ' "$K" connect -z 127.0.0.1 1
check_one_line "connect: unknown host" '^mptcpkit: ' in_ns "$C" timeout 20 "$K" connect no-such-host.invalid 80
check_one_line "connect: connection refused" '^mptcpkit: ' in_ns "$C" timeout 20 "$K" connect "$SRV" 5999
check_one_line "listen: missing port" '^mptcpkit: ' "$K" listen
check_one_line "listen: bad port" '^mptcpkit: ' "$K" listen -1x
check_one_line "listen: -b without address" '^mptcpkit: ' "$K" listen -b
check_one_line "connect: bad -w" '^mptcpkit: ' "$K" connect -w 0 127.0.0.1 1
bg "$S" timeout 20 "$K" listen 5009 </dev/null >/dev/null
LPID=$BG_PID
wait_listen "$S" 5009 || not_ok "listener up"
check_one_line "listen: address in use" '^mptcpkit: ' in_ns "$S" timeout 20 "$K" listen 5009
kill "$LPID" 2>/dev/null
grep -q 'refused' "$TMP/err" || true
check_ok "connect --help" "$K" connect --help
check_ok "listen --help" "$K" listen --help
finish
