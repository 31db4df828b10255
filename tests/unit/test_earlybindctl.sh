#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-or-later
#
# earlybindctl on fake roots: the machine of the design's example
# (tests/fixtures/x570.spec: Ryzen 9 5950X on an X570 board, a W6600 host
# GPU on the boot display, an RX 6800 XT for the guest, I211 and I225-V
# NICs, an NVMe disk holding /, /boot and /boot/efi), built by mkfakesys,
# with real filesystem images (tests/fixtures/mkdisks.sh) for libblkid, and
# real lspci to compare names with.
#
# Usage: test_earlybindctl.sh EARLYBINDCTL MKFAKESYS [LABEL]
set -u

CTL=$1
MKFAKESYS=$2
LABEL=${3:-}
here=$(cd "$(dirname "$0")/.." && pwd)
SPEC=$here/fixtures/x570.spec

# shellcheck source=tests/lib.sh
. "$(dirname "$0")/../lib.sh"

x570() {
	"$MKFAKESYS" "$R" "$SPEC" || fail "mkfakesys failed"
	bash "$here/fixtures/mkdisks.sh" "$R" || fail "mkdisks.sh failed"
}
ctl() {
	NO_COLOR=1 "$CTL" --root "$R" "$@" >"$R.out" 2>"$R.err"
	rc=$?
}
expect_rc() { [ "$rc" -eq "$1" ] || fail "exit status $rc, expected $1; stderr: $(cat "$R.err")"; }
out_has() { grep -qF -- "$1" "$R.out" || fail "stdout lacks '$1': $(cat "$R.out")"; }
err_has() { grep -qF -- "$1" "$R.err" || fail "stderr lacks '$1': $(cat "$R.err")"; }
M() { printf '%s/etc/earlybind.conf' "$R"; }
# entries: the manifest's entry lines as "driver address id", comments dropped.
entries() { sed -e 's/#.*//' "$(M)" | awk 'NF { print $1, $2, $3 }'; }
expect_entries() {
	local got
	got=$(entries)
	[ "$got" = "$1" ] || fail "manifest entries:
$got
expected:
$1"
}
json_ok() { python3 -c 'import json,sys; json.load(open(sys.argv[1]))' "$1" 2>/dev/null; }

begin design_example_walkthrough
x570
ctl add 0b:00.0
expect_rc 0
expect_entries "vfio-pci 0000:0b:00.0 1002:73bf
vfio-pci 0000:0b:00.1 1002:ab28
vfio-pci 0000:0b:00.2 1002:73a6
vfio-pci 0000:0b:00.3 1002:73a4"
out_has "0000:0b:00.1 [1002:ab28]"
out_has "(same card)"
ctl add 0b:00.2 --driver pci-stub
expect_rc 0
out_has "driver vfio-pci -> pci-stub"
ctl add 0b:00.3 --driver pci-stub
expect_rc 0
ctl add 05:00.0
expect_rc 0
expect_entries "vfio-pci 0000:0b:00.0 1002:73bf
vfio-pci 0000:0b:00.1 1002:ab28
pci-stub 0000:0b:00.2 1002:73a6
pci-stub 0000:0b:00.3 1002:73a4
vfio-pci 0000:05:00.0 8086:1539"
grep -q '^vfio-pci .*0000:05:00.0 .*# Intel Corporation I211 Gigabit Network Connection$' "$(M)" ||
	fail "no device-name comment on the I211 line: $(grep 05:00.0 "$(M)")"
ctl kargs
expect_rc 0
[ "$(cat "$R.out")" = "iommu=pt" ] || fail "kargs: '$(cat "$R.out")', expected 'iommu=pt'"
ctl kargs --mode ids
expect_rc 1
err_has "0000:0e:00.1 [1002:ab28]"
[ -s "$R.out" ] && fail "a refused kargs printed arguments: $(cat "$R.out")"
ctl kargs --mode ids --force
expect_rc 0
[ "$(cat "$R.out")" = "iommu=pt rd.driver.pre=vfio-pci vfio-pci.ids=1002:73bf,1002:ab28,8086:1539 pci-stub.ids=1002:73a6,1002:73a4" ] ||
	fail "kargs --mode ids --force: '$(cat "$R.out")'"
# The same card again: nothing changes, said so, exit 0.
cp "$(M)" "$R.before"
ctl add 0b:00.0
expect_rc 0
out_has "already claimed for vfio-pci"
cmp -s "$(M)" "$R.before" || fail "a no-op add changed the manifest"
end

begin boot_vga_is_refused_unless_forced
x570
ctl add 0e:00.0
expect_rc 1
err_has "0000:0e:00.0 [1002:73e3]"
err_has "boot VGA device"
[ -e "$(M)" ] && fail "a refused add wrote the manifest"
ctl add 0e:00.0 --force
expect_rc 0
expect_entries "vfio-pci 0000:0e:00.0 1002:73e3
vfio-pci 0000:0e:00.1 1002:ab28"
# A kernel before 6.0 is installed: vfio-pci leaves efifb on the GPU there.
mkdir -p "$R/lib/modules/5.15.0-91-generic"
ctl kargs
out_has "video=efifb:off"
out_has "initcall_blacklist=sysfb_init"
err_has "boot VGA"
err_has "claims 0000:0e:00.0 [1002:73e3] Advanced Micro Devices"
err_has "Navi 23 WKS-XL [Radeon PRO W6600], the boot VGA device"
end

begin sysfb_is_blacklisted_unless_no_installed_kernel_has_it
x570
ctl add 0e:00.0 --force
expect_rc 0
rel=$(cat "$R/proc/sys/kernel/osrelease")
mkdir -p "$R/boot"
# A kernel before 6.0 is installed: efifb must be turned off at all.
mkdir -p "$R/lib/modules/5.15.0-91-generic"
# Debian's place: a kernel built without sysfb.
printf 'CONFIG_X86=y\n# CONFIG_SYSFB is not set\n' >"$R/boot/config-$rel"
ctl kargs
expect_rc 0
[ "$(cat "$R.out")" = "iommu=pt video=efifb:off" ] || fail "kargs without sysfb: $(cat "$R.out")"
printf 'CONFIG_X86=y\nCONFIG_SYSFB=y\n' >"$R/boot/config-$rel"
ctl kargs
[ "$(cat "$R.out")" = "iommu=pt video=efifb:off initcall_blacklist=sysfb_init" ] ||
	fail "kargs with sysfb: $(cat "$R.out")"
# The arguments go to every installed kernel: one with sysfb keeps it.
printf '# CONFIG_SYSFB is not set\n' >"$R/boot/config-$rel"
mkdir -p "$R/lib/modules/6.12.9-amd64"
printf 'CONFIG_SYSFB=y\n' >"$R/lib/modules/6.12.9-amd64/config"
ctl kargs
out_has "initcall_blacklist=sysfb_init"
# Fedora's place is read too.
printf '# CONFIG_SYSFB is not set\n' >"$R/lib/modules/6.12.9-amd64/config"
ctl kargs
out_has "video=efifb:off"
grep -q sysfb "$R.out" && fail "/lib/modules/*/config was not read: $(cat "$R.out")"
rm -r "$R/lib/modules/6.12.9-amd64"
# Before 5.15 there was no CONFIG_SYSFB, and x86 always had sysfb_init.
printf 'CONFIG_X86=y\n' >"$R/boot/config-$rel"
ctl kargs
out_has "initcall_blacklist=sysfb_init"
end

