#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-or-later
#
# The layout is the architecture: a file belongs to the program of its
# folder and includes only what that folder may use (the Makefile's
# comment above BOOT_INC says the rule).  Checked here from the includes
# themselves, and from the boot binary's include path.
# Usage: test_layout.sh (from anywhere in the tree)
set -u
cd "$(dirname "$0")/../.." || exit 1

# shellcheck source=tests/lib.sh
. tests/lib.sh

# allowed FOLDER: the folders whose headers FOLDER's files may include.
allowed() {
	case $1 in
	src/boot) echo "src/boot src/shared" ;;
	src/shared) echo "src/shared" ;;
	kargs) echo "kargs src/shared" ;;
	ostree) echo "ostree kargs src/shared" ;;
	src/ctl) echo "src/ctl src/shared kargs ostree" ;;
	esac
}
folders="src/boot src/shared src/ctl kargs ostree"

# where HEADER: the folder that holds HEADER, or nothing.
where() {
	local _f
	for _f in $folders; do
		[[ -f $_f/$1 ]] && echo "$_f" && return
	done
}

begin every_source_file_is_in_a_folder_of_one_program_or_the_shared_one
stray=$(find src -maxdepth 1 -type f \( -name '*.c' -o -name '*.h' \))
[[ -z $stray ]] || fail "files directly in src/: $stray"
end

begin each_folder_includes_only_what_it_may
for dir in $folders; do
	ok=" $(allowed "$dir") "
	for f in "$dir"/*.[ch]; do
		[[ -f $f ]] || continue
		while read -r h; do
			home=$(where "$h")
			if [[ -z $home ]]; then
				fail "$f includes \"$h\", which is in no folder of the tree"
			elif [[ $ok != *" $home "* ]]; then
				fail "$f includes $home/$h: $dir may include only $(allowed "$dir")"
			fi
		done < <(sed -n 's/^#[[:space:]]*include[[:space:]]*"\([^"]*\)".*/\1/p' "$f")
	done
done
end

# libc (and the kernel's headers) only: the boot binary links no library
# but libkmod, in modload.c, and shared code must build for both programs.
begin shared_and_boot_code_use_no_library_but_libc
for f in src/shared/*.[ch] src/boot/*.[ch]; do
	libs=$(grep -nE '^#[[:space:]]*include[[:space:]]*<(pci/|blkid|libvirt/|libxml/|json-c/|json\.h|lzma\.h|libkmod\.h)' "$f")
	[[ -z $libs ]] && continue
	[[ $f == src/boot/modload.c && $libs != *'<pci/'* && $libs == *libkmod.h* &&
		$(wc -l <<<"$libs") -eq 1 ]] && continue
	fail "$f: $libs"
done
end

# The folders' include graph, as the includes have it, has no circle.
begin no_folder_includes_a_folder_that_includes_it
declare -A uses
for dir in $folders; do
	for f in "$dir"/*.[ch]; do
		[[ -f $f ]] || continue
		while read -r h; do
			home=$(where "$h")
			[[ -n $home && $home != "$dir" && " ${uses[$dir]:-} " != *" $home "* ]] &&
				uses[$dir]+=" $home"
		done < <(sed -n 's/^#[[:space:]]*include[[:space:]]*"\([^"]*\)".*/\1/p' "$f")
	done
done
# reaches A B: does A reach B through the graph?
reaches() {
	local _seen=" $1 " _todo=$1 _n _next
	while [[ -n $_todo ]]; do
		_next=
		for _n in $_todo; do
			for _m in ${uses[$_n]:-}; do
				[[ $_m == "$2" ]] && return 0
				[[ $_seen == *" $_m "* ]] && continue
				_seen+="$_m "
				_next+=" $_m"
			done
		done
		_todo=$_next
	done
	return 1
}
for a in $folders; do
	for b in ${uses[$a]:-}; do
		reaches "$b" "$a" && fail "$a includes $b, and $b reaches $a back"
	done
done
end

# The fence is in the build: a boot file that reached for an admin-tool
# header would not compile with the boot binary's include path.
begin boot_include_path_refuses_an_admin_tool_header
inc=$(make -s --no-print-directory print-BOOT_INC 2>/dev/null)
[[ $inc == *src/boot* ]] || fail "make print-BOOT_INC gave '$inc'"
# shellcheck disable=SC2086 # one flag per word
printf '#include "manifest.h"\n#include "sysfs.h"\n' | cc -fsyntax-only $inc -x c - 2>/dev/null ||
	fail "the boot include path does not reach the boot and shared headers"
for h in pcidev.h kargs.h ctl.h backend.h; do
	# shellcheck disable=SC2086
	printf '#include "%s"\n' "$h" | cc -fsyntax-only $inc -x c - 2>/dev/null &&
		fail "a boot file can include $h"
done
end

summary
