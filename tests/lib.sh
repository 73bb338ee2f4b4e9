# SPDX-License-Identifier: GPL-2.0-or-later
# Helpers for the namespace tests, in the manner of the kernel's selftests.
# Source it from a test script:   . "$(dirname "$0")/../lib.sh"
#
# Output is TAP-like, one line per assertion, counted by tests/run-all:
#   ok - what | not ok - what: detail | ok - what # SKIP reason
# Exit 77 (after one "# SKIP" line) skips the whole script.

set -u

TOP=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
BUILD=${MPK_BUILD:-$TOP/build}
MPTCPKIT=$BUILD/tools/mptcpkit
# A run id: unique namespace names, so tests and labs can run side by side.
RUN_ID=${RUN_ID:-$$-$RANDOM}
TMP=$(mktemp -d "/tmp/mpk-test.XXXXXX")
_NAMESPACES=()
_PIDS=()
_FAILED=0

# tree_pids PID: the process and every descendant, parents first.
tree_pids() {
	local c
	echo "$1"
	for c in $(pgrep -P "$1"); do tree_pids "$c"; done
}

# tree_diag PID: one comment line per process of the tree: state, where it
# waits in the kernel, command (what a hang in CI leaves to go on).
tree_diag() {
	local p
	for p in $(tree_pids "$1"); do
		echo "# $(ps -o pid=,stat=,wchan:24=,args= -p "$p" 2>/dev/null | cut -c1-160)"
	done
}

# stop_bounded PID [SECONDS (10)]: SIGTERM sent before; wait that long for
# PID to end, then show its tree and SIGKILL all of it. Never blocks longer.
stop_bounded() {
	local pid=$1 end=$((SECONDS + ${2:-10})) p
	while kill -0 "$pid" 2>/dev/null && [ "$SECONDS" -lt "$end" ]; do sleep 0.1; done
	if kill -0 "$pid" 2>/dev/null; then
		echo "# process $pid did not stop on SIGTERM; killing its tree:"
		tree_diag "$pid"
		for p in $(tree_pids "$pid"); do kill -9 "$p" 2>/dev/null; done
	fi
	wait "$pid" 2>/dev/null
}

cleanup() {
	local pid ns
	for pid in "${_PIDS[@]}"; do
		kill "$pid" 2>/dev/null
	done
	for pid in "${_PIDS[@]}"; do
		stop_bounded "$pid"
	done
	for ns in "${_NAMESPACES[@]}"; do
		ip netns pids "$ns" 2>/dev/null | xargs -r kill -9 2>/dev/null
		ip netns del "$ns" 2>/dev/null
	done
	rm -rf "$TMP"
}
trap cleanup EXIT
trap 'exit 130' INT TERM

ok() { echo "ok - $1"; }
not_ok() { echo "not ok - $1${2:+: $2}"; _FAILED=1; }
skip() { echo "ok - $1 # SKIP $2"; }

# Skip the whole script.
skip_all() {
	echo "# SKIP $1"
	exit 77
}

require_root() {
	[ "$(id -u)" = 0 ] || skip_all "needs root (network namespaces)"
}

require_mptcp() {
	[ -e /proc/sys/net/mptcp/enabled ] || skip_all "the kernel has no MPTCP"
}

require_cmd() {
	local c
	for c in "$@"; do
		command -v "$c" >/dev/null || skip_all "needs $c"
	done
}

# True when BUILD was configured with -Db_sanitize (valgrind cannot run it).
is_sanitizer_build() {
	python3 - "$BUILD/meson-info/intro-buildoptions.json" <<'PY' 2>/dev/null
import json, sys
opts = {o["name"]: o["value"] for o in json.load(open(sys.argv[1]))}
sys.exit(0 if opts.get("b_sanitize", "none") != "none" else 1)
PY
}

# ns_new VAR NAME: create namespace mpk-NAME-RUN_ID, store its name in VAR.
ns_new() {
	local name="mpk-$2-$RUN_ID"
	ip netns add "$name" || { not_ok "create namespace $name"; exit 1; }
	_NAMESPACES+=("$name")
	ip -n "$name" link set lo up
	printf -v "$1" '%s' "$name"
}

# in_ns NS CMD...: run in a namespace.
in_ns() {
	local ns=$1
	shift
	ip netns exec "$ns" "$@"
}

