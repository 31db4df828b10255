#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-or-later
#
# The fake roots that mkfakesys builds, checked against the real reader of
# that layout: pciutils' lspci on its linux-sysfs method, pointed at the fake
# ROOT/sys/bus/pci.  If lspci sees the functions, ids, drivers, iommu groups
# and config space the spec asked for, the tree is laid out as the kernel
# lays it out, and test_earlybind.sh's results mean something.
#
# Usage: test_fakesys.sh MKFAKESYS
set -u

MKFAKESYS=$1

TMP=$(mktemp -d)
trap 'rm -rf "$TMP"' EXIT
# readlink -f answers with the physical path; compare against that.
TMP=$(cd "$TMP" && pwd -P)
passed=0
failed=0
current=
current_failed=0

begin() {
	current=$1
	current_failed=0
	R=$TMP/$current
}

fail() {
	printf '  %s: %s\n' "$current" "$*"
	current_failed=1
}

end() {
	if [ "$current_failed" -eq 0 ]; then
		printf 'PASS: %s\n' "$current"
		passed=$((passed + 1))
	else
		printf 'FAIL: %s\n' "$current"
		failed=$((failed + 1))
	fi
}

LSPCI=$(command -v lspci || command -v /usr/sbin/lspci || command -v /sbin/lspci)

# Two identical NICs (one bound, one not), an xhci with a revision, and a
# GPU on vfio-pci behind a second domain's host bridge.
base_tree() {
	"$MKFAKESYS" "$R" - >"$R.out" 2>"$R.err" <<-'EOF' || fail "mkfakesys failed: $(cat "$R.err")"
	# a comment, then a blank line

	fn 0000:00:00.0 8086:29c0 sub=1af4:1100 class=060000 group=0
	 	fn 0000:00:03.0 8086:10d3 sub=8086:0000 class=020000 driver=e1000e group=3 pcie
	fn 0000:00:04.0 8086:10d3 sub=8086:0000 class=020000 group=4 pcie  # not bound
	fn 0000:00:06.0 1b36:000d sub=1af4:1100 class=0c0330 rev=02 driver=xhci_hcd group=6
	fn 0001:03:00.0 10de:1b80 sub=1458:3702 class=030000 rev=a1 driver=vfio-pci group=12 pcie
	driver pci-stub
	EOF
}

# lspci on the fake tree; its stderr is kept in $R.lspci-err.
lspci_() {
	"$LSPCI" -A linux-sysfs -O "sysfs.path=$R/sys/bus/pci" "$@" 2>>"$R.lspci-err"
}

expect_eq() {
	[ "$1" = "$2" ] || fail "$3: got '$1', expected '$2'"
}
expect_file() {
	local got
	got=$(cat "$1")
	[ "$got" = "$2" ] || fail "${1#"$R"} holds '$got', expected '$2'"
}
has() { grep -qF -- "$2" <<<"$1" || fail "no '$2' in: $1"; }
lacks() { ! grep -qF -- "$2" <<<"$1" || fail "'$2' in: $1"; }
# lspci's warnings about the tree; libkmod's about the host's own modules are not ours.
no_lspci_warnings() {
	local w
	w=$(grep -v 'libkmod' "$R.lspci-err" 2>/dev/null)
	[ -z "$w" ] || fail "lspci warned: $w"
}

begin links_resolve_into_the_root
base_tree
d=$R/sys/devices/pci0000:00/0000:00:03.0
expect_eq "$(readlink -f "$d/driver")" "$R/sys/bus/pci/drivers/e1000e" "driver"
expect_eq "$(readlink -f "$d/iommu_group")" "$R/sys/kernel/iommu_groups/3" "iommu_group"
expect_eq "$(readlink -f "$d/subsystem")" "$R/sys/bus/pci" "subsystem"
expect_eq "$(readlink -f "$R/sys/bus/pci/devices/0000:00:03.0")" "$d" "bus/pci/devices link"
expect_eq "$(readlink -f "$R/sys/bus/pci/drivers/e1000e/0000:00:03.0")" "$d" "driver's link"
expect_eq "$(readlink -f "$R/sys/kernel/iommu_groups/3/devices/0000:00:03.0")" "$d" "group's link"
expect_eq "$(readlink -f "$R/sys/bus/pci/devices/0001:03:00.0")" \
	"$R/sys/devices/pci0001:03/0001:03:00.0" "second host bridge"
