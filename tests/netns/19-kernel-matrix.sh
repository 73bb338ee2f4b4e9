#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0-or-later
# The kernel matrix (tests/vm/matrix): the cases of tests/vm/cases/ inside
# Debian's 5.10, 6.1, 6.12 and 7.3 under qemu, once per ./run-tests: the
# sanitizer pass skips it (the kernels, not the build, are under test; and
# it is the longest program of the suite). A kernel that cannot be fetched
# or booted is a skip with its reason. MPK_VM_KERNELS narrows the list;
# the matrix bounds itself (MPK_VM_MATRIX_BUDGET, see tests/vm/matrix).
# run-all timeout: 1800
. "$(dirname "$0")/../lib.sh"
require_root
is_sanitizer_build && skip_all "a sanitizer build: the kernel matrix runs once, with the plain build"
command -v qemu-system-x86_64 >/dev/null || skip_all "qemu-system-x86_64 is missing (Debian package qemu-system-x86)"
export MPK_BUILD=$BUILD
VM=$TOP/tests/vm

# --- bad input: one line, a skip, nothing started, apt untouched -------------
apt_state() {
	ls -lR --time-style=+%s /etc/apt /var/lib/apt/lists /var/lib/dpkg/status 2>/dev/null | md5sum
}
APT_BEFORE=$(apt_state)
# skips WHAT PATTERN CMD...: exit 77 and one line, "# SKIP ..." matching PATTERN.
skips() {
	local what=$1 pattern=$2 rc
	shift 2
	"$@" >"$TMP/out" 2>&1
	rc=$?
	if [ "$rc" = 77 ] && [ "$(wc -l <"$TMP/out")" = 1 ] && grep -qE "^# SKIP .*$pattern" "$TMP/out"; then
		ok "$what: $(cat "$TMP/out")"
	else
		not_ok "$what" "exit $rc: $(head -c 300 "$TMP/out" | tr '\n' '|')"
	fi
}
skips "run-vm: an unknown kernel" "unknown kernel '4.19'" "$VM/run-vm" 4.19 -- true
skips "run-vm: a mirror that cannot be reached" "cannot read bookworm's package lists" \
	env MPK_DEB_CACHE="$TMP/cache" MPK_DEB_MIRROR=http://127.0.0.1:9/debian "$VM/run-vm" 6.1 -- true
skips "run-vm: no qemu" "missing" env MPK_VM_QEMU="$TMP/no-qemu" "$VM/run-vm" 6.1 -- true
mkdir "$TMP/small"
skips "run-vm: no space for the cache" "no space" unshare -m sh -c \
	"mount -t tmpfs -o size=20m tmpfs '$TMP/small' && MPK_DEB_CACHE='$TMP/small' '$VM/run-vm' 6.12 -- true"
skips "matrix: no qemu" "missing" env MPK_VM_QEMU="$TMP/no-qemu" "$VM/matrix" 6.1
check "matrix: an unknown kernel is one skip" \
	"ok - [4.19] kernel 4.19 # SKIP unknown kernel '4.19' (known: 5.10 6.1 6.12 7.3)" \
	sh -c "'$VM/matrix' 4.19 | grep -v '^#'"
# Their caches were under TMP: a qemu of theirs would name it.
check "no qemu left running from these" "" sh -c "pgrep -f '[q]emu-system.*$TMP' || true"
check "the machine's apt state is as it was" "$APT_BEFORE" apt_state

# --- the matrix --------------------------------------------------------------
"$VM/matrix" ${MPK_VM_KERNELS:-}
[ $? = 0 ] || _FAILED=1
finish
