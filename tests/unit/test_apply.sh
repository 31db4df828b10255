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
	installed grubby update-grub dracut rpm-ostree
}
# installed PROGRAM...: the programs are there inside the root, where apply
# looks for them and runs them (chroot ROOT PROGRAM: tests/stubs/chroot
# runs the stand-in instead of the file made here).
installed() {
	local p
	mkdir -p "$R/usr/bin"
	for p in "$@"; do
		printf '#!/bin/sh\nexit 1\n' >"$R/usr/bin/$p"
		chmod 0755 "$R/usr/bin/$p"
	done
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
writes() { calls "$1" | grep -vE '^(rpm-ostree kargs|rpm-ostree status --json|grubby --info=ALL)$'; }

# snapshot DIR [PATH...]: every file, directory and symlink under DIR (or
# under DIR/PATH...), one line each: its type, mode, path, and its
# checksum or target, so that two snapshots differ iff some byte, mode or
# name does (mtimes aside).
snapshot() {
	local dir=$1
	shift
	(
		cd "$dir" || exit 1
		find "${@:-.}" -printf '%y %m %p %l\n' | LC_ALL=C sort
		find "${@:-.}" -type f -print0 | LC_ALL=C sort -z | xargs -0 -r sha256sum
	)
}

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
# apply uses grubby there): the same two steps, as Debian's
# debian/patches/default-grub-d.patch adds them (docs/boot-configuration.md, "GRUB").
MKCONFIG=$(command -v grub-mkconfig || command -v /usr/sbin/grub-mkconfig)
# shellcheck disable=SC2016 # grub-mkconfig's text and ours, expanded by eval
if [ -n "$MKCONFIG" ]; then
	SOURCING=$(sed -n '/^if test -f \${sysconfdir}\/default\/grub ; then$/,/^done$/p' "$MKCONFIG")
	case $SOURCING in
	*'${sysconfdir}/default/grub.d/*.cfg'*) ;;
	*) fail "$MKCONFIG: its lines that source default/grub and grub.d were not found" ;;
	esac
else
	echo "  (no grub-mkconfig: the sourcing order of Debian's default-grub-d.patch stands in for it)"
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

# bls_entry VERSION OPTIONS: a Fedora BLS entry for kernel VERSION.
bls_entry() {
	mkdir -p "$R/boot/loader/entries"
	printf 'title Fedora Linux (%s)\nversion %s\nlinux /vmlinuz-%s\ninitrd /initramfs-%s.img\noptions %s\n' \
		"$1" "$1" "$1" "$1" "$2" >"$R/boot/loader/entries/abc-$1.conf"
}
begin grubby_backend
machine
BASE="root=UUID=1 ro $ADMIN"
bls_entry 6.11.4-301.fc41.x86_64 "$BASE"
entry() { sed -n 's/^options //p' "$R/boot/loader/entries/abc-6.11.4-301.fc41.x86_64.conf"; }
# grubby --args=K=V removes every K: the admin's rd.driver.pre=nvme would
# go, so earlybind leaves that key to the admin (and says so).
OURS1=${OURS1/ rd.driver.pre=vfio-pci/}
OURS2=${OURS2/ rd.driver.pre=vfio-pci/}
steps grubby entry "$R/boot/loader/entries/abc-6.11.4-301.fc41.x86_64.conf"
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

# The next rpm-ostree transaction, and the next boot, start from the staged
# deployment: its initramfs state is the one apply reads.  rpm-ostree of
# 2021 leaves an empty --arg list out of status --json, so the first
# "initramfs-args" in the text is the booted deployment's, which still has
# earlybind's (tests/fixtures/rpm-ostree/zincati-fcos31-staged.initramfs-edited.json
# is that status).
begin rpm_ostree_initramfs_state_is_the_staged_deployments
machine
mkdir -p "$R/run"
: >"$R/run/ostree-booted"
printf 'root=UUID=1 rw\n' >"$S/kargs"
echo 2021 >"$S/status-shape"
apply
expect_rc 0
# The machine boots what apply staged ...
rm -f "$S/booted-kargs" "$S/booted-initramfs"
echo 0 >"$S/deployments"
# ... and the admin turns regeneration on again without --arg, which stages
# a deployment with an empty list.
EB_STUB_STATE=$S "$STUBS/chroot" "$R" rpm-ostree initramfs --enable >/dev/null ||
	fail "rpm-ostree initramfs --enable failed"
n=$(loglen)
apply
expect_rc 0
expect_eq "$(writes "$n")" "rpm-ostree initramfs --enable --arg=-a --arg=earlybind" \
	"calls when the staged deployment lost earlybind's --arg"
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

# -q is errors only (earlybindctl(8)): the warning about the admin's own
# value goes, and so does what apply did; an error stays, and so do the
# commands a dry run was asked for.
begin quiet_apply_prints_no_warning_and_no_info
machine
mkdir -p "$R/etc/kernel"
printf 'root=UUID=1 iommu=soft\n' >"$R/etc/kernel/cmdline"
apply -q
expect_rc 0
expect_eq "$(cat "$R.err")" "" "stderr of apply -q"
expect_eq "$(cat "$R.out")" "" "stdout of apply -q"
end

begin quiet_apply_still_prints_errors_and_a_dry_runs_commands
machine
mkdir -p "$R/etc/default/grub.d"
printf 'GRUB_CMDLINE_LINUX="quiet"\n' >"$R/etc/default/grub"
apply -q --dry-run
expect_rc 0
out_has "would write /etc/default/grub.d/99-earlybind.cfg:"
out_has "would run: chroot $R update-grub"
echo update-grub >"$S/fail-on"
apply -q
expect_rc 1
err_has "this failed with exit status 1; nothing after it was done"
err_has "update-grub: failed (stand-in)"
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
out_has "would run: chroot $R rpm-ostree kargs --append-if-missing=intel_iommu=on"
out_has "would run: chroot $R rpm-ostree initramfs --enable --arg=-a --arg=earlybind"
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

# grub_setup: a Debian-style GRUB root with the admin's arguments.
grub_setup() {
	mkdir -p "$R/etc/default/grub.d"
	printf 'GRUB_CMDLINE_LINUX="%s"\n' "$ADMIN" >"$R/etc/default/grub"
	cp "$R/etc/default/grub" "$R/grub.orig"
}
DROPIN=/etc/default/grub.d/99-earlybind.cfg

# update-grub failed after the drop-in was written: the drop-in must be
# recorded, so that the next apply runs update-grub (and dracut) again
# rather than reading the drop-in as the admin's arguments.
begin grub_failed_update_grub_is_finished_by_the_next_apply
machine
grub_setup
echo update-grub >"$S/fail-on"
apply
expect_rc 1
[ -e "$R$DROPIN" ] || fail "the drop-in was not written before update-grub"
rm "$S/fail-on"
n=$(loglen)
apply
expect_rc 0
writes "$n" | grep -qx update-grub || fail "the next apply did not run update-grub: $(writes "$n")"
writes "$n" | grep -qx 'dracut -f --regenerate-all' || fail "the next apply did not run dracut: $(writes "$n")"
n=$(loglen)
apply
expect_rc 0
expect_eq "$(writes "$n")" "" "commands of the apply after that"
apply --undo
expect_rc 0
[ -e "$R$DROPIN" ] && fail "--undo left the drop-in"
cmp -s "$R/etc/default/grub" "$R/grub.orig" || fail "--undo changed /etc/default/grub"
[ -e "$R/etc/earlybind.d/applied" ] && fail "--undo left the record"
end

