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
FIXTURES=$(cd "$(dirname "$0")/../fixtures" && pwd)
# Debian keeps mkfs, blkid and lspci in sbin, which a user's PATH may lack.
PATH=$PATH:/usr/sbin:/sbin

# shellcheck source=tests/lib.sh
. "$(dirname "$0")/../lib.sh"

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

# A GPU and its audio behind a root port and a Navi switch's two ports, as
# sys/devices/pci0000:00/0000:00:01.1/0000:01:00.0/0000:02:00.0/0000:03:00.0.
nested_tree() {
	"$MKFAKESYS" "$R" - >"$R.out" 2>"$R.err" <<-'EOF' || fail "mkfakesys failed: $(cat "$R.err")"
	fn 0000:00:00.0 1022:1480 class=060000 group=0
	fn 0000:00:01.1 1022:1483 class=060400 driver=pcieport group=1 pcie bridge secondary=01
	fn 0000:01:00.0 1002:1478 class=060400 driver=pcieport group=2 pcie bridge secondary=02 parent=0000:00:01.1
	fn 0000:02:00.0 1002:1479 class=060400 driver=pcieport group=3 pcie bridge secondary=03 parent=0000:01:00.0
	fn 0000:03:00.0 1002:73bf sub=1da2:438e class=030000 driver=vfio-pci group=4 pcie parent=0000:02:00.0
	fn 0000:03:00.1 1002:ab28 class=040300 group=4 pcie reset=flr,bus parent=0000:02:00.0
	fn 0000:00:02.0 1022:1482 class=060000 group=5
	EOF
}
NESTED=sys/devices/pci0000:00/0000:00:01.1/0000:01:00.0/0000:02:00.0

# The design's example machine.
x570_tree() {
	"$MKFAKESYS" "$R" "$FIXTURES/x570.spec" >"$R.out" 2>"$R.err" ||
		fail "mkfakesys x570.spec failed: $(cat "$R.err")"
}