[ -d "$R/sys/bus/pci/devices/0000:00:03.0/driver/" ] || fail "driver link is dangling"
[ -e "$R/sys/devices/pci0000:00/0000:00:04.0/driver" ] && fail "unbound function has a driver link"
[ -d "$R/sys/bus/pci/drivers/pci-stub" ] || fail "driver pci-stub not registered"
[ -z "$(find "$R/sys/bus/pci/drivers/pci-stub" -type l)" ] || fail "pci-stub has devices"
while IFS= read -r l; do
	[ -e "$l" ] || fail "dangling link ${l#"$R"} -> $(readlink "$l")"
done < <(find "$R/sys" -type l)
end

begin attributes_read_as_the_kernel_prints_them
base_tree
d=$R/sys/bus/pci/devices/0000:00:03.0
expect_file "$d/vendor" 0x8086
expect_file "$d/device" 0x10d3
expect_file "$d/subsystem_device" 0x0000
expect_file "$d/class" 0x020000
expect_file "$R/sys/bus/pci/devices/0000:00:06.0/revision" 0x02
expect_file "$d/driver_override" "(null)"
expect_file "$d/numa_node" -1
expect_file "$d/modalias" "pci:v00008086d000010D3sv00008086sd00000000bc02sc00i00"
expect_file "$d/uevent" "DRIVER=e1000e
PCI_CLASS=20000
PCI_ID=8086:10D3
PCI_SUBSYS_ID=8086:0000
PCI_SLOT_NAME=0000:00:03.0
MODALIAS=pci:v00008086d000010D3sv00008086sd00000000bc02sc00i00"
grep -q '^DRIVER=' "$R/sys/bus/pci/devices/0000:00:04.0/uevent" && fail "unbound uevent has DRIVER="
[ "$(grep -cx '0x0000000000000000 0x0000000000000000 0x0000000000000000' "$d/resource")" -eq 7 ] ||
	fail "resource: $(cat "$d/resource")"
expect_file "$R/sys/kernel/iommu_groups/3/type" DMA
expect_file "$R/sys/bus/pci/drivers_autoprobe" 1
for f in sys/bus/pci/drivers_probe sys/bus/pci/drivers/e1000e/unbind \
	sys/bus/pci/drivers/e1000e/new_id dev/kmsg; do
	if [ ! -f "$R/$f" ] || [ -s "$R/$f" ]; then
		fail "$f is not an empty regular file"
	fi
done
expect_file "$R/proc/sys/kernel/printk_devkmsg" ratelimit
expect_file "$R/proc/sys/kernel/osrelease" 6.1.0-fake
grep -q ' root=UUID=' "$R/proc/cmdline" || fail "proc/cmdline: $(cat "$R/proc/cmdline")"
[ -d "$R/etc" ] || fail "no etc/"
[ -e "$R/lib/modules" ] && fail "lib/modules exists"
end

begin success_prints_nothing
base_tree
[ -s "$R.out" ] && fail "stdout: $(cat "$R.out")"
[ -s "$R.err" ] && fail "stderr: $(cat "$R.err")"
end

begin second_run_adds_a_function_and_keeps_changed_files
base_tree
printf '0000:00:03.0' >"$R/sys/bus/pci/drivers/e1000e/unbind"
printf 'on\n' >"$R/proc/sys/kernel/printk_devkmsg"
printf 'vfio-pci' >"$R/sys/bus/pci/devices/0000:00:04.0/driver_override"
printf 'fn 0000:00:05.0 8086:10d3 sub=8086:0000 class=020000 driver=e1000e group=3\n' |
	"$MKFAKESYS" "$R" - >"$R.out2" 2>&1 || fail "second run failed: $(cat "$R.out2")"
[ -s "$R.out2" ] && fail "second run printed: $(cat "$R.out2")"
expect_file "$R/sys/bus/pci/drivers/e1000e/unbind" 0000:00:03.0
expect_file "$R/proc/sys/kernel/printk_devkmsg" on
expect_file "$R/sys/bus/pci/devices/0000:00:04.0/driver_override" vfio-pci
[ -L "$R/sys/bus/pci/drivers/e1000e/0000:00:05.0" ] || fail "no e1000e link for 00:05.0"
[ -L "$R/sys/kernel/iommu_groups/3/devices/0000:00:05.0" ] || fail "00:05.0 not in group 3"
[ -L "$R/sys/kernel/iommu_groups/3/devices/0000:00:03.0" ] || fail "00:03.0 left group 3"
if [ -n "$LSPCI" ]; then
	[ "$(lspci_ -n -d 8086:10d3 | wc -l)" -eq 3 ] || fail "lspci: $(lspci_ -n -d 8086:10d3)"