# A later grub.d drop-in that sets GRUB_CMDLINE_LINUX outright hides ours:
# --undo still removes what apply wrote (the record says so), whatever the
# value the files add up to.
begin grub_undo_removes_the_drop_in_another_drop_in_overrides
machine
grub_setup
apply
expect_rc 0
[ -e "$R$DROPIN" ] || fail "apply wrote no drop-in"
printf 'GRUB_CMDLINE_LINUX="quiet"\n' >"$R/etc/default/grub.d/99_zz-local.cfg"
n=$(loglen)
apply --undo
expect_rc 0
[ -e "$R$DROPIN" ] && fail "--undo left the drop-in: $(cat "$R.out")"
writes "$n" | grep -qx update-grub || fail "--undo did not run update-grub: $(writes "$n")"
[ -e "$R/etc/earlybind.d/applied" ] && fail "--undo left the record: $(cat "$R/etc/earlybind.d/applied")"
[ -e "$R/etc/default/grub.d/99_zz-local.cfg" ] || fail "--undo removed the admin's drop-in"
end

# Such a drop-in makes apply's own useless: apply says which file, and what
# to do, and writes nothing.
begin grub_apply_names_the_drop_in_that_overrides_its_own
machine
grub_setup
printf 'GRUB_CMDLINE_LINUX="quiet"\n' >"$R/etc/default/grub.d/99_zz-local.cfg"
apply
expect_rc 1
err_has "/etc/default/grub.d/99_zz-local.cfg: sets GRUB_CMDLINE_LINUX after $DROPIN"
err_has "GRUB_CMDLINE_LINUX=\"\$GRUB_CMDLINE_LINUX"
[ -e "$R$DROPIN" ] && fail "apply wrote a drop-in that would have no effect"
calls 0 | grep -qE '^(update-grub|dracut)' && fail "programs ran: $(calls 0)"
[ -e "$R/etc/earlybind.d/applied" ] && fail "a refused apply left a record: $(cat "$R/etc/earlybind.d/applied")"
# One that adds to the value is no override.
# shellcheck disable=SC2016 # the drop-in's own text, $GRUB_CMDLINE_LINUX and all
printf 'GRUB_CMDLINE_LINUX="$GRUB_CMDLINE_LINUX splash"\n' >"$R/etc/default/grub.d/99_zz-local.cfg"
apply
expect_rc 0
expect_eq "$(grubcfg)" "$ADMIN $OURS1 splash" "GRUB_CMDLINE_LINUX"
end

begin grub_failed_update_grub_then_undo_removes_the_drop_in
machine
grub_setup
echo update-grub >"$S/fail-on"
apply
expect_rc 1
rm "$S/fail-on"
apply --undo
expect_rc 0
[ -e "$R$DROPIN" ] && fail "--undo left the drop-in of the failed apply"
[ -e "$R/etc/earlybind.d/applied" ] && fail "--undo left the record"
# And an --undo whose update-grub fails is finished by the next --undo.
apply
expect_rc 0
echo update-grub >"$S/fail-on"
apply --undo
expect_rc 1
rm "$S/fail-on"
n=$(loglen)
apply --undo
expect_rc 0
writes "$n" | grep -qx update-grub || fail "the second --undo did not run update-grub: $(writes "$n")"
[ -e "$R/etc/earlybind.d/applied" ] && fail "--undo left the record"
end

begin grubby_failure_is_finished_by_the_next_apply
machine
bls_entry 6.11.4 "root=UUID=1 ro quiet"
cp "$R/boot/loader/entries/abc-6.11.4.conf" "$R/entry.orig"
echo update-kernel >"$S/fail-on"
apply
expect_rc 1
rm "$S/fail-on"
apply
expect_rc 0
expect_eq "$(sed -n 's/^options //p' "$R/boot/loader/entries/abc-6.11.4.conf")" "root=UUID=1 ro quiet $OURS1" "entry after the second apply"
apply --undo
expect_rc 0
cmp -s "$R/boot/loader/entries/abc-6.11.4.conf" "$R/entry.orig" ||
	fail "--undo did not restore the entry: $(cat "$R/boot/loader/entries/abc-6.11.4.conf")"
end

# What apply adds and what --undo takes out is decided per entry, from that
# entry's own options: the older entry already has the admin's iommu=pt, so
# earlybind adds it only to the newer one, and --undo takes it only from
# there.  Every entry ends byte for byte as it began, and so do the files
# grubby --update-kernel=ALL changes for kernels installed later.
begin grubby_undo_keeps_an_argument_the_admin_has_in_another_entry
machine
bls_entry 6.11.4-301.fc41.x86_64 "root=UUID=1 ro quiet"
bls_entry 6.10.3-200.fc41.x86_64 "root=UUID=1 ro quiet iommu=pt"
mkdir -p "$R/etc/kernel"
printf 'root=UUID=1 ro quiet\n' >"$R/etc/kernel/cmdline"
mkdir -p "$R/etc/default"
printf 'GRUB_TIMEOUT=5\nGRUB_CMDLINE_LINUX="quiet"\n' >"$R/etc/default/grub"
snapshot "$R" boot etc/kernel etc/default >"$R.start"
apply --mode address
expect_rc 0
new_opts=$(sed -n 's/^options //p' "$R/boot/loader/entries/abc-6.11.4-301.fc41.x86_64.conf")
old_opts=$(sed -n 's/^options //p' "$R/boot/loader/entries/abc-6.10.3-200.fc41.x86_64.conf")
expect_eq "$new_opts" "root=UUID=1 ro quiet intel_iommu=on iommu=pt" "the newer entry after apply"
expect_eq "$old_opts" "root=UUID=1 ro quiet iommu=pt intel_iommu=on" "the older entry after apply"
# Kernels installed later inherit intel_iommu=on (no entry had it: ALL).
expect_eq "$(cat "$R/etc/kernel/cmdline")" "root=UUID=1 ro quiet intel_iommu=on" "/etc/kernel/cmdline after apply"
n=$(loglen)
apply --mode address
expect_rc 0
expect_eq "$(writes "$n")" "" "commands of a second apply"
apply --undo
expect_rc 0
snapshot "$R" boot etc/kernel etc/default >"$R.end"
diff "$R.start" "$R.end" >"$R.diff" || fail "--undo did not restore the entries: $(cat "$R.diff")"
expect_eq "$(grep -c '^f ' "$R.start")" 4 "files compared"
end

# A record written before entries were kept apart has no per-entry line:
# everything in it went in with --update-kernel=ALL, and comes out so.
begin grubby_record_from_before_per_entry_counts_as_all
machine
bls_entry 6.11.4 "root=UUID=1 ro quiet iommu=pt"
bls_entry 6.10.3 "root=UUID=1 ro quiet iommu=pt"
mkdir -p "$R/etc/earlybind.d"
printf 'backend grubby\nkarg iommu=pt\n' >"$R/etc/earlybind.d/applied"
apply --undo
expect_rc 0
expect_eq "$(writes 0 | grep '^grubby')" "grubby --update-kernel=ALL --remove-args=iommu=pt" "grubby calls"
end

