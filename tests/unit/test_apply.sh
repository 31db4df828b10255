#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-or-later
#
# earlybindctl apply through each back end, on fake roots, with the
# recording stand-ins of tests/stubs first on PATH (rpm-ostree and grubby
# are not in Debian; dracut and update-grub must not rebuild this machine's
# boot files).  Each back end: apply; apply again (nothing changes); a
# changed manifest (the stale id list goes, the new one comes, the admin's
# own arguments stay, one of them with the same key as ours); --undo (back
# to the original bytes); a failing command (nothing after it runs).
#
# Usage: test_apply.sh EARLYBINDCTL MKFAKESYS [LABEL]
set -u

CTL=$1
MKFAKESYS=$2
LABEL=${3:-}
STUBS=$(cd "$(dirname "$0")/../stubs" && pwd)
# shellcheck source=tests/lib.sh
. "$(dirname "$0")/../lib.sh"

US=$'\037'
OURS1="intel_iommu=on iommu=pt rd.driver.pre=vfio-pci vfio-pci.ids=10de:2484,10de:228b"
OURS2="intel_iommu=on iommu=pt rd.driver.pre=vfio-pci vfio-pci.ids=10de:2484,8086:1539"
ADMIN="quiet rd.driver.pre=nvme"

# machine: an Intel desktop with a guest GPU (and its audio) and a NIC.
machine() {
	"$MKFAKESYS" "$R" - <<-'EOF2' || fail "mkfakesys failed"
	cpu GenuineIntel 6:151 12th Gen Intel(R) Core(TM) i7-12700K
	fn 0000:00:00.0 8086:4668 class=060000 group=0
	fn 0000:01:00.0 10de:2484 class=030000 driver=nouveau group=1 pcie
	fn 0000:01:00.1 10de:228b class=040300 driver=snd_hda_intel group=1 pcie
	fn 0000:02:00.0 8086:1539 class=020000 driver=igb group=2 pcie
	EOF2
	printf 'vfio-pci 0000:01:00.0 10de:2484\nvfio-pci 0000:01:00.1 10de:228b\n' \
		>"$R/etc/earlybind.conf"
	S=$R.state
	mkdir -p "$S"
}
manifest2() {
	printf 'vfio-pci 0000:01:00.0 10de:2484\nvfio-pci 0000:02:00.0 8086:1539\n' \
		>"$R/etc/earlybind.conf"
}
apply() {
	PATH=$STUBS:$PATH EB_STUB_STATE=$S NO_COLOR=1 "$CTL" --root "$R" apply --mode ids "$@" \
		>"$R.out" 2>"$R.err"
	rc=$?
}
expect_rc() { [ "$rc" -eq "$1" ] || fail "exit status $rc, expected $1; out: $(cat "$R.out") err: $(cat "$R.err")"; }
expect_eq() { [ "$1" = "$2" ] || fail "$3: '$1', expected '$2'"; }
out_has() { grep -qF -- "$1" "$R.out" || fail "stdout lacks '$1': $(cat "$R.out")"; }
err_has() { grep -qF -- "$1" "$R.err" || fail "stderr lacks '$1': $(cat "$R.err")"; }
# calls: the log's lines since line $1, as "prog arg arg".
calls() { tail -n "+$(($1 + 1))" "$S/log" 2>/dev/null | tr "$US" ' '; }
loglen() { if [ -f "$S/log" ]; then wc -l <"$S/log"; else echo 0; fi; }
# writes: the calls since line $1 that change something (not the queries).
writes() { calls "$1" | grep -vE '^(rpm-ostree kargs|rpm-ostree status --json|grubby --info=DEFAULT)$'; }

# run_backend NAME CMDLINE-READER ORIGINAL-FILES...: the five steps.
steps() {
	local name=$1 reader=$2 n
	shift 2
	for f in "$@"; do cp "$f" "$f.orig"; done

	apply
	expect_rc 0
	out_has "boot configuration: $name"
	expect_eq "$($reader)" "$BASE $OURS1" "$name: command line after apply"

	n=$(loglen)
	apply
	expect_rc 0
	out_has "kernel arguments: nothing to change"
	expect_eq "$(writes "$n")" "" "$name: commands run by a second apply"
	expect_eq "$($reader)" "$BASE $OURS1" "$name: command line after a second apply"

	manifest2
	apply
	expect_rc 0
	out_has "add [vfio-pci.ids=10de:2484,8086:1539], remove [vfio-pci.ids=10de:2484,10de:228b]"
	expect_eq "$($reader)" "$BASE $OURS2" "$name: command line after a manifest change"

	apply --undo
	expect_rc 0
	for f in "$@"; do
		cmp -s "$f" "$f.orig" || fail "$name: --undo did not restore ${f#"$R"}: $(diff "$f.orig" "$f")"
	done
	[ -e "$R/etc/earlybind.d/applied" ] && fail "$name: --undo left the record"
	return 0
}

