#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0-or-later
# mptcpkit lab up --router: the four namespaces and the proxy pair the lab
# runs; a plain TCP client reaching the plain TCP server through it (sha256
# both ways), the router->far leg MPTCP with a subflow on each path, exec
# and link on the new namespaces, lab down leaving no namespace, process,
# nft table or file (also after a crash that lost the state file), and the
# errors (one line, non-zero, the running lab untouched).
. "$(dirname "$0")/../lib.sh"
. "$(dirname "$0")/../lab-lib.sh"
require_root
require_mptcp
require_cmd ip tc nft python3 sha256sum timeout

A=t93a-$RUN_ID
B=t93b-$RUN_ID
MY_LABS=("$A" "$B")

K=$MPTCPKIT
lab() { "$K" lab "$@"; }
status_get() { # NAME PYTHON-EXPR over d
	python3 -c "import json,sys; d=json.load(sys.stdin); print($2)" < <("$K" -j lab status --name "$1")
}
# Nothing of lab NAME left: namespaces, the proxies PIDS, files.
check_gone() { # WHAT NAME PIDS...
	local what=$1 name=$2 left
	shift 2
	left="$(ip netns list | grep -- "mpk-lab-$name-" | cut -d' ' -f1) $(alive "$@")"
	left="$left $(ls /run/mptcpkit/ 2>/dev/null | grep -F -- "lab-$name")"
	if [ -z "$(echo $left)" ]; then
		ok "$what: no namespace, proxy or file left"
	else
		not_ok "$what: no namespace, proxy or file left" "$(echo $left)"
	fi
}

# 1. up: four namespaces, the two proxies running
check_ok "lab up --router" lab up --router --name "$A"
check "four namespaces" "client far router server" \
	bash -c "ip netns list | grep -oE -- 'mpk-lab-$A-[a-z]+' | sed 's/.*-//' | sort | xargs"
check "status: topology router, both proxies running" "router True True" \
	status_get "$A" 'd["topology"], d["router_proxy"]["running"], d["far_proxy"]["running"]'
RPID=$(status_get "$A" 'd["router_proxy"]["pid"]')
FPID=$(status_get "$A" 'd["far_proxy"]["pid"]')
check "the transparent proxy runs in the router namespace" "mpk-lab-$A-router" ip netns identify "$RPID"
check "the socks proxy runs in the far namespace" "mpk-lab-$A-far" ip netns identify "$FPID"
check "router: the proxy's nft table is installed" 1 \
	bash -c "'$K' lab exec router --name '$A' nft list tables | grep -c 'mptcpkit_proxy_1081'"
check "router: a subflow endpoint on path 2" "path2" \
	bash -c "'$K' lab exec router --name '$A' ip mptcp endpoint show | grep -o 'dev path[0-9]' | cut -d' ' -f2 | xargs"
check "client: default route via the router" "10.1.0.1" \
	bash -c "'$K' lab exec client --name '$A' ip route show default | awk '{print \$3}'"
check "paths are shaped like the normal lab's (tbf in router and far)" "tbf tbf" \
	bash -c "for w in router far; do '$K' lab exec \$w --name '$A' tc qdisc show dev path1 | awk '{print \$2}'; done | xargs"

# 2. plain TCP client -> pair -> plain TCP server, 4 MiB each way, intact
head -c 4M /dev/urandom >"$TMP/up"
head -c 4M /dev/urandom >"$TMP/down"
SHA_UP=$(sha256sum <"$TMP/up" | cut -d' ' -f1)
SHA_DOWN=$(sha256sum <"$TMP/down" | cut -d' ' -f1)
bg "mpk-lab-$A-server" timeout 30 python3 "$TOP/tests/proxy-peer.py" server 6 7100 "$TMP/down" 1 \
	>"$TMP/srv.out"
SRV=$BG_PID
wait_listen "mpk-lab-$A-server" 7100 || not_ok "server listening"
check "client got 4 MiB intact through the pair" "sha=$SHA_DOWN n=4194304" \
	lab exec client --name "$A" timeout 30 python3 "$TOP/tests/proxy-peer.py" client 6 10.2.0.2 7100 "$TMP/up"
