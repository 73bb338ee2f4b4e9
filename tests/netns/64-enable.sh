#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0-or-later
# mptcpkit enable/disable on units in a temporary systemd root (--root,
# SYSTEMD_ROOT): a drop-in, never a change to the vendor unit; the unit's own
# LD_PRELOAD and GODEBUG kept in the composed values; disable leaves no trace;
# idempotent; ExecStart wrapped for a static daemon; --sockopt policies.
. "$(dirname "$0")/../lib.sh"
H=$BUILD/tests/helpers
[ -x "$MPTCPKIT" ] || skip_all "mptcpkit not built"
root=$TMP/root
shim=$(realpath "$BUILD/shim/libmptcpkit-preload.so")
mkdir -p "$root/lib/systemd/system" "$root/etc/systemd/system/demo.service.d"
cat >"$root/lib/systemd/system/demo.service" <<'UNIT'
[Unit]
Description=a vendor unit

[Service]
Environment="LD_PRELOAD=/usr/lib/libvendor.so" OTHER=x
ExecStart=/usr/bin/true --serve
UNIT
printf '[Service]\nEnvironment=GODEBUG=http2client=0\n' \
	>"$root/etc/systemd/system/demo.service.d/10-admin.conf"
cp -a "$root" "$TMP/before"
vendor_sum=$(sha256sum <"$root/lib/systemd/system/demo.service")
dropin=$root/etc/systemd/system/demo.service.d/mptcpkit.conf

check_ok "enable --mode preload" "$MPTCPKIT" enable --root "$root" --mode preload demo
check_ok "the drop-in is written" test -f "$dropin"
check "the vendor unit is unchanged (sha256)" "$vendor_sum" sha256sum <"$root/lib/systemd/system/demo.service"
check "LD_PRELOAD: the unit's value kept, the shim appended" \
	"Environment=\"LD_PRELOAD=/usr/lib/libvendor.so:$shim\" \"GODEBUG=http2client=0,multipathtcp=1\"" \
	grep '^Environment=' "$dropin"
sum1=$(sha256sum <"$dropin")
check_ok "enable again" "$MPTCPKIT" enable --root "$root" --mode preload demo.service
check "... is idempotent (same drop-in)" "$sum1" sha256sum <"$dropin"
check_ok "disable" "$MPTCPKIT" disable --root "$root" demo
check_ok "disable leaves no trace (diff -r)" diff -r "$TMP/before" "$root"
check_ok "disable again: nothing to do, not an error" "$MPTCPKIT" disable --root "$root" demo

# A unit with no /etc/systemd/system at all: enable creates the directories,
# disable removes exactly those.
root2=$TMP/root2
mkdir -p "$root2/usr/lib/systemd/system"
printf '[Service]\nExecStart=/usr/bin/true\n' >"$root2/usr/lib/systemd/system/bare.service"
cp -a "$root2" "$TMP/before2"
check_ok "SYSTEMD_ROOT: enable a unit with no /etc/systemd/system" \
	env SYSTEMD_ROOT="$root2" "$MPTCPKIT" enable --mode preload bare
check "... LD_PRELOAD is the shim alone" "Environment=\"LD_PRELOAD=$shim\" \"GODEBUG=multipathtcp=1\"" \
	grep '^Environment=' "$root2/etc/systemd/system/bare.service.d/mptcpkit.conf"
check_ok "... disable" env SYSTEMD_ROOT="$root2" "$MPTCPKIT" disable bare
check_ok "... leaves no trace (diff -r)" diff -r "$TMP/before2" "$root2"

# A static daemon: auto wraps ExecStart in 'mptcpkit run --mode seccomp'.
cp "$H/plain-client-static" "$root2/static-daemon"
printf '[Service]\nType=notify\nExecStart=-%s --port 1\n' "$root2/static-daemon" \
	>"$root2/usr/lib/systemd/system/static.service"
check_ok "auto mode for a static daemon" "$MPTCPKIT" enable --root "$root2" static
self=$(realpath "$MPTCPKIT")
check "ExecStart wrapped, '-' prefix kept, NotifyAccess=all" \
	"NotifyAccess=all|ExecStart=|ExecStart=-$self run --mode seccomp -- $root2/static-daemon --port 1|" \
	bash -c "grep -v '^#' '$root2/etc/systemd/system/static.service.d/mptcpkit.conf' | grep -v Service | tr '\n' '|'"
check_ok "... disable" "$MPTCPKIT" disable --root "$root2" static

# Errors.
check_fail "a unit that does not exist" "$MPTCPKIT" enable --root "$root" nosuch
check "... one clear line" "mptcpkit: enable: unit nosuch.service not found in /etc, /run, /lib or /usr/lib systemd/system under $(realpath "$root")" \
	bash -c "'$MPTCPKIT' enable --root '$root' nosuch 2>&1"
printf '[Service]\nEnvironment=A=b\n' >"$dropin"
check_fail "someone else's mptcpkit.conf is not replaced" "$MPTCPKIT" enable --root "$root" demo
check "... nor removed" "Environment=A=b" bash -c "'$MPTCPKIT' disable --root '$root' demo 2>/dev/null; tail -n 1 '$dropin'"
rm -f "$dropin"
check_fail "no unit given" "$MPTCPKIT" enable --root "$root"
check_ok "JSON output" bash -c "'$MPTCPKIT' -j enable --root '$root' --mode preload demo | python3 -c 'import json,sys; d=json.load(sys.stdin); assert d[\"unit\"] == \"demo.service\" and d[\"mode\"] == \"preload\"'"
"$MPTCPKIT" disable --root "$root" demo >/dev/null 2>&1

# Socket option policies in the drop-in (issue 9): one Environment= line,
# in both modes; a bad --sockopt exits 2 and writes nothing.
check_ok "enable --sockopt (preload)" "$MPTCPKIT" enable --root "$root" --mode preload \
	--sockopt TCP_USER_TIMEOUT=ignore --sockopt tcp_md5sig=error demo
check "... MPTCPKIT_SOCKOPTS in the drop-in" \
	'Environment="MPTCPKIT_SOCKOPTS=TCP_USER_TIMEOUT=ignore,tcp_md5sig=error"' \
	grep MPTCPKIT_SOCKOPTS "$dropin"
check_ok "enable --sockopt (seccomp)" "$MPTCPKIT" enable --root "$root" --mode seccomp \
	--sockopt TCP_QUICKACK=tcp demo
check "... MPTCPKIT_SOCKOPTS next to the wrapped ExecStart" \
	'Environment="MPTCPKIT_SOCKOPTS=TCP_QUICKACK=tcp"' grep MPTCPKIT_SOCKOPTS "$dropin"
"$MPTCPKIT" disable --root "$root" demo >/dev/null 2>&1
check_one_line "enable --sockopt with an unknown option" "^mptcpkit: enable: --sockopt" \
	"$MPTCPKIT" enable --root "$root" --sockopt TCP_NOPE=tcp demo
check "... exit 2, no drop-in" "2 no" bash -c "'$MPTCPKIT' enable --root '$root' \
	--sockopt TCP_QUICKACK=never demo 2>/dev/null; echo \$? \$([ -e '$dropin' ] && echo yes || echo no)"

# The same through mptcpize.
MPTCPIZE=$BUILD/tools/mptcpize
check_ok "mptcpize enable" env SYSTEMD_ROOT="$root" "$MPTCPIZE" enable demo
check_ok "mptcpize disable" env SYSTEMD_ROOT="$root" "$MPTCPIZE" disable demo
check_ok "... no trace" diff -r "$TMP/before" "$root"
finish
