#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0-or-later
# mptcpkit run --mode bpf on Debian's kernels (issue 20). 6.12 and 7.3 load
# the fmod_ret program on update_socket_protocol: a static and a Go client
# (Go 1.19, built on the host by meson: no MPTCP of its own) are forced, the
# server sees MPTCP; only the run's cgroup; the socket option policy kept;
# nothing left behind, also when killed. 6.1 and 5.10 have no hook: the mode
# says so in one line, auto falls back, then the case skips.
# Run inside a guest from the repo top (tests/vm/run-vm KERNEL -- bash
# tests/vm/cases/20-run-bpf.sh), MPK_BUILD the build directory.
. "$(dirname "$0")/../../lib.sh"
. "$TOP/tests/run-forced.lib"
. "$TOP/tests/run-bpf.lib"
require_root
[ -x "$HELPERS/bpf-progs" ] || skip_all "built without run --mode bpf (libbpf, clang -target bpf)"
: "${MPK_GO_CLIENT:=$BUILD/tests/helpers/go-client-bin}"
export MPK_GO_CLIENT
kernel=${MPK_VM_KERNEL:-$(uname -r)}
bpf_probe
case "$kernel" in
6.1 | 6.1.* | 5.* | 4.*)
	check "kernel $kernel: --mode bpf says there is no hook (exit 1, one line)" "1 1" \
		sh -c "printf '%s\n' \"\$1\" | grep -cE '^mptcpkit: run: bpf mode: .*no update_socket_protocol hook \\(Linux 6.6\\+\\)$' |
			tr '\n' ' '; printf '%s\n' \"\$1\" | wc -l" _ "$BPF_WHY"
	check "... exit code 1" "1" echo "$BPF_RC"
	check "... and leaves no cgroup or program behind" "0 0" bpf_left
	if [ -e /proc/sys/net/mptcp/enabled ]; then
		forced_setup
		client_case "auto falls back: a static client is MPTCP (seccomp)" 5801 "mptcp auto" \
			"$MPTCPKIT" run -- "$HELPERS/plain-client-static" "$SERVER_ADDR" 5801 auto
	fi
	check "auto -d says there is no bpf mode and why" "1" \
		sh -c "'$MPTCPKIT' run -d -- true 2>&1 | grep -c 'no bpf mode (.*no update_socket_protocol hook'"
	[ "$_FAILED" = 0 ] || finish
	skip_all "kernel $kernel has no update_socket_protocol hook (Linux 6.6+): nothing to force with"
	;;
esac
forced_setup
if [ "$BPF_STATE" != loads ]; then
	not_ok "kernel $kernel: run --mode bpf loads" "$BPF_WHY"
	finish
fi
ok "kernel $kernel: run --mode bpf loads"
bpf_loaded_cases
finish