begin boot_vga_needs_no_framebuffer_arguments_when_every_kernel_releases_it
x570
ctl add 0e:00.0 --force
expect_rc 0
# 6.1 (the fixture's kernel) and later: vfio-pci removes efifb itself.
mkdir -p "$R/lib/modules/6.12.9-amd64"
ctl kargs
expect_rc 0
[ "$(cat "$R.out")" = "iommu=pt" ] || fail "kargs: $(cat "$R.out")"
err_has "the boot VGA device"
end

begin system_disk_is_refused_even_with_force
x570
ctl add 01:00.0
expect_rc 1
err_has "holds"
err_has "on /"
ctl add 01:00.0 --force
expect_rc 1
[ -e "$(M)" ] && fail "a refused add wrote the manifest"
end

begin id_naming_two_functions_is_refused_with_the_list
x570
ctl add 1002:ab28
expect_rc 1
err_has "2 functions have the id 1002:ab28"
err_has "0000:0b:00.1"
err_has "0000:0e:00.1"
ctl add 1002:73bf
expect_rc 0
out_has "0000:0b:00.0"
end

begin chipset_function_is_refused
x570
ctl add 00:14.0 --force
expect_rc 1
err_has "chipset function"
end

begin group_shared_with_the_chipset_is_refused_unless_forced
"$MKFAKESYS" "$R" "$here/fixtures/chipset-group.spec" || fail "mkfakesys failed"
ctl add 01:00.0
expect_rc 1
err_has "refusing 0000:01:00.0 [10de:2484]"
err_has "GA104"
err_has "its IOMMU group 0 also holds functions that cannot be handed to a guest"
# Every chipset member, by address and name; not the card's own functions.
err_has "  0000:00:00.0 [8086:4668] Intel Corporation 12th Gen Core Processor Host Bridge/DRAM Registers"
err_has "  0000:00:1f.0 [8086:7a84] Intel Corporation Z690 Chipset LPC/eSPI Controller"
err_has "  0000:00:1f.4 [8086:7aa3] Intel Corporation Alder Lake-S PCH SMBus Controller"
err_has "--force"
grep -q "cannot be passed through" "$R.err" && fail "blamed the wrong function: $(cat "$R.err")"
grep -q "^  0000:00:01.0" "$R.err" && fail "named the root port (pcieport lets go): $(cat "$R.err")"
[ -e "$(M)" ] && fail "a refused add wrote the manifest"
ctl add 01:00.0 --force
expect_rc 0
expect_entries "vfio-pci 0000:01:00.0 10de:2484
vfio-pci 0000:01:00.1 10de:228b"
err_has "warning: IOMMU group 0 of 0000:01:00.0 [10de:2484]"
err_has "is not viable for a guest"
err_has "  0000:00:1f.4 [8086:7aa3] Intel Corporation Alder Lake-S PCH SMBus Controller"
# The same from the audio function: its card comes along, the chipset does not.
ctl remove --all
ctl add 01:00.1 --force
expect_rc 0
expect_entries "vfio-pci 0000:01:00.0 10de:2484
vfio-pci 0000:01:00.1 10de:228b"
ctl add 00:1f.4 --force
expect_rc 1
err_has "0000:00:1f.4 [8086:7aa3] Intel Corporation Alder Lake-S PCH SMBus Controller: a chipset function"
end

begin group_members_are_claimed_and_only_is_checked
x570
ctl add 07:00.1 --only
expect_rc 1
err_has "also holds 0000:07:00.3"
[ -e "$(M)" ] && fail "a refused add wrote the manifest"
ctl add 07:00.1
expect_rc 0
expect_entries "vfio-pci 0000:07:00.0 1022:1485
vfio-pci 0000:07:00.1 1022:149c
vfio-pci 0000:07:00.3 1022:149c"
entries | grep -q 0000:03:08.0 && fail "the group's bridge was claimed"
end

# A function on a vfio variant driver (mlx5_vfio_pci) already belongs to
# VFIO: it keeps no group from a guest, so add --only, doctor, list's
# verdict and kargs give one answer (tests/fixtures/vfio-variant-group.spec).
begin vfio_variant_sibling_leaves_the_group_viable_for_add_doctor_list_and_kargs
"$MKFAKESYS" "$R" "$here/fixtures/vfio-variant-group.spec" || fail "mkfakesys failed"
mkdir -p "$R/etc"
echo "vfio-pci 0000:03:00.0 15b3:101d" >"$(M)"
ctl doctor
grep -qxF "ok    no IOMMU group of a claimed function has a member on a host driver" "$R.out" ||
	fail "doctor: $(grep 'IOMMU group' "$R.out")"
ctl list
expect_rc 0
for a in 03:00.0 03:00.1; do
	grep -A1 "^  0000:$a " "$R.out" | grep -q '; passable$' ||
		fail "list's verdict on $a: $(grep -A1 "^  0000:$a " "$R.out")"
done
ctl kargs
expect_rc 0
[ "$(cat "$R.out")" = "intel_iommu=on iommu=pt" ] || fail "kargs: '$(cat "$R.out")'"
rm "$(M)"
ctl add 03:00.0 --only
expect_rc 0
expect_entries "vfio-pci 0000:03:00.0 15b3:101d"
end

# A bridge is the host's, on the driver it has: pcieport gives up DMA
# ownership, shpchp (here on QEMU's pci-bridge, which shares a group with
# the conventional PCI card behind it) does not, and then no guest can
# have the group.  list's verdict, add and doctor say so alike.
begin bridge_on_a_driver_that_keeps_dma_ownership_makes_its_group_unviable
"$MKFAKESYS" "$R" - <<-'EOF' || fail "mkfakesys failed"
	cmdline BOOT_IMAGE=/vmlinuz-6.8.0-45-generic root=UUID=1 ro intel_iommu=on
	cpu GenuineIntel 6:143 Intel(R) Xeon(R) Gold 6430
	modules 6.8.0-45-generic
	fn 0000:00:00.0 8086:29c0 sub=1af4:1100 class=060000 group=0
	fn 0000:00:03.0 1b36:0001 class=060400 driver=shpchp group=3 bridge secondary=01
	fn 0000:01:01.0 8086:100e sub=1af4:1100 class=020000 driver=e1000 group=3 parent=0000:00:03.0
	EOF
ctl list
grep -A1 '^  0000:01:01.0 ' "$R.out" | grep -qF 'its IOMMU group 3 also holds 0000:00:03.0 (PCI bridge)' ||
	fail "list's verdict: $(grep -A1 '^  0000:01:01.0 ' "$R.out")"
ctl add 01:01.0
expect_rc 1
err_has "0000:00:03.0 [1b36:0001] Red Hat, Inc. QEMU PCI-PCI bridge (a bridge the host keeps on shpchp, which does not give up DMA ownership)"
[ -e "$(M)" ] && fail "a refused add wrote the manifest"
mkdir -p "$R/etc"
echo "vfio-pci 0000:01:01.0 8086:100e" >"$(M)"
ctl doctor
out_has "fail  IOMMU group 3 of 0000:01:01.0 is not viable: 0000:00:03.0 [1b36:0001] Red Hat, Inc. QEMU PCI-PCI bridge is on shpchp"
end

