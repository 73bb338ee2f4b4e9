# SPDX-License-Identifier: GPL-2.0-or-later
# Sourced by run-vm: start qemu on a prepared kernel (vm-kernel.sh), wait for
# the guest to reach its command and to end, stream its output, stop it.
# The guest and run-vm talk through a run directory shared over 9p (tag
# mpkvm, /mpk-vm inside): conf and cmd in; started, out, err, rc back.

VM_QEMU=${MPK_VM_QEMU:-qemu-system-x86_64}
VM_QEMU_PID=""
VM_TAIL_PIDS=()
VM_RESULT=""

# vm_write_run DIR KERNEL CMD...: what the guest reads.
vm_write_run() {
	local dir=$1 k=$2 v
	shift 2
	cat >"$dir/conf" <<-EOF
	VM_KERNEL=$k
	VM_ABI=$(cat "$VM_KDIR/abi")
	VM_MODDIR=$(cat "$VM_KDIR/moddir")
	VM_GUEST_INIT=$VM_DIR/guest-init
	EOF
	# sourced by busybox's sh too: one string (paths without spaces)
	printf 'VM_KEEP=%q\n' "$PWD ${MPK_BUILD:-$PWD}" >>"$dir/conf"
	{
		printf 'cd %q || exit 1\n' "$PWD"
		for v in $(compgen -e | grep '^MPK_'); do
			printf 'export %s=%q\n' "$v" "${!v}"
		done
		printf 'export MPK_VM_KERNEL=%q\n' "$k"
		printf 'exec'
		printf ' %q' "$@"
		printf '\n'
	} >"$dir/cmd"
}

# vm_qemu DIR ACCEL [APPEND...]: start qemu in the background (VM_QEMU_PID).
vm_qemu() {
	local dir=$1 accel=$2 cpu=${MPK_VM_CPU:-max}
	shift 2
	[ "$accel" = kvm ] && cpu=host
	"$VM_QEMU" -accel "$accel" -M pc -cpu "$cpu" -smp 2 -m "${MPK_VM_MEM:-1024}" \
		-nodefaults -no-user-config -display none -no-reboot \
		-kernel "$VM_KDIR/vmlinux" -initrd "$VM_KDIR/initrd" \
		-append "console=ttyS0 loglevel=4 panic=-1 mitigations=off no_timer_check rdinit=/init $*" \
		-serial "file:$dir/console.log" \
		-fsdev local,id=root,path=/,readonly=on,security_model=none,multidevs=remap \
		-device virtio-9p-pci,fsdev=root,mount_tag=mpkroot \
		-fsdev local,id=xch,path="$dir",security_model=none \
		-device virtio-9p-pci,fsdev=xch,mount_tag=mpkvm \
		-device virtio-rng-pci \
		</dev/null >"$dir/qemu.log" 2>&1 &
	VM_QEMU_PID=$!
}

vm_stop() {
	local pid
	if [ -n "$VM_QEMU_PID" ]; then
		kill "$VM_QEMU_PID" 2>/dev/null
		wait "$VM_QEMU_PID" 2>/dev/null
		VM_QEMU_PID=""
	fi
	for pid in "${VM_TAIL_PIDS[@]}"; do
		kill "$pid" 2>/dev/null
		wait "$pid" 2>/dev/null
	done
	VM_TAIL_PIDS=()
}

vm_alive() {
	[ -n "$VM_QEMU_PID" ] && kill -0 "$VM_QEMU_PID" 2>/dev/null
}

# Why a boot failed, from the end of the console (an oops, a panic, an
# initramfs message) or qemu's own error.
vm_boot_why() {
	local dir=$1 line
	line=$(grep -m1 -E 'mpk-vm initrd:|Kernel panic|BUG:|Oops|general protection' "$dir/console.log" 2>/dev/null)
	[ -z "$line" ] && line=$(grep -m1 -v -e '^$' -e 'terminating on signal' "$dir/qemu.log" 2>/dev/null)
	[ -z "$line" ] && line=$(tail -n 1 "$dir/console.log" 2>/dev/null)
	echo "${line:-no output}" | tr -d '\r' | sed 's/^\[ *[0-9.]*\] //' | cut -c1-160
}

