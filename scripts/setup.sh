# SPDX-License-Identifier: GPL-2.0-or-later
# Sourced by run-demo and run-tests: install the Debian packages that are
# missing, then configure and build. Needs root for apt-get.

PACKAGES="meson ninja-build gcc clang pkg-config libc6-dev
	libmnl-dev libseccomp-dev libcmocka-dev libjson-c-dev
	iproute2 iptables nftables procps kmod util-linux libcap2-bin
	python3 iperf3 mptcpize socat curl valgrind golang-go
	libnetfilter-queue-dev iputils-ping
	debhelper dh-python dpkg-dev fakeroot lintian python3-all python3-pytest man-db
	dante-server haproxy shadowsocks-libev"
# ss, counters, top, exporter, report (issue 11): the exporter's HTTP library,
# top's terminal, report's tar writer, and what their tests and benchmark
# drive (a real Prometheus, tmux, GNU time).
PACKAGES="$PACKAGES libmicrohttpd-dev libncurses-dev libarchive-dev prometheus tmux time"
# run --mode bpf (issue 20): libbpf to load the program clang builds (-target bpf).
PACKAGES="$PACKAGES libbpf-dev"
# The kernel matrix (issue 20): Debian's kernels booted under qemu with a
# busybox initramfs; their packages come through scripts/deb-fetch.sh.
PACKAGES="$PACKAGES qemu-system-x86 busybox-static debian-archive-keyring xz-utils zstd"
# MPTCP behind IPVS (issue 22): applied inside the kernel matrix's guests,
# whose kernels have IPVS (this host's has not).
PACKAGES="$PACKAGES ipvsadm"

TOP=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)

say() { printf '==> %s\n' "$*" >&2; }

install_missing_packages() {
	local missing="" p
	for p in $PACKAGES; do
		dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "ok installed" ||
			missing="$missing $p"
	done
	[ -z "$missing" ] && return 0
	if [ "$(id -u)" != 0 ]; then
		say "missing packages:$missing (run as root to install them)"
		return 1
	fi
	say "installing:$missing"
	export DEBIAN_FRONTEND=noninteractive
	apt-get update -qq && apt-get install -y -qq --no-install-recommends $missing >/dev/null
}

# build DIR [meson options...]: configure once, then build.
build() {
	local dir=$1
	shift
	if [ ! -f "$TOP/$dir/build.ninja" ]; then
		say "configuring $dir"
		meson setup "$TOP/$dir" "$TOP" "$@" >/dev/null || return 1
	fi
	say "building $dir"
	ninja -C "$TOP/$dir" >/dev/null || ninja -C "$TOP/$dir"
}
