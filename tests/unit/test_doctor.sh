#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-or-later
#
# earlybindctl doctor on fake roots.  The healthy machine is the design's
# X570 (tests/fixtures/x570.spec) with the RX 6800 XT claimed, the BARs and
# /proc/iomem of a real boot (efifb on the host GPU), a vfio-pci module
# indexed by the real depmod, and an uncompressed initramfs made by the real
# cpio with earlybind and the same manifest.  Each other test breaks one
# thing and checks the line that says so, word for word, that nothing else
# is reported, and the exit status.
#
# Usage: test_doctor.sh EARLYBINDCTL MKFAKESYS [LABEL]
set -u

CTL=$1
MKFAKESYS=$2
LABEL=${3:-}
here=$(cd "$(dirname "$0")/.." && pwd)
SPEC=$here/fixtures/x570.spec
REL=6.1.0-18-amd64
CMDLINE="BOOT_IMAGE=/vmlinuz-$REL root=UUID=9d1c2b3a-4e5f-4a6b-8c7d-0e1f2a3b4c5d ro quiet"
REBUILD="(dracut -f (or earlybindctl apply))"

# shellcheck source=tests/lib.sh
. "$here/lib.sh"
# Every test here starts from a directory of its own: lib.sh's begin,
# renamed lib_begin, then the mkdir.
eval "lib_$(declare -f begin)"
begin() {
	lib_begin "$@"
	mkdir -p "$R"
}

for tool in cpio gzip depmod "${CC:-cc}"; do
	command -v "$tool" >/dev/null || {
		echo "FAIL: doctor tests: $tool is missing (scripts/deps check installs it)"
		exit 1
	}
done

# A module file depmod takes: an object with a .modinfo section.
KO=$TMP/vfio-pci.ko
printf '%s\n' '__attribute__((section(".modinfo"), used))' \
	'static const char modinfo[] = "name=vfio_pci\0license=GPL v2";' |
	"${CC:-cc}" -x c -c -o "$KO" - || echo "FAIL: cannot compile the fake vfio-pci.ko"

doctor() {
	NO_COLOR=1 "$CTL" --root "$R" doctor "$@" >"$R.out" 2>"$R.err"
	rc=$?
}
expect_rc() { [ "$rc" -eq "$1" ] || fail "exit status $rc, expected $1: $(cat "$R.out" "$R.err")"; }
# out_line LINE: stdout has exactly this line.
out_line() {
	local l
	while IFS= read -r l; do
		[ "$l" = "$1" ] && return 0
	done <"$R.out"
	fail "no line '$1' in:
$(cat "$R.out")"
}
# out_line_around PREFIX SUFFIX: a line that starts and ends so (a device name between).
out_line_around() {
	local l
	while IFS= read -r l; do
		[ "${l#"$1"}" != "$l" ] && [ "${l%"$2"}" != "$l" ] && return 0
	done <"$R.out"
	fail "no line '$1...$2' in:
$(cat "$R.out")"
}
# not_ok N: exactly N lines are not "ok": the check under test, and nothing else.
not_ok() {
	local n
	n=$(grep -cv '^ok    ' "$R.out")
	[ "$n" -eq "$1" ] || fail "$n lines are not ok, expected $1:
$(cat "$R.out")"
}
M() { printf '%s/etc/earlybind.conf' "$R"; }

