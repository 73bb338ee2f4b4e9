#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0-or-later
# Fetch Debian packages of another suite into a cache, without touching the
# machine's apt configuration: a private sources list, lists directory and
# state under the cache, `apt-get download`, `dpkg-deb -x`.
#   scripts/deb-fetch.sh SUITE DEST PACKAGE...
#     SUITE    bullseye, bookworm, bookworm-backports, trixie, trixie-backports
#     DEST     where the packages are unpacked (one tree for all of them)
# Cache: $MPK_DEB_CACHE (default /var/cache/mptcpkit-debs): lists per suite,
# the .debs themselves (fetched once). Exit 0 when every package was
# unpacked; otherwise one line on stderr saying which step failed and why,
# exit 1 (a missing apt-get or dpkg-deb, a mirror that cannot be reached,
# an unknown package, no space), and nothing partial in DEST.
# Sourced, it defines deb_fetch with the same arguments.
set -u

DEB_MIRROR=${MPK_DEB_MIRROR:-http://deb.debian.org/debian}
DEB_CACHE=${MPK_DEB_CACHE:-/var/cache/mptcpkit-debs}

deb_fetch_fail() {
	echo "deb-fetch: $*" >&2
	return 1
}

# The private apt configuration of one suite (its own lists and state).
deb_apt_conf() {
	local suite=$1 dir="$DEB_CACHE/apt-$1" keyring
	mkdir -p "$dir/lists/partial" "$dir/archives/partial" "$dir/state" || return 1
	: >"$dir/state/status"
	keyring=/usr/share/keyrings/debian-archive-keyring.gpg
	case "$suite" in
	bullseye | bookworm | trixie) echo "deb [signed-by=$keyring] $DEB_MIRROR $suite main" ;;
	*-backports) echo "deb [signed-by=$keyring] $DEB_MIRROR $suite main" ;;
	*) return 2 ;;
	esac >"$dir/sources.list"
	cat >"$dir/apt.conf" <<-EOF
	Dir::Etc::SourceList "$dir/sources.list";
	Dir::Etc::SourceParts "/nonexistent";
	Dir::State "$dir/state";
	Dir::State::Lists "$dir/lists";
	Dir::State::status "$dir/state/status";
	Dir::Cache "$dir/cache";
	Dir::Cache::Archives "$dir/archives";
	APT::Architecture "amd64";
	Acquire::Languages "none";
	EOF
	echo "$dir/apt.conf"
}

# Lists older than a day are fetched again.
deb_update() {
	local conf=$1 dir stamp
	dir=$(dirname "$conf")
	stamp="$dir/lists/.updated"
	if [ -f "$stamp" ] && [ -n "$(find "$stamp" -mmin -1440 2>/dev/null)" ]; then
		return 0
	fi
	# apt-get update exits 0 when a mirror cannot be reached (it only
	# warns): --error-on=any, and a list must be there.
	rm -f "$stamp"
	APT_CONFIG=$conf apt-get -q --error-on=any update >"$dir/update.log" 2>&1 || return 1
	ls "$dir/lists/"*_Packages* >/dev/null 2>&1 || return 1
	touch "$stamp"
}

deb_fetch() {
	local suite=$1 dest=$2 conf dir tmp p deb
	shift 2
	command -v apt-get >/dev/null || { deb_fetch_fail "apt-get is missing"; return 1; }
	command -v dpkg-deb >/dev/null || { deb_fetch_fail "dpkg-deb is missing"; return 1; }
	[ $# -gt 0 ] || { deb_fetch_fail "no package named"; return 1; }
	conf=$(deb_apt_conf "$suite") || {
		deb_fetch_fail "unknown suite '$suite' (bullseye, bookworm, bookworm-backports, trixie, trixie-backports)"
		return 1
	}
	dir=$(dirname "$conf")
	deb_update "$conf" || {
		deb_fetch_fail "cannot read $suite's package lists from $DEB_MIRROR: $(grep -m1 -E '^(E|W):' "$dir/update.log")"
		return 1
	}
	mkdir -p "$dir/debs"
	for p in "$@"; do
		ls "$dir/debs/${p}_"*.deb >/dev/null 2>&1 && continue
		(cd "$dir/debs" && APT_CONFIG=$conf apt-get -q download "$p" >"$dir/download.log" 2>&1) || {
			deb_fetch_fail "cannot download $p ($suite): $(grep -m1 -E '^(E|W|Err):' "$dir/download.log")"
			return 1
		}
	done
	tmp=$(mktemp -d "${dest%/}.partial.XXXXXX") || { deb_fetch_fail "cannot create $dest"; return 1; }
	for p in "$@"; do
		for deb in "$dir/debs/${p}_"*.deb; do
			dpkg-deb -x "$deb" "$tmp" 2>"$dir/extract.log" || {
				rm -rf "$tmp"
				deb_fetch_fail "cannot unpack $(basename "$deb"): $(head -1 "$dir/extract.log")"
				return 1
			}
		done
	done
	rm -rf "$dest" && mkdir -p "$(dirname "$dest")" && mv "$tmp" "$dest"
}

if [ "${BASH_SOURCE[0]}" = "$0" ]; then
	[ $# -ge 3 ] || { echo "usage: deb-fetch.sh SUITE DEST PACKAGE..." >&2; exit 2; }
	deb_fetch "$@"
fi
