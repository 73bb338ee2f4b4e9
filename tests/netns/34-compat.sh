#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0-or-later
# Every feature works or says why not (issue 20), what this host can show for
# real: check -j's table of kernel features agrees with a probe of its own
# (tests/vm/compat-probe.py, no libmptcpkit); in a namespace with
# net.mptcp.enabled=0 the socket-option features are unknown (null), not
# "missing", while sysctls and netlink still answer; the same matrix case
# the guests run (tests/vm/cases/30-compat.sh) passes here. Older kernels:
# tests/vm/run-vm.
. "$(dirname "$0")/../lib.sh"
require_root
require_mptcp
require_cmd python3 ip

PROBE=$TOP/tests/vm/compat-probe.py

# feature NAME's "present" in a check JSON: true, false or null
present() {
	python3 -c 'import json,sys
d={f["name"]: f["present"] for f in json.loads(sys.argv[1])["features"]}
print(json.dumps(d.get(sys.argv[2], "absent")))' "$1" "$2"
}

json=$("$MPTCPKIT" -j check)
n=$(python3 -c 'import json,sys; f=json.loads(sys.argv[1])["features"]; print(len(f), sum(1 for x in f if x["present"] is None))' "$json")
check "check -j: 16 features, none unknown on this host" "16 0" echo "$n"
check "check -j: the kernel's release" "$(uname -r)" json_get "$json" kernel
python3 - "$json" "$(python3 "$PROBE")" <<'PY' >"$TMP/diff"
import json, sys
mine = {f["name"]: f["present"] for f in json.loads(sys.argv[1])["features"]}
theirs = json.loads(sys.argv[2])
print("; ".join(f"{k}: check {mine.get(k)}, probe {v}" for k, v in theirs.items() if mine.get(k) is not v))
PY
check "check -j agrees with an independent probe" "" cat "$TMP/diff"
check "text table: one row per feature" "16" \
	sh -c "'$MPTCPKIT' check | grep -cE '^  [a-z-]+ +[0-9]+\.[0-9]+ +(yes|no|\?) '"

ns_new N off
in_ns "$N" sysctl -qw net.mptcp.enabled=0
off=$(in_ns "$N" "$MPTCPKIT" -j check)
check "enabled=0: MPTCP_INFO unknown, not missing" "null" present "$off" mptcp-info
check "enabled=0: TCP_IS_MPTCP unknown" "null" present "$off" tcp-is-mptcp
check "enabled=0: the kernel still has MPTCP" "true" present "$off" mptcp
check "enabled=0: netlink still answers (userspace PM)" "true" present "$off" userspace-pm
check "enabled=0: text says why it is unknown" "3" \
	sh -c "ip netns exec '$N' '$MPTCPKIT' check | grep -c 'unknown (MPTCP disabled here)' | awk '{ print (\$1 >= 3) ? 3 : \$1 }'"

MPK_VM_KERNEL=host-$(uname -r) bash "$TOP/tests/vm/cases/30-compat.sh" >"$TMP/case" 2>&1
rc=$?
grep -q "^not ok" "$TMP/case" && not_ok "the guests' case on this host" "$(grep '^not ok' "$TMP/case" | head -3)"
[ "$rc" = 0 ] && ! grep -q "^not ok" "$TMP/case" && ok "the guests' case on this host: $(grep -c '^ok' "$TMP/case") checks"
finish