# module REL: ROOT/lib/modules/REL with vfio-pci.ko, indexed by depmod.
module() {
	mkdir -p "$R/lib/modules/$1/kernel/drivers/vfio/pci"
	cp "$KO" "$R/lib/modules/$1/kernel/drivers/vfio/pci/vfio-pci.ko"
	depmod -b "$R" "$1" 2>"$R.depmod" || fail "depmod: $(cat "$R.depmod")"
}
# cpio_of DIR: DIR as a newc archive on stdout, as dracut makes it.
cpio_of() {
	(cd "$1" && find . -mindepth 1 | LC_ALL=C sort | cpio -o -H newc --quiet)
}
# initrd_tree DIR [MANIFEST]: the main archive's files, with earlybind and MANIFEST.
initrd_tree() {
	mkdir -p "$1/usr/sbin" "$1/etc/cmdline.d" "$1/usr/lib/modules/$REL"
	printf '\177ELF earlybind\n' >"$1/usr/sbin/earlybind"
	chmod 755 "$1/usr/sbin/earlybind"
	ln -s usr/sbin "$1/sbin"
	printf 'rd.driver.pre=vfio-pci\n' >"$1/etc/cmdline.d/20-force_drivers.conf"
	[ -n "${2:-}" ] && cp "$2" "$1/etc/earlybind.conf"
	return 0
}
# initrd [IMAGE]: the initramfs of the current manifest, uncompressed.
initrd() {
	local img=${1:-$R/boot/initrd.img-$REL}
	rm -rf "$R.initrd"
	initrd_tree "$R.initrd" "$(M)"
	mkdir -p "$R/boot"
	cpio_of "$R.initrd" >"$img" || fail "cpio failed"
}
# bars ADDR LINE...: the function's resource file, "START END FLAGS" hex per line.
bars() {
	local f=$R/sys/bus/pci/devices/$1/resource l
	shift
	: >"$f"
	for l in "$@"; do
		# shellcheck disable=SC2086 # the three numbers of a line
		printf '0x%016x 0x%016x 0x%016x\n' $l >>"$f"
	done
}
# iomem FB_RANGE: ROOT/proc/iomem of the machine with efifb at FB_RANGE,
# nested where the kernel puts it.
iomem() {
	local host="          $1 : efifb" guest=
	case $1 in
	d*) guest=$host host= ;;
	esac
	{
		printf '%s\n' "00000000-00000fff : Reserved" "00001000-0009ffff : System RAM" \
			"000a0000-000fffff : Reserved" "00100000-09bfefff : System RAM" \
			"a0000000-fec2ffff : PCI Bus 0000:00" \
			"  b0000000-c01fffff : PCI Bus 0000:0c" \
			"    b0000000-c01fffff : PCI Bus 0000:0d" \
			"      b0000000-c01fffff : PCI Bus 0000:0e" \
			"        b0000000-bfffffff : 0000:0e:00.0"
		[ -n "$host" ] && printf '%s\n' "$host"
		printf '%s\n' "        c0000000-c01fffff : 0000:0e:00.0" \
			"  d0000000-e01fffff : PCI Bus 0000:09" \
			"    d0000000-e01fffff : PCI Bus 0000:0a" \
			"      d0000000-e01fffff : PCI Bus 0000:0b" \
			"        d0000000-dfffffff : 0000:0b:00.0"
		[ -n "$guest" ] && printf '%s\n' "$guest"
		printf '%s\n' "        e0000000-e01fffff : 0000:0b:00.0" \
			"  fcb00000-fcbfffff : 0000:0b:00.0" \
			"100000000-87f37ffff : System RAM"
	} >"$R/proc/iomem"
}
# healthy [SED]: the healthy machine, its spec edited by sed script SED first.
healthy() {
	sed -e "${1:-}" "$SPEC" | "$MKFAKESYS" "$R" - || fail "mkfakesys failed"
	printf '%s iommu=pt\n' "$CMDLINE" >"$R/proc/cmdline"
	module "$REL"
	cat >"$(M)" <<-'EOF'
	# the RX 6800 XT, for the Windows guest
	vfio-pci 0000:0b:00.0 1002:73bf
	vfio-pci 0000:0b:00.1 1002:ab28
	vfio-pci 0000:0b:00.2 1002:73a6
	vfio-pci 0000:0b:00.3 1002:73a4
	EOF
	# 64-bit prefetchable BARs 0 and 2, I/O BAR 4, BAR 5, the ROM.
	bars 0000:0b:00.0 "0xd0000000 0xdfffffff 0x14220c" "0 0 0" \
		"0xe0000000 0xe01fffff 0x14220c" "0 0 0" "0xf000 0xf0ff 0x40101" \
		"0xfcb00000 0xfcbfffff 0x40200" "0xfcc00000 0xfcc1ffff 0x46200"
	bars 0000:0e:00.0 "0xb0000000 0xbfffffff 0x14220c" "0 0 0" \
		"0xc0000000 0xc01fffff 0x14220c" "0 0 0" "0xe000 0xe0ff 0x40101" \
		"0xfcd00000 0xfcdfffff 0x40200" "0 0 0"
	iomem b0000000-b07e8fff
	initrd
}
# release REL: the machine boots kernel REL instead, with its modules and initramfs.
release() {
	echo "modules $1" | "$MKFAKESYS" "$R" - || fail "mkfakesys modules $1"
	module "$1"
	mv "$R/boot/initrd.img-$REL" "$R/boot/initrd.img-$1"
	sed -i "s/vmlinuz-$REL/vmlinuz-$1/" "$R/proc/cmdline"
}

