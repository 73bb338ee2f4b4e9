# SPDX-License-Identifier: GPL-2.0-or-later
# mptcpd beside pmd in the benchmarks (issue 21's targets name it): Debian
# 12's mptcpd 0.12, fetched with scripts/deb-fetch.sh into its cache and run
# from there. Not installed with apt on purpose: its package enables a
# service that, on a host running systemd, would start mptcpd in the root
# namespace and add an endpoint for every address of the machine.
# Run as a client's user would: the addr_adv path manager making a
# 'subflow' endpoint of every address, those present at start too.
# Source after tests/lib.sh and tests/pmd-lib.sh (wait_for).

MPTCPD_ROOT=${MPTCPD_ROOT:-${MPK_DEB_CACHE:-/var/cache/mptcpkit-debs}/mptcpd-bookworm}

# mptcpd_fetch: the daemon, its plugins and libraries into MPTCPD_ROOT, once.
mptcpd_fetch() {
	[ -x "$MPTCPD_ROOT/usr/libexec/mptcpd" ] && return 0
	bash "$(dirname "${BASH_SOURCE[0]}")/../scripts/deb-fetch.sh" bookworm "$MPTCPD_ROOT" \
		mptcpd mptcpd-plugins libmptcpd3 libell0
}

# mptcpd_start NS LOG [N]: mptcpd in NS (its endpoints flushed first), until
# it has made N (2) endpoints. Sets MPTCPD_PID.
mptcpd_start() {
	local ns=$1 log=$2 n=${3:-2} lib=$MPTCPD_ROOT/usr/lib/x86_64-linux-gnu
	mptcpd_fetch || return 1
	ip -n "$ns" mptcp endpoint flush
	ip netns exec "$ns" env LD_LIBRARY_PATH="$lib" "$MPTCPD_ROOT/usr/libexec/mptcpd" \
		--log=stderr --plugin-dir="$lib/mptcpd" --path-manager=addr_adv \
		--addr-flags=subflow --notify-flags=existing,skip_link_local,skip_loopback \
		>"$log" 2>&1 &
	MPTCPD_PID=$!
	wait_for 5 sh -c "[ \$(ip -n '$ns' mptcp endpoint show | wc -l) -ge $n ]" && return 0
	echo "mptcpd made no $n endpoints in 5 s: $(head -c 300 "$log")" >&2
	return 1
}

# mptcpd_stop: SIGTERM, then wait for it.
mptcpd_stop() {
	kill -TERM "$MPTCPD_PID" 2>/dev/null
	wait "$MPTCPD_PID" 2>/dev/null
}
