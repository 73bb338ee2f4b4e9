#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0-or-later
# mptcpkit run never breaks a program on a socket option MPTCP lacks (issue
# 9). For every option this kernel refuses on MPTCP ('check --sockopts'):
# a dynamic and a static program that set it and then connect keep working
# in both modes (preload does not reach the static one: it behaves as
# without mptcpkit), the socket is TCP where the policy says tcp (the server
# sees TCP) and MPTCP where it says ignore, at the same number with its
# flags and earlier options. Servers that set one before listening; none
# swapped once connected; a
# program that sets nothing; UDP and AF_UNIX untouched; --sockopt
# overrides and its bad input; check --sockopts against a direct probe.
. "$(dirname "$0")/../lib.sh"
. "$TOP/tests/run-forced.lib"
forced_setup
H=$HELPERS
[ -x "$H/sockopt-prog" ] || skip_all "helpers not built (meson -Dtests=true)"

# "NAME LEVEL POLICY TCP_SET" for each option the kernel refuses on MPTCP.
in_ns "$CLI" "$MPTCPKIT" -j check --sockopts >"$TMP/sockopts.json" 2>"$TMP/check.err" ||
	{ not_ok "check --sockopts runs" "$(head -c 300 "$TMP/check.err")"; finish; }
"$PY" - "$TMP/sockopts.json" >"$TMP/refused" <<'PY'
import json, sys
for o in json.load(open(sys.argv[1]))["sockopts"]:
    if o["refused"]:
        print(o["name"], o["level"], o["policy"], o["tcp_set"])
PY
check "check --sockopts finds TCP_USER_TIMEOUT and TCP_MD5SIG refused here" "2" \
	grep -cE '^(TCP_USER_TIMEOUT|TCP_MD5SIG) ' "$TMP/refused"

# check --sockopts agrees with a direct probe from Python's socket module.
"$PY" - "$TMP/sockopts.json" >"$TMP/probe.out" 2>&1 <<'PY'
import errno, json, socket, sys
opts = {o["name"]: o for o in json.load(open(sys.argv[1]))["sockopts"]}
probes = [("TCP_NODELAY", socket.IPPROTO_TCP, 1, 1), ("TCP_USER_TIMEOUT", socket.IPPROTO_TCP, 18, 5000),
          ("TCP_QUICKACK", socket.IPPROTO_TCP, 12, 1), ("SO_KEEPALIVE", socket.SOL_SOCKET, 9, 1),
          ("IP_TTL", socket.IPPROTO_IP, 2, 64), ("SO_ZEROCOPY", socket.SOL_SOCKET, 60, 1),
          ("TCP_SYNCNT", socket.IPPROTO_TCP, 7, 3), ("IP_TOS", socket.IPPROTO_IP, 1, 16)]
bad = 0
for name, level, opt, val in probes:
    s = socket.socket(socket.AF_INET, socket.SOCK_STREAM, 262)
    try:
        s.setsockopt(level, opt, val)
        got = "ok"
    except OSError as e:
        got = "EOPNOTSUPP" if e.errno == errno.EOPNOTSUPP else errno.errorcode[e.errno]
    s.close()
    if opts[name]["set"] != got:
        print(f"{name}: check says {opts[name]['set']}, Python gets {got}")
        bad += 1
print(bad)
PY
check "check --sockopts agrees with a direct probe (8 options)" "0" tail -n 1 "$TMP/probe.out"

# What the client must print for option NAME under POLICY when TCP's own
# answer to it is TCP_SET: tcp with TCP refusing it too passes TCP's error
# on and leaves the socket MPTCP.
expect_client() {
	local policy=$1 tcp_set=$2
	case "$policy:$tcp_set" in
	unforced:*) echo "set=$tcp_set proto=tcp fd=same nonblock=1 cloexec=1 kept=1" ;;
	tcp:ok) echo "set=ok proto=tcp fd=same nonblock=1 cloexec=1 kept=1" ;;
	tcp:*) echo "set=$tcp_set proto=mptcp fd=same nonblock=1 cloexec=1 kept=1" ;;
	ignore:*) echo "set=ok proto=mptcp fd=same nonblock=1 cloexec=1 kept=1" ;;
	esac
}
expect_server() {
	case "$1:$2" in
	tcp:ok | unforced:*) echo "tcp $3" ;;
	*) echo "mptcp $3" ;;
	esac
}

