# SPDX-License-Identifier: GPL-2.0-or-later
# For tests of mptcpkit lab and demo (source after lib.sh): the labs named
# in MY_LABS are taken down at exit, before lib.sh's own cleanup.
MY_LABS=()
lab_cleanup() {
	local n
	for n in "${MY_LABS[@]}"; do
		"$MPTCPKIT" lab down --force --name "$n" >/dev/null 2>&1
	done
	cleanup
}
trap lab_cleanup EXIT

# alive PID...: those still running, on one line. A process the lab
# detached is not our child: once it ended, its zombie waits for init to
# reap it, which may not be running; a zombie is not alive.
alive() {
	local p st
	for p in "$@"; do
		st=$(sed 's/.*) //' "/proc/$p/stat" 2>/dev/null | cut -d' ' -f1)
		[ -n "$st" ] && [ "$st" != Z ] && echo "$p"
	done | xargs
}

# has_netem: does this kernel have the netem qdisc? (tried in a namespace
# of our own, never on the host's interfaces)
has_netem() {
	local ns="mpk-netem-probe-$$" rc
	ip netns add "$ns" || return 1
	ip -n "$ns" link set lo up
	tc -n "$ns" qdisc add dev lo root netem delay 1ms 2>/dev/null
	rc=$?
	ip netns del "$ns"
	return $rc
}
