#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0-or-later
# The man page and the bash completion cover every subcommand that
# 'mptcpkit help' lists; the man page renders without warnings; the
# completion offers subcommands and options. No root needed.
. "$(dirname "$0")/../lib.sh"
MAN=$TOP/man/mptcpkit.1
COMP=$TOP/completion/mptcpkit.bash
[ -x "$MPTCPKIT" ] || skip_all "no built mptcpkit at $MPTCPKIT"

cmds=$("$MPTCPKIT" help | awk '/^Commands:/ {on=1; next} on && /^  [a-z]/ {print $1} on && /^$/ {exit}')
[ -n "$cmds" ] && ok "help lists subcommands" || not_ok "help lists subcommands"

for c in $cmds; do
	case "$c" in help | version) continue ;; esac
	if grep -qiE "^\.SH .*\\b$c\\b" "$MAN"; then
		ok "man page has a section for $c"
	else
		not_ok "man page has a section for $c"
	fi
done

# every --help prints what it means: a printf escape left in a text that
# goes out through fputs ("%%") is a typo the reader sees
for c in $cmds; do
	case "$c" in help | version) continue ;; esac
	out=$("$MPTCPKIT" "$c" --help 2>&1)
	case "$out" in
	*%%*) not_ok "$c --help: no '%%' left in its text" "$(grep -F '%%' <<<"$out" | head -2)" ;;
	*) ok "$c --help: no '%%' left in its text" ;;
	esac
done

if command -v man >/dev/null; then
	warn=$(MANWIDTH=80 man --warnings -l "$MAN" 2>&1 >/dev/null)
	[ -z "$warn" ] && ok "man page renders without warnings" || not_ok "man page renders without warnings" "$warn"
else
	skip "man page renders without warnings" "no man here"
fi

complete_words() {
	bash -c '. "$1"; shift; COMP_WORDS=("$@"); COMP_CWORD=$((${#COMP_WORDS[@]} - 1)); _mptcpkit; echo "${COMPREPLY[*]}"' _ "$COMP" "$@"
}
offered=" $(complete_words mptcpkit "") "
for c in $cmds; do
	case "$offered" in *" $c "*) ok "completion offers $c" ;; *) not_ok "completion offers $c" "$offered" ;; esac
done
check "completion: connect options" "-4 -6" eval 'complete_words mptcpkit connect -4 -6 "-" | grep -o -- "-4 -6"'
case " $(complete_words mptcpkit listen "-") " in
*" -k "*" --info "*) ok "completion: listen options" ;;
*) not_ok "completion: listen options" ;;
esac
check "completion: endpoint keywords" "add delete change show flush --help" complete_words mptcpkit endpoint ""
finish
