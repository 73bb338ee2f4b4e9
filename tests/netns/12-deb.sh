#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0-or-later
# The Debian packages: built with dpkg-buildpackage from a clean copy of the
# tree (what git tracks, no build directories), lintian-clean, and usable
# once installed on this machine: mptcpkit check, man mptcpkit, the preload
# shim, pkg-config, a C program against the installed library, import
# mptcpkit. Then purged: no file, no unit state, no package left.
# The machine is restored even on failure: the trap purges what was
# installed, and the script skips when any of the packages was installed
# before it ran. The .debs are kept per content hash in /tmp, so the second
# run of a suite (ASan) installs without building again.
. "$(dirname "$0")/../lib.sh"

require_root
require_cmd dpkg-buildpackage lintian dh apt-get git tar sha256sum pkg-config cc man
# The packages are built from a clean copy of the tree, not from $BUILD: the
# sanitizer pass would install and check the very same .debs again.
is_sanitizer_build && skip_all "a sanitizer build: the packages come from a clean copy of the tree and are checked in the plain pass"
PY=/usr/bin/python3
[ -x "$PY" ] || skip_all "needs Debian's python3"

PKGS="libmptcpkit1 libmptcpkit-dev mptcpkit python3-mptcpkit"
installed() { dpkg-query -W -f='${db:Status-Status}' "$1" 2>/dev/null; }
for p in $PKGS; do
	case "$(installed "$p")" in
	"" | not-installed) ;;
	*) skip_all "$p is already on this machine ($(installed "$p")): it would not be restored" ;;
	esac
done
# Dependencies come from the machine, never fetched here (setup.sh has them).
for p in libmnl0 libmnl-dev libjson-c5 libseccomp2 python3; do
	[ "$(installed "$p")" = installed ] || skip_all "needs $p installed (scripts/setup.sh)"
done

APT="apt-get -qq -y -o DPkg::Lock::Timeout=120"
_INSTALLED=0
purge_ours() {
	[ "$_INSTALLED" = 1 ] || return 0
	DEBIAN_FRONTEND=noninteractive $APT purge $PKGS >/dev/null 2>&1
	_INSTALLED=0
}
trap 'purge_ours; cleanup' EXIT

# A clean copy of the tree; its hash names the cached packages.
git -C "$TOP" rev-parse --git-dir >/dev/null 2>&1 || skip_all "not a git checkout (needs git ls-files)"
SRC=$TMP/src/mptcpkit
mkdir -p "$SRC"
(cd "$TOP" && git ls-files -z --cached --others --exclude-standard |
	xargs -0 -I{} sh -c 'test -e "{}" && printf "%s\0" "{}"' |
	tar --null -T - --sort=name --mtime=@0 --owner=0 --group=0 -cf "$TMP/src.tar")
hash=$(sha256sum "$TMP/src.tar" | cut -c1-16)
CACHE=/tmp/mpk-deb-cache-$hash
if [ ! -f "$CACHE/done" ]; then
	tar -C "$SRC" -xf "$TMP/src.tar"
	# Real times: dates from the hash's --mtime=@0 make lintian complain.
	find "$SRC" -exec touch -h {} +
	start=$SECONDS
	if (cd "$SRC" && dpkg-buildpackage -us -uc -b) >"$TMP/build.log" 2>&1; then
		ok "dpkg-buildpackage -us -uc -b ($((SECONDS - start)) s)"
	else
		not_ok "dpkg-buildpackage -us -uc -b" "$(tail -5 "$TMP/build.log" | tr '\n' '|')"
		finish
	fi
	rm -rf /tmp/mpk-deb-cache-* && mkdir -p "$CACHE" # only the newest tree's
	mv "$TMP"/src/*.deb "$TMP"/src/*.changes "$TMP"/src/*.buildinfo "$CACHE"/
	touch "$CACHE/done"
else
	ok "dpkg-buildpackage -us -uc -b # SKIP built before for this tree ($CACHE)"
fi
deb() { echo "$CACHE/$1_0.1.0_$2.deb"; }

# Lintian: no error, no warning (overrides in debian/*.lintian-overrides).
lintian --fail-on error,warning "$CACHE"/mptcpkit_*.changes >"$TMP/lintian.log" 2>&1
if [ $? = 0 ] && ! grep -qE '^[EW]: ' "$TMP/lintian.log"; then
	ok "lintian: no error, no warning"
else
	not_ok "lintian: no error, no warning" "$(grep -E '^[EW]: ' "$TMP/lintian.log" | head -5 | tr '\n' '|')"
fi

# The symbols file lists exactly what the built library exports.
dpkg-deb -x "$(deb libmptcpkit1 amd64)" "$TMP/lib1"
exports=$(nm -D --defined-only "$TMP"/lib1/usr/lib/*/libmptcpkit.so.1 |
	awk '$3 ~ /^mpk_/ {sub(/@.*/, "", $3); print $3}' | sort)
listed=$(awk '$1 ~ /^mpk_/ {sub(/@.*/, "", $1); print $1}' "$TOP/debian/libmptcpkit1.symbols" | sort)
# After adding a function: regenerate the list with the version it came in, e.g.
#   nm -D --defined-only build/lib/libmptcpkit.so.1 | awk '$3 ~ /^mpk_/'
check "debian/libmptcpkit1.symbols matches the exported functions" "$exports" echo "$listed"