# --driver takes only what the manifest parser reads back as that driver:
# a newline or a vertical tab would write lines of its own (here one that
# claims the NVMe at 01:00.0, which holds /), other bytes a line skipped.
begin add_refuses_a_driver_name_the_parser_would_not_read
x570
ctl add 05:00.0 --driver vfio.pci
expect_rc 2
[ -e "$(M)" ] && fail "a refused add created the manifest"
ctl add 0b:00.0
expect_rc 0
cp "$(M)" "$R.before"
long=aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa
for drv in $'vfio-pci\v0000:01:00.0\v144d:a80a\nvfio-pci' $'vfio-pci\n0000:01:00.0' \
	$'vfio\rpci' $'vfio\fpci' $'vfio\tpci' $'vfio\x1b[2Jpci' 'vfio pci' vfio.pci vfio/pci \
	'#' 'vfio#pci' '*' -vfio '' $'vfi\xc3\xb6' "$long"; do
	# A new line (05:00.0) and a changed one (0b:00.2, already listed).
	for dev in 05:00.0 0b:00.2; do
		ctl add "$dev" --driver "$drv"
		expect_rc 2
		err_has "is not a driver name"
		grep -q $'[\x01-\x1f]' "$R.err" && fail "stderr holds a control byte: $(cat -A "$R.err")"
		cmp -s "$(M)" "$R.before" || fail "--driver $(printf %q "$drv") changed the manifest"
	done
done
ctl add 05:00.0 --driver "${long%a}"
expect_rc 0
entries | grep -qx "${long%a} 0000:05:00.0 8086:1539" || fail "a 55-character name was refused"
end

# The manifest is written in the root, never through a link that leaves it;
# a link that stays inside is followed.
begin manifest_written_only_inside_the_root
x570
mkdir -p "$TMP/outside"
mv "$R/etc" "$R/etc.real"
ln -s "$TMP/outside" "$R/etc"
ctl add 05:00.0
expect_rc 1
err_has "a symbolic link on the way leads out of the root"
expect_eq_ls=$(ls -A "$TMP/outside")
[ -z "$expect_eq_ls" ] || fail "add wrote outside the root: $expect_eq_ls"
rm "$R/etc"
mv "$R/etc.real" "$R/etc"
mkdir -p "$R/srv"
ln -s ../srv/earlybind.conf "$R/etc/earlybind.conf"
ctl add 05:00.0
expect_rc 0
[ -L "$R/etc/earlybind.conf" ] || fail "add replaced the admin's symlink"
grep -q '^vfio-pci *0000:05:00.0' "$R/srv/earlybind.conf" || fail "the link's target lacks the line"
ln -sf "$TMP/outside/earlybind.conf" "$R/etc/earlybind.conf"
ctl remove 05:00.0
expect_rc 1
[ -e "$TMP/outside/earlybind.conf" ] && fail "remove wrote outside the root"
end

# A FIFO as the manifest is refused, never waited on (timeout: a wait fails).
begin fifo_manifest_is_refused_by_every_command_without_waiting
x570
mkfifo "$(M)"
for cmd in "add 05:00.0" "remove 05:00.0" "remove --all" list "show 05:00.0" kargs status \
	doctor "apply --dry-run"; do
	# shellcheck disable=SC2086 # a command and its arguments
	NO_COLOR=1 timeout 5 "$CTL" --root "$R" $cmd >"$R.out" 2>"$R.err"
	rc=$?
	[ "$rc" -eq 124 ] && fail "$cmd waited on the FIFO (killed after 5 s)"
	expect_rc 1
	err_has "$(M): not a regular file (a FIFO, a device or a socket)"
done
[ -p "$(M)" ] || fail "the FIFO was replaced"
end

# The editor never rewrites a manifest with a NUL byte (it would cut the line).
begin manifest_with_a_nul_byte_is_refused_with_its_line_and_never_rewritten
x570
mkdir -p "$R/etc"
printf '# mine\nvfio-pci 0000:0b:00.0 1002:73bf  # GPU\0 keep this\nvfio-pci 0000:0b:00.1 1002:ab28\n' >"$(M)"
cp "$(M)" "$R.before"
for cmd in "add 05:00.0" "remove 0b:00.1" "remove --all" "add 0b:00.1 --driver pci-stub"; do
	# shellcheck disable=SC2086 # a command and its arguments
	ctl $cmd
	expect_rc 1
	err_has "/etc/earlybind.conf:2: contains a NUL byte"
	cmp -s "$(M)" "$R.before" || fail "$cmd rewrote the manifest"
done
end

begin hand_edited_manifest_keeps_comments_through_add_and_remove
x570
mkdir -p "$R/etc"
cat >"$(M)" <<-'EOF2'
# my GPU, for the Windows guest
vfio-pci   0000:0b:00.0   1002:73bf    # keep this comment

# the NIC
vfio-pci   0000:05:00.0   8086:1539   optional
EOF2
cp "$(M)" "$R.orig"
ctl add 06:00.0
expect_rc 0
head -n 5 "$(M)" | cmp -s - "$R.orig" || fail "add changed existing lines: $(diff "$R.orig" "$(M)")"
[ "$(wc -l <"$(M)")" -eq 6 ] || fail "add did not append one line: $(cat "$(M)")"
ctl remove 06:00.0
expect_rc 0
cmp -s "$(M)" "$R.orig" || fail "add then remove is not the original: $(diff "$R.orig" "$(M)")"
ctl add 0b:00.0 --driver pci-stub
grep -qx 'pci-stub   0000:0b:00.0   1002:73bf    # keep this comment' "$(M)" ||
	fail "driver change did not keep the line's layout: $(grep 0b:00.0 "$(M)")"
ctl remove 8086:1539
expect_rc 0
grep -q 05:00.0 "$(M)" && fail "remove by id left the line"
grep -q '^# the NIC$' "$(M)" || fail "remove lost a comment"
ctl remove --all
expect_rc 0
[ -z "$(entries)" ] || fail "remove --all left entries: $(entries)"
grep -q '^# my GPU' "$(M)" || fail "remove --all lost the comments"
end

begin a_crash_before_rename_leaves_the_old_manifest
x570
if command -v strace >/dev/null; then
	mkdir -p "$R/etc"
	printf 'vfio-pci 0000:05:00.0 8086:1539\n' >"$(M)"
	cp "$(M)" "$R.orig"
	# rename(2) or renameat(2): atomic_file_write_at renames within a directory fd.
	{ NO_COLOR=1 strace -f -qq -o /dev/null -e trace=rename,renameat,renameat2 \
		-e inject=rename,renameat,renameat2:signal=KILL \
		"$CTL" --root "$R" add 0b:00.0 >/dev/null 2>&1; } 2>/dev/null
	cmp -s "$(M)" "$R.orig" || fail "the manifest changed although rename never ran"
	# The killed run's temporary file stays, as after a real crash.
	rm -f "$R"/etc/.earlybind.conf.earlybind-tmp.??????
	NO_COLOR=1 strace -f -qq -o /dev/null -e trace=rename,renameat,renameat2 \
		-e inject=rename,renameat,renameat2:error=EIO \
		"$CTL" --root "$R" add 0b:00.0 >"$R.out" 2>"$R.err"
	rc=$?
	expect_rc 1
	err_has "the manifest is unchanged"
	cmp -s "$(M)" "$R.orig" || fail "the manifest changed after a failed rename"
	if compgen -G "$R/etc/.earlybind.conf.earlybind-tmp.*" >/dev/null; then
		fail "a failed save left a temporary file: $(echo "$R"/etc/.earlybind.conf.*)"
	fi
	ctl add 0b:00.0
	expect_rc 0
	[ "$(stat -c %a "$(M)")" = 644 ] || fail "manifest mode $(stat -c %a "$(M)")"
