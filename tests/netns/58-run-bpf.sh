#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0-or-later
# mptcpkit run --mode bpf (issue 20) on this machine's kernel. Where the
# kernel refuses fmod_ret programs (this project's 6.18 host: EPERM at
# load), the mode says so in one line and auto falls back; where it loads
# (also tests/vm/cases/20-run-bpf.sh in Debian's 6.12 and 7.3), static and
# Go clients are forced, only in the run's cgroup, the socket option policy
# kept, nothing left behind. Built without BPF support, the mode says so.
. "$(dirname "$0")/../lib.sh"
. "$TOP/tests/run-forced.lib"
. "$TOP/tests/run-bpf.lib"
forced_setup
bpf_probe
if [ ! -x "$HELPERS/bpf-progs" ]; then # -Dbpf=disabled, or no libbpf or clang
	bpf_refused_cases "mptcpkit was built without it"
elif [ "$BPF_STATE" = loads ]; then
	bpf_loaded_cases
else
	case "$(uname -r)" in
	6.18.*) expect="refuses to load the fmod_ret program.*Operation not permitted" ;;
	*) expect="refuses|no update_socket_protocol hook|no BTF|no cgroup" ;;
	esac
	bpf_refused_cases "$expect"
fi
finish
