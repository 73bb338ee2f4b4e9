# SPDX-License-Identifier: GPL-2.0-or-later
# Sourced by tests/vm/cases/*.sh, which run inside a guest of run-vm (or on
# the host, for trying one out): tests/lib.sh plus waits sized for qemu's
# TCG, where starting a process takes 35-70 times longer than on the host.
# Every wait is on a condition, polled; the budgets only bound a failure.
. "$(dirname "${BASH_SOURCE[0]}")/../lib.sh"

VM_KERNEL=${MPK_VM_KERNEL:-host}
K=$MPTCPKIT
[ -x "$K" ] || skip_all "no built mptcpkit at $K (MPK_BUILD=$BUILD)"

# wait_for SECS CMD...: until CMD succeeds (its output discarded).
wait_for() {
	local end=$((SECONDS + $1))
	shift
	until "$@" >/dev/null 2>&1; do
		[ "$SECONDS" -ge "$end" ] && return 1
		sleep 0.2
	done
}

# kernel_at_least MAJOR.MINOR: the running kernel is that version or newer.
kernel_at_least() {
	local want=$1 have
	have=$(uname -r | grep -oE '^[0-9]+\.[0-9]+')
	[ "$(printf '%s\n%s\n' "$want" "$have" | sort -V | head -1)" = "$want" ]
}

# tcp_established NS PORT: how many TCP sockets (MPTCP subflows count each)
# are established with local or remote port PORT.
tcp_established() {
	ip netns exec "$1" ss -Htn state established "( sport = :$2 or dport = :$2 )" 2>/dev/null | wc -l
}

# listening NS PORT: a TCP or MPTCP listener is up on PORT.
listening() {
	ip netns exec "$1" ss -Hltn "sport = :$2" 2>/dev/null | grep -q .
}

# subflows_up NS PORT N: at least N established subflows on PORT.
subflows_up() {
	[ "$(tcp_established "$1" "$2")" -ge "$3" ]
}

# wait_subscribed PID: until the netlink sockets of PID have joined a
# multicast group (a monitor that has subscribed misses no event). The
# group bitmap shows only the first 32 groups: give up quietly after SECS.
netlink_subscribed() {
	local pid=$1 inodes
	inodes=$(ls -l "/proc/$pid/fd" 2>/dev/null | sed -n 's/.*socket:\[\([0-9]*\)\]/\1/p')
	[ -n "$inodes" ] || return 1
	awk -v want=" $(echo $inodes) " 'NR > 1 && $4 != "00000000" && index(want, " " $10 " ")' \
		"/proc/$pid/net/netlink" | grep -q .
}
wait_subscribed() {
	wait_for "${2:-30}" netlink_subscribed "$1"
}

# gate FILE: a standard input that stays open (no EOF, no half-close: the
# kernel takes no join after a DATA_FIN) until FILE exists, then says
# "done" and ends.
gate() {
	until [ -e "$1" ]; do sleep 0.1; done
	echo done
}

# jfields FILE LINE KEY...: keys of the JSON object on line LINE of FILE,
# space-separated (JSON's spelling: true, false, null), "-" for a missing
# key or line. One python3 for them all: in a TCG guest each start of
# python3 costs seconds.
jfields() {
	python3 -S - "$@" <<'PY' 2>/dev/null
import json, sys
path, line, keys = sys.argv[1], int(sys.argv[2]), sys.argv[3:]
try:
    o = json.loads(open(path).read().splitlines()[line - 1])
except (OSError, IndexError, ValueError):
    o = {}
out = []
for k in keys:
    v = o.get(k, "-") if isinstance(o, dict) else "-"
    out.append(v if isinstance(v, str) else json.dumps(v))
print(" ".join(out))
PY
}
jfield() { jfields "$@"; }