# addr_add NS ADDR/LEN DEV: without duplicate address detection for IPv6,
# so the address is usable at once.
addr_add() {
	case "$2" in
	*:*) ip -n "$1" addr add "$2" dev "$3" nodad ;;
	*) ip -n "$1" addr add "$2" dev "$3" ;;
	esac
}

# veth NS1 IF1 ADDR1 NS2 IF2 ADDR2: a veth pair with addresses (CIDR).
veth() {
	ip link add "$2" netns "$1" type veth peer name "$5" netns "$4" &&
	addr_add "$1" "$3" "$2" &&
	addr_add "$4" "$6" "$5" &&
	ip -n "$1" link set "$2" up &&
	ip -n "$4" link set "$5" up
}

# two_paths C S NET: client C and server S joined by two veth pairs, path k
# = cK (NET.k.1/24) <-> sK (NET.k.2/24); rp_filter off, as joins need.
two_paths() {
	local k ns
	for k in 1 2; do
		veth "$1" "c$k" "$3.$k.1/24" "$2" "s$k" "$3.$k.2/24" 2>/dev/null || return 1
	done
	for ns in "$1" "$2"; do
		in_ns "$ns" sysctl -qw net.ipv4.conf.all.rp_filter=0 net.ipv4.conf.default.rp_filter=0
	done
	# The devices existed before the default changed: set theirs too.
	in_ns "$1" sysctl -qw net.ipv4.conf.c1.rp_filter=0 net.ipv4.conf.c2.rp_filter=0
	in_ns "$2" sysctl -qw net.ipv4.conf.s1.rp_filter=0 net.ipv4.conf.s2.rp_filter=0
}

# bg NS CMD...: run in the background in a namespace; the PID is in BG_PID
# and is killed at cleanup.
bg() {
	local ns=$1
	shift
	ip netns exec "$ns" "$@" &
	BG_PID=$!
	_PIDS+=("$BG_PID")
}

# wait_listen NS PORT: wait (at most 5 s) until a TCP/MPTCP listener is up.
wait_listen() {
	local i
	for i in $(seq 50); do
		ip netns exec "$1" ss -Hltn "sport = :$2" 2>/dev/null | grep -q . && return 0
		sleep 0.1
	done
	return 1
}

# check "WHAT" EXPECTED CMD...: the command's stdout must equal EXPECTED.
check() {
	local what=$1 expected=$2 got
	shift 2
	got=$("$@" 2>"$TMP/check.err")
	if [ "$got" = "$expected" ]; then
		ok "$what"
	else
		not_ok "$what" "expected '$expected', got '$got' $(head -c 300 "$TMP/check.err" | tr '\n' ' ')"
	fi
}

# check_ok "WHAT" CMD...: the command must succeed.
check_ok() {
	local what=$1
	shift
	if "$@" >"$TMP/check.out" 2>"$TMP/check.err"; then
		ok "$what"
	else
		not_ok "$what" "exit $?: $(head -c 300 "$TMP/check.err" | tr '\n' ' ')"
	fi
}

# check_fail "WHAT" CMD...: the command must fail.
check_fail() {
	local what=$1
	shift
	if "$@" >"$TMP/check.out" 2>"$TMP/check.err"; then
		not_ok "$what" "succeeded but should have failed"
	else
		ok "$what"
	fi
}

# check_one_line WHAT PATTERN CMD...: the command (stdin: /dev/null) must
# fail with exactly one line on stderr, matching PATTERN (grep -E).
check_one_line() {
	local what=$1 pattern=$2 rc
	shift 2
	"$@" </dev/null >"$TMP/out" 2>"$TMP/err"
	rc=$?
	if [ "$rc" = 0 ]; then
		not_ok "$what" "succeeded but should have failed"
	elif [ "$(wc -l <"$TMP/err")" != 1 ] || ! grep -qE -- "$pattern" "$TMP/err"; then
		not_ok "$what" "exit $rc, stderr: $(head -c 300 "$TMP/err" | tr '\n' '|')"
	else
		ok "$what: $(cat "$TMP/err")"
	fi
}

# json_get JSON KEY: a top-level value of one JSON object (python3).
json_get() {
	python3 -c 'import json,sys; v=json.loads(sys.argv[1]).get(sys.argv[2]); print(json.dumps(v) if isinstance(v,(dict,list,bool)) or v is None else v)' "$1" "$2"
}

finish() {
	exit "$_FAILED"
}