# ro_setup: an ostree system with the given initramfs state.
ro_setup() {
	mkdir -p "$R/run"
	: >"$R/run/ostree-booted"
	printf 'root=UUID=1 rw\n' >"$S/kargs"
	printf '%s\n' "$1" >"$S/initramfs"
}

begin rpm_ostree_undo_restores_the_admins_initramfs_args
machine
ro_setup '{"regenerate":true,"args":["-I","/etc/foo"]}'
apply
expect_rc 0
writes 0 | grep -qx 'rpm-ostree initramfs --enable --arg=-I --arg=/etc/foo --arg=-a --arg=earlybind' ||
	fail "apply did not keep the admin's --arg list: $(writes 0)"
n=$(loglen)
apply --undo
expect_rc 0
writes "$n" | grep -qx 'rpm-ostree initramfs --enable --arg=-I --arg=/etc/foo' ||
	fail "--undo did not give back the admin's --arg list: $(writes "$n")"
writes "$n" | grep -q 'initramfs --disable' && fail "--undo turned off the admin's regeneration"
expect_eq "$(cat "$S/initramfs")" '{"regenerate":true,"args":["-I", "/etc/foo"],"etc":[]}' "initramfs state after --undo"
expect_eq "$(cat "$S/kargs")" "root=UUID=1 rw" "kargs after --undo"
[ -e "$R/etc/earlybind.d/applied" ] && fail "--undo left the record"
end

begin rpm_ostree_refuses_initramfs_etc_before_staging
machine
ro_setup '{"etc":["/etc/crypttab"]}'
apply
expect_rc 1
err_has "rpm-ostree initramfs-etc --untrack-all"
err_has "--no-initramfs"
err_has "/etc/crypttab"
expect_eq "$(writes 0)" "" "commands run by a refused apply"
calls 0 | grep -qx 'rpm-ostree status --json' || fail "status --json was not read"
[ -e "$R/etc/earlybind.d/applied" ] && fail "a refused apply wrote the record"
apply --no-initramfs
expect_rc 0
writes 0 | grep -q 'initramfs' && fail "--no-initramfs touched the initramfs: $(writes 0)"
end

# kc_setup: no /etc/kernel/cmdline; a vendor one, and a running kernel's.
kc_setup() {
	mkdir -p "$R/usr/lib/kernel" "$R/proc"
	printf 'BOOT_IMAGE=/vmlinuz root=UUID=7 ro running\n' >"$R/proc/cmdline"
}

begin kernel_cmdline_created_from_the_vendor_file_is_removed_by_undo
machine
kc_setup
printf 'root=UUID=9 ro\n  vendor\n' >"$R/usr/lib/kernel/cmdline"
apply
expect_rc 0
expect_eq "$(cat "$R/etc/kernel/cmdline")" "root=UUID=9 ro vendor $OURS1" "created /etc/kernel/cmdline"
apply --undo
expect_rc 0
[ -e "$R/etc/kernel/cmdline" ] && fail "--undo left the /etc/kernel/cmdline apply created: $(cat "$R/etc/kernel/cmdline")"
[ -e "$R/etc/earlybind.d/applied" ] && fail "--undo left the record"
end

begin kernel_cmdline_created_from_proc_is_removed_by_undo
machine
kc_setup
apply
expect_rc 0
expect_eq "$(cat "$R/etc/kernel/cmdline")" "root=UUID=7 ro running $OURS1" "created /etc/kernel/cmdline"
manifest2
apply
expect_rc 0
apply --undo
expect_rc 0
[ -e "$R/etc/kernel/cmdline" ] && fail "--undo left the /etc/kernel/cmdline apply created"
end

# Tokens are whole, and a quoted value is one token: the admin's
# dyndbg="... iommu=pt ..." holds the text of one of ours, and must survive
# apply and --undo byte for byte.
begin kernel_cmdline_undo_keeps_a_quoted_value_whole
machine
mkdir -p "$R/etc/kernel"
printf 'root=UUID=1 dyndbg="file x.c iommu=pt +p" ro\n' >"$R/etc/kernel/cmdline"
cp "$R/etc/kernel/cmdline" "$R/cmdline.orig"
apply
expect_rc 0
expect_eq "$(cat "$R/etc/kernel/cmdline")" "root=UUID=1 dyndbg=\"file x.c iommu=pt +p\" ro $OURS1" "after apply"
apply --undo
expect_rc 0
cmp -s "$R/etc/kernel/cmdline" "$R/cmdline.orig" ||
	fail "--undo did not restore /etc/kernel/cmdline: $(cat "$R/etc/kernel/cmdline")"
end

# Blanks are kept as they were: apply and --undo change only our tokens.
begin kernel_cmdline_undo_keeps_every_byte_of_the_admins_text
machine
mkdir -p "$R/etc/kernel"
printf '  root=UUID=1\tro   quiet\v\n\n' >"$R/etc/kernel/cmdline"
cp "$R/etc/kernel/cmdline" "$R/cmdline.orig"
apply
expect_rc 0
apply --undo
expect_rc 0
cmp -s "$R/etc/kernel/cmdline" "$R/cmdline.orig" ||
	fail "--undo did not restore /etc/kernel/cmdline: $(od -c "$R/etc/kernel/cmdline")"
end

# An argument appended after a token whose quote never closes would become
# part of that value: refused, with the file named, and nothing written.
begin kernel_cmdline_ending_inside_a_quote_is_refused
machine
mkdir -p "$R/etc/kernel"
printf 'root=UUID=1 dyndbg="file x.c +p\n' >"$R/etc/kernel/cmdline"
cp "$R/etc/kernel/cmdline" "$R/cmdline.orig"
apply
expect_rc 1
err_has "/etc/kernel/cmdline: ends inside a double quote"
cmp -s "$R/etc/kernel/cmdline" "$R/cmdline.orig" || fail "apply changed /etc/kernel/cmdline"
writes 0 | grep -q '^dracut' && fail "dracut ran: $(writes 0)"
end

# A quoted value with a newline in it, in the command line apply created
# /etc/kernel/cmdline from: the record keeps it whole, and --undo knows the file.
begin kernel_cmdline_created_from_a_quoted_newline_is_removed_by_undo
machine
mkdir -p "$R/usr/lib/kernel"
printf 'root=UUID=9 ro a="x\ny\\z"\n' >"$R/usr/lib/kernel/cmdline"
apply
expect_rc 0
apply --undo
expect_rc 0
[ -e "$R/etc/kernel/cmdline" ] && fail "--undo left the file apply created: $(cat "$R/etc/kernel/cmdline")"
grep -qF "kept, although earlybind created it" "$R.out" && fail "--undo: $(cat "$R.out")"
end

# /proc/cmdline is this boot's: what was typed at the boot menu for this
# boot only (the rescue switches, a unit or init for this boot) is not made
# permanent, and each one left out is named.
begin kernel_cmdline_created_from_proc_drops_one_boot_switches
machine
mkdir -p "$R/proc"
SWITCHES="rd.earlybind=0 systemd.unit=rescue.target single rd.break init=/bin/sh s S 1 emergency -b rescue rd.break=pre-mount rd.shell rd.systemd.unit=emergency.target rdinit=/bin/sh systemd.debug_shell"
printf 'BOOT_IMAGE=/vmlinuz-6.1 root=UUID=7 %s ro initrd=/initrd.img quiet\n' "$SWITCHES" >"$R/proc/cmdline"
apply
expect_rc 0
expect_eq "$(cat "$R/etc/kernel/cmdline")" "root=UUID=7 ro quiet $OURS1" "created /etc/kernel/cmdline"
for t in $SWITCHES; do
	out_has "/etc/kernel/cmdline: $t is left out: /proc/cmdline has it for this boot only"