fi
end

begin cmdline_line_replaces_proc_cmdline
# Whitespace around the text is not part of it; inside it is kept.
printf 'cmdline \tBOOT_IMAGE=/vmlinuz rd.earlybind=0  quiet \t\n' |
	"$MKFAKESYS" "$R" - || fail "mkfakesys failed"
expect_file "$R/proc/cmdline" "BOOT_IMAGE=/vmlinuz rd.earlybind=0  quiet"
end

begin duplicate_address_is_an_error_naming_its_line
# Twice in one spec: found before anything is built.
printf 'fn 0000:00:03.0 8086:10d3\ndriver x\nfn 0000:00:03.0 8086:10d4\n' >"$R.spec"
"$MKFAKESYS" "$R" "$R.spec" 2>"$R.err"
expect_eq "$?" 1 "exit status"
grep -qF "mkfakesys: $R.spec:3: 0000:00:03.0 already on line 1" "$R.err" ||
	fail "stderr: $(cat "$R.err")"
[ -e "$R" ] && fail "root was created"
# Already in the root from an earlier run.
printf 'fn 0000:00:03.0 8086:10d3\n' >"$R.spec1"
"$MKFAKESYS" "$R" "$R.spec1" || fail "first run failed"
printf '# again\nfn 0000:00:03.0 8086:10d4\n' >"$R.spec2"
"$MKFAKESYS" "$R" "$R.spec2" 2>"$R.err"
expect_eq "$?" 1 "exit status"
grep -qF "mkfakesys: $R.spec2:2: " "$R.err" || fail "stderr: $(cat "$R.err")"
expect_file "$R/sys/bus/pci/devices/0000:00:03.0/device" 0x10d3
end

begin bad_spec_lines_exit_1_naming_spec_and_line
n=0
while IFS= read -r bad; do
	n=$((n + 1))
	spec=$R.spec$n
	printf '# ok\n\tfn 0000:00:01.0 8086:10d3\n%s\n' "$bad" >"$spec"
	"$MKFAKESYS" "$R.root$n" "$spec" >"$R.out" 2>"$R.err"
	rc=$?
	[ "$rc" -eq 1 ] || fail "'$bad': exit status $rc"
	grep -qF "mkfakesys: $spec:3: " "$R.err" || fail "'$bad': stderr: $(cat "$R.err")"
	[ -s "$R.out" ] && fail "'$bad': stdout: $(cat "$R.out")"
	# The spec is read whole first: nothing was built.
	[ -e "$R.root$n" ] && fail "'$bad': $R.root$n was created"
done <<-'EOF'
	fn 0000:00:20.0 8086:10d3
	fn 0000:00:01.8 8086:10d3
	fn 0000:100:01.0 8086:10d3
	fn 00:01.0 8086:10d3
	fn 0000:00:02.0 8086:10d
	fn 0000:00:02.0 8086:10d3 class=02000
	fn 0000:00:02.0 8086:10d3 sub=8086
	fn 0000:00:02.0 8086:10d3 rev=2
	fn 0000:00:02.0 8086:10d3 group=-1
	fn 0000:00:02.0 8086:10d3 driver=
	fn 0000:00:02.0 8086:10d3 speed=fast
	fn 0000:00:02.0 8086:10d3 pcie pcie
	fn 0000:00:02.0
	driver
	driver a/b
	device 0000:00:02.0
	EOF
end

if [ -z "$LSPCI" ]; then
	echo "FAIL: lspci missing (scripts/deps check installs pciutils)"
	printf '%d passed, %d failed\n' "$passed" "$((failed + 1))" >&2
	exit 1
fi

begin lspci_lists_every_function_with_domain_class_and_ids
base_tree
out=$(lspci_ -D -nn)
[ "$(wc -l <<<"$out")" -eq 5 ] || fail "expected 5 functions: $out"
grep -qE '^0000:00:03\.0 .*\[0200\]: .*\[8086:10d3\]$' <<<"$out" || fail "00:03.0: $out"
grep -qE '^0000:00:06\.0 .*\[0c03\]: .*\[1b36:000d\] \(rev 02\)$' <<<"$out" || fail "00:06.0: $out"
grep -qE '^0001:03:00\.0 .*\[0300\]: .*\[10de:1b80\] \(rev a1\)$' <<<"$out" || fail "0001:03:00.0: $out"
no_lspci_warnings
end

