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
"$TOP/tests/vm/matrix" ${MPK_VM_KERNELS:-}
rc=$?
[ "$rc" = 77 ] && exit 77
[ "$rc" = 0 ] || _FAILED=1
finish
