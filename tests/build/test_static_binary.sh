#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-or-later
#
# The boot binary as the initramfs gets it: static, stripped and small.
# (That it reads .ko.xz is proven by the xz boot in tests/e2e.)
# Usage: test_static_binary.sh EARLYBIND
set -u
eb=$1
# The budget of issue 12; make bench prints the figure against it too.
max=$((128 * 1024))

check() {
	if "$@"; then echo "PASS: $name"; else echo "FAIL: $name"; fi
}

name=static_binary_has_no_needed_libraries
needed=$(readelf -d "$eb" 2>/dev/null | grep -c NEEDED)
check test "$needed" -eq 0

name=static_binary_has_no_program_interpreter
check sh -c "! readelf -l '$eb' | grep -q 'program interpreter'"

name=static_binary_is_at_most_128_KiB_stripped
size=$(stat -c %s "$eb")
echo "  $eb: $size bytes"
check test "$size" -le "$max"

# musl's system() carries "/bin/sh"; src/boot/static_libc.c keeps it out.
name=static_binary_cannot_start_a_shell
check sh -c "! grep -q '/bin/sh' '$eb'"

name=static_binary_is_stripped
check sh -c "! readelf -S '$eb' | grep -q '\.symtab'"

name=static_binary_runs
check sh -c "'$eb' --version | grep -q '^earlybind '"