else
	fail "strace is missing (scripts/deps check installs it)"
fi
end

# Each function's verdict names the first other member of its group (in
# address order) that keeps the group: a keeper names the next one, not
# itself; a function alone in its group, or in none, is passable.
begin list_names_the_first_other_keeper_of_each_group
"$MKFAKESYS" "$R" - <<-'EOF' || fail "mkfakesys failed"
	cmdline BOOT_IMAGE=/vmlinuz-6.8.0-45-generic root=UUID=1 ro intel_iommu=on
	modules 6.8.0-45-generic
	fn 0000:00:00.0 8086:4668 class=060000 group=0
	fn 0000:00:14.0 8086:7ae0 class=0c0330 driver=xhci_hcd group=0
	fn 0000:00:1f.0 8086:7a84 class=060100 group=0
	fn 0000:00:1f.4 8086:7aa3 class=0c0500 driver=i801_smbus group=0
	fn 0000:00:1f.6 8086:1a1c class=020000 driver=e1000e group=1
	fn 0000:00:1f.7 8086:1a1c class=020000 driver=e1000e
	EOF
ctl list
expect_rc 0
verdict() { grep -A1 "^  $1 " "$R.out" | sed -n 2p; }
for want in "0000:00:00.0 0000:00:1f.0 (ISA bridge)" "0000:00:14.0 0000:00:00.0 (Host bridge)" \
	"0000:00:1f.0 0000:00:00.0 (Host bridge)" "0000:00:1f.4 0000:00:00.0 (Host bridge)"; do
	read -r fn with what <<<"$want"
	verdict "$fn" | grep -qF "its IOMMU group 0 also holds $with $what" ||
		fail "$fn: $(verdict "$fn"), expected group 0 to name $with"
done
verdict 0000:00:1f.6 | grep -qF "passable" || fail "0000:00:1f.6: $(verdict 0000:00:1f.6)"
verdict 0000:00:1f.7 | grep -q "also holds" && fail "0000:00:1f.7: $(verdict 0000:00:1f.7)"
end

# A function no line names by address is taken by the first '*' line, in
# the file's order, whose id takes it, whatever other ids lie between.
begin list_takes_a_function_by_the_first_star_line_whose_id_matches
x570
cat >"$(M)" <<-'EOF'
	vfio-pci * 8086:15f3:1458:ffff
	pci-stub * 8086:1539
	vfio-pci * 1002:ab28
	vfio-pci * 8086:1539:1458:e000
	vfio-pci * 8086:15f3
	EOF
ctl list
expect_rc 0
grep -A1 '^  0000:05:00.0 ' "$R.out" | grep -qF 'manifest: pci-stub (/etc/earlybind.conf:2)' ||
	fail "0000:05:00.0: $(grep -A1 '^  0000:05:00.0 ' "$R.out")"
grep -A1 '^  0000:06:00.0 ' "$R.out" | grep -qF 'manifest: vfio-pci (/etc/earlybind.conf:5)' ||
	fail "0000:06:00.0: $(grep -A1 '^  0000:06:00.0 ' "$R.out")"
end

begin list_names_agree_with_lspci
x570
ctl list
expect_rc 0
if command -v lspci >/dev/null; then
	lspci -A linux-sysfs -O "sysfs.path=$R/sys/bus/pci" -D -nn 2>/dev/null | sort >"$R.lspci"
	grep -E '^  [0-9a-f]{4}:' "$R.out" | sed 's/^  //' | sort >"$R.ours"
	[ "$(wc -l <"$R.lspci")" -gt 40 ] || fail "lspci saw $(wc -l <"$R.lspci") functions"
	diff "$R.lspci" "$R.ours" >"$R.diff" || fail "list and lspci -Dnn differ: $(cat "$R.diff")"
else
	fail "lspci is missing (scripts/deps check installs pciutils)"
fi
out_has "IOMMU group 27"
grep -A1 '^  0000:0e:00.0' "$R.out" | grep -q 'boot VGA' || fail "0e:00.0 is not shown as boot VGA"
grep -A1 '^  0000:01:00.0' "$R.out" | grep -q 'holds nvme0n1p1 on /boot/efi' ||
	fail "the NVMe does not say what it holds: $(grep -A1 '^  0000:01:00.0' "$R.out")"
grep -A1 '^  0000:0b:00.0' "$R.out" | grep -q 'passable' || fail "0b:00.0 is not passable"
grep -A1 '^  0000:00:14.3' "$R.out" | grep -q 'chipset' || fail "the ISA bridge is not a chipset function"
# The subsystem, on its own line under the function's two.
grep -A2 '^  0000:0b:00.0' "$R.out" | tail -n 1 |
	grep -qxF '      subsystem Sapphire Technology Limited NITRO+ Radeon RX 6800 XT [1da2:438e]' ||
	fail "no subsystem line for 0b:00.0: $(grep -A2 '^  0000:0b:00.0' "$R.out")"
end

begin list_json_parses_and_says_the_same
x570
ctl add 0b:00.0
ctl list --json
expect_rc 0
if json_ok "$R.out"; then
	python3 - "$R.out" <<-'PY' || fail "JSON content: $(cat "$R.err.py" 2>/dev/null)"
	import json, sys
	doc = json.load(open(sys.argv[1]))
	fns = {f["address"]: f for g in doc["groups"] for f in g["functions"]}
	assert doc["iommu"] is True
	gpu = fns["0000:0b:00.0"]
	assert gpu["id"] == "1002:73bf" and gpu["driver"] == "amdgpu", gpu
	assert gpu["iommu_group"] == 27 and gpu["passable"] is True, gpu
	assert gpu["manifest"] == {"driver": "vfio-pci", "line": 6, "id_matches": True}, gpu
	assert fns["0000:0e:00.0"]["boot_vga"] is True
	assert fns["0000:0e:00.0"]["passable"] is False
	nvme = fns["0000:01:00.0"]
	assert any("on /" in r for r in nvme["reasons"]), nvme
	assert fns["0000:00:14.0"]["manifest"] is None
	PY
else
	fail "list --json is not JSON: $(head -c 300 "$R.out")"