done
apply --undo
expect_rc 0
[ -e "$R/etc/kernel/cmdline" ] && fail "--undo left the file apply created: $(cat "$R/etc/kernel/cmdline")"
# The vendor's file is not this boot's: nothing of it is left out.
mkdir -p "$R/usr/lib/kernel"
printf 'root=UUID=9 ro single\n' >"$R/usr/lib/kernel/cmdline"
apply
expect_rc 0
expect_eq "$(cat "$R/etc/kernel/cmdline")" "root=UUID=9 ro single $OURS1" "created from the vendor file"
end

begin kernel_cmdline_keeps_the_files_mode
machine
mkdir -p "$R/etc/kernel"
printf 'root=UUID=1 ro\n' >"$R/etc/kernel/cmdline"
chmod 0600 "$R/etc/kernel/cmdline"
apply
expect_rc 0
expect_eq "$(stat -c %a "$R/etc/kernel/cmdline")" 600 "mode after apply"
apply --undo
expect_rc 0
expect_eq "$(stat -c %a "$R/etc/kernel/cmdline")" 600 "mode after --undo"
expect_eq "$(cat "$R/etc/kernel/cmdline")" "root=UUID=1 ro" "contents after --undo"
end

# --undo must outlast the next kernel update's dracut run: the manifest is
# still there, so the drop-in and check() must see the marker.
MODDIR=$(cd "$(dirname "$0")/../../dracut-module" && pwd)
# dropin_adds: the add_dracutmodules that 90-earlybind.conf sets for root $R.
dropin_adds() {
	(
		dracutsysrootdir=$R
		add_dracutmodules=
		# shellcheck source=dracut-module/90-earlybind.conf
		. "$MODDIR/90-earlybind.conf"
		printf '%s' "${add_dracutmodules// /}"
	)
}
# check_says: module-setup.sh's check() status for root $R.
check_says() {
	(
		# shellcheck disable=SC2034 # read by module-setup.sh
		dracutsysrootdir=$R
		require_binaries() { return 0; }
		# shellcheck source=dracut-module/90earlybind/module-setup.sh
		. "$MODDIR/90earlybind/module-setup.sh"
		check
		echo $?
	)
}
begin undo_leaves_earlybind_out_of_later_dracut_runs
machine
mkdir -p "$R/etc/kernel"
printf 'root=UUID=1 ro\n' >"$R/etc/kernel/cmdline"
apply
expect_rc 0
expect_eq "$(dropin_adds)" earlybind "drop-in after apply"
expect_eq "$(check_says)" 0 "check() after apply"
apply --undo
expect_rc 0
[ -f "$R/etc/earlybind.d/undone" ] || fail "--undo did not write /etc/earlybind.d/undone"
writes 0 | grep -qx 'dracut -f --regenerate-all --omit earlybind' || fail "--undo did not rebuild without earlybind"
expect_eq "$(dropin_adds)" "" "drop-in after --undo"
expect_eq "$(check_says)" 255 "check() after --undo (only when asked for)"
apply
expect_rc 0
[ -e "$R/etc/earlybind.d/undone" ] && fail "apply did not remove /etc/earlybind.d/undone"
expect_eq "$(dropin_adds)" earlybind "drop-in after apply again"
writes 0 | tail -n 1 | grep -qx 'dracut -f --regenerate-all' || fail "apply after --undo did not rebuild: $(writes 0)"
end

begin apply_quiet_quietens_the_back_ends
machine
mkdir -p "$R/etc/kernel"
printf 'root=UUID=1 ro\n' >"$R/etc/kernel/cmdline"
apply -q
expect_rc 0
expect_eq "$(cat "$R.out")" "" "stdout of apply -q"
writes 0 | grep -qx 'dracut -f --regenerate-all' || fail "apply -q did not run dracut"
apply --undo -q
expect_rc 0
expect_eq "$(cat "$R.out")" "" "stdout of apply --undo -q"
end

begin kver_rebuilds_one_kernel
machine
mkdir -p "$R/etc/kernel"
printf 'root=UUID=1 ro\n' >"$R/etc/kernel/cmdline"
apply --kver 6.1.0-13-amd64
expect_rc 0
expect_eq "$(writes 0 | grep '^dracut')" "dracut -f --kver 6.1.0-13-amd64" "dracut calls of apply --kver"
n=$(loglen)
apply --kver 6.1.0-13-amd64
expect_rc 0
expect_eq "$(writes "$n")" "" "commands of a second apply --kver"
# Built for one kernel only: a plain apply builds them all.
n=$(loglen)
apply
expect_rc 0
expect_eq "$(writes "$n")" "dracut -f --regenerate-all" "commands of apply after apply --kver"
n=$(loglen)
apply --kver 6.1.0-13-amd64
expect_rc 0
expect_eq "$(writes "$n")" "" "apply --kver after every kernel was built"
n=$(loglen)
apply --undo --kver 6.1.0-13-amd64
expect_rc 0
expect_eq "$(writes "$n" | grep '^dracut')" "dracut -f --kver 6.1.0-13-amd64 --omit earlybind" "dracut call of --undo --kver"
apply --kver ../x
expect_rc 2
apply --kver 6.1.0-13-amd64 --no-initramfs
expect_rc 2
"$CTL" apply --help >"$R.out" 2>&1
out_has "--kver RELEASE"
mkdir -p "$R/run"
: >"$R/run/ostree-booted"
printf 'root=UUID=1 rw\n' >"$S/kargs"
n=$(loglen)
apply --kver 6.1.0-13-amd64
expect_rc 2
err_has "run apply without --kver"
expect_eq "$(writes "$n")" "" "commands of a refused apply --kver on rpm-ostree"
end

# ---- a kill in the middle: write-ahead of the record ----------------------
# kill-on makes the dracut/update-grub stand-in SIGKILL earlybindctl, as a
# Ctrl-C or kill -9 during a long dracut run would.
killed_apply() {
	echo "$1" >"$S/kill-on"
	shift
	# Without bash's "Killed" line on the test's output.
	{ apply "$@"; } 2>/dev/null
	rm -f "$S/kill-on"
	[ "$rc" -eq 137 ] || fail "the stand-in did not kill apply: exit status $rc"
}

begin grub_killed_during_update_grub_is_undone
machine
grub_setup
killed_apply update-grub
[ -e "$R$DROPIN" ] || fail "the drop-in was not written before update-grub"
grep -qx 'unfinished yes' "$R/etc/earlybind.d/applied" ||
	fail "no unfinished record before update-grub: $(cat "$R/etc/earlybind.d/applied" 2>&1)"
apply --undo
expect_rc 0
[ -e "$R$DROPIN" ] && fail "--undo left the drop-in of the killed apply: $(cat "$R$DROPIN")"
cmp -s "$R/etc/default/grub" "$R/grub.orig" || fail "--undo changed /etc/default/grub"
[ -e "$R/etc/earlybind.d/applied" ] && fail "--undo left the record"
end