begin kernel_cmdline_backend
machine
mkdir -p "$R/etc/kernel"
BASE="root=UUID=1 ro $ADMIN"
printf '%s\n' "$BASE" >"$R/etc/kernel/cmdline"
kc() { tr -d '\n' <"$R/etc/kernel/cmdline"; }
steps kernel-cmdline kc "$R/etc/kernel/cmdline"
expect_eq "$(writes 0 | grep -c '^dracut -f --regenerate-all$')" 2 "dracut runs (first apply, changed manifest)"
writes 0 | grep -qx 'dracut -f --regenerate-all --omit earlybind' || fail "--undo did not rebuild without earlybind"
end

begin grub_backend_with_a_drop_in
machine
mkdir -p "$R/etc/default/grub.d"
BASE=$ADMIN
printf 'GRUB_DEFAULT=0\nGRUB_TIMEOUT=5\nGRUB_CMDLINE_LINUX_DEFAULT=""\nGRUB_CMDLINE_LINUX="%s"\n' \
	"$ADMIN" >"$R/etc/default/grub"
# What grub-mkconfig sees, by grub-mkconfig's own code: the lines of the
# installed /usr/sbin/grub-mkconfig (grub-common) that source
# ${sysconfdir}/default/grub and then ${sysconfdir}/default/grub.d/*.cfg,
# run with sysconfdir at the fake root.  (grub-mkconfig as a whole cannot
# run here: it probes the real root device and writes the real /boot.)
# Fedora has no grub-common (its grub2-mkconfig does not read grub.d, and
# apply uses grubby there): the same two steps, as REFERENCE.md §3 gives them.
MKCONFIG=$(command -v grub-mkconfig || command -v /usr/sbin/grub-mkconfig)
# shellcheck disable=SC2016 # grub-mkconfig's text and ours, expanded by eval
if [ -n "$MKCONFIG" ]; then
	SOURCING=$(sed -n '/^if test -f \${sysconfdir}\/default\/grub ; then$/,/^done$/p' "$MKCONFIG")
	case $SOURCING in
	*'${sysconfdir}/default/grub.d/*.cfg'*) ;;
	*) fail "$MKCONFIG: its lines that source default/grub and grub.d were not found" ;;
	esac
else
	echo "  (no grub-mkconfig: REFERENCE.md's sourcing order stands in for it)"
	SOURCING='. "${sysconfdir}/default/grub"; for x in "${sysconfdir}"/default/grub.d/*.cfg; do [ -e "$x" ] && . "$x"; done'
fi
grubcfg() {
	(
		# shellcheck disable=SC2034 # used by the code of grub-mkconfig
		sysconfdir=$R/etc
		GRUB_CMDLINE_LINUX=
		eval "$SOURCING"
		printf '%s' "$GRUB_CMDLINE_LINUX"
	)
}
steps grub grubcfg "$R/etc/default/grub"
writes 0 | grep -qx 'update-grub' || fail "update-grub did not run"
[ -e "$R/etc/default/grub.d/99-earlybind.cfg" ] && fail "--undo left the drop-in"
end

begin grubby_backend
machine
mkdir -p "$S/entries" "$R/boot/loader/entries"
BASE="root=UUID=1 ro $ADMIN"
printf 'title Fedora Linux (6.11.4-301.fc41.x86_64)\nversion 6.11.4-301.fc41.x86_64\nlinux /vmlinuz-6.11.4-301.fc41.x86_64\ninitrd /initramfs-6.11.4-301.fc41.x86_64.img\noptions %s\n' \
	"$BASE" >"$S/entries/abc-6.11.4-301.fc41.x86_64.conf"
: >"$R/boot/loader/entries/abc-6.11.4-301.fc41.x86_64.conf"
entry() { sed -n 's/^options //p' "$S/entries/abc-6.11.4-301.fc41.x86_64.conf"; }
# grubby --args=K=V removes every K: the admin's rd.driver.pre=nvme would
# go, so earlybind leaves that key to the admin (and says so).
OURS1=${OURS1/ rd.driver.pre=vfio-pci/}
OURS2=${OURS2/ rd.driver.pre=vfio-pci/}
steps grubby entry "$S/entries/abc-6.11.4-301.fc41.x86_64.conf"
apply --dry-run
err_has "rd.driver.pre=nvme, which earlybind did not add"
err_has "adding it would remove yours"
writes 0 | grep -q "^grubby --update-kernel=ALL --args=$OURS1\$" || fail "grubby calls: $(writes 0)"
OURS1="intel_iommu=on iommu=pt rd.driver.pre=vfio-pci vfio-pci.ids=10de:2484,10de:228b"
OURS2="intel_iommu=on iommu=pt rd.driver.pre=vfio-pci vfio-pci.ids=10de:2484,8086:1539"
end