fi
ctl show 01:00.0 --json
expect_rc 0
if json_ok "$R.out"; then
	python3 - "$R.out" <<-'PY' || fail "show --json content"
	import json, sys
	d = json.load(open(sys.argv[1]))
	by = {b["name"]: b for b in d["block_devices"]}
	assert by["nvme0n1p3"]["uuid"] == "9d1c2b3a-4e5f-4a6b-8c7d-0e1f2a3b4c5d", by
	assert by["nvme0n1p3"]["type"] == "ext4" and by["nvme0n1p3"]["label"] == "root"
	assert by["nvme0n1p1"]["type"] == "vfat"
	assert by["nvme0n1p3"]["system"] is True
	assert d["group_members"] == ["0000:01:00.0"], d["group_members"]
	PY
else
	fail "show --json is not JSON: $(head -c 300 "$R.out")"
fi
end

begin show_tells_storage_and_group
x570
ctl show 01:00.0
expect_rc 0
out_has "Storage:      nvme0n1p3 ext4 LABEL=root UUID=9d1c2b3a-4e5f-4a6b-8c7d-0e1f2a3b4c5d on /"
out_has "Reset:        flr bus"
ctl show 0e:00.1
out_has "IOMMU group:  33: 0000:0e:00.0 0000:0e:00.1"
out_has "its IOMMU group 33 also holds 0000:0e:00.0"
ctl show 09:00.0
out_has "a bridge"
ctl show 1002:ab28
expect_rc 1
ctl show 0000:42:00.0
expect_rc 1
err_has "no PCI function at 0000:42:00.0"
end

begin show_names_the_host_driver_or_none
x570
rel=$(cat "$R/proc/sys/kernel/osrelease")
ko=$R/lib/modules/$rel/kernel/drivers/gpu/drm/amd/amdgpu/amdgpu.ko
mkdir -p "${ko%/*}"
# A module file depmod takes: an object whose .modinfo has amdgpu's alias for the 6800 XT.
printf '%s\n' '__attribute__((section(".modinfo"), used))' \
	'static const char modinfo[] = "name=amdgpu\0license=GPL\0alias=pci:v00001002d000073BFsv*sd*bc*sc*i*";' |
	"${CC:-cc}" -x c -c -o "$ko" - || fail "cannot compile the fake amdgpu.ko"
depmod -b "$R" "$rel" 2>"$R.depmod" || fail "depmod: $(cat "$R.depmod")"
ctl show 0b:00.0
expect_rc 0
out_has "Host driver:  amdgpu (module)"
ctl show 0b:00.0 --json
python3 -c 'import json,sys; d=json.load(open(sys.argv[1])); assert d["would_claim"] == "amdgpu (module)", d["would_claim"]' "$R.out" ||
	fail "show --json would_claim: $(cat "$R.out")"
ctl show 05:00.0
expect_rc 0
out_has "Host driver:  none"
end

# stubapply ARGS...: earlybindctl apply with the recording stand-ins of
# tests/stubs first on PATH (no real dracut, grubby or rpm-ostree runs).
STUBS=$here/stubs
stubapply() {
	mkdir -p "$R.state"
	PATH=$STUBS:$PATH EB_STUB_STATE=$R.state NO_COLOR=1 "$CTL" --root "$R" apply "$@" \
		>"$R.out" 2>"$R.err"
	rc=$?
}

begin status_says_what_waits_for_a_reboot
x570
ctl status
expect_rc 0
ctl add 0b:00.0
ctl status
expect_rc 3
# apply never ran: the manifest is not in any initramfs yet.
grep -qE "^wait +0000:0b:00\.0 +vfio-pci +on amdgpu; waits for 'earlybindctl apply'\$" "$R.out" ||
	fail "status before apply: $(cat "$R.out")"
# Each entry is named as lspci -nn names it, on the line under it.
grep -A1 -E '^wait +0000:0b:00\.0 ' "$R.out" | tail -n 1 |
	grep -qE '^ +VGA compatible controller \[0300\]: .*Navi 21.* \[1002:73bf\]' ||
	fail "status does not name 0b:00.0: $(cat "$R.out")"
out_has "iommu=pt is on the running kernel's command line"
stubapply --bootloader kernel-cmdline
expect_rc 0
ctl status
expect_rc 3
grep -qE '^wait +0000:0b:00\.0 +vfio-pci +on amdgpu; waits for a reboot$' "$R.out" ||
	fail "status after apply: $(cat "$R.out")"
grep -q "earlybindctl apply" "$R.out" && fail "status after apply still asks for one: $(cat "$R.out")"
ctl status --json
expect_rc 3
python3 - "$R.out" <<-'PY' || fail "status --json after apply: $(cat "$R.out")"
import json, sys
d = json.load(open(sys.argv[1]))
e = {x["address"]: x for x in d["entries"]}
assert d["mode"] == "address" and d["manifest_applied"] is True, d
assert "Navi 21" in e["0000:0b:00.0"]["name"], e
assert e["0000:0b:00.0"]["state"] == "on amdgpu; waits for a reboot", e
PY
# A change after the apply: the initramfs has the old manifest.
ctl add 05:00.0
ctl status
expect_rc 3
grep -qE "^wait +0000:05:00\.0 +vfio-pci +on igb; waits for 'earlybindctl apply'\$" "$R.out" ||
	fail "status after a change: $(cat "$R.out")"
ctl remove 05:00.0
# After the reboot: the functions on their drivers.
echo "driver vfio-pci" | "$MKFAKESYS" "$R" - || fail "mkfakesys"
for f in 0b:00.0 0b:00.1 0b:00.2 0b:00.3; do
	# Relative, as the kernel makes it (libpci does not follow absolute ones).
	d=$(readlink -f "$R/sys/bus/pci/devices/0000:$f")
	ln -sfn "$(realpath --relative-to="$d" "$R/sys/bus/pci/drivers/vfio-pci")" "$d/driver"
done
ctl status --json
expect_rc 0
json_ok "$R.out" || fail "status --json is not JSON"
grep -q '"pending":false' "$R.out" || fail "status --json: $(cat "$R.out")"
printf 'vfio-pci 0000:0b:00.0 1002:zzzz\n' >>"$(M)"
ctl status
expect_rc 1
err_has "/etc/earlybind.conf:10: invalid id '1002:zzzz'"
end

begin status_uses_the_mode_apply_used
x570
ctl add 05:00.0
stubapply --bootloader kernel-cmdline --mode ids
expect_rc 0
grep -q 'vfio-pci.ids=8086:1539' "$R/etc/kernel/cmdline" || fail "apply --mode ids: $(cat "$R/etc/kernel/cmdline" "$R.err")"
ctl status
expect_rc 3
# The id list apply added, not yet booted: a reboot, not another apply.
out_has "vfio-pci.ids=8086:1539 is not on the running kernel's command line; waits for a reboot"
out_has "rd.driver.pre=vfio-pci is not on the running kernel's command line; waits for a reboot"
grep -qE '^wait +0000:05:00\.0 +vfio-pci +on igb; waits for a reboot$' "$R.out" ||
	fail "status: $(cat "$R.out")"