begin grub_killed_after_a_manifest_change_keeps_every_token
machine
grub_setup
apply
expect_rc 0
manifest2
killed_apply update-grub
n=$(loglen)
apply
expect_rc 0
writes "$n" | grep -qx update-grub || fail "the next apply did not run update-grub: $(writes "$n")"
expect_eq "$(grubcfg)" "$ADMIN $OURS2" "GRUB_CMDLINE_LINUX after the apply that finished"
apply --undo
expect_rc 0
[ -e "$R$DROPIN" ] && fail "--undo left the drop-in: $(cat "$R$DROPIN")"
[ -e "$R/etc/earlybind.d/applied" ] && fail "--undo left the record"
end

begin grub_killed_during_dracut_is_finished_and_undone
machine
grub_setup
killed_apply dracut
expect_eq "$(grubcfg)" "$ADMIN $OURS1" "GRUB_CMDLINE_LINUX after the killed apply"
n=$(loglen)
apply
expect_rc 0
expect_eq "$(writes "$n")" "dracut -f --regenerate-all" "commands of the apply after the kill"
expect_eq "$(grubcfg)" "$ADMIN $OURS1" "GRUB_CMDLINE_LINUX after the next apply"
apply --undo
expect_rc 0
[ -e "$R$DROPIN" ] && fail "--undo left the drop-in"
end

begin kernel_cmdline_killed_during_dracut_keeps_every_token
machine
mkdir -p "$R/etc/kernel"
printf 'root=UUID=1 ro %s\n' "$ADMIN" >"$R/etc/kernel/cmdline"
cp "$R/etc/kernel/cmdline" "$R/cmdline.orig"
apply
expect_rc 0
manifest2
killed_apply dracut
n=$(loglen)
apply
expect_rc 0
writes "$n" | grep -qx 'dracut -f --regenerate-all' || fail "the next apply did not run dracut: $(writes "$n")"
expect_eq "$(cat "$R/etc/kernel/cmdline")" "root=UUID=1 ro $ADMIN $OURS2" "/etc/kernel/cmdline"
apply --undo
expect_rc 0
cmp -s "$R/etc/kernel/cmdline" "$R/cmdline.orig" ||
	fail "--undo did not restore /etc/kernel/cmdline: $(cat "$R/etc/kernel/cmdline")"
end

begin kernel_cmdline_created_then_killed_is_removed_by_undo
machine
kc_setup
killed_apply dracut
expect_eq "$(cat "$R/etc/kernel/cmdline")" "root=UUID=7 ro running $OURS1" "created /etc/kernel/cmdline"
apply --undo
expect_rc 0
[ -e "$R/etc/kernel/cmdline" ] && fail "--undo left the file the killed apply created: $(cat "$R/etc/kernel/cmdline")"
[ -e "$R/etc/kernel" ] && fail "--undo left the /etc/kernel the killed apply created"
[ -e "$R/etc/earlybind.d/applied" ] && fail "--undo left the record"
end

# ---- the initramfs after an --undo that did not rebuild it -----------------
begin apply_after_undo_without_initramfs_rebuilds
machine
mkdir -p "$R/etc/kernel"
printf 'root=UUID=1 ro\n' >"$R/etc/kernel/cmdline"
apply
expect_rc 0
apply --undo --no-initramfs
expect_rc 0
if [ -e "$R/etc/earlybind.d/applied" ]; then
	grep -q ' $' "$R/etc/earlybind.d/applied" &&
		fail "the record has a line ending in a blank: $(cat -A "$R/etc/earlybind.d/applied")"
fi
n=$(loglen)
apply
expect_rc 0
expect_eq "$(writes "$n" | grep '^dracut')" "dracut -f --regenerate-all" "dracut after --undo --no-initramfs"
end

begin apply_after_a_failed_undo_rebuilds
machine
mkdir -p "$R/etc/kernel"
printf 'root=UUID=1 ro\n' >"$R/etc/kernel/cmdline"
apply
expect_rc 0
echo dracut >"$S/fail-on"
apply --undo
expect_rc 1
rm "$S/fail-on"
n=$(loglen)
apply
expect_rc 0
expect_eq "$(writes "$n" | grep '^dracut')" "dracut -f --regenerate-all" "dracut after a failed --undo"
end

begin rpm_ostree_undo_without_initramfs_keeps_a_clean_record
machine
ro_setup '{"regenerate":false,"args":[],"etc":[]}'
apply
expect_rc 0
apply --undo --no-initramfs
expect_rc 0
grep -q ' $' "$R/etc/earlybind.d/applied" &&
	fail "the record has a line ending in a blank: $(cat -A "$R/etc/earlybind.d/applied")"
grep -qx 'backend rpm-ostree' "$R/etc/earlybind.d/applied" ||
	fail "the record lost its back end: $(cat "$R/etc/earlybind.d/applied")"
n=$(loglen)
apply --undo
expect_rc 0
writes "$n" | grep -qx 'rpm-ostree initramfs --disable' || fail "the next --undo did not disable regeneration: $(writes "$n")"
[ -e "$R/etc/earlybind.d/applied" ] && fail "--undo left the record"
end

# ---- status after an apply that did not finish -----------------------------
begin status_after_a_half_done_apply_waits_for_apply
machine
grub_setup
apply
expect_rc 0
# The same manifest, other arguments, and update-grub fails after the
# drop-in is rewritten: the initramfs is current, the boot menu is not.
echo update-grub >"$S/fail-on"
apply --mode address
expect_rc 1
PATH=$STUBS:$PATH EB_STUB_STATE=$S NO_COLOR=1 "$CTL" --root "$R" status >"$R.out" 2>"$R.err"
rc=$?
expect_rc 3
out_has "waits for 'earlybindctl apply'"
grep -qF "waits for a reboot" "$R.out" && fail "status after a half-done apply: $(cat "$R.out")"
end

# ---- rpm-ostree --undo and the admin's later --arg values ------------------
rpm_ostree() { PATH=$STUBS:$PATH EB_STUB_STATE=$S EB_STUB_ROOT=$R rpm-ostree "$@" >/dev/null 2>&1 || fail "rpm-ostree $*"; }

begin rpm_ostree_undo_keeps_args_the_admin_set_later
machine
ro_setup '{"regenerate":false,"args":[],"etc":[]}'
apply
expect_rc 0
# The admin's own --enable replaces earlybind's "-a earlybind".
rpm_ostree initramfs --enable --arg=-I --arg=/etc/x
n=$(loglen)
apply --undo
expect_rc 0
writes "$n" | grep -q 'initramfs --disable' && fail "--undo turned off the admin's regeneration: $(writes "$n")"
expect_eq "$(cat "$S/initramfs")" '{"regenerate":true,"args":["-I", "/etc/x"],"etc":[]}' "initramfs state after --undo"
[ -e "$R/etc/earlybind.d/applied" ] && fail "--undo left the record"
end

begin rpm_ostree_undo_takes_out_only_its_pair
machine
ro_setup '{"regenerate":false,"args":[],"etc":[]}'
apply
expect_rc 0
rpm_ostree initramfs --enable --arg=-I --arg=/etc/x --arg=-a --arg=earlybind
n=$(loglen)
apply --undo
expect_rc 0
writes "$n" | grep -qx 'rpm-ostree initramfs --enable --arg=-I --arg=/etc/x' ||
	fail "--undo did not keep the admin's --arg values: $(writes "$n")"
expect_eq "$(cat "$S/initramfs")" '{"regenerate":true,"args":["-I", "/etc/x"],"etc":[]}' "initramfs state after --undo"
end