begin healthy_machine_is_all_ok
healthy
doctor
expect_rc 0
out_line "ok    the IOMMU is on: 39 IOMMU groups"
out_line "ok    the CPU has hardware virtualisation (svm)"
out_line "ok    no kernel argument that does nothing or is misspelt"
out_line "ok    nothing asks for vfio_virqfd"
out_line "ok    the manifest's 4 entries name functions that are here, with their ids"
out_line "ok    no IOMMU group of a claimed function has a member on a host driver"
out_line "ok    the firmware framebuffer holds no BAR of a claimed function"
out_line "ok    vfio-pci is a module of kernel $REL: /lib/modules/$REL/kernel/drivers/vfio/pci/vfio-pci.ko"
out_line "ok    the initramfs /boot/initrd.img-$REL has earlybind and the current manifest"
[ "$(wc -l <"$R.out")" -eq 9 ] || fail "$(wc -l <"$R.out") lines, expected one per check"
not_ok 0
[ -s "$R.err" ] && fail "stderr: $(cat "$R.err")"
doctor -q
expect_rc 0
[ -s "$R.out" ] && fail "-q printed ok lines: $(cat "$R.out")"
end

begin no_iommu_group_fails_with_what_to_enable
healthy 's/ group=[0-9]*//'
doctor
expect_rc 1
out_line "fail  the IOMMU is off: no PCI function has an IOMMU group  (enable SVM and IOMMU in the firmware setup)"
not_ok 1
sed -i 's/AuthenticAMD/GenuineIntel/; s/ svm / vmx /' "$R/proc/cpuinfo"
doctor
expect_rc 1
out_line "fail  the IOMMU is off: no PCI function has an IOMMU group  (enable VT-d in the firmware setup and add intel_iommu=on to the kernel command line)"
out_line "ok    the CPU has hardware virtualisation (vmx)"
not_ok 1
# An IOMMU that is registered counts, groups or not.
mkdir -p "$R/sys/class/iommu/dmar0"
doctor
expect_rc 0
out_line "ok    the IOMMU is on: /sys/class/iommu has dmar0"
not_ok 0
end

begin no_svm_flag_warns_and_does_not_fail
healthy
# svm_lock and the others stay: only the word svm goes.
sed -i '/^flags/s/ svm / /' "$R/proc/cpuinfo"
grep -q svm_lock "$R/proc/cpuinfo" || fail "the fixture lost svm_lock"
doctor
expect_rc 0
out_line "warn  the CPU reports neither svm nor vmx: KVM cannot run a guest  (enable SVM Mode in the firmware setup)"
not_ok 1
end

begin amd_iommu_on_and_vfio_pci_id_are_reported
healthy
printf '%s amd_iommu=on iommu=pt vfio-pci.id=1002:73bf vfio_pci.ids=1002:73bf vfio-pci.ids=1002:ab28\n' \
	"$CMDLINE" >"$R/proc/cmdline"