begin identical_ids_at_two_addresses_are_two_functions
base_tree
out=$(lspci_ -D -n -d 8086:10d3)
expect_eq "$out" "0000:00:03.0 0200: 8086:10d3
0000:00:04.0 0200: 8086:10d3" "lspci -d 8086:10d3"
end

begin kernel_driver_in_use_only_where_bound
base_tree
has "$(lspci_ -k -s 00:03.0)" "Kernel driver in use: e1000e"
has "$(lspci_ -k -s 0001:03:00.0)" "Kernel driver in use: vfio-pci"
lacks "$(lspci_ -k -s 00:04.0)" "Kernel driver in use"
lacks "$(lspci_ -k -s 00:00.0)" "Kernel driver in use"
no_lspci_warnings
end

begin verbose_shows_subsystem_and_iommu_group
base_tree
out=$(lspci_ -v -nn -s 00:03.0)
has "$out" "IOMMU group 3"
grep -qE '^[[:space:]]Subsystem: .*\[8086:0000\]$' <<<"$out" || fail "no subsystem 8086:0000: $out"
out=$(lspci_ -v -nn -s 0001:03:00.0)
has "$out" "IOMMU group 12"
grep -qE '^[[:space:]]Subsystem: .*\[1458:3702\]$' <<<"$out" || fail "no subsystem 1458:3702: $out"
no_lspci_warnings
end

begin vvv_lists_the_pcie_capability_only_for_pcie_functions
base_tree
out=$(lspci_ -vvv -s 00:03.0)
has "$out" "Status: Cap+"
has "$out" "Capabilities: [40] Express (v2) Endpoint"
has "$out" "LnkSta:	Speed 2.5GT/s, Width x1"
has "$out" "Interrupt: pin A"
out=$(lspci_ -vvv -s 00:06.0)
has "$out" "Status: Cap-"
lacks "$out" "Capabilities:"
has "$out" "(prog-if 30"
no_lspci_warnings
end

begin config_space_is_little_endian_and_sized_as_the_kernel_exposes_it
base_tree
out=$(lspci_ -x -s 00:03.0)
has "$out" "00: 86 80 d3 10 06 00 10 00 00 00 00 02 00 00 00 00"
has "$out" "20: 00 00 00 00 00 00 00 00 00 00 00 00 86 80 00 00"
has "$out" "30: 00 00 00 00 40 00 00 00 00 00 00 00 00 01 00 00"
has "$(lspci_ -x -s 00:06.0)" "00: 36 1b 0d 00 06 00 00 00 02 30 03 0c 00 00 00 00"
# Extended config space (to 0xfff) only for PCI Express.
has "$(lspci_ -xxxx -s 00:03.0)" "ff0: "
lacks "$(lspci_ -xxxx -s 00:06.0)" "ff0: "
expect_eq "$(stat -c %s "$R/sys/bus/pci/devices/0000:00:06.0/config")" 256 "conventional config size"
end

begin selection_by_address
base_tree
expect_eq "$(lspci_ -D -n -s 0001:03:00.0)" "0001:03:00.0 0300: 10de:1b80 (rev a1)" "-s 0001:03:00.0"
expect_eq "$(lspci_ -D -n -s 00:04.0)" "0000:00:04.0 0200: 8086:10d3" "-s 00:04.0"
expect_eq "$(lspci_ -D -n -s 00:05.0)" "" "-s 00:05.0"
end

begin machine_readable_output
base_tree
expect_eq "$(lspci_ -mm -n -s 00:06.0)" '00:06.0 "0c03" "1b36" "000d" -r02 -p30 "1af4" "1100"' "-mm -n"
expect_eq "$(lspci_ -vmm -n -k -s 0001:03:00.0)" "Slot:	0001:03:00.0
Class:	0300
Vendor:	10de
Device:	1b80
SVendor:	1458
SDevice:	3702
Rev:	a1
ProgIf:	00
Driver:	vfio-pci
IOMMUGroup:	12" "-vmm -n -k"
no_lspci_warnings
end

printf '%d passed, %d failed\n' "$passed" "$failed" >&2
[ "$failed" -eq 0 ]
