#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-or-later
#
# The bash completion for earlybindctl, run by bash-completion's own
# _init_completion as an interactive shell runs it: the commands it offers
# are those earlybindctl --help lists, each command's options are those its
# --help prints, and PCI addresses and kernel releases come from the tree
# given with --root.
#
# Usage: test_completion.sh BUILDDIR   (BUILDDIR/earlybindctl and mkfakesys built)
set -u

build=${1:?usage: test_completion.sh BUILDDIR}
here=$(cd "$(dirname "$0")/.." && pwd)
ctl=$build/earlybindctl

# shellcheck source=tests/lib.sh
. "$here/lib.sh"

bc=/usr/share/bash-completion/bash_completion
if [ ! -r "$bc" ]; then
	begin "completion: bash-completion is installed"
	fail "$bc is missing (scripts/deps check installs bash-completion)"
	end
	summary
	exit
fi

# complete WORD...: what completion offers for the command line WORD...,
# the last word being the one under the cursor; sorted, one per line.
complete_words() {
	bash --norc --noprofile -c '
		. "$1"
		. "$2"
		shift 2
		COMP_WORDS=("$@")
		COMP_CWORD=$(($# - 1))
		COMP_LINE="$*"
		COMP_POINT=${#COMP_LINE}
		_earlybindctl earlybindctl "${COMP_WORDS[COMP_CWORD]}" "${COMP_WORDS[COMP_CWORD - 1]}"
		printf "%s\n" "${COMPREPLY[@]}"' \
		_ "$bc" "$here/../completion/earlybindctl" earlybindctl "$@" | sort -u
}

# help_options TEXT: the long options a help text names, and --help, which
# every command takes; sorted.
help_options() {
	{
		grep -oE -- '--[[:alnum:]][[:alnum:]-]+' <<<"$1"
		echo --help
	} | sort -u
}

# flat LINES: one line, for a message.
flat() { tr '\n' ' ' <<<"$1"; }

root=$TMP/root
printf 'fn 0000:0b:00.0 1002:73bf class=030000 group=1\nfn 0000:0b:00.1 1002:ab28 class=040300 group=1\nmodules 6.1.0-57-amd64\n' \
	>"$TMP/spec"
"$build/mkfakesys" "$root" "$TMP/spec" >/dev/null 2>&1

help=$("$ctl" --help 2>&1)
cmds=$(awk '/^Commands:/ { on = 1; next } on && /^[[:space:]]*$/ { exit }
	on { print $1 }' <<<"$help" | sort)

begin "completion: offers exactly the commands earlybindctl --help lists"
got=$(complete_words "" | grep -v '^-')
[ -n "$cmds" ] || fail "no commands found in earlybindctl --help"
[ "$got" = "$cmds" ] || fail "offers [$(flat "$got")], help lists [$(flat "$cmds")]"
end

begin "completion: offers the global options earlybindctl --help prints"
got=$(complete_words "-")
want=$(help_options "$(sed '/^Commands:/,/^$/d' <<<"$help")")
[ "$got" = "$want" ] || fail "offers [$(flat "$got")], help prints [$(flat "$want")]"
end

for cmd in $cmds; do
	begin "completion: $cmd offers the options of earlybindctl $cmd --help"
	want=$(help_options "$("$ctl" "$cmd" --help 2>&1)")
	got=$(complete_words "$cmd" "--")
	[ "$got" = "$want" ] || fail "offers [$(flat "$got")], help prints [$(flat "$want")]"
	end
done

begin "completion: show completes the addresses under --root"
got=$(complete_words --root "$root" show "")
want=$(printf '0000:0b:00.0\n0000:0b:00.1')
[ "$got" = "$want" ] || fail "offers [$(flat "$got")], expected [$(flat "$want")]"
end

begin "completion: apply --kver completes the releases under --root"
got=$(complete_words --root "$root" apply --kver "")
[ "$got" = "6.1.0-57-amd64" ] || fail "offers [$(flat "$got")]"
end

begin "completion: --driver offers vfio-pci and pci-stub"
got=$(complete_words add 0b:00.0 --driver "")
[ "$got" = "$(printf 'pci-stub\nvfio-pci')" ] || fail "offers [$(flat "$got")]"
end

begin "completion: vm completes the domains virsh lists"
if command -v virsh >/dev/null; then
	got=$(complete_words vm --connect test:///default "")
	[ "$got" = "test" ] || fail "offers [$(flat "$got")], expected [test] (test:///default's domain)"
else
	fail "virsh is missing (scripts/deps check installs libvirt-clients)"
fi
end

begin "completion: vm offers no domain without virsh"
# A PATH with every program but virsh.
nov=$TMP/no-virsh
mkdir -p "$nov"
for p in /usr/local/bin/* /usr/bin/* /bin/*; do
	[ "${p##*/}" = virsh ] || [ -e "$nov/${p##*/}" ] || ln -s "$p" "$nov/${p##*/}"
done
got=$(PATH=$nov complete_words vm "" 2>&1)
[ -z "$got" ] || fail "offers [$(flat "$got")]"
end

summary