# Booted with them: everything in effect, although the address-mode
# default would have nothing more to ask.
sed -i 's/$/ rd.driver.pre=vfio-pci vfio-pci.ids=8086:1539/' "$R/proc/cmdline"
echo "driver vfio-pci" | "$MKFAKESYS" "$R" - || fail "mkfakesys"
d=$(readlink -f "$R/sys/bus/pci/devices/0000:05:00.0")
ln -sfn "$(realpath --relative-to="$d" "$R/sys/bus/pci/drivers/vfio-pci")" "$d/driver"
ctl status
expect_rc 0
# --mode still decides when given.
sed -i 's/ vfio-pci.ids=8086:1539//' "$R/proc/cmdline"
ctl status --mode address
expect_rc 0
ctl status
expect_rc 3
end

begin a_bad_manifest_line_stops_kargs_and_apply
x570
mkdir -p "$R/etc"
printf 'vfio-pci 0000:05:00.0 8086:1539\nvfio-pci 0000:0b:00.0 1002:73bf bogus\n' >"$(M)"
ctl kargs --mode ids
expect_rc 1
err_has "/etc/earlybind.conf:2: "
err_has "bogus"
err_has "fix it with 'earlybindctl remove' and 'add', or an editor"
[ -s "$R.out" ] && fail "kargs printed arguments for half a manifest: $(cat "$R.out")"
ctl kargs
expect_rc 1
stubapply --bootloader kernel-cmdline
expect_rc 1
err_has "/etc/earlybind.conf:2: "
[ -s "$R.state/log" ] && fail "apply ran commands: $(cat "$R.state/log")"
[ -e "$R/etc/kernel/cmdline" ] && fail "apply wrote /etc/kernel/cmdline: $(cat "$R/etc/kernel/cmdline")"
[ -e "$R/etc/earlybind.d/applied" ] && fail "apply wrote its record"
# Fixed: both go on.
sed -i 's/ bogus$//' "$(M)"
ctl kargs --mode ids
expect_rc 0
out_has "vfio-pci.ids=8086:1539,1002:73bf"
end

# long_link FUNCTION LINK: the function's LINK replaced by one of over 2 KiB
# that leads to the same place ("././...": the kernel never makes such a link).
long_link() {
	local d t
	d=$(readlink -f "$R/sys/bus/pci/devices/$1")
	t=$(readlink "$d/$2") || { fail "$1 has no $2 link"; return; }
	ln -sfn "$(printf './%.0s' $(seq 1024))$t" "$d/$2" || fail "cannot make a long $2 link"
}
begin every_command_survives_a_2kib_driver_link
x570
long_link 0000:05:00.0 driver
long_link 0000:0b:00.0 iommu_group
[ "$(readlink "$R/sys/bus/pci/devices/0000:05:00.0/driver" | wc -c)" -gt 2048 ] ||
	fail "the driver link is not over 2 KiB"
# libpci 3.9's pci_fill_info() aborts on these; each command reads them itself.
for cmd in list "list --json" "show 05:00.0" "show 0b:00.0 --json" status doctor \
	"add 05:00.0" kargs; do
	# shellcheck disable=SC2086 # the command and its options
	ctl $cmd
	[ "$rc" -le 1 ] || fail "$cmd: exit status $rc: $(head -c 300 "$R.err")"
	grep -q "buffer overflow" "$R.err" && fail "$cmd: $(cat "$R.err")"
	case $cmd in
	doctor) ;; # fails here for what the fake root lacks (no vfio-pci module)
	*) expect_rc 0 ;;
	esac
	case $cmd in
	*--json) json_ok "$R.out" || fail "$cmd is not JSON: $(head -c 300 "$R.out")" ;;
	esac
	case $cmd in
	"show 05:00.0") out_has "Driver:       igb" ;;
	"show 0b:00.0 --json")
		python3 -c 'import json,sys; assert json.load(open(sys.argv[1]))["iommu_group"] == 27' \
			"$R.out" || fail "the long iommu_group link: $(cat "$R.out")" ;;
	esac
done
ctl list
grep -A1 '^  0000:05:00.0' "$R.out" | grep -q 'driver igb' ||
	fail "list: $(grep -A1 '^  0000:05:00.0' "$R.out")"
end

# system_refused N ADDR WHAT REMOVE: the last command exited 1, naming line N
# of the manifest, the function ADDR, WHAT it holds and the remove command.
system_refused() {
	expect_rc 1
	err_has "/etc/earlybind.conf:$1: "
	err_has "$2 ["
	err_has ", which holds "
	err_has "$3"
	err_has "earlybindctl remove $4"
}

begin hand_written_system_disk_line_is_refused_by_kargs_apply_and_status
x570
mkdir -p "$R/etc"
# However it got there: by hand, injected through another command, or a disk that moved.
printf '# the guest NIC\nvfio-pci 0000:05:00.0 8086:1539\nvfio-pci 0000:01:00.0 144d:a80a\n' >"$(M)"
ctl kargs
system_refused 3 0000:01:00.0 "nvme0n1p1 on /boot/efi, nvme0n1p2 on /boot, nvme0n1p3 on /, nvme0n1p4 on [SWAP]" 0000:01:00.0
[ -s "$R.out" ] && fail "kargs printed arguments: $(cat "$R.out")"
ctl kargs --mode ids --force
system_refused 3 0000:01:00.0 "nvme0n1p1 on /boot/efi" 0000:01:00.0
stubapply --bootloader kernel-cmdline --dry-run
system_refused 3 0000:01:00.0 "nvme0n1p3 on /" 0000:01:00.0
stubapply --bootloader kernel-cmdline
system_refused 3 0000:01:00.0 "nvme0n1p3 on /" 0000:01:00.0
[ -s "$R.state/log" ] && fail "apply ran commands: $(cat "$R.state/log")"
[ -e "$R/etc/kernel/cmdline" ] && fail "apply wrote /etc/kernel/cmdline"
[ -e "$R/etc/earlybind.d/applied" ] && fail "apply wrote its record"
ctl status
system_refused 3 0000:01:00.0 "nvme0n1p3 on /" 0000:01:00.0
out_has "1 line in /etc/earlybind.conf would take the system's disk"
ctl status --json
system_refused 3 0000:01:00.0 "nvme0n1p3 on /" 0000:01:00.0
json_ok "$R.out" || fail "status --json is not JSON: $(cat "$R.out")"
# A '*' line takes every function with its id: the NVMe too.
printf 'vfio-pci * 144d:a80a\n' >"$(M)"
ctl kargs
system_refused 1 0000:01:00.0 "nvme0n1p3 on /" 144d:a80a
err_has "every function with the id 144d:a80a"
ctl status
system_refused 1 0000:01:00.0 "nvme0n1p3 on /" 144d:a80a
# A line whose id is not the NVMe's takes nothing there: not refused.
printf 'vfio-pci 0000:01:00.0 8086:1539\nvfio-pci * 8086:1539\n' >"$(M)"
ctl kargs
expect_rc 0
# Dropped as the message says: kargs goes on.
printf 'vfio-pci 0000:05:00.0 8086:1539\nvfio-pci 0000:01:00.0 144d:a80a\n' >"$(M)"
ctl remove 0000:01:00.0
expect_rc 0
ctl kargs
expect_rc 0
end

begin efi_or_swap_controller_line_is_refused
# The chipset's SATA disk holds only /boot/efi, then only swap.
sed 's|^mount 259:1 /boot/efi vfat /dev/nvme0n1p1$|mount 8:1 /boot/efi vfat /dev/sda1|' "$SPEC" |
	"$MKFAKESYS" "$R" - || fail "mkfakesys failed"