doctor
expect_rc 1
out_line "warn  amd_iommu=on on the kernel command line does nothing  (not an option of the AMD IOMMU driver; remove it: iommu=pt is the real one)"
out_line "fail  vfio-pci.id=1002:73bf on the kernel command line is misspelt: vfio-pci has no parameter 'id'  (the parameter is vfio-pci.ids=)"
not_ok 2
printf '%s amd_iommu=pt vfio_pci.id=1002:73bf intel_iommu=on\n' "$CMDLINE" >"$R/proc/cmdline"
doctor
expect_rc 1
out_line "warn  amd_iommu=pt on the kernel command line does nothing  (not an option of the AMD IOMMU driver; remove it: iommu=pt is the real one)"
out_line "fail  vfio_pci.id=1002:73bf on the kernel command line is misspelt: vfio_pci has no parameter 'id'  (the parameter is vfio_pci.ids=)"
out_line "warn  intel_iommu=on does nothing on an AMD CPU  (remove it; the AMD IOMMU is on when the firmware enables it)"
not_ok 3
# Real options of the AMD driver, and intel_iommu=on where it does something.
printf '%s amd_iommu=force_isolation iommu=pt\n' "$CMDLINE" >"$R/proc/cmdline"
doctor
expect_rc 0
not_ok 0
sed -i 's/AuthenticAMD/GenuineIntel/' "$R/proc/cpuinfo"
printf '%s intel_iommu=on iommu=pt\n' "$CMDLINE" >"$R/proc/cmdline"
doctor
expect_rc 0
not_ok 0
end

begin vfio_virqfd_fails_on_6_8_and_not_on_6_1
healthy
mkdir -p "$R/etc/dracut.conf.d" "$R/etc/modules-load.d"
cat >"$R/etc/dracut.conf.d/10-vfio.conf" <<-'EOF'
# vfio_virqfd, as a 2019 guide has it
add_drivers+=" vfio vfio_iommu_type1 vfio_pci vfio_virqfd "
EOF
printf 'vfio\nvfio-virqfd\nvfio_pci_core\n' >"$R/etc/modules-load.d/vfio.conf"
doctor
expect_rc 0
out_line "ok    vfio_virqfd is asked for, and kernel $REL has it"
not_ok 0
release 6.8.0
sed -i 's/$/ rd.driver.pre=vfio-pci,vfio_virqfd/' "$R/proc/cmdline"
doctor
expect_rc 1
out_line "fail  rd.driver.pre=vfio-pci,vfio_virqfd on the kernel command line asks for vfio_virqfd, which kernel 6.8.0 does not have  (merged into vfio in 6.2; remove it)"
out_line "fail  /etc/dracut.conf.d/10-vfio.conf:2: asks for vfio_virqfd, which kernel 6.8.0 does not have  (merged into vfio in 6.2; remove it)"
out_line "fail  /etc/modules-load.d/vfio.conf:2: asks for vfio_virqfd, which kernel 6.8.0 does not have  (merged into vfio in 6.2; remove it)"
not_ok 3
# The rest of 6.8.0 is in order: its module and its initramfs are found.
out_line "ok    vfio-pci is a module of kernel 6.8.0: /lib/modules/6.8.0/kernel/drivers/vfio/pci/vfio-pci.ko"
out_line "ok    the initramfs /boot/initrd.img-6.8.0 has earlybind and the current manifest"
# 6.2 is the first without it.
echo 6.2.0-rc1 >"$R/proc/sys/kernel/osrelease"
doctor
out_line "fail  /etc/dracut.conf.d/10-vfio.conf:2: asks for vfio_virqfd, which kernel 6.2.0-rc1 does not have  (merged into vfio in 6.2; remove it)"
end