wait "$SRV" 2>/dev/null
check "server got 4 MiB intact, plain TCP" "mptcp=0 sha=$SHA_UP n=4194304" cat "$TMP/srv.out"
LOG=/run/mptcpkit/lab-$A-router.log
J=""
for i in $(seq 20); do
	J=$(grep '"event":"conn"' "$LOG" | tail -1)
	[ -n "$J" ] && break
	sleep 0.1
done
check "router proxy: the original destination" "10.2.0.2:7100" json_get "$J" dest
check "router proxy: the client's leg is plain TCP" false json_get "$J" client_mptcp
check "router proxy: the leg to the far end is MPTCP" true json_get "$J" upstream_mptcp
check "router proxy: a subflow on each of the 2 paths" 2 json_get "$J" upstream_subflows
check "far proxy logged the connection to the server" 1 \
	bash -c "grep '\"event\":\"conn\"' /run/mptcpkit/lab-$A-far.log | grep -c '10.2.0.2:7100'"

# 3. link and exec in the new topology
check_ok "lab link 1 down" lab link 1 down --name "$A"
check "status: path 1 down" down status_get "$A" 'd["paths"][0]["state"]'
check "the cut is in the router namespace" 1 \
	bash -c "'$K' lab exec router --name '$A' nft list set inet mptcpkit_lab cut | grep -c '\"path1\"'"
check_ok "lab link 1 up" lab link 1 up --name "$A"
check "exec far: the far end's path 2 address" "10.0.2.2/24" \
	bash -c "'$K' lab exec far --name '$A' ip -br -4 addr show path2 | awk '{print \$3}'"

# 4. errors: one line, non-zero, lab A untouched
check_one_line "lab up --router on an existing name" "lab up: lab '$A' exists" \
	lab up --router --name "$A"
check_one_line "lab up (paths) on a router lab's name" "lab up: lab '$A' exists" lab up --name "$A"
check "the clashes left the proxies running" "$RPID $FPID" alive "$RPID" "$FPID"
check_one_line "lab up --router --paths 9" "--paths '9'" lab up --router --paths 9 --name "$B"
check_one_line "lab down --router (not an option of down)" "unknown option '--router'" \
	lab down --router --name "$A"
check_ok "lab B up (two paths, no router)" lab up --name "$B"
check_one_line "lab exec router on a lab without one" "has no router" \
	lab exec router --name "$B" true
check_one_line "lab exec gateway" "expected 'client', 'server', 'router' or 'far'" \
	lab exec gateway --name "$A" true
check_ok "lab B down" lab down --name "$B"

# 5. down. The proxies' logs stay readable through these descriptors after
# lab down removed them: what a sanitizer build says at their exit.
exec 7<"/run/mptcpkit/lab-$A-router.log" 8<"/run/mptcpkit/lab-$A-far.log"
check_ok "lab down" lab down --name "$A"
check_gone "lab down" "$A" "$RPID" "$FPID"
sanitizer_lines() { { cat <&7; cat <&8; } | grep -c 'Sanitizer\|runtime error'; }
check "the proxies ended without a sanitizer report" 0 sanitizer_lines
check "the logs were read (both proxies' listening lines)" 2 \
	bash -c "{ cat /dev/fd/7; cat /dev/fd/8; } 2>/dev/null | grep -c '\"listening\"'"
exec 7<&- 8<&-
check "no proxy nft table left in this namespace" 0 \
	bash -c "nft list tables 2>/dev/null | grep -c 'mptcpkit_proxy_1081'"

# 6. a crash that lost the state file (the PIDs): down finds it all from the namespaces
check_ok "lab up --router again" lab up --router --name "$A"
RPID=$(status_get "$A" 'd["router_proxy"]["pid"]')
FPID=$(status_get "$A" 'd["far_proxy"]["pid"]')
rm -f "/run/mptcpkit/lab-$A.json"
check "lab list shows it (incomplete)" 1 bash -c "'$K' lab list | grep -c '^$A  router  (incomplete)'"
check_ok "lab down without the state file" lab down --name "$A"
check_gone "down after the crash" "$A" "$RPID" "$FPID"
finish
