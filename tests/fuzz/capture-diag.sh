#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0-or-later
# Regenerate the seed corpus of fuzz-diag-parse from the running kernel:
# MPTCP connections over two paths (IPv4 and IPv6), a fallen-back one and
# the listeners, captured with capture-diag.py on both sides.
#   tests/fuzz/capture-diag.sh [OUTDIR]   (default tests/fuzz/corpus-diag)
. "$(dirname "$0")/../lib.sh"
require_root
require_mptcp
OUT=$(realpath -m "${1:-$TOP/tests/fuzz/corpus-diag}")
HOLD=(python3 "$TOP/tests/hold-conns.py")
ns_new C capdc
ns_new S capds
two_paths "$C" "$S" 10.0 || { not_ok "topology"; exit 1; }
addr_add "$C" fd00:1::1/64 c1
addr_add "$S" fd00:1::2/64 s1
ip -n "$C" mptcp limits set subflows 2 add_addr_accepted 2
ip -n "$S" mptcp limits set subflows 2 add_addr_accepted 2
ip -n "$S" mptcp endpoint add 10.0.2.2 dev s2 signal backup
bg "$S" "${HOLD[@]}" serve 8000
bg "$S" "${HOLD[@]}" serve 8001 --v6
bg "$S" "${HOLD[@]}" serve 8002 --tcp
wait_listen "$S" 8002
bg "$C" "${HOLD[@]}" open 10.0.1.2 8000 1 >/dev/null
bg "$C" "${HOLD[@]}" open fd00:1::2 8001 1 >/dev/null
bg "$C" "${HOLD[@]}" open 10.0.1.2 8002 1 >/dev/null
sleep 1.5
in_ns "$C" python3 "$TOP/tests/fuzz/capture-diag.py" "$OUT/client" && ok "client replies saved"
in_ns "$S" python3 "$TOP/tests/fuzz/capture-diag.py" "$OUT/server" && ok "server replies saved"
finish