begin manifest_line_whose_function_is_gone
healthy
printf 'vfio-pci 0000:42:00.0 1002:73bf\n' >>"$(M)"
initrd
doctor
expect_rc 1
out_line "fail  /etc/earlybind.conf:6: no function at 0000:42:00.0  (the card is gone or moved: 'earlybindctl list' shows the functions; 'earlybindctl remove 0000:42:00.0' drops the line)"
not_ok 1
sed -i 's/^vfio-pci 0000:42:00.0 1002:73bf$/& optional/' "$(M)"
initrd
doctor
expect_rc 0
out_line "warn  /etc/earlybind.conf:6: no function at 0000:42:00.0 (optional)  (the card is gone or moved: 'earlybindctl list' shows the functions; 'earlybindctl remove 0000:42:00.0' drops the line)"
not_ok 1
# Another card in the slot: the I225-V's id on the I211's address.
sed -i '$d' "$(M)"
printf 'vfio-pci 0000:05:00.0 8086:15f3\n' >>"$(M)"
initrd
doctor
expect_rc 1
out_line_around "fail  /etc/earlybind.conf:6: wants id 8086:15f3, but the function is 0000:05:00.0 [8086:1539] " \
	"  (another card in that slot? 'earlybindctl remove 0000:05:00.0', then 'earlybindctl add 0000:05:00.0')"
not_ok 1
end

begin manifest_line_on_the_system_disk_fails
healthy
HOLDS="which holds nvme0n1p1 on /boot/efi, nvme0n1p2 on /boot, nvme0n1p3 on /, nvme0n1p4 on [SWAP]: the system runs from that disk, and at boot earlybind would take it away"
printf 'vfio-pci 0000:01:00.0 144d:a80a\n' >>"$(M)"
initrd
doctor
expect_rc 1
out_line_around "fail  /etc/earlybind.conf:6: claims 0000:01:00.0 [144d:a80a] " \
	"980PRO, $HOLDS  (drop the line: earlybindctl remove 0000:01:00.0)"
not_ok 1
# A '*' line claims the NVMe through its id.
sed -i '$d' "$(M)"
printf 'vfio-pci * 144d:a80a\n' >>"$(M)"
initrd
doctor
expect_rc 1
out_line_around "fail  /etc/earlybind.conf:6: claims every function with the id 144d:a80a, and so 0000:01:00.0 [144d:a80a] " \
	"980PRO, $HOLDS  (drop the line: earlybindctl remove 144d:a80a)"
not_ok 1
end

begin group_member_on_a_host_driver_fails_naming_it
healthy
# Group 21: the 57a4 port (pcieport), 07:00.0 (no driver), 07:00.1 and 07:00.3 (xhci_hcd).
printf 'vfio-pci 0000:07:00.1 1022:149c\n' >"$(M)"
initrd
doctor
expect_rc 1
out_line_around "fail  IOMMU group 21 of 0000:07:00.1 is not viable: 0000:07:00.3 [1022:149c] " \
	" is on xhci_hcd  (claim it too: earlybindctl add 0000:07:00.3)"
not_ok 1
grep -q '0000:07:00\.0 \[\|0000:03:08\.0' "$R.out" &&
	fail "a member without a driver or on pcieport was named: $(cat "$R.out")"
# A member claimed for a host driver keeps the group from a guest too
# (vm refuses it by the same rule).
printf 'vfio-pci 0000:07:00.1 1022:149c\nxhci_hcd 0000:07:00.3 1022:149c\n' >"$(M)"
initrd
doctor
expect_rc 1
out_line_around "fail  IOMMU group 21 of 0000:07:00.1 is not viable: 0000:07:00.3 [1022:149c] " \
	" is on xhci_hcd  (its manifest line keeps it on a host driver: earlybindctl add 0000:07:00.3 --driver vfio-pci)"
printf 'vfio-pci 0000:07:00.1 1022:149c\nvfio-pci 0000:07:00.3 1022:149c\n' >"$(M)"
initrd
doctor
expect_rc 0
out_line "ok    no IOMMU group of a claimed function has a member on a host driver"
not_ok 0
end

begin efifb_in_the_claimed_gpus_bar0_fails
healthy
iomem d0000000-d07e8fff
doctor
expect_rc 1
out_line_around "fail  0000:0b:00.0 [1002:73bf] " \
	": BAR 0 (d0000000-dfffffff) is held by the firmware framebuffer (efifb)  (add video=efifb:off initcall_blacklist=sysfb_init to the kernel command line)"
