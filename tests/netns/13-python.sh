#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0-or-later
# The Python binding (python/mptcpkit) with pytest, against this build's
# libmptcpkit: the ctypes layouts against the header, bad input, fallback
# and leaks on loopback (python/tests/test_api.py, test_layout.py), then on
# the real kernel in namespaces (test_netns.py): a client joined to a server
# by two paths (two subflows in info(), events of the connection, blocking
# and through asyncio), fallback against a TCP peer on either side, every
# reason from its real cause (seccomp, sysctl), endpoints and limits.
# With a sanitizer build the library runs under ASan+UBSan (preloaded into
# python3; leak checks off: the interpreter's own allocations are not ours).
. "$(dirname "$0")/../lib.sh"

require_root
require_mptcp
PY=/usr/bin/python3
[ -x "$PY" ] || skip_all "needs Debian's python3"
"$PY" -c 'import pytest' 2>/dev/null || skip_all "needs python3-pytest"
LIB=$BUILD/lib/libmptcpkit.so.1
SECCOMP=$BUILD/tests/helpers/seccomp-errno
[ -e "$LIB" ] && [ -x "$SECCOMP" ] || skip_all "libmptcpkit or helpers not built in $BUILD"

export MPTCPKIT_LIBRARY=$LIB PYTHONDONTWRITEBYTECODE=1
if is_sanitizer_build; then
	asan=$(cc -print-file-name=libasan.so) ubsan=$(cc -print-file-name=libubsan.so)
	[ -e "$asan" ] && [ -e "$ubsan" ] || skip_all "sanitizer runtimes not found for preloading"
	export LD_PRELOAD="$asan:$ubsan" ASAN_OPTIONS=detect_leaks=0:abort_on_error=1 \
		UBSAN_OPTIONS=halt_on_error=1:print_stacktrace=1 MPK_SANITIZED=1
fi

ns_new CLI pyc
ns_new SRV pys
ns_new OFF pyoff
two_paths "$CLI" "$SRV" 10.13 || { not_ok "two paths between the namespaces"; finish; }
addr_add "$CLI" fd13:1::1/64 c1
addr_add "$SRV" fd13:1::2/64 s1
ip -n "$SRV" mptcp limits set subflows 2 add_addr_accepted 2
in_ns "$OFF" sysctl -qw net.mptcp.enabled=0

# pytest's own lines become TAP lines: one per test, named by its node id.
run_pytest() {
	local what=$1
	shift
	(cd "$TOP/python/tests" && timeout 300 "$@" -m pytest -p no:cacheprovider -rA -q \
		-o console_output_style=classic "${PYTEST_FILES[@]}") >"$TMP/$what.log" 2>&1
	local rc=$?
	awk -v what="$what" '
		/^PASSED /  { print "ok - " what ": " $2 }
		/^SKIPPED / { sub(/^SKIPPED \[[0-9]+\] /, ""); print "ok - " what ": " $0 " # SKIP" }
		/^(FAILED|ERROR) / { print "not ok - " what ": " $2 }' "$TMP/$what.log"
	if [ "$rc" != 0 ] && ! grep -qE '^(FAILED|ERROR) ' "$TMP/$what.log"; then
		not_ok "$what: pytest" "exit $rc: $(tail -5 "$TMP/$what.log" | tr '\n' '|')"
	elif [ "$rc" != 0 ]; then
		grep -E '^E  ' "$TMP/$what.log" | head -20 | sed 's/^/# /'
		_FAILED=1
	fi
	grep -E 'runtime error|AddressSanitizer' "$TMP/$what.log" | head -3 |
		while read -r l; do not_ok "$what: sanitizer" "$l"; done
}

PYTEST_FILES=(test_layout.py test_api.py)
run_pytest loopback ip netns exec "$CLI" env MPK_BUILD="$BUILD" "$PY"
PYTEST_FILES=(test_netns.py)
run_pytest netns ip netns exec "$CLI" env MPK_BUILD="$BUILD" MPK_NS_CLI="$CLI" MPK_NS_SRV="$SRV" \
	MPK_NS_OFF="$OFF" MPK_SECCOMP="$SECCOMP" MPK_NET=10.13 "$PY"

# The examples on the binding: greeting and status on both ends.
EX=$TOP/examples/python
export PYTHONPATH=$TOP/python
bg "$SRV" timeout 20 "$PY" "$EX/mptcpkit_server.py" -n 1 7390 >"$TMP/ex-server.out" 2>&1
ex_srv=$BG_PID
wait_listen "$SRV" 7390 || not_ok "example server listens" "$(cat "$TMP/ex-server.out")"
in_ns "$CLI" timeout 20 "$PY" "$EX/mptcpkit_client.py" 10.13.1.2 7390 >"$TMP/ex-client.out" 2>&1
wait "$ex_srv"
check "example client: status and answer" \
	"$(printf 'connection: MPTCP (available: MPTCP is in use)\nanswer: hi, you said "hello"')" \
	grep -E '^(connection|answer):' "$TMP/ex-client.out"
check "example client: its subflow" "subflow: 10.13.1.1 -> 10.13.1.2 dev c1" \
	sh -c "grep '^subflow:' '$TMP/ex-client.out' | cut -d' ' -f1-6"
check "example server: the connection" \
	"connection from ::ffff:10.13.1.1: MPTCP (available: MPTCP is in use), 1 subflow(s)" \
	grep '^connection' "$TMP/ex-server.out"
check_one_line "example client: a refused connection is one line" \
	'^mptcpkit_client.py: connect to 10.13.1.2 port 7391: Connection refused$' \
	in_ns "$CLI" "$PY" "$EX/mptcpkit_client.py" 10.13.1.2 7391
finish