# ---- the dracut drop-in's settings come before it --------------------------
# dracut sources /etc/dracut.conf, then the drop-ins of /etc/dracut.conf.d
# and /usr/lib/dracut/dracut.conf.d in the order of their names (dracut.sh
# dropindirs_sort, sort -V): earlybind_manifest must be set before
# 90-earlybind.conf, as its comment says.  The installed dracut's own
# dropindirs_sort when there is one, else the same in short.
DROPINDIRS_SORT=$(sed -n '/^dropindirs_sort() {$/,/^}$/p' "$(command -v dracut || echo /dev/null)")
# shellcheck disable=SC2016 # a function's text, defined by eval
[ -n "$DROPINDIRS_SORT" ] || DROPINDIRS_SORT='dropindirs_sort() {
	local d f
	for d in "$2" "$3"; do for f in "$d"/*"$1"; do [ -e "$f" ] && printf "%s\n" "${f##*/}"; done; done |
		sort -Vu | while read -r f; do
			for d in "$2" "$3"; do [ -e "$d/$f" ] && { printf "%s\n" "$d/$f"; break; }; done
		done
}'
dropins_add() {
	(
		dracutsysrootdir=$R
		add_dracutmodules=
		mkdir -p "$R/usr/lib/dracut/dracut.conf.d"
		cp "$MODDIR/90-earlybind.conf" "$R/usr/lib/dracut/dracut.conf.d/"
		eval "$DROPINDIRS_SORT"
		for f in $(dropindirs_sort .conf "$R/etc/dracut.conf.d" "$R/usr/lib/dracut/dracut.conf.d"); do
			# shellcheck disable=SC1090
			. "$f"
		done
		printf '%s' "${add_dracutmodules// /}"
	)
}
begin dracut_settings_go_before_the_drop_in
machine
: >"$R/etc/earlybind.conf"
printf 'vfio-pci 0000:01:00.0 10de:2484\n' >"$R/etc/other.conf"
mkdir -p "$R/etc/dracut.conf.d"
printf 'earlybind_manifest=/etc/other.conf\n' >"$R/etc/dracut.conf.d/10-local.conf"
expect_eq "$(dropins_add)" earlybind "a drop-in named before 90-earlybind.conf"
mv "$R/etc/dracut.conf.d/10-local.conf" "$R/etc/dracut.conf.d/95-local.conf"
expect_eq "$(dropins_add)" "" "a drop-in named after 90-earlybind.conf"
end

# ---- /etc/kernel, and what --undo says --------------------------------------
begin kernel_cmdline_undo_removes_the_directory_apply_created
machine
kc_setup
apply
expect_rc 0
apply --undo
expect_rc 0
[ -e "$R/etc/kernel" ] && fail "--undo left the empty /etc/kernel apply created"
out_has "get the command line without them"
grep -qF "get these arguments" "$R.out" && fail "--undo says entries get the arguments: $(cat "$R.out")"
# Created by apply, but something else was put there since: kept.
apply
expect_rc 0
: >"$R/etc/kernel/install.conf"
apply --undo
expect_rc 0
[ -e "$R/etc/kernel/install.conf" ] || fail "--undo removed the admin's /etc/kernel/install.conf"
[ -e "$R/etc/kernel/cmdline" ] && fail "--undo left /etc/kernel/cmdline"
# There before apply: kept, even empty.
rm "$R/etc/kernel/install.conf"
apply
expect_rc 0
apply --undo
expect_rc 0
[ -d "$R/etc/kernel" ] || fail "--undo removed an /etc/kernel that was there before apply"
end

# ---- the record follows the command line, not only the back end's writes ---
begin undo_after_the_admin_removed_our_arguments_forgets_them
machine
mkdir -p "$R/etc/kernel"
printf 'root=UUID=1 ro\n' >"$R/etc/kernel/cmdline"
apply
expect_rc 0
# The admin takes every one of ours out by hand: nothing is left to remove.
printf 'root=UUID=1 ro\n' >"$R/etc/kernel/cmdline"
apply --undo
expect_rc 0
[ -e "$R/etc/earlybind.d/applied" ] &&
	fail "--undo kept a record of arguments no longer there: $(cat "$R/etc/earlybind.d/applied")"
# Typed by the admin afterwards: the admin's, never removed by earlybind.
printf 'root=UUID=1 ro iommu=pt\n' >"$R/etc/kernel/cmdline"
apply --undo
expect_rc 0
expect_eq "$(cat "$R/etc/kernel/cmdline")" "root=UUID=1 ro iommu=pt" "the admin's iommu=pt after --undo"
mkdir -p "$R/etc/default/grub.d"
printf 'GRUB_CMDLINE_LINUX="quiet"\n' >"$R/etc/default/grub"
apply --bootloader grub
expect_rc 0
end

# ---- /etc/kernel/cmdline from the fallbacks ---------------------------------
begin kernel_cmdline_without_a_readable_proc_cmdline_is_not_created
machine
rm -f "$R/proc/cmdline"
apply
expect_rc 1
err_has "$R/proc/cmdline: cannot read"
err_has "create /etc/kernel/cmdline yourself"
[ -e "$R/etc/kernel/cmdline" ] && fail "created without root=: $(cat "$R/etc/kernel/cmdline")"
writes 0 | grep -q '^dracut' && fail "dracut ran: $(writes 0)"
: >"$R/proc/cmdline"
apply
expect_rc 1
err_has "/proc/cmdline: no arguments (not even root=)"
[ -e "$R/etc/kernel/cmdline" ] && fail "created from an empty /proc/cmdline: $(cat "$R/etc/kernel/cmdline")"
[ -e "$R/etc/kernel" ] && fail "left /etc/kernel behind"
[ -e "$R/etc/earlybind.d/applied" ] && fail "a refused apply left a record: $(cat "$R/etc/earlybind.d/applied")"
end

# long_cmdline N: root=UUID=9 ro and N arguments of 20 bytes each.
long_cmdline() {
	local i
	printf 'root=UUID=9 ro'
	for ((i = 0; i < $1; i++)); do printf ' opt%04d=abcdefghijkl' "$i"; done
}

begin kernel_cmdline_created_from_a_long_proc_cmdline_keeps_all_of_it
machine
mkdir -p "$R/proc"
printf 'BOOT_IMAGE=/vmlinuz %s\n' "$(long_cmdline 300)" >"$R/proc/cmdline"
apply
expect_rc 0
[ "$(cat "$R/etc/kernel/cmdline")" = "$(long_cmdline 300) $OURS1" ] ||
	fail "created /etc/kernel/cmdline ends: $(tail -c 120 "$R/etc/kernel/cmdline")"
end

begin kernel_cmdline_created_from_a_long_vendor_file_is_removed_by_undo
machine
kc_setup
long_cmdline 300 >"$R/usr/lib/kernel/cmdline"
apply
expect_rc 0
apply --undo
expect_rc 0
[ -e "$R/etc/kernel/cmdline" ] &&
	fail "--undo left the /etc/kernel/cmdline apply created from a long vendor file"
grep -qF "kept, although earlybind created it" "$R.out" && fail "--undo: $(cat "$R.out")"
[ -e "$R/etc/earlybind.d/applied" ] && fail "--undo left the record"
end

