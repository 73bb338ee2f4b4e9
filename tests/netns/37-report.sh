#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0-or-later
# mptcpkit report in a namespace with an MPTCP connection, an endpoint, and
# a new connection during the monitor window: one tar archive with every
# file, each JSON file parses, ss.json has the connection, monitor.json the
# new connection's events, the counters file reads back with counters
# --file; neither the environment of the caller nor a payload marker sent
# during the report is in it; bad input is one line and leaves no file.
. "$(dirname "$0")/../lib.sh"

require_root
require_mptcp
require_cmd python3 tar
[ -x "$MPTCPKIT" ] || skip_all "no built mptcpkit at $MPTCPKIT"
K=$MPTCPKIT
HOLD=(python3 "$TOP/tests/hold-conns.py")

ns_new C repc
ns_new S reps
two_paths "$C" "$S" 10.0 || { not_ok "topology: two paths"; exit 1; }
ip -n "$C" mptcp endpoint add 10.0.2.1 dev c2 subflow
bg "$S" "${HOLD[@]}" serve 8000
wait_listen "$S" 8000 || { not_ok "server listens"; exit 1; }
bg "$C" "${HOLD[@]}" open 10.0.1.2 8000 1 >/dev/null
for _ in $(seq 100); do
	in_ns "$C" ss -HMn 2>/dev/null | grep -q ' 10.0.1.2:8000 ' && break
	sleep 0.1
done

SECRET=secret-$RANDOM$RANDOM
MARK=PAYLOAD-$RANDOM$RANDOM
cd "$TMP" || exit 1
env MPK_TEST_SECRET="$SECRET" ip netns exec "$C" "$K" report -o "$TMP/r.tar" --monitor 3 \
	>"$TMP/report.out" 2>"$TMP/report.err" &
rpid=$!
# Once the report's monitor runs (at most 10 s): a connection, with a
# payload marker.
for _ in $(seq 100); do
	ip netns pids "$C" | xargs -r ps -o args= -p | grep -q -- ' -j monitor$' && break
	sleep 0.1
done
sleep 0.3
in_ns "$C" python3 - "$MARK" <<'PY'
import socket, sys, time
s = socket.socket(socket.AF_INET, socket.SOCK_STREAM, 262)
s.connect(("10.0.1.2", 8000)); s.sendall(sys.argv[1].encode() * 100); time.sleep(0.5); s.close()
PY
wait "$rpid"
check "report: exit 0" 0 echo $?
check "report: says what it wrote" "wrote $TMP/r.tar (13 files)" cat "$TMP/report.out"
check "report: only the owner may read it" 600 stat -c %a "$TMP/r.tar"
mkdir -p "$TMP/x" && tar -C "$TMP/x" -xf "$TMP/r.tar"
R=$TMP/x/mptcpkit-report
check "archive: every file" \
	"README.txt check.json commands.txt counters.json endpoints.json limits.json monitor.json netstat-MPTcpExt.txt os-release ss.json sysctl-net.mptcp.txt uname.txt version.txt" \
	sh -c "ls $R | sort | xargs"
for f in check counters endpoints limits ss; do
	check_ok "archive: $f.json parses" python3 -c 'import json,sys; json.load(open(sys.argv[1]))' "$R/$f.json"
done
check "archive: the commands all ended well" 0 grep -vc -e ': exit 0$' -e 'stopped after its time' "$R/commands.txt"
check "archive: ss.json has the connection" 1 \
	sh -c "python3 $TOP/tests/ss-json.py conns <$R/ss.json | grep -c ' 10.0.1.2:8000 '"
check "archive: monitor.json has the new connection's events" "created established" \
	sh -c "python3 -c 'import json,sys; print(\" \".join(sorted({json.loads(l)[\"type\"] for l in open(sys.argv[1])} & {\"created\", \"established\"})))' $R/monitor.json"
check "archive: endpoints.json has the endpoint" 1 grep -c '10.0.2.1' "$R/endpoints.json"
check "archive: the sysctls" 1 grep -c '^net.mptcp.enabled = 1$' "$R/sysctl-net.mptcp.txt"
check "archive: uname" "$(uname -r)" awk '{ print $3 }' "$R/uname.txt"
check_ok "archive: counters --file reads its counters" "$K" counters --file "$R/netstat-MPTcpExt.txt"
check "nothing secret: not the caller's environment" 0 sh -c "grep -rc '$SECRET' $R | grep -vc ':0$'"
check "nothing secret: not the payload" 0 sh -c "grep -rc '$MARK' $R | grep -vc ':0$'"

check "-o -: the archive on stdout (no monitor.json with --monitor 0)" 12 \
	sh -c "ip netns exec $C $K report -o - --monitor 0 | tar -t | grep -c '^mptcpkit-report/'"
check_one_line "unwritable place" "report: $TMP/none/r.tar: No such file or directory" \
	in_ns "$C" "$K" report -o "$TMP/none/r.tar" --monitor 0
check "unwritable place: nothing left" "" sh -c "ls $TMP/none 2>/dev/null"
check_one_line "bad --monitor" "report: bad --monitor '99'" "$K" report --monitor 99
check_one_line "unknown option" "report: unexpected '-x'" "$K" report -x
check_ok "report --help" "$K" report --help

if ! is_sanitizer_build && command -v valgrind >/dev/null; then
	check_ok "valgrind: report without leaks or errors" in_ns "$C" valgrind -q \
		--leak-check=full --errors-for-leak-kinds=all --error-exitcode=9 "$K" report \
		-o "$TMP/v.tar" --monitor 1
else
	skip "valgrind: report" "sanitizer build or no valgrind"
fi
finish
