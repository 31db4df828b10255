#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-or-later
#
# The man pages built from man/*.scd: each renders without a warning, and
# they document what the programs really accept.  Every long and short option
# that earlybind --help, earlybindctl --help and earlybindctl COMMAND --help
# print is in the program's page (a command's options in its entry under
# COMMANDS, or under OPTIONS), every command (list show add remove kargs
# status, and any other that earlybindctl --help lists) has an entry, and
# every exit status the help texts name is under EXIT STATUS.
#
# Usage: test_manpages.sh BUILDDIR
#        (BUILDDIR/earlybind, BUILDDIR/earlybindctl and BUILDDIR/man/ built)
set -u

build=${1:?usage: test_manpages.sh BUILDDIR}

# shellcheck source=tests/lib.sh
. "$(dirname "$0")/../lib.sh"

# render PAGE OUT: the page as plain text, one paragraph a line (no
# hyphenation, no wrapping), so that an option is never split; the
# typographic hyphen and minus some groff setups print become '-'.
render() {
	MANWIDTH=2000 MANROFFOPT=-rHY=0 man -l "$1" 2>/dev/null |
		sed 's/\xe2\x80\x90/-/g; s/\xe2\x88\x92/-/g' >"$2"
}

# section FILE NAME: the lines of section NAME (a heading in column 0).
section() {
	awk -v sec="$2" '/^[A-Z][A-Z ]*$/ { on = ($0 == sec); next } on' "$1"
}

# entry FILE CMD: CMD's entry under COMMANDS, from its tag line (a line at
# the section's least indent whose first word is CMD) to the next tag line.
entry() {
	section "$1" COMMANDS | awk -v cmd="$2" '
		/^[ \t]*$/ { next }
		{ match($0, /^ */); ind = RLENGTH; split($0, w, " ") }
		base == "" { base = ind }
		on && ind <= base { exit }
		ind == base && w[1] == cmd { on = 1 }
		on'
}

# has FILE WORD: WORD (an option, a command, a number) stands alone in FILE.
has() {
	grep -qE -- "(^|[^[:alnum:]-])$2([^[:alnum:]-]|$)" "$1"
}

# options FILE: the options a help text names, one a line.
options() {
	grep -oE -- '(^|[^[:alnum:]-])--?[[:alnum:]][[:alnum:]-]*' "$1" |
		sed -E 's/^[^-]//' | grep -E '^(--[[:alnum:]][[:alnum:]-]+|-[[:alnum:]])$' | sort -u
}

# statuses FILE: the exit statuses a help text names ("Exit status: 0 done,
# 1 failed, ..." or "Exit 0 when ..., 3 when ...").
statuses() {
	tr '\n' ' ' <"$1" | grep -oE '[Ee]xit( status)?:? [0-9][^.]*' |
		grep -oE '(^|[ ,(])[0-9]+([ ,);:]|$)' | tr -dc '0-9\n' | sort -un
}

# ---- each page renders without a warning ---------------------------------

for page in earlybind.8 earlybind.conf.5 earlybindctl.8; do
	p=$build/man/$page
	begin "man: $page: renders without warnings"
	if [ ! -f "$p" ]; then
		fail "$p is missing"
	elif ! MANWIDTH=80 man --warnings -l "$p" >"$TMP/$page.80" 2>"$TMP/$page.warn"; then
		fail "man --warnings -l failed: $(head -n 5 "$TMP/$page.warn")"
	elif [ -s "$TMP/$page.warn" ]; then
		fail "$(head -n 5 "$TMP/$page.warn")"
	fi
	end
	[ -f "$p" ] && render "$p" "$TMP/$page.txt"
	begin "man: $page: has a NAME section for ${page%.[0-9]}"
	section "$TMP/$page.txt" NAME 2>/dev/null | grep -q "${page%.[0-9]} - " ||
		fail "no line '${page%.[0-9]} - ...' under NAME"
	end
done

# ---- the pages document what the programs accept -------------------------

# check_help PAGE HELPFILE WHAT [CMD]: every option and exit status in
# HELPFILE, the output of WHAT, is in PAGE (CMD's options in its entry under
# COMMANDS or under OPTIONS).
check_help() {
	local page=$1 help=$2 what=$3 cmd=${4:-} opt code
	local txt=$TMP/$page.txt where=$TMP/where
	if [ ! -s "$txt" ]; then
		begin "man: $page: documents $what"
		fail "$page did not render"
		end
		return
	fi
	section "$txt" OPTIONS >"$where"
	[ -z "$cmd" ] || entry "$txt" "$cmd" >>"$where"
	for opt in $(options "$help"); do
		begin "man: $page: documents $opt of $what"
		has "$where" "$opt" ||
			fail "not under OPTIONS${cmd:+ nor in the entry for $cmd under COMMANDS}"
		end
	done
	section "$txt" "EXIT STATUS" >"$TMP/exit"
	for code in $(statuses "$help"); do
		begin "man: $page: documents exit status $code of $what"
		grep -qE "^[[:space:]]+$code([[:space:]]|$)" "$TMP/exit" || fail "not under EXIT STATUS"
		end
	done
}

# help OUT PROGRAM [ARG...]: PROGRAM ARG... --help into OUT; a test of its own.
help() {
	local out=$1
	shift
	begin "man: ${*##*/} --help prints a help text"
	if ! "$@" --help >"$out" 2>&1 || [ ! -s "$out" ]; then
		fail "$(head -n 3 "$out")"
	fi
	end
	[ "$current_failed" -eq 0 ]
}

# names_statuses HELPFILE WHAT: the top-level help names exit statuses (if
# not, statuses() no longer understands it and would check nothing).
names_statuses() {
	begin "man: $2 names exit statuses"
	[ -n "$(statuses "$1")" ] || fail "none found: is statuses() out of date?"
	end
}

eb=$build/earlybind
ctl=$build/earlybindctl

if help "$TMP/earlybind.help" "$eb"; then
	names_statuses "$TMP/earlybind.help" "earlybind --help"
	check_help earlybind.8 "$TMP/earlybind.help" "earlybind --help"
fi

cmds=(list show add remove kargs status)
if help "$TMP/earlybindctl.help" "$ctl"; then
	names_statuses "$TMP/earlybindctl.help" "earlybindctl --help"
	check_help earlybindctl.8 "$TMP/earlybindctl.help" "earlybindctl --help"
	# And every command the help lists (doctor, when it is there).
	while read -r cmd; do
		case " ${cmds[*]} " in
		*" $cmd "*) ;;
		*) cmds+=("$cmd") ;;
		esac
	done < <(awk '/^Commands:/ { on = 1; next }
			on && /^[[:space:]]*$/ { exit }
			on && /^[[:space:]]+[a-z]/ { print $1 }' "$TMP/earlybindctl.help")
fi

for cmd in "${cmds[@]}"; do
	begin "man: earlybindctl.8: has an entry for $cmd under COMMANDS"
	if [ ! -s "$TMP/earlybindctl.8.txt" ] || [ -z "$(entry "$TMP/earlybindctl.8.txt" "$cmd")" ]; then
		fail "no tag line '$cmd ...' under COMMANDS"
	fi
	end
	help "$TMP/ctl-$cmd.help" "$ctl" "$cmd" || continue
	check_help earlybindctl.8 "$TMP/ctl-$cmd.help" "earlybindctl $cmd --help" "$cmd"
done

summary