grep -q ' /boot/efi .* /dev/sda1 ' "$R/proc/self/mountinfo" || fail "the fixture did not move /boot/efi"
mkdir -p "$R/etc"
printf 'vfio-pci 0000:08:00.0 1022:7901\n' >"$(M)"
ctl kargs
system_refused 1 0000:08:00.0 "sda1 on /boot/efi" 0000:08:00.0
ctl status
system_refused 1 0000:08:00.0 "sda1 on /boot/efi" 0000:08:00.0
rm -rf "$R"
sed 's|^swap /dev/nvme0n1p4 |swap /dev/sda1 |' "$SPEC" | "$MKFAKESYS" "$R" - || fail "mkfakesys failed"
grep -q '^/dev/sda1 ' "$R/proc/swaps" || fail "the fixture did not move swap: $(cat "$R/proc/swaps")"
mkdir -p "$R/etc"
printf 'vfio-pci 0000:08:00.0 1022:7901\n' >"$(M)"
ctl kargs
system_refused 1 0000:08:00.0 "sda1 on [SWAP]" 0000:08:00.0
stubapply --bootloader kernel-cmdline --dry-run
system_refused 1 0000:08:00.0 "sda1 on [SWAP]" 0000:08:00.0
# Swap off: the disk is the host's no longer, and the line is fine.
sed -i '2,$d' "$R/proc/swaps"
ctl kargs
expect_rc 0
end

begin id_list_that_would_take_the_system_disk_is_refused_even_with_force
# A second 980 PRO in the empty M2B slot, for the guest: the same id as the system disk.
sed 's|^# Bus 04: the empty M2B slot.$|fn 0000:04:00.0 144d:a80a sub=144d:a801 class=010802 driver=nvme group=39 pcie parent=0000:03:01.0|' \
	"$SPEC" | "$MKFAKESYS" "$R" - || fail "mkfakesys failed"
mkdir -p "$R/etc"
printf 'vfio-pci 0000:04:00.0 144d:a80a\n' >"$(M)"
# By address only the guest's disk is taken.
ctl kargs
expect_rc 0
ctl kargs --mode ids --force
expect_rc 1
err_has "/etc/earlybind.conf:1: has the id 144d:a80a"
err_has "would also take 0000:01:00.0 ["
err_has "which holds nvme0n1p1 on /boot/efi"
err_has "use --mode address"
[ -s "$R.out" ] && fail "kargs printed arguments: $(cat "$R.out")"
stubapply --bootloader kernel-cmdline --mode ids --force
expect_rc 1
err_has "/etc/earlybind.conf:1: has the id 144d:a80a"
[ -s "$R.state/log" ] && fail "apply ran commands: $(cat "$R.state/log")"
ctl status --mode ids
expect_rc 1
err_has "/etc/earlybind.conf:1: has the id 144d:a80a"
end

# pty OUT ARGS...: earlybindctl ARGS on a terminal (script(1)'s pty), all it
# writes (stdout and stderr) in OUT; rc its exit status.  The root is
# PTY_ROOT when set, else R.
pty() {
	local out=$1 cmd
	shift
	cmd=$(printf '%q ' "$CTL" --root "${PTY_ROOT:-$R}" "$@")
	# script(1) runs the command with $SHELL; %q's $'...' is bash's, and
	# CI's SHELL may be /bin/sh.
	SHELL=$BASH script -qec "$cmd" /dev/null >"$out" 2>&1
	rc=$?
}
# raw_bytes FILE: the first byte of FILE a terminal would act on, or nothing:
# ESC, BEL, CR, C1 (U+0080-U+009F), or a byte that is not UTF-8.
raw_bytes() {
	python3 - "$1" <<-'PY'
	import re, sys
	b = open(sys.argv[1], "rb").read().replace(b"\r\n", b"\n")
	try:
	    t = b.decode("utf-8")
	except UnicodeDecodeError as e:
	    print("not UTF-8 at byte %d: %r" % (e.start, b[e.start:e.start + 8])); sys.exit()
	m = re.search("[\x00-\x08\x0b-\x1f\x7f-\x9f]", t)
	if m:
	    print("%r at %d: %r" % (m.group(), m.start(), t[max(0, m.start() - 20):m.start() + 20]))
	PY
}
begin outside_bytes_reach_no_terminal_and_json_stays_utf8
x570
command -v script >/dev/null || fail "script is missing (util-linux, bsdutils)"
# A disk label and a driver name from outside: an OSC title and a screen
# clear, a byte that is not UTF-8, and CSI as the C1 character U+009B.
label=$'r\xff\x1b]0;x\x07\x1b[2J\xc3\xa9'
drv=$'ig\x1b[31mb\xff\xc2\x9b'
PATH=$PATH:/sbin:/usr/sbin e2label "$R/dev/nvme0n1p3" "$label" || fail "e2label failed"
mkdir -p "$R/sys/bus/pci/drivers/$drv"
d=$(readlink -f "$R/sys/bus/pci/devices/0000:05:00.0")
t=$(readlink "$d/driver")
ln -sfn "${t%/*}/$drv" "$d/driver"
printf 'vfio-pci 0000:05:00.0 8086:1539 # \x1b[8mhidden\nvfio-pci 0000:0b:00.0 1002:73bf\n' >"$(M)"
# JSON: valid UTF-8 and JSON whatever the strings held; the bytes that are
# not UTF-8 are U+FFFD, the control characters \u escapes.
for cmd in "show 01:00.0 --json" "show 05:00.0 --json" "list --json" "status --json"; do
	# shellcheck disable=SC2086 # the command and its options
	ctl $cmd
	[ "$rc" -le 3 ] || fail "$cmd: exit status $rc: $(cat "$R.err")"
	iconv -f UTF-8 -t UTF-8 "$R.out" >/dev/null 2>&1 || fail "$cmd: not UTF-8"
	python3 -c 'import json,sys; json.loads(open(sys.argv[1], "rb").read())' "$R.out" ||
		fail "$cmd: not JSON: $(head -c 300 "$R.out")"
	bad=$(raw_bytes "$R.out")
	[ -z "$bad" ] && continue
	fail "$cmd has raw control bytes: $bad"
done
ctl show 01:00.0 --json
python3 - "$R.out" <<-'PY' || fail "show --json label: $(cat "$R.out")"
import json, sys
d = json.loads(open(sys.argv[1], "rb").read())
by = {b["name"]: b for b in d["block_devices"]}
assert by["nvme0n1p3"]["label"] == "r\ufffd\x1b]0;x\x07\x1b[2J\u00e9", repr(by["nvme0n1p3"]["label"])
PY
grep -qF '"label":"r'$'\xef\xbf\xbd''\u001b]0;x\u0007\u001b[2J'$'\xc3\xa9''"' "$R.out" ||
	fail "show --json does not write the label as it should: $(grep -o '"label":"r[^,]*' "$R.out")"
ctl show 05:00.0 --json
python3 -c 'import json,sys; d=json.loads(open(sys.argv[1],"rb").read()); assert d["driver"] == "ig\x1b[31mb\ufffd\x9b", repr(d["driver"])' "$R.out" ||
	fail "show --json driver: $(cat "$R.out")"