not_ok 1
# Right after BAR 2 ends: no overlap.
iomem e0200000-e02fffff
doctor
expect_rc 0
not_ok 0
# On the last byte of BAR 2: overlap.
iomem e01fffff-e02fffff
doctor
expect_rc 1
out_line_around "fail  0000:0b:00.0 [1002:73bf] " \
	": BAR 2 (e0000000-e01fffff) is held by the firmware framebuffer (efifb)  (add video=efifb:off initcall_blacklist=sysfb_init to the kernel command line)"
not_ok 1
# Low memory at the numbers of the I/O port BAR 4 (f000-f0ff): another address space.
iomem 0000f000-0000ffff
doctor
expect_rc 0
not_ok 0
# What an unprivileged reader sees: every address 0.
sed -i 's/^\( *\)[0-9a-f]*-[0-9a-f]* :/\100000000-00000000 :/' "$R/proc/iomem"
doctor
expect_rc 0
out_line "warn  /proc/iomem shows no addresses: cannot tell whether the firmware framebuffer holds a claimed BAR  (run it as root)"
not_ok 1
end

begin no_vfio_pci_module_fails
healthy
rm "$R/lib/modules/$REL/kernel/drivers/vfio/pci/vfio-pci.ko"
depmod -b "$R" "$REL" 2>/dev/null || fail "depmod"
doctor
expect_rc 1
out_line "fail  kernel $REL has no vfio-pci: neither built in nor a module in /lib/modules/$REL  (install the modules of kernel $REL, or a kernel that has vfio-pci)"
not_ok 1
# Built in, as Ubuntu builds it.
echo kernel/drivers/vfio/pci/vfio-pci.ko >"$R/lib/modules/$REL/modules.builtin"
depmod -b "$R" "$REL" 2>/dev/null || fail "depmod"
doctor
expect_rc 0
out_line "ok    vfio-pci is built into kernel $REL"
not_ok 0
end

begin initramfs_with_an_old_manifest_or_no_earlybind_fails
healthy
printf 'vfio-pci 0000:05:00.0 8086:1539\n' >>"$(M)"
doctor
expect_rc 1
out_line "fail  the initramfs /boot/initrd.img-$REL has an old manifest  $REBUILD"
not_ok 1
# An image without the module: only the rest of the tree.
rm -rf "$R.bare"
initrd_tree "$R.bare"
rm -r "$R.bare/usr/sbin/earlybind" "$R.bare/sbin"
cpio_of "$R.bare" >"$R/boot/initrd.img-$REL"
doctor
expect_rc 1
out_line "fail  the initramfs /boot/initrd.img-$REL has no earlybind module  $REBUILD"
not_ok 1
# Fedora's name, behind an early-microcode archive whose own
# etc/earlybind.conf the main archive's replaces, as the kernel unpacks them.
rm "$R/boot/initrd.img-$REL"
rm -rf "$R.early"
mkdir -p "$R.early/kernel/x86/microcode" "$R.early/etc"
printf 'microcode' >"$R.early/kernel/x86/microcode/AuthenticAMD.bin"
printf 'vfio-pci 0000:0e:00.0 1002:73e3\n' >"$R.early/etc/earlybind.conf"
cpio_of "$R.early" >"$R/boot/initramfs-$REL.img"
initrd "$R.main"
cat "$R.main" >>"$R/boot/initramfs-$REL.img"
doctor
expect_rc 0
out_line "ok    the initramfs /boot/initramfs-$REL.img has earlybind and the current manifest"
not_ok 0
# The other way round, the stale manifest is the one that counts.
cat "$R.main" >"$R/boot/initramfs-$REL.img"
cpio_of "$R.early" >>"$R/boot/initramfs-$REL.img"
doctor
expect_rc 1
out_line "fail  the initramfs /boot/initramfs-$REL.img has an old manifest  $REBUILD"
not_ok 1
# No earlybind is needed when the manifest claims nothing (only that is said).
cpio_of "$R.bare" >"$R/boot/initramfs-$REL.img"
printf '# nothing yet\n' >"$(M)"
doctor
expect_rc 0
out_line "ok    the initramfs /boot/initramfs-$REL.img has no earlybind, and the manifest claims nothing"
out_line "warn  the manifest (/etc/earlybind.conf) claims nothing  (earlybindctl add DEVICE)"
not_ok 1
end

