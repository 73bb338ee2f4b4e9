#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0-or-later
# -j / --json anywhere before "--", for every command (main takes it out):
# a trailing -j gives the same JSON as a leading one (check, endpoint,
# limits, lab, monitor, connect, enable), is no flag name to endpoint nor a
# keyword to the userspace-PM commands, no argument to demo; and another
# program's words (run CMD..., lab exec ... CMD...) keep their -j.
. "$(dirname "$0")/../lib.sh"
require_root
require_mptcp
require_cmd ip python3

ns_new N json
ip -n "$N" link add js0 type veth peer name js1 || { not_ok "veth"; finish; }
ip -n "$N" addr add 10.33.0.1/24 dev js0
ip -n "$N" link set js0 up
K() { in_ns "$N" "$MPTCPKIT" "$@"; }

# is_json WHAT CMD...: the command succeeds and its stdout is JSON.
is_json() {
	local what=$1
	shift
	if "$@" >"$TMP/out" 2>"$TMP/err" && python3 -c 'import json,sys; json.load(open(sys.argv[1]))' "$TMP/out" 2>/dev/null; then
		ok "$what"
	else
		not_ok "$what" "stdout '$(head -c 200 "$TMP/out")' stderr '$(head -c 200 "$TMP/err")'"
	fi
}

# same_json WHAT "CMD1" "CMD2": both print the same JSON document.
same_json() {
	local a b
	a=$(eval "$2" 2>&1 | python3 -c 'import json,sys; print(json.dumps(json.load(sys.stdin), sort_keys=True))' 2>&1)
	b=$(eval "$3" 2>&1 | python3 -c 'import json,sys; print(json.dumps(json.load(sys.stdin), sort_keys=True))' 2>&1)
	if [ -n "$a" ] && [ "$a" = "$b" ] && [ "${a#\{}" != "$a" -o "${a#[}" != "$a" ]; then
		ok "$1"
	else
		not_ok "$1" "'$(head -c 200 <<<"$a")' vs '$(head -c 200 <<<"$b")'"
	fi
}

# check
same_json "check -j equals -j check" "K check -j" "K -j check"
same_json "check --json equals -j check" "K check --json" "K -j check"

# endpoint: -j was taken for a flag name
check_ok "endpoint add ... subflow -j" K endpoint add 10.33.0.1 id 3 subflow -j
check "the endpoint was added, without a flag named -j" "10.33.0.1 id 3 subflow " K endpoint show id 3
same_json "endpoint show -j equals -j endpoint show" "K endpoint show -j" "K -j endpoint show"
check "endpoint show id 3 --json: the address" "10.33.0.1" \
	bash -c "ip netns exec '$N' '$MPTCPKIT' endpoint show id 3 --json | python3 -c 'import json,sys; print(json.load(sys.stdin)[0][\"address\"])'"
check_ok "endpoint delete id 3 -j" K endpoint delete id 3 -j

# limits
check_ok "limits set subflows 3 -j" K limits set subflows 3 -j
check "limits show -j" '{"add_addr_accepted":0,"subflows":3}' K limits show -j
check "limits -j (show by default)" '{"add_addr_accepted":0,"subflows":3}' K limits -j

# userspace PM: -j is no keyword; the request reaches the kernel
for c in "remove token 1 id 2" "announce token 1 id 2 10.33.0.1" \
	 "subflow create token 1 lid 2 raddr 10.33.0.2 rport 1"; do
	# shellcheck disable=SC2086
	K $c -j </dev/null >/dev/null 2>"$TMP/err"
	if grep -q -- "-j" "$TMP/err" || ! grep -q . "$TMP/err"; then
		not_ok "$c -j: the kernel's refusal, not -j's" "$(cat "$TMP/err")"
	else
		ok "$c -j: $(cat "$TMP/err")"
	fi
done

# monitor: one JSON object per line with a trailing -j
bg "$N" "$MPTCPKIT" monitor -j >"$TMP/mon" 2>&1
sleep 0.3
in_ns "$N" python3 -c '
import socket
s = socket.socket(socket.AF_INET, socket.SOCK_STREAM, 262)
s.bind(("10.33.0.1", 7333)); s.listen(); s.close()'
for _ in $(seq 30); do grep -q listener_closed "$TMP/mon" && break; sleep 0.1; done
check "monitor -j: the listener's events as JSON" "listener_created listener_closed" \
	python3 -c '
import json, sys
print(" ".join(json.loads(l)["type"] for l in open(sys.argv[1]) if l.strip()))' "$TMP/mon"

# connect: -j after the operands (getopt stopped at HOST before)
bg "$N" "$MPTCPKIT" listen -b 10.33.0.1 7334 >/dev/null
wait_listen "$N" 7334 || not_ok "listener on 7334"
echo hi | K connect 10.33.0.1 7334 -j >/dev/null 2>"$TMP/conn"
check "connect HOST PORT -j: the JSON line" "True" \
	python3 -c 'import json,sys; print(json.load(open(sys.argv[1]))["mptcp"])' "$TMP/conn"

# enable: JSON after the unit
root=$TMP/root
mkdir -p "$root/etc/systemd/system"
printf '[Service]\nExecStart=/bin/true\n' >"$root/etc/systemd/system/demo.service"
check "enable --root R demo -j: JSON" "demo.service" bash -c \
	"'$MPTCPKIT' enable --root '$root' --mode preload demo -j | python3 -c 'import json,sys; print(json.load(sys.stdin)[\"unit\"])'"
check "disable --root R demo --json: JSON" "disabled" bash -c \
	"'$MPTCPKIT' disable --root '$root' demo --json | python3 -c 'import json,sys; print(json.load(sys.stdin)[\"action\"])'"

# demo: -j is not its unexpected argument any more
check_one_line "demo -j --nonsense: the complaint is about --nonsense" "'--nonsense'" \
	"$MPTCPKIT" demo -j --nonsense

# run: the program's own -j stays
check "run echo -j: the program gets -j" "-j x" "$MPTCPKIT" run echo -j x
check "run -- echo --json: the program gets --json" "--json" "$MPTCPKIT" run -- echo --json
check "run -j -- echo ok: run's own -j is taken" "ok" "$MPTCPKIT" run -j -- echo ok

# lab: list, up, link, status with a trailing -j; exec keeps the program's -j
LAB=j$RUN_ID
LAB=${LAB:0:30}
cleanup_lab() { "$MPTCPKIT" lab down --name "$LAB" --force >/dev/null 2>&1; cleanup; }
trap cleanup_lab EXIT
is_json "lab list -j" "$MPTCPKIT" lab list -j
is_json "lab up --name L --paths 1 -j" "$MPTCPKIT" lab up --name "$LAB" --paths 1 -j
check "lab link 1 down --name L -j" '{"path":1,"state":"down"}' \
	"$MPTCPKIT" lab link 1 down --name "$LAB" -j
check "lab status --json: path 1 is down" "down" bash -c \
	"'$MPTCPKIT' lab status --name '$LAB' --json | python3 -c 'import json,sys; print(json.load(sys.stdin)[\"paths\"][0][\"state\"])'"
check "lab exec client --name L echo -j: the program gets -j" "-j" \
	"$MPTCPKIT" lab exec client --name "$LAB" echo -j
check "lab exec client --name L -- echo -j" "-j" \
	"$MPTCPKIT" lab exec client --name "$LAB" -- echo -j
check_ok "lab down --name L -j" "$MPTCPKIT" lab down --name "$LAB" -j

finish
