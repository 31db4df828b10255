#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-or-later
#
# make install and make uninstall into a DESTDIR: the file list, modes,
# PREFIX, and that an existing /etc/earlybind.conf is never overwritten.
#
# Usage: test_install.sh BUILDDIR   (BUILDDIR/earlybind must exist)
set -u

build=$1
repo=$(cd "$(dirname "$0")/../.." && pwd)
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
passed=0
failed=0

check() { # NAME COMMAND...
	local name=$1
	shift
	if "$@"; then
		printf 'PASS: install: %s\n' "$name"
		passed=$((passed + 1))
	else
		printf 'FAIL: install: %s\n' "$name"
		failed=$((failed + 1))
	fi
}
mode_is() { [ "$(stat -c %a "$1" 2>/dev/null)" = "$2" ]; }
inst() { make -s -C "$repo" BUILDDIR="$build" "$@" >"$tmp/make.log" 2>&1; }

d=$tmp/root
check "make install into DESTDIR succeeds" inst install DESTDIR="$d" PREFIX=/usr \
	DRACUTMODDIR=/usr/lib/dracut/modules.d BASHCOMPDIR=/usr/share/bash-completion/completions
check "binary in PREFIX/sbin, mode 755" mode_is "$d/usr/sbin/earlybind" 755
check "installed binary is the built one" cmp -s "$d/usr/sbin/earlybind" "$build/earlybind"
check "earlybindctl in PREFIX/sbin, mode 755" mode_is "$d/usr/sbin/earlybindctl" 755
check "bash completion for earlybindctl" test -f "$d/usr/share/bash-completion/completions/earlybindctl"
check "earlybindctl(8)" test -f "$d/usr/share/man/man8/earlybindctl.8"
for f in module-setup.sh earlybind-pre-udev.sh; do
	check "dracut module $f, mode 755" mode_is "$d/usr/lib/dracut/modules.d/90earlybind/$f" 755
done
check "dracut.conf.d drop-in" test -f "$d/usr/lib/dracut/dracut.conf.d/90-earlybind.conf"
check "example manifest" cmp -s "$d/usr/share/earlybind/earlybind.conf.example" \
	"$repo/earlybind.conf.example"
check "a first install creates /etc/earlybind.conf" mode_is "$d/etc/earlybind.conf" 644
check "man pages" test -f "$d/usr/share/man/man8/earlybind.8" -a \
	-f "$d/usr/share/man/man5/earlybind.conf.5"
check "nothing outside DESTDIR's usr and etc" \
	test "$(find "$d" -mindepth 1 -maxdepth 1 -printf '%f\n' | sort | tr '\n' ' ')" = "etc usr "

printf 'vfio-pci 0000:0b:00.0 1002:73bf\n' >"$d/etc/earlybind.conf"
check "a second install succeeds" inst install DESTDIR="$d" PREFIX=/usr \
	DRACUTMODDIR=/usr/lib/dracut/modules.d
check "a second install keeps the admin's manifest" \
	test "$(cat "$d/etc/earlybind.conf")" = "vfio-pci 0000:0b:00.0 1002:73bf"

check "make uninstall succeeds" inst uninstall DESTDIR="$d" PREFIX=/usr \
	DRACUTMODDIR=/usr/lib/dracut/modules.d
check "uninstall removes the binary and the module" \
	test ! -e "$d/usr/sbin/earlybind" -a ! -e "$d/usr/lib/dracut/modules.d/90earlybind" \
	-a ! -e "$d/usr/sbin/earlybindctl"
check "uninstall keeps the admin's manifest" test -f "$d/etc/earlybind.conf"

o=$tmp/opt
check "PREFIX=/opt/earlybind" inst install DESTDIR="$o" PREFIX=/opt/earlybind
check "PREFIX moves the binary" test -x "$o/opt/earlybind/sbin/earlybind"

printf '%d passed, %d failed\n' "$passed" "$failed" >&2
[ "$failed" -eq 0 ]