# Text on a terminal: every string from outside with its control bytes written out.
for cmd in list "show 01:00.0" "show 05:00.0" status doctor "remove 05:00.0"; do
	# shellcheck disable=SC2086 # the command and its options
	NO_COLOR=1 pty "$R.tty" $cmd
	[ "$rc" -le 3 ] || fail "$cmd: exit status $rc: $(cat "$R.tty")"
	bad=$(raw_bytes "$R.tty")
	[ -z "$bad" ] || fail "$cmd on a terminal shows raw bytes: $bad"
	case $cmd in
	"show 01:00.0") grep -aqF 'LABEL=r\xff\x1b]0;x\x07\x1b[2J'$'\xc3\xa9'' UUID=' "$R.tty" ||
		fail "show: $(grep LABEL=r "$R.tty")" ;;
	"show 05:00.0") grep -aqF 'Driver:       ig\x1b[31mb\xff\u009b' "$R.tty" ||
		fail "show: $(grep Driver: "$R.tty")" ;;
	"remove 05:00.0") grep -aqF '/etc/earlybind.conf:1: removed: vfio-pci 0000:05:00.0 8086:1539 # \x1b[8mhidden' "$R.tty" ||
		fail "remove: $(cat "$R.tty")" ;;
	esac
done
# Errors name what they are about: a bad manifest line, a path.
printf 'vfio-pci 0000:05:00.0 8086:1539 opt\x1b[2Jional\n' >"$(M)"
NO_COLOR=1 pty "$R.tty" kargs
expect_rc 1
bad=$(raw_bytes "$R.tty")
[ -z "$bad" ] || fail "kargs' error on a terminal shows raw bytes: $bad"
PTY_ROOT=$R/no$'\x1b[2J'where NO_COLOR=1 pty "$R.tty" list
expect_rc 1
bad=$(raw_bytes "$R.tty")
[ -z "$bad" ] || fail "an error naming the root shows raw bytes: $bad"
grep -qF 'no\x1b[2Jwhere' "$R.tty" || fail "the error: $(cat "$R.tty")"
# With colour: the only escape sequences are earlybindctl's own colours.
pty "$R.tty" list
sed -e 's/\x1b\[[0-9]*m//g' "$R.tty" >"$R.nocolor"
bad=$(raw_bytes "$R.nocolor")
[ -z "$bad" ] || fail "list in colour shows raw bytes: $bad"
grep -q $'\x1b\\[1m' "$R.tty" || fail "list on a terminal has no colour"
# Into a pipe or a file, for scripts, the bytes are as they are.
ctl show 05:00.0
grep -qF "Driver:       $drv" "$R.out" || fail "show into a file changed the driver name"
end

begin intel_machine_gets_intel_iommu_on
x570
sed -i 's/AuthenticAMD/GenuineIntel/' "$R/proc/cpuinfo"
ctl kargs
[ "$(cat "$R.out")" = "intel_iommu=on iommu=pt" ] || fail "kargs: $(cat "$R.out")"
ctl kargs --format rpm-ostree
[ "$(cat "$R.out")" = "rpm-ostree kargs --append-if-missing=intel_iommu=on --append-if-missing=iommu=pt" ] ||
	fail "rpm-ostree format: $(cat "$R.out")"
ctl kargs --format bootc
grep -qx 'kargs = \["intel_iommu=on", "iommu=pt"\]' "$R.out" || fail "bootc: $(cat "$R.out")"
end

begin no_iommu_says_what_to_enable
"$MKFAKESYS" "$R" - <<-'EOF2' || fail "mkfakesys"
fn 0000:00:00.0 8086:29c0 class=060000
fn 0000:00:03.0 8086:10d3 class=020000 driver=e1000e
EOF2
ctl list
expect_rc 0
out_has "the IOMMU is off"
out_has "intel_iommu=on"
out_has "no IOMMU group"
end

begin empty_root_is_a_usage_error
x570
# "" is not "/": it would work on the running system (so only commands that
# change nothing are tried here).
for opt in --root -r; do
	"$CTL" "$opt" "" kargs >"$R.out" 2>"$R.err"
	rc=$?
	expect_rc 2
	err_has "--root: the directory name is empty"
	[ -s "$R.out" ] && fail "$opt '' kargs: $(cat "$R.out")"
done
"$CTL" --root= kargs >"$R.out" 2>"$R.err"
rc=$?
expect_rc 2
for cmd in list kargs status doctor "show 0b:00.0"; do
	# shellcheck disable=SC2086 # the command and its options
	"$CTL" $cmd --root "" >"$R.out" 2>"$R.err"
	rc=$?
	expect_rc 2
	err_has "--root: the directory name is empty"
	[ -s "$R.out" ] && fail "$cmd --root '': $(cat "$R.out")"
done
end

# -q: errors only.  A warning is not said (kargs on a manifest that claims
# nothing warns), an error always is.
begin quiet_silences_warnings_but_never_errors
x570
ctl kargs
err_has "warning: the manifest claims nothing"
ctl -q kargs
expect_rc 0
[ "$(cat "$R.out")" = "iommu=pt" ] || fail "kargs -q printed '$(cat "$R.out")'"
[ -s "$R.err" ] && fail "kargs -q said: $(cat "$R.err")"
ctl -q show 42:00.0
expect_rc 1
err_has "no PCI function at 42:00.0"
# A warning of several lines goes with all of them.
rm -rf "$R"
"$MKFAKESYS" "$R" "$here/fixtures/chipset-group.spec" || fail "mkfakesys failed"
ctl -q add 01:00.0 --force
expect_rc 0
[ -s "$R.err" ] && fail "add -q --force said: $(cat "$R.err")"
rm "$(M)"
ctl add 01:00.0 --force
err_has "warning: IOMMU group 0 of 0000:01:00.0"
err_has "  0000:00:1f.4 [8086:7aa3]"
end

begin usage_errors_exit_2
x570
ctl
expect_rc 2
ctl frobnicate
expect_rc 2
err_has "unknown command 'frobnicate'"
ctl add
expect_rc 2
ctl kargs --mode sideways
expect_rc 2
ctl add zz:zz
expect_rc 2
NO_COLOR=1 "$CTL" --help >"$R.out" 2>&1 || fail "--help failed"
out_has "Exit status"
"$CTL" add --help >"$R.out" || fail "add --help failed"
out_has "--only"
"$CTL" --version | grep -qE '^earlybindctl [0-9]' || fail "--version"
# getopt's messages under the program's name, not the path it was run by.
ctl --bogus
expect_rc 2
err_has "earlybindctl: unrecognized option '--bogus'"
grep -qF -- "$CTL:" "$R.err" && fail "the message names the path: $(cat "$R.err")"
ctl add --bogus
expect_rc 2
err_has "earlybindctl add: unrecognized option '--bogus'"
end


# -q is errors only (earlybindctl(8)): a warning is not printed under it.
begin quiet_silences_warnings
x570
ctl kargs
err_has "warning: the manifest claims nothing"
ctl -q kargs
expect_rc 0
[ -s "$R.err" ] && fail "kargs -q printed: $(cat "$R.err")"
out_has "iommu=pt"
end

summary
