#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0-or-later
# mptcpkit run as a process: exit status and signals passed through, signals
# forwarded to the command, missing command 127, no command a usage error,
# LD_PRELOAD/GODEBUG appended to (never replaced), auto mode's choice, and
# the command's background children still served after it exits.
. "$(dirname "$0")/../lib.sh"
. "$TOP/tests/run-forced.lib"
forced_setup
H=$HELPERS

status_of() { "$@" >/dev/null 2>&1; echo $?; }

: >"$TMP/not-exec"
for mode in preload seccomp; do
	check "$mode: exit status passed through" 3 status_of "$MPTCPKIT" run --mode "$mode" -- sh -c 'exit 3'
	check "$mode: killed by SIGTERM -> 143" 143 status_of "$MPTCPKIT" run --mode "$mode" -- sh -c 'kill -TERM $$'
	check "$mode: missing command -> 127" 127 status_of "$MPTCPKIT" run --mode "$mode" -- /nonexistent/cmd
	check "$mode: one clear line for it" "mptcpkit: cannot run '/nonexistent/cmd': No such file or directory" \
		bash -c "'$MPTCPKIT' run --mode $mode -- /nonexistent/cmd 2>&1"
	check "$mode: not executable -> 126" 126 status_of "$MPTCPKIT" run --mode "$mode" -- "$TMP/not-exec"
done
check "no command: usage error (1), one line saying so" "1 1 mptcpkit: run: no command given" \
	bash -c "'$MPTCPKIT' run 2>'$TMP/usage'; echo \$? \$(wc -l <'$TMP/usage') \$(cut -c1-31 '$TMP/usage')"
check_fail "unknown mode refused" "$MPTCPKIT" run --mode bogus -- true
check "CMD's own --help is CMD's" "--help" "$MPTCPKIT" run sh -c 'echo "$1"' sh --help
check_ok "run --help" "$MPTCPKIT" run --help

# Signals sent to the supervisor reach the command. (Not SIGINT/SIGQUIT
# here: a script's background jobs start with them ignored.)
for sig in TERM HUP USR1 USR2; do
	# the command says when its trap is set: signalled before that, it
	# would die of the signal itself (a fixed wait failed under load)
	"$MPTCPKIT" run --mode seccomp -- sh -c \
		"trap 'kill \$!; exit 42' $sig; : >'$TMP/ready.$sig'; sleep 5 & wait" &
	pid=$!
	for _ in $(seq 100); do [ -e "$TMP/ready.$sig" ] && break; sleep 0.05; done
	kill -"$sig" "$pid"
	wait "$pid"
	check "seccomp: SIG$sig forwarded to the command" 42 echo $?
done

# The environment is appended to. (In a sanitizer build mptcpkit itself then
# runs with a preload ahead of ASan's runtime: tell ASan that is fine.)
shim=$(realpath "$BUILD/shim/libmptcpkit-preload.so")
check "LD_PRELOAD kept, the shim appended" "/lib/x86_64-linux-gnu/libm.so.6:$shim" \
	env ASAN_OPTIONS="${ASAN_OPTIONS:-}:verify_asan_link_order=0" \
	LD_PRELOAD=/lib/x86_64-linux-gnu/libm.so.6 "$MPTCPKIT" run --mode preload -- sh -c 'echo $LD_PRELOAD'
check "GODEBUG kept, multipathtcp=1 appended" "http2client=0,multipathtcp=1" \
	env GODEBUG=http2client=0 "$MPTCPKIT" run --mode preload -- sh -c 'echo $GODEBUG'
check "GODEBUG's own multipathtcp setting left alone" "multipathtcp=0" \
	env GODEBUG=multipathtcp=0 "$MPTCPKIT" run --mode preload -- sh -c 'echo $GODEBUG'
check "missing shim: an error that says so" "1 mptcpkit: preload shim not found" \
	bash -c "MPTCPKIT_PRELOAD=/nonexistent.so '$MPTCPKIT' run --mode preload -- true 2>'$TMP/shim'; echo \$? \$(cut -d: -f1,2 '$TMP/shim')"

# auto mode tells what it chose and why.
auto_why() { "$MPTCPKIT" run -d -- "$@" 2>&1 >/dev/null | grep -m1 'run: .* mode'; }
check_ok "auto: static -> seccomp" bash -c "$(declare -f auto_why); MPTCPKIT='$MPTCPKIT' auto_why '$H/sockinfo-static' | grep -q 'seccomp mode: .*statically linked'"
check_ok "auto: dynamic -> preload" bash -c "$(declare -f auto_why); MPTCPKIT='$MPTCPKIT' auto_why '$H/sockinfo' | grep -q 'preload mode: .*dynamically linked'"
cp "$H/sockinfo" "$TMP/setuid-sockinfo" && chmod u+s "$TMP/setuid-sockinfo"
check_ok "auto: setuid -> seccomp" bash -c "$(declare -f auto_why); MPTCPKIT='$MPTCPKIT' auto_why '$TMP/setuid-sockinfo' | grep -q 'seccomp mode: .*setuid'"
check "auto: setuid program forced" "tcp4 proto=262 nonblock=0 cloexec=0" \
	bash -c "'$MPTCPKIT' run -- '$TMP/setuid-sockinfo' | head -n 1"

# Nested: only one seccomp listener may exist; the inner run lets the outer
# supervisor force the sockets.
check "seccomp inside seccomp: forced by the outer supervisor" "tcp4 proto=262 nonblock=0 cloexec=0" \
	bash -c "'$MPTCPKIT' run --mode seccomp -- '$MPTCPKIT' run --mode seccomp -- '$H/sockinfo-static' | head -n 1"
check "... exit status passed through both" 5 \
	status_of "$MPTCPKIT" run --mode seccomp -- "$MPTCPKIT" run --mode seccomp -- sh -c 'exit 5'

# A background child connecting after the command exited is still served.
server_start 6301 1
check_ok "seccomp: command returns while its child lives on" in_ns "$CLI" timeout 5 \
	"$MPTCPKIT" run --mode seccomp -- sh -c \
	"(sleep 0.5; '$H/plain-client-static' $SERVER_ADDR 6301 late) >'$TMP/late.out' 2>&1 &"
check "... and the child's later connection is MPTCP" "mptcp late" server_saw 6301
finish
