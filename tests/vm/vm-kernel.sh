# SPDX-License-Identifier: GPL-2.0-or-later
# Sourced by run-vm: fetch one of Debian's kernels into the cache and make it
# bootable by qemu (an uncompressed ELF image, modules.dep, a small initramfs
# that mounts the host's root over 9p). Functions return 0, or 1 after
# setting VM_WHY to one line saying why.
#
# Cache: $MPK_DEB_CACHE/kernels/KERNEL/ (default /var/cache/mptcpkit-debs):
#   tree/      the packages unpacked (boot/, lib/modules/ or usr/lib/modules/)
#   vmlinux    the kernel, uncompressed      initrd    the initramfs (newc)
#   abi        the release (uname -r)        moddir    its modules directory
#   ready      written last: everything above is complete

VM_DIR=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
. "$VM_DIR/../../scripts/deb-fetch.sh"
VM_KERNELS="5.10 6.1 6.12 7.3"
# What the initramfs loads to reach the host's root (those built in are skipped).
VM_BOOT_MODULES="virtio_pci 9pnet_virtio 9p overlay"
# A kernel with its modules unpacked takes about 500 MB; keep a margin.
VM_CACHE_NEED_MB=1200
VM_WHY=""

vm_fail() {
	VM_WHY=$*
	return 1
}

# The Debian suite that ships a kernel version.
vm_suite() {
	case "$1" in
	5.10) echo bullseye ;;
	6.1) echo bookworm ;;
	6.12) echo bookworm-backports ;;
	7.3) echo trixie-backports ;;
	*) return 1 ;;
	esac
}

