#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-or-later
#
# The man pages built from man/*.scd: each renders without a warning, and
# they document what the programs really accept.  Every long and short option
# that earlybind --help, earlybindctl --help and earlybindctl COMMAND --help
# print is in the program's page (a command's options in its entry under
# COMMANDS, or under OPTIONS), every command (list show add remove kargs
# status, and any other that earlybindctl --help lists) has an entry, and
# every exit status the help texts name is under EXIT STATUS.  And the other
# way: every option on a tag line of the pages (a command's synopsis under
# COMMANDS, an entry under OPTIONS) is one the program's help names, every
# status under EXIT STATUS one a help text names, and every option of an
# earlybindctl command line in README.md and docs/*.md one that command's
# --help names: no page or README offers what the programs do not take.
#
# Usage: test_manpages.sh BUILDDIR
#        (BUILDDIR/earlybind, BUILDDIR/earlybindctl and BUILDDIR/man/ built)
set -u

build=${1:?usage: test_manpages.sh BUILDDIR}
repo=$(cd "$(dirname "$0")/../.." && pwd)

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

# tags: the lines of a section (on stdin) at its least indent: the tag
# lines of its entries, each option or command with its synopsis.
tags() {
	awk '/^[ \t]*$/ { next }
		{ match($0, /^ */) }
		base == "" { base = RLENGTH }
		RLENGTH == base'
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

# ---- and the programs accept what the pages and the README document ------

# offered WHAT WANT HELP...: every option in the file WANT is named by one
# of the help texts HELP...; one test per option, for WHAT.
offered() {
	local what=$1 want=$2 opt h ok
	shift 2
	for opt in $(options "$want"); do
		begin "man: $what: $opt is an option the program takes"
		ok=
		for h in "$@"; do
			[ -s "$h" ] && has "$h" "$opt" && ok=1
		done
		[ -n "$ok" ] || fail "not in $(for h in "$@"; do printf '%s ' "${h##*/}"; done)"
		end
	done
}

# exits PAGE HELP...: every status under PAGE's EXIT STATUS is named by one
# of the help texts HELP....
exits() {
	local page=$1 code h ok
	shift
	section "$TMP/$page.txt" "EXIT STATUS" | tags | grep -oE '^[[:space:]]*[0-9]+' |
		tr -d ' \t' >"$TMP/$page.codes"
	for h in "$@"; do statuses "$h"; done | sort -un >"$TMP/$page.named"
	while read -r code; do
		begin "man: $page: exit status $code is one a help text names"
		grep -qx "$code" "$TMP/$page.named" || fail "no help text names exit status $code"
		end
	done <"$TMP/$page.codes"
}

if [ -s "$TMP/earlybind.8.txt" ] && [ -s "$TMP/earlybind.help" ]; then
	section "$TMP/earlybind.8.txt" OPTIONS | tags >"$TMP/eb.tags"
	offered "earlybind.8 OPTIONS" "$TMP/eb.tags" "$TMP/earlybind.help"
	exits earlybind.8 "$TMP/earlybind.help"
fi
if [ -s "$TMP/earlybindctl.8.txt" ] && [ -s "$TMP/earlybindctl.help" ]; then
	section "$TMP/earlybindctl.8.txt" OPTIONS | tags >"$TMP/ctl.tags"
	offered "earlybindctl.8 OPTIONS" "$TMP/ctl.tags" "$TMP/earlybindctl.help"
	helps=("$TMP/earlybindctl.help")
	for cmd in "${cmds[@]}"; do
		[ -s "$TMP/ctl-$cmd.help" ] || continue
		helps+=("$TMP/ctl-$cmd.help")
		entry "$TMP/earlybindctl.8.txt" "$cmd" | head -n 1 >"$TMP/ctl-$cmd.tag"
		offered "earlybindctl.8 $cmd" "$TMP/ctl-$cmd.tag" \
			"$TMP/ctl-$cmd.help" "$TMP/earlybindctl.help"
	done
	exits earlybindctl.8 "${helps[@]}"
fi

# The README's and docs' command lines: "earlybindctl CMD ARGS", up to the
# end of the code span or a shell comment, redirection or separator.
for doc in "$repo/README.md" "$repo"/docs/*.md; do
	[ -f "$doc" ] || continue
	for cmd in "${cmds[@]}"; do
		[ -s "$TMP/ctl-$cmd.help" ] || continue
		grep -oE "earlybindctl +$cmd( [^\`#;|<>)]*)?" "$doc" >"$TMP/doc-$cmd"
		[ -s "$TMP/doc-$cmd" ] || continue
		offered "${doc#"$repo"/}: earlybindctl $cmd" "$TMP/doc-$cmd" \
			"$TMP/ctl-$cmd.help" "$TMP/earlybindctl.help"
	done
done

summary