# vm_wait DIR BOOT_S TOTAL_S: until qemu ends; kill it when the guest has not
# started its command within BOOT_S or not ended within TOTAL_S. Sets
# VM_RESULT: done (rc written), noboot, timeout, died (started, no rc).
vm_wait() {
	local dir=$1 boot=$2 total=$3 start=$SECONDS
	while vm_alive; do
		if [ ! -f "$dir/started" ] && [ $((SECONDS - start)) -ge "$boot" ]; then
			break
		fi
		[ $((SECONDS - start)) -ge "$total" ] && break
		sleep 0.5
	done
	VM_KILLED=""
	if vm_alive; then
		VM_KILLED=yes
		kill "$VM_QEMU_PID" 2>/dev/null
	fi
	wait "$VM_QEMU_PID" 2>/dev/null
	VM_QEMU_PID=""
	if [ -f "$dir/rc" ]; then
		VM_RESULT=done
	elif [ ! -f "$dir/started" ]; then
		VM_RESULT=noboot
	elif [ $((SECONDS - start)) -ge "$total" ]; then
		VM_RESULT=timeout
	else
		VM_RESULT=died
	fi
}

# Stream the guest's output while qemu runs (the files are on the host;
# tail --pid reads them a last time once qemu has ended).
vm_stream() {
	local dir=$1
	tail -n +1 -s 0.5 --pid="$VM_QEMU_PID" -f "$dir/out" &
	VM_TAIL_PIDS+=($!)
	tail -n +1 -s 0.5 --pid="$VM_QEMU_PID" -f "$dir/err" >&2 &
	VM_TAIL_PIDS+=($!)
}

vm_stream_end() {
	local pid
	for pid in "${VM_TAIL_PIDS[@]}"; do
		wait "$pid" 2>/dev/null
	done
	VM_TAIL_PIDS=()
}

# Does KVM boot a kernel here? /dev/kvm may exist and still be a nested mode
# that only runs its own kind of guests (kvm_pvm), where even the BIOS runs
# but Debian's kernels do not. Boot the prepared kernel with an initramfs
# that only says so and stops; remember the verdict for this host's boot.
vm_kvm_works() {
	local dir verdict boot_id
	[ -r /dev/kvm ] && [ -w /dev/kvm ] || return 1
	boot_id=$(cat /proc/sys/kernel/random/boot_id 2>/dev/null)
	verdict="$DEB_CACHE/kvm-verdict.$boot_id"
	[ -f "$verdict" ] && { [ "$(cat "$verdict")" = yes ]; return; }
	dir=$(mktemp -d /tmp/mpk-vm-probe.XXXXXX) || return 1
	vm_qemu "$dir" kvm mpk.probe
	vm_wait "$dir" 30 30
	if grep -q 'mpk-vm initrd: probe ok' "$dir/console.log" 2>/dev/null; then
		echo yes >"$verdict"
	else
		echo no >"$verdict"
	fi
	rm -rf "$dir"
	[ "$(cat "$verdict")" = yes ]
}

vm_accel() {
	case "${MPK_VM_ACCEL:-}" in
	kvm | tcg) echo "$MPK_VM_ACCEL" ;;
	*) if vm_kvm_works; then echo kvm; else echo tcg; fi ;;
	esac
}

# vm_run DIR KERNEL: boot (twice at most when the guest never reaches its
# command: about 1 boot in 13 of 7.3 oopses early under TCG), stream the
# output; returns the command's status, or 77 (no boot) / 124 (timeout) /
# 125 (the guest died) with VM_WHY set.
vm_run() {
	local dir=$1 k=$2 accel try
	accel=$(vm_accel)
	for try in 1 2; do
		rm -f "$dir/started" "$dir/rc" "$dir/console.log"
		: >"$dir/out"
		: >"$dir/err"
		vm_qemu "$dir" "$accel"
		vm_stream "$dir"
		vm_wait "$dir" "${MPK_VM_BOOT_TIMEOUT:-300}" "${MPK_VM_TIMEOUT:-1800}"
		vm_stream_end
		[ "$VM_RESULT" = noboot ] || break
		if [ -n "$VM_KILLED" ]; then
			VM_WHY="no command within ${MPK_VM_BOOT_TIMEOUT:-300} s of boot ($accel, $try boots)"
		else
			VM_WHY="the guest ended before its command ($accel, $try boots)"
		fi
		VM_WHY="$VM_WHY: $(vm_boot_why "$dir")"
	done
	case "$VM_RESULT" in
	done) return "$(cat "$dir/rc")" ;;
	noboot) return 77 ;;
	timeout)
		VM_WHY="the command did not end within ${MPK_VM_TIMEOUT:-1800} s"
		return 124
		;;
	*)
		VM_WHY="the guest ended before its command did: $(vm_boot_why "$dir")"
		return 125
		;;
	esac
}