begin kver_longer_than_the_record_holds_is_a_usage_error
machine
mkdir -p "$R/etc/kernel"
printf 'root=UUID=1 ro\n' >"$R/etc/kernel/cmdline"
apply --kver "6.1.0-$(printf 'x%.0s' {1..300})"
expect_rc 2
err_has "--kver"
expect_eq "$(writes 0)" "" "commands of apply with a --kver too long"
end

# A write that fails after /etc/kernel was created: root must lose
# CAP_DAC_OVERRIDE for a directory without write permission to stop it.
begin kernel_cmdline_failed_write_removes_the_directory_it_created
machine
kc_setup
mkdir -p "$R/etc/earlybind.d"
if [ "$(id -u)" -eq 0 ]; then
	NODAC=(setpriv "--bounding-set=-dac_override,-dac_read_search" --)
else
	NODAC=()
fi
(
	umask 0222
	PATH=$STUBS:$PATH EB_STUB_STATE=$S NO_COLOR=1 "${NODAC[@]}" "$CTL" --root "$R" apply \
		--mode ids >"$R.out" 2>"$R.err"
)
rc=$?
expect_rc 1
err_has "$R/etc/kernel/cmdline: cannot write: Permission denied"
[ -e "$R/etc/kernel" ] && fail "the failed apply left the /etc/kernel it created"
[ -e "$R/etc/earlybind.d/applied" ] && fail "the failed apply left a record: $(cat "$R/etc/earlybind.d/applied")"
end

begin kernel_cmdline_symlink_is_kept_and_its_target_written
machine
mkdir -p "$R/etc/kernel" "$R/usr/share/kernel"
printf 'root=UUID=1 ro\n' >"$R/usr/share/kernel/cmdline"
ln -s ../../usr/share/kernel/cmdline "$R/etc/kernel/cmdline"
apply
expect_rc 0
[ -L "$R/etc/kernel/cmdline" ] || fail "apply replaced the symlink with a file"
expect_eq "$(cat "$R/usr/share/kernel/cmdline")" "root=UUID=1 ro $OURS1" "the link's target"
apply --undo
expect_rc 0
[ -L "$R/etc/kernel/cmdline" ] || fail "--undo replaced the symlink with a file"
expect_eq "$(cat "$R/usr/share/kernel/cmdline")" "root=UUID=1 ro" "the link's target after --undo"
end

# ---- nothing is written outside the root -----------------------------------
# A symlinked directory (or file) in the root that points out of it, by an
# absolute target or by climbing: apply refuses with the path named, exit
# 1, and nothing appears where the link points.
begin grub_drop_in_directory_linked_out_of_the_root_is_refused
machine
mkdir -p "$R/etc/default" "$TMP/x"
printf 'GRUB_CMDLINE_LINUX="quiet"\n' >"$R/etc/default/grub"
ln -s "$TMP/x" "$R/etc/default/grub.d"
apply
expect_rc 1
err_has "$R/etc/default/grub.d: cannot read: a symbolic link on the way leads out of the root"
expect_eq "$(ls -A "$TMP/x")" "" "what apply put in the link's target outside the root"
calls 0 | grep -qE '^(update-grub|dracut)' && fail "programs ran: $(calls 0)"
[ -e "$R/etc/earlybind.d/applied" ] && fail "a refused apply left a record: $(cat "$R/etc/earlybind.d/applied")"
end

begin kernel_cmdline_directory_linked_out_of_the_root_is_refused
machine
mkdir -p "$TMP/y"
printf 'root=UUID=1 ro\n' >"$TMP/y/cmdline"
cp "$TMP/y/cmdline" "$R/cmdline.orig"
ln -s ../../y "$R/etc/kernel"
ln -s ../.. "$R/etc/up"
apply
expect_rc 1
err_has "/etc/kernel/cmdline"
err_has "a symbolic link on the way leads out of the root"
cmp -s "$TMP/y/cmdline" "$R/cmdline.orig" || fail "apply wrote outside the root: $(cat "$TMP/y/cmdline")"
expect_eq "$(ls -A "$TMP/y")" "cmdline" "files in the link's target outside the root"
end

begin kernel_cmdline_file_linked_out_of_the_root_is_refused
machine
mkdir -p "$R/etc/kernel" "$TMP/z"
printf 'root=UUID=1 ro\n' >"$TMP/z/cmdline"
cp "$TMP/z/cmdline" "$R/cmdline.orig"
ln -s "$TMP/z/cmdline" "$R/etc/kernel/cmdline"
apply
expect_rc 1
err_has "a symbolic link on the way leads out of the root"
cmp -s "$TMP/z/cmdline" "$R/cmdline.orig" || fail "apply wrote outside the root: $(cat "$TMP/z/cmdline")"
[ -L "$R/etc/kernel/cmdline" ] || fail "apply replaced the admin's symlink"
end

begin record_directory_linked_out_of_the_root_is_refused
machine
mkdir -p "$R/etc/kernel" "$TMP/w"
printf 'root=UUID=1 ro\n' >"$R/etc/kernel/cmdline"
cp "$R/etc/kernel/cmdline" "$R/cmdline.orig"
ln -s "$TMP/w" "$R/etc/earlybind.d"
apply
expect_rc 1
err_has "/etc/earlybind.d/applied"
err_has "a symbolic link on the way leads out of the root"
expect_eq "$(ls -A "$TMP/w")" "" "what apply put in the link's target outside the root"
cmp -s "$R/etc/kernel/cmdline" "$R/cmdline.orig" || fail "apply changed /etc/kernel/cmdline without a record"
end

# ---- temporary files a kill leaves ------------------------------------------
# Killed between writing a temporary file and renaming it: the next write of
# that file removes the leftover; a temporary file that a running writer
# holds (locked) stays.
begin killed_write_leaves_a_temporary_file_the_next_write_removes
machine
mkdir -p "$R/etc/kernel"
printf 'root=UUID=1 ro\n' >"$R/etc/kernel/cmdline"
if command -v strace >/dev/null; then
	{ PATH=$STUBS:$PATH EB_STUB_STATE=$S strace -f -qq -o /dev/null \
		-e trace=rename,renameat,renameat2 -e inject=rename,renameat,renameat2:signal=KILL \
		"$CTL" --root "$R" apply >/dev/null 2>&1; } 2>/dev/null
	left=$(compgen -G "$R/etc/earlybind.d/.applied.earlybind-tmp.*")
	[ -n "$left" ] || fail "the killed write left no temporary file: $(ls -A "$R/etc/earlybind.d")"
	# A writer at work on its own temporary file: locked, so it stays.
	busy=$R/etc/earlybind.d/.applied.earlybind-tmp.Busy00
	: >"$busy"
	# Held by this shell, as a writer holds its own (flock on an fd of it).
	exec {lockfd}<"$busy"
	flock "$lockfd"
	apply
	expect_rc 0
	[ -e "$left" ] && fail "the next write left the killed write's $left"
	[ -e "$busy" ] || fail "the next write removed the temporary file a writer holds"
	exec {lockfd}<&-
else
	fail "strace is missing (scripts/deps check installs it)"
fi
end