begin rpm_ostree_backend
machine
mkdir -p "$R/run"
: >"$R/run/ostree-booted"
BASE="rhgb $ADMIN root=UUID=1 rw ostree=/ostree/boot.1/fedora/3b5e/0"
printf '%s\n' "$BASE" >"$S/kargs"
ro() { tr -d '\n' <"$S/kargs"; }
steps rpm-ostree ro "$S/kargs"
writes 0 | grep -qx "rpm-ostree kargs --append-if-missing=intel_iommu=on --append-if-missing=iommu=pt --append-if-missing=rd.driver.pre=vfio-pci --append-if-missing=vfio-pci.ids=10de:2484,10de:228b --unchanged-exit-77" ||
	fail "first kargs call: $(writes 0)"
writes 0 | grep -qx 'rpm-ostree initramfs --enable --arg=-a --arg=earlybind' ||
	fail "initramfs regeneration was not enabled: $(writes 0)"
writes 0 | grep -qx 'rpm-ostree initramfs --disable' || fail "--undo did not disable regeneration"
expect_eq "$(writes 0 | grep -c 'initramfs --enable')" 1 "initramfs --enable calls (the manifest change deployed through kargs)"
end

begin rpm_ostree_manifest_change_without_kargs_change_redeploys
machine
mkdir -p "$R/run"
: >"$R/run/ostree-booted"
printf 'root=UUID=1 rw\n' >"$S/kargs"
PATH=$STUBS:$PATH EB_STUB_STATE=$S "$CTL" --root "$R" apply >/dev/null 2>&1
n=$(loglen)
printf 'pci-stub 0000:02:00.0 8086:1539\n' >>"$R/etc/earlybind.conf"
PATH=$STUBS:$PATH EB_STUB_STATE=$S "$CTL" --root "$R" apply >"$R.out" 2>"$R.err"
rc=$?
expect_rc 0
expect_eq "$(writes "$n")" "rpm-ostree initramfs --enable --arg=-a --arg=earlybind" \
	"calls for a manifest change alone"
end

begin admin_iommu_value_is_kept
machine
mkdir -p "$R/etc/kernel"
printf 'root=UUID=1 iommu=soft\n' >"$R/etc/kernel/cmdline"
apply
expect_rc 0
err_has "iommu=soft, which earlybind did not add"
expect_eq "$(cat "$R/etc/kernel/cmdline")" "root=UUID=1 iommu=soft intel_iommu=on rd.driver.pre=vfio-pci vfio-pci.ids=10de:2484,10de:228b" "command line"
end

begin a_failing_command_stops_apply
machine
mkdir -p "$R/etc/default/grub.d"
printf 'GRUB_CMDLINE_LINUX="quiet"\n' >"$R/etc/default/grub"
echo update-grub >"$S/fail-on"
apply
expect_rc 1
err_has "this failed with exit status 1; nothing after it was done"
err_has "update-grub: failed (stand-in)"
calls 0 | grep -q '^dracut' && fail "dracut ran after update-grub failed"
end

# rpm-ostree: a failed kargs transaction, and no initramfs call after it.
begin a_failing_rpm_ostree_transaction_stops_apply
machine
mkdir -p "$R/run"
: >"$R/run/ostree-booted"
printf 'root=UUID=1 rw\n' >"$S/kargs"
echo kargs:write >"$S/fail-on"
apply
expect_rc 1
err_has "error: Transaction failed (stand-in)"
calls 0 | grep -q 'initramfs' && fail "initramfs ran after the kargs transaction failed"
expect_eq "$(cat "$S/kargs")" "root=UUID=1 rw" "kargs after a failed transaction"
[ -e "$R/etc/earlybind.d/applied" ] && fail "a failed apply recorded arguments as added"
end

begin dry_run_changes_nothing_and_prints_the_commands
machine
mkdir -p "$R/run"
: >"$R/run/ostree-booted"
printf 'root=UUID=1 rw\n' >"$S/kargs"
apply --dry-run
expect_rc 0
out_has "would run: rpm-ostree kargs --append-if-missing=intel_iommu=on"
out_has "would run: rpm-ostree initramfs --enable --arg=-a --arg=earlybind"
expect_eq "$(writes 0)" "" "commands a dry run ran"
expect_eq "$(cat "$S/kargs")" "root=UUID=1 rw" "kargs after a dry run"
[ -e "$R/etc/earlybind.d/applied" ] && fail "a dry run wrote the record"
end

begin auto_detection_says_why
machine
mkdir -p "$R/etc/default/grub.d"
printf 'GRUB_CMDLINE_LINUX=""\n' >"$R/etc/default/grub"
apply --dry-run
out_has "boot configuration: grub (/etc/default/grub with grub.d drop-ins"
apply --dry-run --bootloader kernel-cmdline
out_has "boot configuration: kernel-cmdline (chosen with --bootloader)"
apply --bootloader lilo
expect_rc 2
end

summary