# The packages of linux-image-amd64 in SUITE: the versioned image and, for
# 7.x's split packaging, its linux-binary/linux-modules/linux-base of the
# same release. Printed on one line.
vm_packages() {
	local conf=$1 image abi
	image=$(APT_CONFIG=$conf apt-cache depends linux-image-amd64 2>/dev/null |
		sed -n 's/^ *Depends: \(linux-image-[^ ]*\)$/\1/p' | head -1)
	[ -n "$image" ] || return 1
	abi=${image#linux-image-}
	echo "$image" $(APT_CONFIG=$conf apt-cache depends "$image" 2>/dev/null |
		sed -n "s/^ *Depends: \(linux-[a-z]*-$abi\)\$/\1/p")
}

vm_space_ok() {
	local avail
	mkdir -p "$1" 2>/dev/null || return 1
	avail=$(df -Pm "$1" 2>/dev/null | awk 'NR == 2 { print $4 }')
	[ -n "$avail" ] && [ "$avail" -ge "$VM_CACHE_NEED_MB" ]
}

# Fetch and unpack the packages of kernel K into DIR/tree.
vm_fetch() {
	local k=$1 dir=$2 suite conf pkgs err
	suite=$(vm_suite "$k")
	vm_space_ok "$DEB_CACHE" || vm_fail "no space for the kernel cache in $DEB_CACHE (needs ${VM_CACHE_NEED_MB} MB)" || return 1
	conf=$(deb_apt_conf "$suite") || vm_fail "cannot write apt configuration under $DEB_CACHE" || return 1
	deb_update "$conf" || vm_fail "cannot read $suite's package lists from $DEB_MIRROR" || return 1
	pkgs=$(vm_packages "$conf") || vm_fail "no linux-image-amd64 in $suite" || return 1
	err=$(deb_fetch "$suite" "$dir/tree" $pkgs 2>&1) || vm_fail "$err" || return 1
}

# The modules directory and release of an unpacked tree.
vm_moddir() {
	local d
	for d in "$1"/lib/modules/* "$1"/usr/lib/modules/*; do
		[ -d "$d/kernel" ] && { echo "$d"; return 0; }
	done
	return 1
}

# Copy the boot modules (uncompressed, in load order) into DEST/mods.
vm_initrd_modules() {
	local tree=$1 abi=$2 dest=$3 n=0 m path base
	mkdir -p "$dest/mods"
	for m in $VM_BOOT_MODULES; do
		modprobe -d "$tree" -S "$abi" --show-depends "$m" 2>/dev/null || return 1
	done | awk '$1 == "insmod" && !seen[$2]++ { print $2 }' >"$dest/order.tmp" || return 1
	while read -r path; do
		n=$((n + 1))
		base=$(printf '%02d-%s' "$n" "$(basename "$path" | sed 's/\.ko.*$//')").ko
		case "$path" in
		*.ko.xz) xz -dc "$path" ;;
		*.ko.zst) zstd -dcq "$path" ;;
		*.ko.gz) gzip -dc "$path" ;;
		*) cat "$path" ;;
		esac >"$dest/mods/$base" || return 1
	done <"$dest/order.tmp"
	rm "$dest/order.tmp"
}

# The initramfs: busybox and an /init that mounts the host's root.
vm_initrd() {
	local tree=$1 abi=$2 out=$3 tmp rc
	tmp=$(mktemp -d) || return 1
	mkdir -p "$tmp/bin" "$tmp/proc" "$tmp/sys" "$tmp/dev" &&
	cp "$(command -v busybox)" "$tmp/bin/busybox" &&
	cp "$VM_DIR/initrd-init" "$tmp/init" && chmod 755 "$tmp/init" &&
	vm_initrd_modules "$tree" "$abi" "$tmp" &&
	(cd "$tmp" && find . | busybox cpio -o -H newc 2>/dev/null) >"$out"
	rc=$?
	rm -rf "$tmp"
	return $rc
}

# Make the fetched tree bootable.
vm_unpacked_to_bootable() {
	local dir=$1 moddir abi image
	moddir=$(vm_moddir "$dir/tree") || vm_fail "no modules in the kernel's packages" || return 1
	abi=$(basename "$moddir")
	# 7.x's split packages keep the image beside the modules.
	image=$(ls "$dir/tree/boot/vmlinuz-$abi" "$moddir/vmlinuz" 2>/dev/null | head -1)
	[ -n "$image" ] || vm_fail "no vmlinuz in the kernel's packages" || return 1
	# depmod's base is the directory that holds lib/modules (or usr/lib/modules).
	depmod -b "$(dirname "$(dirname "$(dirname "$moddir")")")" "$abi" 2>/dev/null ||
		vm_fail "depmod failed on $moddir" || return 1
	python3 "$VM_DIR/extract-vmlinux.py" "$image" "$dir/vmlinux" 2>/dev/null ||
		vm_fail "cannot extract the ELF image from $image" || return 1
	vm_initrd "$(dirname "$(dirname "$(dirname "$moddir")")")" "$abi" "$dir/initrd" ||
		vm_fail "cannot build the initramfs (busybox, modules)" || return 1
	echo "$abi" >"$dir/abi" && echo "$moddir" >"$dir/moddir"
}

# vm_prepare K: the kernel's cache directory in VM_KDIR, fetched and made
# bootable once (under a lock: runs side by side share the cache).
vm_prepare() {
	local k=$1 rc c lock
	vm_suite "$k" >/dev/null || vm_fail "unknown kernel '$k' (known: $VM_KERNELS)" || return 1
	VM_KDIR=$DEB_CACHE/kernels/$k
	[ -f "$VM_KDIR/ready" ] && return 0
	for c in apt-get dpkg-deb depmod modprobe busybox python3; do
		command -v "$c" >/dev/null || vm_fail "$c is missing" || return 1
	done
	# The initramfs has no libraries: busybox must be the static one.
	ldd "$(command -v busybox)" >/dev/null 2>&1 &&
		{ vm_fail "busybox is not static (Debian package busybox-static)"; return 1; }
	mkdir -p "$VM_KDIR" 2>/dev/null || vm_fail "cannot create $VM_KDIR" || return 1
	exec {lock}>"$VM_KDIR/.lock"
	flock "$lock"
	rc=0
	if [ ! -f "$VM_KDIR/ready" ]; then
		vm_fetch "$k" "$VM_KDIR" && vm_unpacked_to_bootable "$VM_KDIR" && touch "$VM_KDIR/ready"
		rc=$?
	fi
	exec {lock}>&-
	return $rc
}