# batch MODE PROG PORT [unforced]: every refused option through one server;
# one assertion per option (client's report) and one for the server's view.
# unforced: the program is out of the mode's reach (static under preload)
# and must behave as without mptcpkit.
batch() {
	local mode=$1 prog=$2 port=$3 reach=${4:-} name level policy tcp_set addr want got
	local n bad=0 detail=""
	n=$(wc -l <"$TMP/refused")
	: >"$TMP/want-srv"
	server_start "$port" "$n"
	while read -r name level policy tcp_set; do
		addr=$SERVER_ADDR
		[ "$level" = ipv6 ] && addr="::ffff:$SERVER_ADDR"
		[ "$reach" = unforced ] && policy=unforced
		want=$(expect_client "$policy" "$tcp_set")
		got=$(in_ns "$CLI" timeout 10 "$MPTCPKIT" run --mode "$mode" -- \
			"$H/$prog" connect "$addr" "$port" "$name" 2>"$TMP/cli.err" | head -n 1)
		if [ "$got" != "$want" ]; then
			bad=$((bad + 1))
			detail="$detail $name: got '$got' $(head -c 200 "$TMP/cli.err");"
		fi
		expect_server "$policy" "$tcp_set" "$name" >>"$TMP/want-srv"
	done <"$TMP/refused"
	if [ "$bad" = 0 ]; then
		ok "$mode, $prog: all $n refused options: program works, socket as the policy says"
	else
		not_ok "$mode, $prog: $bad of $n options" "$detail"
	fi
	check "$mode, $prog: the server saw TCP or MPTCP as the policy says" \
		"$(sort "$TMP/want-srv" | tr '\n' ' ' | sed 's/ $//')" server_saw "$port"
}
batch preload sockopt-prog 6801
batch seccomp sockopt-prog 6802
batch seccomp sockopt-prog-static 6803
batch preload sockopt-prog-static 6804 unforced

# A program that sets nothing keeps its MPTCP socket.
for mode in preload seccomp; do
	client_case "$mode: a program that sets no option is still MPTCP" "681${#mode}" \
		"mptcp -" "$MPTCPKIT" run --mode "$mode" -- "$H/sockopt-prog" connect \
		"$SERVER_ADDR" "681${#mode}" -
done

# Servers that set an option before listening: the listener becomes TCP
# (a forced MPTCP client then falls back) or stays MPTCP (ignore).
listen_case() {
	local mode=$1 opt=$2 port=$3 expected=$4 how=${5:-listen}
	bg "$SRV" timeout 15 "$MPTCPKIT" run --mode "$mode" -- "$H/sockopt-prog" "$how" \
		"$port" "$opt" >"$TMP/lsn-$port"
	wait_listen "$SRV" "$port" || not_ok "$mode: listener with $opt up"
	in_ns "$CLI" timeout 10 "$MPTCPKIT" run --mode preload -- "$H/plain-client" \
		"$SERVER_ADDR" "$port" "$opt" >/dev/null 2>&1
	for _ in $(seq 50); do grep -q accepted "$TMP/lsn-$port" && break; sleep 0.1; done
	local when="before listen"
	[ "$how" = bound ] && when="after bind, before listen"
	check "$mode: server setting $opt $when: the forced client's connection is $expected" \
		"$expected" sed -n 's/^accepted //p' "$TMP/lsn-$port"
}
listen_case preload TCP_MD5SIG 6821 tcp
listen_case seccomp TCP_MD5SIG 6822 tcp
listen_case seccomp TCP_SAVE_SYN 6823 tcp
listen_case preload TCP_QUICKACK 6824 mptcp
listen_case seccomp TCP_QUICKACK 6825 mptcp
# Bound before the option is set: the TCP socket is bound again.
listen_case preload TCP_MD5SIG 6826 tcp bound
listen_case seccomp TCP_MD5SIG 6827 tcp bound

