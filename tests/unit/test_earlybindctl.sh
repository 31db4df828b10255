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
	{ NO_COLOR=1 strace -f -qq -o /dev/null -e trace=rename -e inject=rename:signal=KILL \
		"$CTL" --root "$R" add 0b:00.0 >/dev/null 2>&1; } 2>/dev/null
	cmp -s "$(M)" "$R.orig" || fail "the manifest changed although rename never ran"
	# The killed run's temporary file stays, as after a real crash.
	rm -f "$R"/etc/earlybind.conf.??????
	NO_COLOR=1 strace -f -qq -o /dev/null -e trace=rename -e inject=rename:error=EIO \
		"$CTL" --root "$R" add 0b:00.0 >"$R.out" 2>"$R.err"
	rc=$?
	expect_rc 1
	err_has "the manifest is unchanged"
	cmp -s "$(M)" "$R.orig" || fail "the manifest changed after a failed rename"
	if compgen -G "$R/etc/earlybind.conf.??????" >/dev/null; then
		fail "a failed save left a temporary file: $(echo "$R"/etc/earlybind.conf.*)"
	fi
	ctl add 0b:00.0
	expect_rc 0
	[ "$(stat -c %a "$(M)")" = 644 ] || fail "manifest mode $(stat -c %a "$(M)")"
else
	fail "strace is missing (scripts/deps check installs it)"
fi
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

summary