# Byte @2 (hex offset) of file @1, as two hex digits.
byte_at() {
	od -An -tx1 -j "$((16#$2))" -N 1 "$1" | tr -d ' '
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
	fn 0000:00:02.0 8086:10d3 class=020000 boot_vga=1
	fn 0000:00:02.0 8086:10d3 class=020000 boot_vga=0
	fn 0000:00:02.0 1002:73bf class=030000 boot_vga=yes
	fn 0000:00:02.0 8086:10d3 reset=flr,flr
	fn 0000:00:02.0 8086:10d3 reset=warm
	fn 0000:00:02.0 8086:10d3 reset=flr,
	fn 0000:00:02.0 8086:10d3 reset=
	fn 0000:00:02.0 1022:1483 class=060400 bridge
	fn 0000:00:02.0 1022:1483 class=060400 secondary=01
	fn 0000:00:02.0 8086:10d3 class=020000 bridge secondary=01
	fn 0000:00:02.0 1022:1483 class=060400 bridge secondary=00
	fn 0000:00:02.0 1022:1483 class=060400 bridge secondary=1
	fn 0000:00:02.0 1022:1483 class=060400 bridge secondary=05 subordinate=04
	fn 0000:00:02.0 1022:1483 class=060400 bridge bridge secondary=05
	fn 0000:01:00.0 8086:10d3 parent=0000:00:01.0
	fn 0000:01:00.0 8086:10d3 parent=00:01.0
	nvme 0000:00:01.0 nvme0n1 259:0
	nvme 0000:00:01.0 nvme0 259:0
	nvme 0000:00:01.0 nvme0n0 259:0
	nvme 0000:00:01.0 nvme0n1 259
	nvme 0000:00:01.0 nvme0n1 259:0 size=1G
	sata 0000:00:01.0 sda1 8:0
	sata 0000:00:01.0 hda 8:0
	part nvme0n1 nvme0n1p0 259:1
	part nvme0n1 nvme0n11 259:1
	part nvme0n1 nvme1n1p1 259:1
	part sda sdap1 8:1
	part sda sda1 4096:1
	mount 259:2 boot ext4 /dev/nvme0n1p2
	mount 259:2 /boot ext4
	mount 259:x /boot ext4 /dev/nvme0n1p2
	swap /dev/nvme0n1p4 -5
	swap /dev/nvme0n1p4 1.5
	swap nvme0n1p4 5
	cpu CyrixInstead 6:1 Cyrix 6x86
	cpu AuthenticAMD 25 AMD Ryzen 9 5950X
	cpu AuthenticAMD 25:33
	modules
	modules a/b
	modules 6.1.0 6.2.0
	EOF
end

begin new_spec_errors_name_the_cause
# Each spec: the line that must fail, then the message it must give.
while IFS='|' read -r line msg spec; do
	printf '%b' "$spec" >"$R.spec"
	"$MKFAKESYS" "$R.root" "$R.spec" 2>"$R.err"
	rc=$?
	[ "$rc" -eq 1 ] || fail "$msg: exit status $rc"
	grep -qF "mkfakesys: $R.spec:$line: $msg" "$R.err" || fail "expected '$line: $msg': $(cat "$R.err")"
	[ -e "$R.root" ] && fail "$msg: root was created"
done <<-'EOF'
	1|boot_vga on class 020000|fn 0000:00:02.0 8086:10d3 class=020000 boot_vga=1\n
	1|parent 0000:00:01.0 is on line 2: declare it first|fn 0000:01:00.0 8086:10d3 parent=0000:00:01.0\nfn 0000:00:01.0 1022:1483 class=060400 bridge secondary=01\n
	2|0000:02:00.0 is not on bus 0000:01|fn 0000:00:01.0 1022:1483 class=060400 bridge secondary=01\nfn 0000:02:00.0 8086:10d3 parent=0000:00:01.0\n
	2|parent 0000:00:01.0 (line 1) is not a bridge|fn 0000:00:01.0 8086:10d3\nfn 0000:01:00.0 8086:10d3 parent=0000:00:01.0\n
	2|bus 01 is behind the bridge on line 1 (01-01): give the function parent=|fn 0000:00:01.0 1022:1483 class=060400 bridge secondary=01\nfn 0000:01:00.0 8086:10d3\n
	2|bus 02 is behind the bridge on line 1 (01-02)|fn 0000:00:01.0 1022:1483 class=060400 bridge secondary=01\nfn 0000:02:00.0 8086:10d3\nfn 0000:01:00.0 1022:1483 class=060400 bridge secondary=02 parent=0000:00:01.0\n
	1|subordinate bus 01 below bus 02 of line 2 behind it|fn 0000:00:01.0 1022:1483 class=060400 bridge secondary=01 subordinate=01\nfn 0000:01:00.0 1022:1483 class=060400 bridge secondary=02 parent=0000:00:01.0\nfn 0000:02:00.0 8086:10d3 parent=0000:01:00.0\n
	2|buses 02-03 overlap 01-02 of the bridge on line 1|fn 0000:00:01.0 1022:1483 class=060400 bridge secondary=01 subordinate=02\nfn 0000:00:02.0 1022:1483 class=060400 bridge secondary=02 subordinate=03\n
	2|0000:00:01.0 (line 1) has class 020000, not NVMe|fn 0000:00:01.0 8086:10d3 class=020000\nnvme 0000:00:01.0 nvme0n1 259:0\n
	1|function 0000:01:00.0 is on line 2: declare it first|nvme 0000:01:00.0 nvme0n1 259:0\nfn 0000:01:00.0 144d:a80a class=010802\n
	1|disk nvme0n1 is on line 3: declare it first|part nvme0n1 nvme0n1p1 259:1\nfn 0000:01:00.0 144d:a80a class=010802\nnvme 0000:01:00.0 nvme0n1 259:0\n
	3|259:0 already on line 2|fn 0000:01:00.0 144d:a80a class=010802\nnvme 0000:01:00.0 nvme0n1 259:0\npart nvme0n1 nvme0n1p1 259:0\n
	3|block device nvme0n1 already on line 2|fn 0000:01:00.0 144d:a80a class=010802\nnvme 0000:01:00.0 nvme0n1 259:0\nnvme 0000:01:00.0 nvme0n1 259:1\n
	1|vendor_id 'CyrixInstead' is not AuthenticAMD or GenuineIntel|cpu CyrixInstead 6:1 Cyrix 6x86\n
	EOF
end

begin bridges_nest_their_functions_and_links_climb_out
nested_tree
d=$R/$NESTED/0000:03:00.0
[ -d "$d" ] || fail "no nested directory $NESTED/0000:03:00.0"
[ -e "$R/sys/devices/pci0000:03" ] && fail "a host bridge for bus 03 was made"
[ -e "$R/sys/devices/pci0000:01" ] && fail "a host bridge for bus 01 was made"
# Six levels below sys/: six ../ up, not the three of an unnested function.
expect_eq "$(readlink "$d/subsystem")" ../../../../../../bus/pci "subsystem link text"
expect_eq "$(readlink -f "$d/subsystem")" "$R/sys/bus/pci" "subsystem"
expect_eq "$(readlink -f "$d/driver")" "$R/sys/bus/pci/drivers/vfio-pci" "driver"
expect_eq "$(readlink -f "$d/iommu_group")" "$R/sys/kernel/iommu_groups/4" "iommu_group"
expect_eq "$(readlink -f "$R/sys/bus/pci/devices/0000:03:00.0")" "$d" "bus/pci/devices link"
expect_eq "$(readlink -f "$R/sys/bus/pci/drivers/vfio-pci/0000:03:00.0")" "$d" "driver's link"
expect_eq "$(readlink -f "$R/sys/kernel/iommu_groups/4/devices/0000:03:00.1")" \
	"$R/$NESTED/0000:03:00.1" "group's link"
expect_eq "$(readlink -f "$R/sys/bus/pci/drivers/pcieport/0000:02:00.0")" "$R/$NESTED" \
	"pcieport's link to the downstream port"
# The parent of a function's directory is its bridge, as tools walk it.
expect_eq "$(basename "$(dirname "$(readlink -f "$R/sys/bus/pci/devices/0000:01:00.0")")")" \
	0000:00:01.1 "parent of 01:00.0"
while IFS= read -r l; do
	[ -e "$l" ] || fail "dangling link ${l#"$R"} -> $(readlink "$l")"
done < <(find "$R/sys" -type l)
end

begin bridge_config_has_header_type_1_and_bus_numbers
nested_tree
c=$R/sys/bus/pci/devices/0000:00:01.1/config
expect_eq "$(byte_at "$c" e)" 01 "header type"
# primary, secondary, subordinate: the subordinate reaches the deepest bus.
expect_eq "$(byte_at "$c" 18)$(byte_at "$c" 19)$(byte_at "$c" 1a)" 000103 "00:01.1 buses"
c=$R/sys/bus/pci/devices/0000:01:00.0/config
expect_eq "$(byte_at "$c" 18)$(byte_at "$c" 19)$(byte_at "$c" 1a)" 010203 "01:00.0 buses"
c=$R/sys/bus/pci/devices/0000:03:00.0/config
expect_eq "$(byte_at "$c" e)" 00 "endpoint header type"
# A type 0 header keeps the subsystem at 0x2c.
expect_eq "$(byte_at "$c" 2c)$(byte_at "$c" 2d)" a21d "endpoint subsystem vendor"
end

begin a_parent_from_an_earlier_run
printf 'fn 0000:00:01.1 1022:1483 class=060400 driver=pcieport pcie bridge secondary=01 subordinate=02\n' |
	"$MKFAKESYS" "$R" - || fail "first run failed"
printf 'fn 0000:01:00.0 144d:a80a class=010802 driver=nvme group=16 pcie parent=0000:00:01.1\n' |
	"$MKFAKESYS" "$R" - 2>"$R.err" || fail "second run failed: $(cat "$R.err")"
expect_eq "$(readlink -f "$R/sys/bus/pci/devices/0000:01:00.0")" \
	"$R/sys/devices/pci0000:00/0000:00:01.1/0000:01:00.0" "nested under ROOT's bridge"
expect_eq "$(readlink -f "$R/sys/kernel/iommu_groups/16/devices/0000:01:00.0/driver")" \
	"$R/sys/bus/pci/drivers/nvme" "driver through the group"
# Bus 02 is in the bridge's range but not its secondary bus: not a child of it.
printf 'fn 0000:02:00.0 8086:10d3 parent=0000:00:01.1\n' | "$MKFAKESYS" "$R" - 2>"$R.err"
expect_eq "$?" 1 "exit status, wrong bus"
grep -qF 'fakesys: 0000:02:00.0: not on the bus range 01-02 behind 0000:00:01.1' "$R.err" ||
	fail "stderr: $(cat "$R.err")"
printf 'fn 0000:01:00.1 8086:10d3 parent=0000:00:07.1\n' | "$MKFAKESYS" "$R" - 2>"$R.err"
expect_eq "$?" 1 "exit status, no such parent"
grep -qF "$R/sys/bus/pci/devices/0000:00:07.1: No such file or directory" "$R.err" ||
	fail "stderr: $(cat "$R.err")"
[ -e "$R/sys/bus/pci/devices/0000:01:00.1" ] && fail "orphan 01:00.1 was added"
end

begin boot_vga_on_vga_functions_and_reset_method_where_given
nested_tree
printf 'fn 0000:04:00.0 10de:1b80 class=030000 boot_vga=1\nfn 0000:05:00.0 10de:1b80 class=030200\n' |
	"$MKFAKESYS" "$R" - || fail "second run failed"
expect_file "$R/$NESTED/0000:03:00.0/boot_vga" 0
expect_file "$R/sys/bus/pci/devices/0000:04:00.0/boot_vga" 1
# 3D controllers and audio are not VGA: no boot_vga, as in Linux.
[ -e "$R/sys/bus/pci/devices/0000:05:00.0/boot_vga" ] && fail "boot_vga on a 3D controller"
[ -e "$R/$NESTED/0000:03:00.1/boot_vga" ] && fail "boot_vga on audio"
expect_file "$R/$NESTED/0000:03:00.1/reset_method" "flr bus"
[ -e "$R/$NESTED/0000:03:00.0/reset_method" ] && fail "reset_method without reset="
end

begin cpu_line_writes_two_processors_as_x86_linux_prints_them
printf 'cpu AuthenticAMD 25:33 AMD Ryzen 9 5950X 16-Core Processor  \n' |
	"$MKFAKESYS" "$R" - || fail "mkfakesys failed"
f=$R/proc/cpuinfo
expect_eq "$(grep -c '^processor	: ' "$f")" 2 "processors"
expect_eq "$(grep -c '^$' "$f")" 2 "blank lines ending each processor"
expect_eq "$(sed -n 2,5p "$f")" "vendor_id	: AuthenticAMD
cpu family	: 25
model		: 33
model name	: AMD Ryzen 9 5950X 16-Core Processor" "AMD identification"
grep -qE '^flags		: fpu vme de pse tsc msr .* svm( |$)' "$f" || fail "no svm in flags"
grep -q '^flags.* vmx' "$f" && fail "vmx in AMD flags"
grep -qx 'processor	: 1' "$f" || fail "no processor 1"
printf 'cpu GenuineIntel 6:151 12th Gen Intel(R) Core(TM) i9-12900K\n' |
	"$MKFAKESYS" "$R" - || fail "second run failed"
expect_eq "$(grep -c '^processor' "$f")" 2 "processors after replacing"
grep -qx 'vendor_id	: GenuineIntel' "$f" || fail "vendor not replaced"
grep -qx 'model		: 151' "$f" || fail "model not replaced"
grep -qE '^flags		: fpu vme de pse tsc msr .* vmx( |$)' "$f" || fail "no vmx in flags"
grep -q '^flags.* svm' "$f" && fail "svm in Intel flags"
end

begin disks_and_partitions_sit_in_the_functions_directory
x570_tree
nv=$R/sys/devices/pci0000:00/0000:00:01.1/0000:01:00.0
expect_eq "$(readlink -f "$R/sys/dev/block/259:0")" "$nv/nvme/nvme0/nvme0n1" "259:0"
expect_eq "$(readlink -f "$R/sys/dev/block/259:3")" "$nv/nvme/nvme0/nvme0n1/nvme0n1p3" "259:3"
expect_eq "$(readlink -f "$R/sys/class/block/nvme0n1p3")" "$nv/nvme/nvme0/nvme0n1/nvme0n1p3" \
	"class/block/nvme0n1p3"
expect_eq "$(readlink -f "$R/sys/block/nvme0n1")" "$nv/nvme/nvme0/nvme0n1" "block/nvme0n1"
# From a partition to its PCI function: the disk, its controller, the function.
expect_eq "$(readlink -f "$R/sys/dev/block/259:3/../device/device")" "$nv" "259:3 to its function"
expect_file "$R/sys/dev/block/259:3/dev" 259:3
expect_file "$R/sys/dev/block/259:3/partition" 3
expect_file "$R/sys/dev/block/259:0/dev" 259:0
[ -e "$R/sys/dev/block/259:0/partition" ] && fail "the disk has a partition attribute"
expect_file "$R/sys/dev/block/259:0/removable" 0
# Partitions follow each other from sector 2048.
expect_eq "$(cat "$R"/sys/class/block/nvme0n1p[1-4]/start | tr '\n' ' ')" \
	"2048 1050624 3147776 1936746496 " "partition starts"
expect_file "$R/sys/class/block/nvme0n1p4/uevent" "MAJOR=259
MINOR=4
DEVNAME=nvme0n1p4
DEVTYPE=partition
PARTN=4"
sd=$R/sys/devices/pci0000:00/0000:00:01.2/0000:02:00.0/0000:03:09.0/0000:08:00.0
expect_eq "$(readlink -f "$R/sys/dev/block/8:1")" \
	"$sd/ata1/host0/target0:0:0/0:0:0:0/block/sda/sda1" "8:1"
expect_eq "$(readlink -f "$R/sys/block/sda/device")" "$sd/ata1/host0/target0:0:0/0:0:0:0" \
	"sda's SCSI device"
# util-linux's lsblk reads the same tree.
expect_eq "$(lsblk --sysroot "$R" -n -r -b -o NAME,MAJ:MIN,TYPE,SIZE 2>&1)" "sda 8:0 disk 1000204886016
sda1 8:1 part 1000203091968
nvme0n1 259:0 disk 1000204886016
nvme0n1p1 259:1 part 536870912
nvme0n1p2 259:2 part 1073741824
nvme0n1p3 259:3 part 990002544640
nvme0n1p4 259:4 part 8589934592" "lsblk --sysroot"
while IFS= read -r l; do
	[ -e "$l" ] || fail "dangling link ${l#"$R"} -> $(readlink "$l")"
done < <(find "$R/sys" -type l)
end

begin a_disk_behind_a_function_of_an_earlier_run
printf 'fn 0000:00:17.0 8086:a352 class=010601 driver=ahci\n' | "$MKFAKESYS" "$R" - ||
	fail "first run failed"
printf 'sata 0000:00:17.0 sdb 8:16 size=1000\npart sdb sdb1 8:17 size=100\npart sdb sdb2 8:18\n' |
	"$MKFAKESYS" "$R" - 2>"$R.err" || fail "second run failed: $(cat "$R.err")"
expect_eq "$(readlink -f "$R/sys/class/block/sdb2")" \
	"$R/sys/devices/pci0000:00/0000:00:17.0/ata2/host1/target1:0:0/1:0:0:0/block/sdb/sdb2" "sdb2"
expect_file "$R/sys/class/block/sdb/size" 1000
expect_file "$R/sys/class/block/sdb2/start" 4096
expect_file "$R/sys/class/block/sdb2/size" 2097152
printf 'nvme 0000:00:17.0 nvme0n1 259:0\n' | "$MKFAKESYS" "$R" - 2>"$R.err"
expect_eq "$?" 1 "exit status, NVMe disk on SATA"
grep -qF 'fakesys: 0000:00:17.0: class 010601, not NVMe' "$R.err" || fail "stderr: $(cat "$R.err")"
printf 'part sdb1 sdb1p1 8:19\n' | "$MKFAKESYS" "$R" - 2>"$R.err"
expect_eq "$?" 1 "exit status, partition of a partition"
grep -qF 'fakesys: sdb1: a partition, not a disk' "$R.err" || fail "stderr: $(cat "$R.err")"
end

begin mountinfo_as_the_kernel_prints_it
"$MKFAKESYS" "$R" - <<-'EOF' || fail "mkfakesys failed"
	mount 259:3 / ext4 /dev/nvme0n1p3
	mount 0:22 /proc proc proc
	mount 259:2 /boot ext4 /dev/nvme0n1p2
	mount 259:1 /boot/efi vfat /dev/nvme0n1p1
	mount 0:40 /bootx\y tmpfs tmpfs
	EOF
if [ ! -d "$R/proc/self" ] || [ -L "$R/proc/self" ]; then
	fail "proc/self is not a directory"
fi
expect_file "$R/proc/self/mountinfo" '36 1 259:3 / / rw,relatime shared:1 - ext4 /dev/nvme0n1p3 rw
37 36 0:22 / /proc rw,relatime shared:2 - proc proc rw
38 36 259:2 / /boot rw,relatime shared:3 - ext4 /dev/nvme0n1p2 rw
39 38 259:1 / /boot/efi rw,relatime shared:4 - vfat /dev/nvme0n1p1 rw
40 36 0:40 / /bootx\134y rw,relatime shared:5 - tmpfs tmpfs rw'
# A second run goes on numbering, and finds parents in what is there.
printf 'mount 0:41 /boot/efi/x tmpfs tmpfs\n' | "$MKFAKESYS" "$R" - || fail "second run failed"
expect_eq "$(tail -n 1 "$R/proc/self/mountinfo")" \
	"41 39 0:41 / /boot/efi/x rw,relatime shared:6 - tmpfs tmpfs rw" "appended line"
# libmount parses it as a mountinfo, tree and escapes included.
out=$(findmnt -F "$R/proc/self/mountinfo" -n -o ID,PARENT,MAJ:MIN,SOURCE,FSTYPE -M /boot/efi 2>&1)
expect_eq "$(awk '{ $1 = $1; print }' <<<"$out")" "39 38 259:1 /dev/nvme0n1p1 vfat" \
	"findmnt -M /boot/efi"
expect_eq "$(findmnt -F "$R/proc/self/mountinfo" -n -o TARGET -S 0:40 2>&1)" '/bootx\y' \
	"findmnt -S 0:40"
expect_eq "$(findmnt -F "$R/proc/self/mountinfo" -n --ascii -o TARGET 2>&1)" '/
|-/proc
|-/boot
| `-/boot/efi
|   `-/boot/efi/x
`-/bootx\y' "findmnt tree"
end

begin swaps_as_the_kernel_prints_them
printf 'swap /dev/nvme0n1p4 8388604\nswap /swapfile 16777216\n' | "$MKFAKESYS" "$R" - ||
	fail "mkfakesys failed"
printf 'Filename\t\t\t\tType\t\tSize\t\tUsed\t\tPriority
/dev/nvme0n1p4                          partition\t8388604\t\t0\t\t-2
/swapfile                               file\t\t16777216\t0\t\t-3\n' >"$R.want"
cmp -s "$R/proc/swaps" "$R.want" || fail "proc/swaps: $(cat -A "$R/proc/swaps")"
printf 'swap /dev/sdb2 1024\n' | "$MKFAKESYS" "$R" - || fail "second run failed"
expect_eq "$(grep -c Filename "$R/proc/swaps")" 1 "header lines"
expect_eq "$(tail -n 1 "$R/proc/swaps" | awk '{ print $1, $2, $3, $4, $5 }')" \
	"/dev/sdb2 partition 1024 0 -4" "third swap"
end

begin modules_line_sets_the_release_and_its_module_directory
printf 'modules 6.1.0-18-amd64\n' | "$MKFAKESYS" "$R" - || fail "mkfakesys failed"
expect_file "$R/proc/sys/kernel/osrelease" 6.1.0-18-amd64
for f in modules.builtin modules.order modules.alias; do
	if [ ! -f "$R/lib/modules/6.1.0-18-amd64/$f" ] || [ -s "$R/lib/modules/6.1.0-18-amd64/$f" ]; then
		fail "$f is not an empty regular file"
	fi
done
# A test's modules.alias stays; the release is replaced.
printf 'alias pci:v00008086d000010D3sv*sd*bc*sc*i* e1000e\n' >"$R/lib/modules/6.1.0-18-amd64/modules.alias"
printf 'modules 6.1.0-18-amd64\nmodules 6.6.0\n' | "$MKFAKESYS" "$R" - || fail "second run failed"
expect_file "$R/proc/sys/kernel/osrelease" 6.6.0
grep -q e1000e "$R/lib/modules/6.1.0-18-amd64/modules.alias" || fail "modules.alias rewritten"
[ -d "$R/lib/modules/6.6.0" ] || fail "no lib/modules/6.6.0"
end

begin x570_disk_images_as_libblkid_sees_them
x570_tree
if ! command -v mkfs.vfat >/dev/null; then
	fail "mkfs.vfat missing (dosfstools)"
elif "$FIXTURES/mkdisks.sh" "$R" >"$R.mk" 2>&1; then
	[ -s "$R.mk" ] && fail "mkdisks.sh printed: $(cat "$R.mk")"
	blk() { blkid -p -o export -s TYPE -s LABEL -s UUID "$R/dev/$1" | grep -v '^DEVNAME=' | sort | tr '\n' ' '; }
	expect_eq "$(blk nvme0n1p1)" "LABEL=EFI TYPE=vfat UUID=1A2B-3C4D " "nvme0n1p1"
	expect_eq "$(blk nvme0n1p2)" "LABEL=boot TYPE=ext4 UUID=6b3a7c1e-2d4f-4e8a-9b0c-1d2e3f4a5b60 " \
		"nvme0n1p2"
	expect_eq "$(blk nvme0n1p3)" "LABEL=root TYPE=ext4 UUID=9d1c2b3a-4e5f-4a6b-8c7d-0e1f2a3b4c5d " \
		"nvme0n1p3"
	expect_eq "$(blk nvme0n1p4)" "LABEL=swap TYPE=swap UUID=3f2e1d0c-5b4a-4c9d-8e7f-6a5b4c3d2e1f " \
		"nvme0n1p4"
	# The fixture boots from the root file system's UUID, and mounts and swaps those images.
	has "$(cat "$R/proc/cmdline")" " root=UUID=9d1c2b3a-4e5f-4a6b-8c7d-0e1f2a3b4c5d "
	expect_eq "$(findmnt -F "$R/proc/self/mountinfo" -n -o SOURCE,MAJ:MIN -M / | awk '{ $1 = $1; print }')" \
		"/dev/nvme0n1p3 259:3" "root mount"
	expect_eq "$(awk 'NR == 2 { print $1 }' "$R/proc/swaps")" /dev/nvme0n1p4 "swap"
	# The same bytes each time: tests may compare whole images.
	sum=$(cat "$R"/dev/nvme0n1p* | md5sum)
	"$FIXTURES/mkdisks.sh" "$R" || fail "second mkdisks.sh failed"
	expect_eq "$(cat "$R"/dev/nvme0n1p* | md5sum)" "$sum" "images of a second run"
else
	fail "mkdisks.sh failed: $(cat "$R.mk")"
fi
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

begin lspci_tree_nests_functions_behind_bridges
nested_tree
expect_eq "$(lspci_ -t)" "-[0000:00]-+-00.0
           +-01.1-[01-03]----00.0-[02-03]----00.0-[03]--+-00.0
           |                                            \-00.1
           \-02.0" "lspci -t"
out=$(lspci_ -vv -s 00:01.1)
has "$out" "Bus: primary=00, secondary=01, subordinate=03"
has "$out" "Express (v2) Root Port"
has "$(lspci_ -vv -s 01:00.0)" "Express (v2) Upstream Port"
has "$(lspci_ -vv -s 02:00.0)" "Express (v2) Downstream Port"
has "$(lspci_ -vv -s 03:00.0)" "Express (v2) Endpoint"
has "$(lspci_ -v -nn -s 03:00.0)" "Subsystem: Sapphire Technology Limited"
no_lspci_warnings
end

begin x570_fixture_as_lspci_shows_it
x570_tree
out=$(lspci_ -nn -k -vt)
no_lspci_warnings
has "$out" "+-01.1-[01]----00.0  Samsung Electronics Co Ltd NVMe SSD Controller PM9A1/PM9A3/980PRO [144d:a80a]"
has "$out" "+-01.2-[02-08]----00.0-[03-08]--+-01.0-[04]--"
has "$out" "+-02.0-[05]----00.0  Intel Corporation I211 Gigabit Network Connection [8086:1539]"
has "$out" "+-03.0-[06]----00.0  Intel Corporation Ethernet Controller I225-V [8086:15f3]"
has "$out" "+-03.1-[09-0b]----00.0-[0a-0b]----00.0-[0b]--+-00.0  Advanced Micro Devices, Inc. [AMD/ATI] Navi 21 [Radeon RX 6800/6800 XT / 6900 XT] [1002:73bf]"
has "$out" "+-03.2-[0c-0e]----00.0-[0d-0e]----00.0-[0e]--+-00.0  Advanced Micro Devices, Inc. [AMD/ATI] Navi 23 WKS-XL [Radeon PRO W6600] [1002:73e3]"
has "$out" "+-14.3  Advanced Micro Devices, Inc. [AMD] FCH LPC Bridge [1022:790e]"
expect_eq "$(lspci_ -D | wc -l)" "$(grep -c '^fn ' "$FIXTURES/x570.spec")" "functions"
# Groups: each guest GPU function alone; host GPU and its audio together; FCH together.
g() { lspci_ -vmm -s "$1" | awk -F '\t' '$1 == "IOMMUGroup:" { print $2 }'; }
expect_eq "$(g 0b:00.0) $(g 0b:00.1) $(g 0b:00.2) $(g 0b:00.3)" "27 28 29 30" "guest GPU groups"
expect_eq "$(g 0e:00.0) $(g 0e:00.1)" "33 33" "host GPU groups"
expect_eq "$(g 00:14.0) $(g 00:14.3)" "14 14" "FCH groups"
expect_eq "$(g 00:00.0) $(g 01:00.0) $(g 05:00.0) $(g 06:00.0)" "0 16 23 24" "other groups"
expect_eq "$(find "$R/sys/kernel/iommu_groups/33/devices" -mindepth 1 -printf '%f\n' | sort | tr '\n' ' ')" \
	"0000:0e:00.0 0000:0e:00.1 " "group 33"
d() { lspci_ -k -s "$1" | sed -n 's/^\tKernel driver in use: //p'; }
expect_eq "$(d 0b:00.0) $(d 0b:00.1) $(d 0b:00.2) $(d 0b:00.3)" \
	"amdgpu snd_hda_intel xhci_hcd i2c-designware-pci" "guest GPU drivers"
expect_eq "$(d 0e:00.0) $(d 05:00.0) $(d 06:00.0) $(d 01:00.0) $(d 00:03.1)" \
	"amdgpu igb igc nvme pcieport" "other drivers"
expect_file "$R/sys/bus/pci/devices/0000:0e:00.0/boot_vga" 1
expect_file "$R/sys/bus/pci/devices/0000:0b:00.0/boot_vga" 0
expect_file "$R/sys/bus/pci/devices/0000:05:00.0/reset_method" "flr bus"
expect_file "$R/sys/bus/pci/devices/0000:08:00.0/reset_method" "bus"
expect_eq "$(readlink -f "$R/sys/bus/pci/devices/0000:0e:00.0")" \
	"$R/sys/devices/pci0000:00/0000:00:03.2/0000:0c:00.0/0000:0d:00.0/0000:0e:00.0" "host GPU path"
expect_eq "$(lspci_ -n -s 0b:00.3)" "0b:00.3 0c80: 1002:73a4" "UCSI class"
grep -qE '^flags.* svm( |$)' "$R/proc/cpuinfo" || fail "no svm"
expect_file "$R/proc/sys/kernel/osrelease" 6.1.0-18-amd64
no_lspci_warnings
end

summary