# Install. Dependencies must already be there: apt's simulation may
# install nothing but ours (local .debs cannot be combined with --no-download).
DEBS="$(deb libmptcpkit1 amd64) $(deb libmptcpkit-dev amd64) $(deb mptcpkit amd64) $(deb python3-mptcpkit all)"
# shellcheck disable=SC2086
others=$($APT -s --no-install-recommends install $DEBS 2>&1 | awk '$1 == "Inst" {print $2}' |
	grep -vxE 'libmptcpkit1|libmptcpkit-dev|mptcpkit|python3-mptcpkit')
[ -z "$others" ] || skip_all "installing would pull in other packages: $(echo $others)"
_INSTALLED=1
# shellcheck disable=SC2086
if DEBIAN_FRONTEND=noninteractive $APT --no-install-recommends install $DEBS \
	>"$TMP/install.log" 2>&1; then
	ok "the four packages install"
else
	not_ok "the four packages install" "$(tail -5 "$TMP/install.log" | tr '\n' '|')"
	finish
fi
dpkg-query -L $PKGS 2>/dev/null | sort -u >"$TMP/files"

ns_new NS deb
check_ok "mptcpkit check runs (in a fresh namespace)" in_ns "$NS" /usr/bin/mptcpkit check
check_ok "man mptcpkit finds the page" man -w mptcpkit
check_ok "man 3 libmptcpkit finds the page" man -w 3 libmptcpkit
check_ok "bash completion installed" test -f /usr/share/bash-completion/completions/mptcpkit
check_ok "the pmd unit installed" test -f /lib/systemd/system/mptcpkit-pmd.service
check_ok "the package enabled no unit" \
	sh -c '! find /etc/systemd/system -name "mptcpkit-*" | grep -q .'
# An administrator enables it (systemctl works on the files without a
# running systemd); purge must take that away too.
if command -v systemctl >/dev/null; then
	check_ok "systemctl enable mptcpkit-pmd (its state, for purge to remove)" \
		sh -c 'systemctl enable mptcpkit-pmd.service && test -L /etc/systemd/system/multi-user.target.wants/mptcpkit-pmd.service'
fi
if [ -e /usr/bin/mptcpize ]; then
	check "Debian's /usr/bin/mptcpize is untouched" mptcpize \
		sh -c 'dpkg-query -S /usr/bin/mptcpize | cut -d: -f1'
fi
PROTO='import socket; print(socket.socket().getsockopt(socket.SOL_SOCKET, socket.SO_PROTOCOL))'
check "mptcpkit run forces a program through the installed shim" 262 \
	in_ns "$NS" /usr/bin/mptcpkit run -- "$PY" -c "$PROTO"
check "/usr/libexec/mptcpkit/mptcpize run does the same" 262 \
	in_ns "$NS" /usr/libexec/mptcpkit/mptcpize run "$PY" -c "$PROTO"
check "pkg-config --libs libmptcpkit" "-lmptcpkit" sh -c 'echo $(pkg-config --libs libmptcpkit)'

cat >"$TMP/prog.c" <<'C'
#include <stdio.h>
#include <mptcpkit.h>
int main(void)
{
	struct mpk_status st;

	if (mpk_probe(AF_INET, &st) < 0 && st.reason == MPK_REASON_AVAILABLE)
		return 1;
	printf("%s %s\n", mpk_version(), mpk_reason_name(st.reason));
	return 0;
}
C
# shellcheck disable=SC2046
check_ok "a C program builds against the installed library" \
	cc -Wall -Werror -o "$TMP/prog" "$TMP/prog.c" $(pkg-config --cflags --libs libmptcpkit)
check "and runs with it" "0.1.0 available" in_ns "$NS" "$TMP/prog"
check "the program uses /usr's libmptcpkit.so.1" 1 \
	sh -c "ldd '$TMP/prog' | grep -c 'libmptcpkit.so.1 => /\(usr/\)\?lib/'"
check "python3 -c 'import mptcpkit' (Debian's python3, the installed module)" \
	"/usr/lib/python3/dist-packages/mptcpkit/__init__.py 0.1.0 available" \
	in_ns "$NS" env -u MPTCPKIT_LIBRARY -u PYTHONPATH -C / "$PY" -c \
	'import mptcpkit; print(mptcpkit.__file__, mptcpkit.library_version, mptcpkit.probe().reason)'
if "$PY" -c 'import pytest' 2>/dev/null; then
	check_ok "the binding's loopback tests pass on the installed packages" \
		in_ns "$NS" env -C "$TOP/python/tests" MPK_PYTHON_INSTALLED=1 \
		MPTCPKIT_LIBRARY=libmptcpkit.so.1 PYTHONDONTWRITEBYTECODE=1 \
		"$PY" -m pytest -q -p no:cacheprovider test_api.py test_layout.py
fi

# Purge: nothing of ours left, unit state included.
purge_ours
# Directories are shared (/lib, /usr/share/man): ours are checked below.
gone=$(while read -r f; do [ ! -d "$f" ] && { [ -e "$f" ] || [ -L "$f" ]; } && echo "$f"; done <"$TMP/files")
check "purge removes every file the packages installed" "" echo "$gone"
left=$(for p in $PKGS; do s=$(installed "$p"); [ -n "$s" ] && [ "$s" != not-installed ] && echo "$p:$s"; done)
check "purge leaves no package state" "" echo "$left"
check "purge leaves no systemd unit state" "" \
	sh -c 'find /var/lib/systemd /etc/systemd -name "*mptcpkit*" 2>/dev/null'
check "purge leaves none of our directories (python caches included)" "" \
	sh -c 'ls -d /usr/lib/python3/dist-packages/mptcpkit /usr/libexec/mptcpkit /usr/lib/*/mptcpkit 2>/dev/null'
finish