# Connected sockets are never swapped: the error passes through (TCP_USER_TIMEOUT
# is tcp by default), the connection stays MPTCP.
for mode in preload seccomp; do
	port=$((6840 + ${#mode}))
	server_start "$port" 1
	check "$mode: TCP_USER_TIMEOUT after connect: ENOPROTOOPT, still MPTCP" \
		"set=ENOPROTOOPT proto=mptcp" sh -c "ip netns exec '$CLI' timeout 10 '$MPTCPKIT' run \
		--mode $mode -- '$H/sockopt-prog' late '$SERVER_ADDR' $port TCP_USER_TIMEOUT 2>/dev/null |
		sed -n 2p | cut -d' ' -f1,2"
	check "$mode: ... and the server saw MPTCP" "mptcp TCP_USER_TIMEOUT" server_saw "$port"
done

# Overrides: ignore keeps MPTCP, error gives the program the kernel's error.
client_case "--sockopt TCP_USER_TIMEOUT=ignore (seccomp): still MPTCP" 6831 \
	"mptcp TCP_USER_TIMEOUT" "$MPTCPKIT" run --mode seccomp --sockopt TCP_USER_TIMEOUT=ignore \
	-- "$H/sockopt-prog" connect "$SERVER_ADDR" 6831 TCP_USER_TIMEOUT
check "--sockopt TCP_USER_TIMEOUT=error (preload): the program gets ENOPROTOOPT" \
	"set=ENOPROTOOPT proto=mptcp" sh -c "ip netns exec '$CLI' '$MPTCPKIT' run --mode preload \
	--sockopt TCP_USER_TIMEOUT=error -- '$H/sockopt-prog' connect 127.0.0.1 1 TCP_USER_TIMEOUT \
	2>/dev/null | head -n 1 | cut -d' ' -f1,2"
check "--sockopt TCP_USER_TIMEOUT=error (seccomp): the program gets ENOPROTOOPT" \
	"set=ENOPROTOOPT proto=mptcp" sh -c "ip netns exec '$CLI' '$MPTCPKIT' run --mode seccomp \
	--sockopt TCP_USER_TIMEOUT=error -- '$H/sockopt-prog-static' connect 127.0.0.1 1 \
	TCP_USER_TIMEOUT 2>/dev/null | head -n 1 | cut -d' ' -f1,2"
# Any descriptor number: a parent's open descriptor (flock(1) holding a
# lock around the suite) moves the program's socket from 3 to 4.
dout=$(ip netns exec "$CLI" "$MPTCPKIT" run -d --mode seccomp -- "$H/sockopt-prog" connect \
	127.0.0.1 1 TCP_USER_TIMEOUT 2>&1 >/dev/null)
if [ "$(grep -c 'setsockopt([0-9]*, TCP_USER_TIMEOUT): tcp: now a TCP socket' <<<"$dout")" = 1 ]; then
	ok "-d: one line for the decision"
else not_ok "-d: one line for the decision" "$(head -c 600 <<<"$dout")"; fi

# UDP and AF_UNIX sockets are untouched, even for options the filter watches.
cat >"$TMP/other.py" <<'PY'
import socket
u = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
u.setsockopt(socket.IPPROTO_IP, socket.IP_TTL, 7)
x = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
x.setsockopt(socket.SOL_SOCKET, socket.SO_SNDBUF, 65536)
print(u.getsockopt(socket.SOL_SOCKET, socket.SO_PROTOCOL), u.getsockopt(socket.IPPROTO_IP, socket.IP_TTL),
      x.getsockopt(socket.SOL_SOCKET, socket.SO_TYPE) == socket.SOCK_STREAM)
PY
for mode in preload seccomp; do
	check "$mode: UDP (IP_TTL) and AF_UNIX sockets untouched" "17 7 True" \
		in_ns "$CLI" "$MPTCPKIT" run --mode "$mode" -- "$PY" "$TMP/other.py"
done

# Bad --sockopt: one line, exit 2, the program not started.
for bad in TCP_NO_SUCH=tcp TCP_USER_TIMEOUT=maybe TCP_USER_TIMEOUT; do
	check_one_line "run --sockopt $bad is refused" "^mptcpkit: run: --sockopt" \
		"$MPTCPKIT" run --sockopt "$bad" -- touch "$TMP/started"
	"$MPTCPKIT" run --sockopt "$bad" -- true 2>/dev/null
	check "run --sockopt $bad: exit 2, program not started" "2 no" \
		sh -c "echo $? \$([ -e '$TMP/started' ] && echo yes || echo no)"
done
finish