# ---- the programs act on the root, not on this machine ---------------------
# With --root, every program apply runs is run inside the root (chroot ROOT
# PROGRAM), so that it rebuilds that system's initramfs and changes that
# system's boot entries.  The stand-ins refuse to run otherwise; the chroot
# stand-in records the root each was given.
begin every_program_apply_runs_gets_the_root
for be in kernel-cmdline grub grubby rpm-ostree; do
	R=$TMP/every_program_apply_runs_gets_the_root/$be
	mkdir -p "$R"
	machine
	case $be in
	kernel-cmdline)
		mkdir -p "$R/etc/kernel"
		printf 'root=UUID=1 ro\n' >"$R/etc/kernel/cmdline"
		;;
	grub) grub_setup ;;
	grubby) bls_entry 6.11 "root=UUID=1 ro" ;;
	rpm-ostree) ro_setup '{"regenerate":false,"args":[],"etc":[]}' ;;
	esac
	apply
	expect_rc 0
	out_has "boot configuration: $be"
	apply --undo
	expect_rc 0
	[ -s "$S/log" ] || fail "$be: no program ran"
	expect_eq "$(wc -l <"$S/chroot-log")" "$(wc -l <"$S/log")" "$be: runs through chroot among all runs"
	expect_eq "$(cut -d "$US" -f 1 "$S/chroot-log" | sort -u)" "$R" "$be: the roots the programs were given"
	grep -qF "running: chroot $R " "$R.out" || fail "$be: apply did not say it runs the programs in $R: $(cat "$R.out")"
done
end

# ---- killed at any point, every back end ------------------------------------
# For each back end, KILL_RUNS times: a fresh root; apply, with stand-ins
# that take a random while (EB_STUB_SLEEP) before each change, killed with
# SIGKILL (the whole process group, earlybindctl and the program it runs,
# as a power cut would) after a random delay; then apply, and apply
# --undo, run to the end.  Afterwards every file under the root, and the
# state the rpm-ostree stand-in keeps for the deployments, must be byte for
# byte what it was at the start (every third run, --undo comes straight
# after the kill, without the apply).  Not compared: /etc/earlybind.d, where
# --undo leaves its marker by design, and the stand-ins' logs and counters.
# Under ASan (LABEL) fewer runs: the 50 of the plain build cover the kills,
# these the sanitizers on the same paths.
if [ -n "$LABEL" ]; then
	KILL_RUNS=${KILL_RUNS:-5}
else
	KILL_RUNS=${KILL_RUNS:-50}
fi
KILL_SLEEP=0.02
# kill_setup_BACKEND: the root's boot configuration at the start.
kill_setup_kernel_cmdline() {
	mkdir -p "$R/proc"
	printf 'BOOT_IMAGE=/vmlinuz root=UUID=7 ro quiet\n' >"$R/proc/cmdline"
	# Every other run with the admin's /etc/kernel/cmdline, else created.
	if [ $((run % 2)) -eq 0 ]; then
		mkdir -p "$R/etc/kernel"
		printf 'root=UUID=1 ro %s\n' "$ADMIN" >"$R/etc/kernel/cmdline"
	fi
}
kill_setup_grub() {
	grub_setup
	printf 'GRUB_CMDLINE_LINUX_DEFAULT="splash"\n' >"$R/etc/default/grub.d/50-local.cfg"
}
kill_setup_grubby() {
	bls_entry 6.11.4-301.fc41.x86_64 "root=UUID=1 ro quiet"
	bls_entry 6.10.3-200.fc41.x86_64 "root=UUID=1 ro quiet iommu=pt"
	mkdir -p "$R/etc/kernel" "$R/etc/default"
	printf 'root=UUID=1 ro quiet\n' >"$R/etc/kernel/cmdline"
	printf 'GRUB_TIMEOUT=5\nGRUB_CMDLINE_LINUX="quiet"\n' >"$R/etc/default/grub"
}
kill_setup_rpm_ostree() {
	ro_setup '{"regenerate":false,"args":[],"etc":[]}'
	printf 'rhgb %s root=UUID=1 rw\n' "$ADMIN" >"$S/kargs"
}
# state: what is compared, the root and the stand-in's deployment state.
state() {
	snapshot "$R" | grep -vE '(^. [0-7]+ |^[0-9a-f]+  )\./etc/earlybind\.d( |/|$)'
	for f in kargs initramfs; do
		[ -f "$S/$f" ] && printf '%s: %s\n' "$f" "$(cat "$S/$f")"
	done
	return 0
}
kill_test() {
	local be=$1 setup=$2 run pid tpl=$TMP/$current/template killed=0 start span
	R=$tpl
	mkdir -p "$R"
	machine
	# How long an apply takes here: the kills are spread over that time.
	R=$TMP/$current/timing
	cp -a "$tpl" "$R"
	S=$R.state
	mkdir -p "$S"
	run=0
	"$setup"
	start=$(date +%s%N)
	EB_STUB_SLEEP=$KILL_SLEEP PATH=$STUBS:$PATH EB_STUB_STATE=$S NO_COLOR=1 \
		"$CTL" --root "$R" apply --mode ids >"$R.out" 2>&1 || fail "$be: apply: $(cat "$R.out")"
	span=$((($(date +%s%N) - start) / 1000000))
	# A busy machine makes that long: at most 300 ms, to keep the runs short.
	[ "$span" -le 300 ] || span=300
	for ((run = 1; run <= KILL_RUNS; run++)); do
		R=$TMP/$current/$run
		cp -a "$tpl" "$R"
		S=$R.state
		mkdir -p "$S"
		"$setup"
		state >"$R.start"
		EB_STUB_SLEEP=$KILL_SLEEP PATH=$STUBS:$PATH EB_STUB_STATE=$S NO_COLOR=1 \
			setsid "$CTL" --root "$R" apply --mode ids >"$R.out" 2>"$R.err" &
		pid=$!
		sleep "$(awk -v ms=$((RANDOM % (span + 1))) 'BEGIN { printf "%.3f", ms / 1000 }')"
		kill -KILL -- "-$pid" 2>/dev/null
		wait "$pid" 2>/dev/null
		[ $? -eq 137 ] && killed=$((killed + 1))
		# Every third run goes straight to --undo.
		if [ $((run % 3)) -ne 0 ]; then
			apply
			expect_rc 0
		fi
		apply --undo
		expect_rc 0
		state >"$R.end"
		if ! diff "$R.start" "$R.end" >"$R.diff"; then
			fail "$be, run $run: not as at the start after a kill, apply and --undo: $(cat "$R.diff")"
			[ -z "${KILL_DEBUG:-}" ] || { cp -a "$R" "$R.state" "$R.out" "$R.err" "$KILL_DEBUG"/; }
			return
		fi
		grep -q "boot configuration: $be" "$R.out" || fail "$be, run $run: $(cat "$R.out")"
		rm -rf "$R" "$R.state"
	done
	# The kills must land while apply runs, not only after it ended.
	echo "  $be: $killed of $KILL_RUNS runs killed while apply ran (${span} ms)"
	[ "$killed" -ge $((KILL_RUNS / 4)) ] || fail "$be: only $killed of $KILL_RUNS kills hit a running apply"
}
begin kernel_cmdline_killed_anywhere_then_applied_and_undone_is_as_before
kill_test kernel-cmdline kill_setup_kernel_cmdline
end
begin grub_killed_anywhere_then_applied_and_undone_is_as_before
kill_test grub kill_setup_grub
end
begin grubby_killed_anywhere_then_applied_and_undone_is_as_before
kill_test grubby kill_setup_grubby
end
begin rpm_ostree_killed_anywhere_then_applied_and_undone_is_as_before
kill_test rpm-ostree kill_setup_rpm_ostree
end

summary