begin initramfs_names_are_found_as_the_kernel_unpacks_them
healthy
# /sbin/earlybind without merged /usr.
rm -rf "$R.initrd"
initrd_tree "$R.initrd" "$(M)"
rm "$R.initrd/sbin"
mkdir "$R.initrd/sbin"
mv "$R.initrd/usr/sbin/earlybind" "$R.initrd/sbin/"
cpio_of "$R.initrd" >"$R/boot/initrd.img-$REL"
doctor
expect_rc 0
out_line "ok    the initramfs /boot/initrd.img-$REL has earlybind and the current manifest"
# Names as other writers store them: ".//usr/sbin/earlybind", same length as ZZ/...
rm -rf "$R.initrd"
initrd_tree "$R.initrd/ZZ" "$(M)"
cpio_of "$R.initrd" | LC_ALL=C sed 's|ZZ/|.//|g' >"$R/boot/initrd.img-$REL"
grep -qa '\.//etc/earlybind\.conf' "$R/boot/initrd.img-$REL" || fail "no .// names in the image"
doctor
expect_rc 0
out_line "ok    the initramfs /boot/initrd.img-$REL has earlybind and the current manifest"
# A hard link (dracut hardlinks identical files): cpio stores the data with
# the last link, here usr/lib/..., after etc/earlybind.conf.
rm -rf "$R.initrd"
initrd_tree "$R.initrd" "$(M)"
ln "$R.initrd/etc/earlybind.conf" "$R.initrd/usr/lib/earlybind.conf"
cpio_of "$R.initrd" >"$R/boot/initrd.img-$REL"
doctor
expect_rc 0
out_line "ok    the initramfs /boot/initrd.img-$REL has earlybind and the current manifest"
end

begin compressed_initramfs_warns_and_does_not_fail
healthy
gzip -9 -n "$R/boot/initrd.img-$REL"
mv "$R/boot/initrd.img-$REL.gz" "$R/boot/initrd.img-$REL"
doctor
expect_rc 0
out_line "warn  cannot inspect a compressed initramfs: /boot/initrd.img-$REL  (lsinitrd | grep earlybind)"
not_ok 1
# Behind an uncompressed early-microcode archive, as Debian and Fedora ship it.
rm -rf "$R.early"
mkdir -p "$R.early/kernel/x86/microcode"
printf 'microcode' >"$R.early/kernel/x86/microcode/AuthenticAMD.bin"
mv "$R/boot/initrd.img-$REL" "$R.main.gz"
{ cpio_of "$R.early"; cat "$R.main.gz"; } >"$R/boot/initrd.img-$REL"
doctor
expect_rc 0
out_line "warn  cannot inspect a compressed initramfs: /boot/initrd.img-$REL  (lsinitrd | grep earlybind)"
not_ok 1
end

begin broken_or_missing_initramfs_warns
healthy
cp "$R/boot/initrd.img-$REL" "$R.whole"
head -c 300 "$R.whole" >"$R/boot/initrd.img-$REL"
doctor
expect_rc 0
out_line "warn  /boot/initrd.img-$REL is not a cpio archive that can be read  (lsinitrd | grep earlybind; dracut -f rebuilds it)"
not_ok 1
rm "$R/boot/initrd.img-$REL"
doctor
expect_rc 0
out_line "warn  no initramfs for kernel $REL: neither /boot/initrd.img-$REL nor /boot/initramfs-$REL.img  (one elsewhere (a UKI, ostree)? lsinitrd | grep earlybind)"
not_ok 1
end

begin usage_errors_exit_2
healthy
doctor extra
expect_rc 2
doctor --frobnicate
expect_rc 2
"$CTL" doctor --help >"$R.out" || fail "doctor --help failed"
grep -qF 'ok|warn|fail  WHAT  (WHAT TO DO)' "$R.out" || fail "doctor --help: $(cat "$R.out")"
"$CTL" --help | grep -q '^  doctor ' || fail "earlybindctl --help does not list doctor"
end

summary
