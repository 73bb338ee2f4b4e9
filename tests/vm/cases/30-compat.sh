#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0-or-later
# Every feature works or says why not (issue 20), on the kernel this guest
# runs: check -j's table agrees with what the kernel answers to a probe of
# its own (tests/vm/compat-probe.py); ss shows '?' for the MPTCP-level
# counters a kernel lacks and a number where it has them; a missing
# endpoint flag's message names the Linux version that brings it; a kernel
# without MPTCP says so. Run inside a guest by tests/vm/run-vm.
. "$(dirname "$0")/../../lib.sh"

require_root
[ -n "${MPK_VM_KERNEL:-}" ] || skip_all "runs inside a tests/vm/run-vm guest (MPK_VM_KERNEL unset)"
PROBE=$TOP/tests/vm/compat-probe.py

table_matches() {
	local mine theirs
	mine=$("$MPTCPKIT" -j check 2>/dev/null)
	theirs=$(python3 "$PROBE") || { not_ok "independent probe" "compat-probe.py failed"; return; }
	python3 - "$mine" "$theirs" <<'PY' >"$TMP/diff"
import json, sys
mine = {f["name"]: f["present"] for f in json.loads(sys.argv[1])["features"]}
theirs = json.loads(sys.argv[2])
bad = [f"{k}: check {mine.get(k)} probe {v}" for k, v in theirs.items() if mine.get(k) is not v]
print("; ".join(bad))
sys.exit(1 if bad else 0)
PY
	if [ $? = 0 ]; then
		ok "check -j: $(python3 -c 'import json,sys; d=json.loads(sys.argv[1]); print(sum(1 for v in d.values() if v), "of", len(d))' "$theirs") probed features present, as the kernel answers"
	else
		not_ok "check -j's table matches the kernel" "$(cat "$TMP/diff")"
	fi
}

no_mptcp() {
	check_fail "check exits 1 without MPTCP" "$MPTCPKIT" check
	check_one_line "endpoint show names the missing MPTCP" \
		"built without MPTCP \(CONFIG_MPTCP\)" "$MPTCPKIT" endpoint show
	check_one_line "ss names the missing MPTCP" "built without MPTCP|needs Linux" "$MPTCPKIT" ss
}

# ss on a live connection that sent 4000 bytes: '?' or a number, by kernel
ss_counters() {
	local ns has out
	ns_new ns ss
	bg "$ns" python3 "$TOP/tests/hold-conns.py" serve 5201 --echo
	wait_listen "$ns" 5201 || { not_ok "ss: listener up"; return; }
	bg "$ns" python3 "$TOP/tests/hold-conns.py" open 127.0.0.1 5201 1 --send 4000 >/dev/null
	for _ in $(seq 100); do
		out=$(in_ns "$ns" "$MPTCPKIT" ss 2>&1)
		grep -q "token" <<<"$out" && break
		sleep 0.2
	done
	has=$(python3 "$PROBE" | python3 -c 'import json,sys; print(json.load(sys.stdin)["byte-counters"])')
	if [ "$has" = True ]; then
		grep -qE "sent [0-9]+ received [0-9]+" <<<"$out" && ! grep -q "sent ?" <<<"$out" &&
			ok "ss: MPTCP-level counters are numbers (the kernel has them)" ||
			not_ok "ss: counters as numbers" "$out"
	else
		grep -q "sent ? received ?" <<<"$out" &&
			grep -q "needs Linux 6.5; this kernel is" <<<"$out" &&
			ok "ss: counters the kernel lacks are '?', with the version that brings them" ||
			not_ok "ss: unknown counters" "$out"
	fi
}

# laminar cannot be probed (older kernels keep the bit unused): by version
laminar_flag() {
	local ns v
	ns_new ns ep
	ip -n "$ns" addr add 10.9.0.1/24 dev lo
	v=$(uname -r | awk -F. '{ print $1 * 1000 + $2 }')
	if [ "$v" -ge 6018 ]; then
		check_ok "endpoint add ... laminar where the kernel has it" \
			in_ns "$ns" "$MPTCPKIT" endpoint add 10.9.0.1 signal laminar
	else
		check_one_line "endpoint add ... laminar" "laminar endpoint flag needs Linux 6.18; this kernel is" \
			in_ns "$ns" "$MPTCPKIT" endpoint add 10.9.0.1 signal laminar
	fi
}

if [ ! -e /proc/sys/net/mptcp/enabled ]; then
	table_matches
	no_mptcp
	finish
fi
table_matches
ss_counters
laminar_flag
finish
