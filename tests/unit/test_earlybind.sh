#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-or-later
#
# The boot binary on fake roots built by mkfakesys: sysfs laid out as the
# kernel lays it out, whose write-only files (driver_override, unbind,
# drivers_probe, new_id) are plain files, so each test reads back exactly
# what earlybind wrote.  A fake root has no kernel behind it: a write to
# drivers_probe binds nothing, so a function that needed a probe stays on
# its old driver and earlybind reports that, as it would on a real machine
# whose driver refused the function.
#
# Usage: test_earlybind.sh EARLYBIND MKFAKESYS [LABEL]
set -u

EB=$1
MKFAKESYS=$2
LABEL=${3:-}

# shellcheck source=tests/lib.sh
. "$(dirname "$0")/../lib.sh"

# The machine every test starts from: two identical e1000e NICs (the
# identical-cards case), an xhci on xhci_hcd, a stub-bound function, and
# vfio-pci registered (as if loaded), so no module load is needed.
base_tree() {
	"$MKFAKESYS" "$R" - <<-'EOF' || fail "mkfakesys failed"
	fn 0000:00:00.0 8086:29c0 sub=1af4:1100 class=060000 group=0
	fn 0000:00:03.0 8086:10d3 sub=8086:0000 class=020000 driver=e1000e group=3 pcie
	fn 0000:00:04.0 8086:10d3 sub=8086:0000 class=020000 driver=e1000e group=4 pcie
	fn 0000:00:06.0 1b36:000d sub=1af4:1100 class=0c0330 driver=xhci_hcd group=6
	fn 0000:00:07.0 1b36:0001 sub=1af4:1100 class=ff0000 driver=pci-stub group=7
	driver vfio-pci
	driver pci-stub
	EOF
	printf 'on\n' >"$R/proc/sys/kernel/printk_devkmsg"
}

manifest() {
	mkdir -p "$R/etc"
	cat >"$R/etc/earlybind.conf"
}

# Runs earlybind on the fake root; sets rc and keeps its output.
run_eb() {
	"$EB" --root "$R" "$@" >"$R.out" 2>"$R.err"
	rc=$?
}

dev() { printf '%s/sys/bus/pci/devices/%s' "$R" "$1"; }
override() { cat "$(dev "$1")/driver_override"; }
log_has() { grep -qF -- "$1" "$R/dev/kmsg" || fail "log lacks '$1'; log: $(cat "$R/dev/kmsg")"; }
log_lacks() { ! grep -qF -- "$1" "$R/dev/kmsg" || fail "log has '$1'"; }
expect_rc() { [ "$rc" -eq "$1" ] || fail "exit status $rc, expected $1; stderr: $(cat "$R.err")"; }
expect_file() {
	local got
	got=$(cat "$1")
	[ "$got" = "$2" ] || fail "${1#"$R"} holds '$got', expected '$2'"
}
# No new_id file anywhere was written: new_id would capture every device with the id.
no_new_id() {
	local f
	for f in "$R"/sys/bus/pci/drivers/*/new_id; do
		[ -s "$f" ] && fail "${f#"$R"} was written"
	done
	return 0
}

begin identical_cards_only_the_named_one_is_claimed
base_tree
manifest <<-'EOF'
vfio-pci 0000:00:03.0 8086:10d3
EOF
run_eb
expect_file "$(dev 0000:00:03.0)/driver_override" vfio-pci
expect_file "$(dev 0000:00:04.0)/driver_override" "(null)"
expect_file "$R/sys/bus/pci/drivers/e1000e/unbind" 0000:00:03.0
expect_file "$R/sys/bus/pci/drivers_probe" 0000:00:03.0
no_new_id
# The fake kernel did not rebind it, so earlybind must say so and fail.
log_has "0000:00:03.0 [8086:10d3]: vfio-pci did not bind it (now on e1000e)"
log_lacks "0000:00:04.0"
expect_rc 1
end

begin held_by_host_driver_is_unbound_before_the_probe
base_tree
manifest <<-'EOF'
pci-stub 0000:00:06.0 1b36:000d
EOF
if command -v strace >/dev/null; then
	strace -f -qq -e trace=openat -o "$R.trace" "$EB" --root "$R" >/dev/null 2>&1
	order=$(grep -oE 'driver_override|xhci_hcd/unbind|drivers_probe' "$R.trace" | tr '\n' ' ')
	[ "$order" = "driver_override xhci_hcd/unbind drivers_probe " ] ||
		fail "kernel files opened in the order '$order'"
else
	fail "strace is missing (scripts/deps check installs it)"
fi
expect_file "$(dev 0000:00:06.0)/driver_override" pci-stub
expect_file "$R/sys/bus/pci/drivers/xhci_hcd/unbind" 0000:00:06.0
expect_file "$R/sys/bus/pci/drivers_probe" 0000:00:06.0
end

# Driverless after the probe, with no IOMMU group: the IOMMU is off, for
# vfio-pci and for its variant drivers alike (mlx5_vfio_pci is a vfio driver).
begin vfio_driver_without_an_iommu_group_is_told_to_turn_the_iommu_on
"$MKFAKESYS" "$R" - <<-'EOF' || fail "mkfakesys failed"
	fn 0000:00:00.0 8086:29c0 sub=1af4:1100 class=060000
	fn 0000:00:05.0 15b3:101e sub=15b3:0016 class=020000 pcie
	fn 0000:00:06.0 8086:10d3 sub=8086:0000 class=020000 pcie
	driver vfio-pci
	driver mlx5_vfio_pci
	EOF
printf 'on\n' >"$R/proc/sys/kernel/printk_devkmsg"
manifest <<-'EOF'
mlx5_vfio_pci 0000:00:05.0 15b3:101e
vfio-pci 0000:00:06.0 8086:10d3
EOF
run_eb
expect_rc 1
log_has "0000:00:05.0 [15b3:101e]: mlx5_vfio_pci did not bind it: the function has no IOMMU group"
log_has "0000:00:06.0 [8086:10d3]: vfio-pci did not bind it: the function has no IOMMU group"
end

begin already_on_its_driver_writes_nothing
base_tree
manifest <<-'EOF'
pci-stub 0000:00:07.0 1b36:0001
EOF
run_eb
expect_rc 0
expect_file "$(dev 0000:00:07.0)/driver_override" "(null)"
expect_file "$R/sys/bus/pci/drivers_probe" ""
expect_file "$R/sys/bus/pci/drivers/pci-stub/unbind" ""
log_has "earlybind: 0000:00:07.0 [1b36:0001]: already on pci-stub"
log_has "earlybind: 0 bound, 1 already on their driver, 0 optional absent, 0 failed"
end

begin id_mismatch_at_the_address_leaves_the_function_alone
base_tree
manifest <<-'EOF'
vfio-pci 0000:00:03.0 8086:1533
EOF
run_eb
expect_rc 1
expect_file "$(dev 0000:00:03.0)/driver_override" "(null)"
expect_file "$R/sys/bus/pci/drivers/e1000e/unbind" ""
expect_file "$R/sys/bus/pci/drivers_probe" ""
log_has "0000:00:03.0 [8086:10d3]: /etc/earlybind.conf: line 1: expects 8086:1533; function left alone"
end

begin subsystem_id_mismatch_leaves_the_function_alone
base_tree
manifest <<-'EOF'
vfio-pci 0000:00:03.0 8086:10d3:1028:0001
EOF
run_eb
expect_rc 1
expect_file "$(dev 0000:00:03.0)/driver_override" "(null)"
log_has "expects 8086:10d3:1028:0001"
end

begin missing_function_is_an_error
base_tree
manifest <<-'EOF'
vfio-pci 0000:09:00.0 10de:1b80
EOF
run_eb
expect_rc 1
log_has "earlybind: 0000:09:00.0: not present (/etc/earlybind.conf: line 1); add 'optional'"
log_has "0 bound, 0 already on their driver, 0 optional absent, 1 failed"
end

begin missing_optional_function_is_not_an_error
base_tree
manifest <<-'EOF'
vfio-pci 0000:09:00.0 10de:1b80 optional
pci-stub 0000:00:07.0 1b36:0001
EOF
run_eb
expect_rc 0
log_has "earlybind: 0000:09:00.0: not present (/etc/earlybind.conf: line 1, optional)"
log_has "0 bound, 1 already on their driver, 1 optional absent, 0 failed"
end

begin rd_earlybind_0_does_nothing_but_say_so
base_tree
printf 'BOOT_IMAGE=/vmlinuz root=UUID=1234 rd.earlybind=0 quiet\n' >"$R/proc/cmdline"
manifest <<-'EOF'
vfio-pci 0000:00:03.0 8086:10d3
pci-stub 0000:00:06.0 1b36:000d
EOF
run_eb
expect_rc 0
expect_file "$(dev 0000:00:03.0)/driver_override" "(null)"
expect_file "$(dev 0000:00:06.0)/driver_override" "(null)"
expect_file "$R/sys/bus/pci/drivers_probe" ""
log_has "earlybind: disabled by rd.earlybind=0 on the kernel command line"
[ "$(wc -l <"$R/dev/kmsg")" -eq 1 ] || fail "more than one log line: $(cat "$R/dev/kmsg")"
end

# The rescue switch is never missed: the whole /proc/cmdline is read, split
# as the kernel splits it, the last rd.earlybind wins, and a value earlybind
# does not understand switches it off too, with a line that says so.
# cmdline_case TEXT: the base tree with TEXT (printf %b) as /proc/cmdline,
# a manifest that claims 00:03.0, and earlybind run on it.
cmdline_case() {
	rm -rf "$R"
	base_tree
	printf '%b' "$1" >"$R/proc/cmdline"
	printf 'vfio-pci 0000:00:03.0 8086:10d3\n' | manifest
	run_eb
}
nothing_claimed() {
	expect_file "$(dev 0000:00:03.0)/driver_override" "(null)"
	expect_file "$R/sys/bus/pci/drivers_probe" ""
}

begin rd_earlybind_0_after_an_overlong_value_disables
cmdline_case 'rd.earlybind=xxxxxxxxxxxxxxxx rd.earlybind=0\n'
expect_rc 0
nothing_claimed
log_has "disabled by rd.earlybind=0 on the kernel command line"
end

begin rd_earlybind_0_anywhere_in_a_long_cmdline_disables
for n in 4080 4090 4096 65536 1048576; do
	cmdline_case "$(head -c "$n" /dev/zero | tr '\0' x) rd.earlybind=0\n"
	expect_rc 0
	nothing_claimed
	log_has "disabled by rd.earlybind=0"
done
end

begin last_rd_earlybind_wins
cmdline_case 'rd.earlybind=0 quiet rd.earlybind=1\n'
expect_file "$(dev 0000:00:03.0)/driver_override" vfio-pci
log_lacks "disabled"
cmdline_case 'rd.earlybind=1 quiet rd.earlybind=off\n'
nothing_claimed
log_has "disabled by rd.earlybind=off"
end

begin quoted_rd_earlybind_0_disables
for c in 'rd.earlybind="0"' '"rd.earlybind=0"' 'x=1 "rd.earlybind=no" y=2'; do
	cmdline_case "root=UUID=1 $c ro\n"
	expect_rc 0
	nothing_claimed
	log_has "disabled by rd.earlybind="
done
end

begin rd_earlybind_value_not_understood_disables_and_says_so
for v in 00 2 offf xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx '' '"0 x"'; do
	cmdline_case "quiet rd.earlybind=$v ro\n"
	expect_rc 0
	nothing_claimed
	log_has "disabled by rd.earlybind='"
	log_has "taken as rd.earlybind=0, no function claimed"
done
cmdline_case 'quiet rd.earlybind ro\n'
nothing_claimed
log_has "disabled by rd.earlybind without a value"
cmdline_case 'quiet dyndbg="file x.c +p rd.earlybind=0\n'
nothing_claimed
log_has "rd.earlybind is inside a quote that the kernel command line never closes"
end

begin kernel_white_space_and_nul_do_not_hide_rd_earlybind_0
for sep in '\v' '\f' '\r' '\t' '\xa0' '\0'; do
	cmdline_case "quiet${sep}rd.earlybind=0${sep}ro\n"
	expect_rc 0
	nothing_claimed
	log_has "disabled by rd.earlybind=0"
done
log_has "/proc/cmdline holds a NUL byte; read as a space between parameters"
end

begin bad_lines_are_logged_by_number_and_good_lines_still_apply
base_tree
manifest <<-'EOF'
# driver device id options
vfio-pci 0000:00:03.0 8086:10d3 sometimes
pci-stub 0000:00:06.0 1b36:000d
vfio-pci 0000:00:04.0 8086:10d3:zzzz
pci-stub 0000:00:07.0 1b36:0001
EOF
run_eb
expect_rc 1
log_has "earlybind: /etc/earlybind.conf: line 2: unknown option 'sometimes' (known: optional); line skipped"
log_has "earlybind: /etc/earlybind.conf: line 4: invalid id '8086:10d3:zzzz'"
expect_file "$(dev 0000:00:03.0)/driver_override" "(null)"
expect_file "$(dev 0000:00:04.0)/driver_override" "(null)"
expect_file "$(dev 0000:00:06.0)/driver_override" pci-stub
log_has "0000:00:07.0 [1b36:0001]: already on pci-stub"
# The two bad lines, and 06.0 that the fake kernel does not rebind.
log_has "0 bound, 1 already on their driver, 0 optional absent, 3 failed"
end

begin module_that_cannot_be_loaded_still_gets_driver_override
base_tree
rm -rf "$R/sys/bus/pci/drivers/vfio-pci" "$R/lib/modules"
manifest <<-'EOF'
vfio-pci 0000:00:03.0 8086:10d3
EOF
run_eb
expect_rc 1
expect_file "$(dev 0000:00:03.0)/driver_override" vfio-pci
log_has "cannot load vfio-pci: $R/lib/modules/"
log_has "0000:00:03.0 [8086:10d3]: not bound to vfio-pci (driver_override is set, so no host driver takes it)"
end

begin wildcard_address_claims_every_function_with_the_id_not_listed_by_address
base_tree
"$MKFAKESYS" "$R" - <<-'EOF' || fail "mkfakesys failed"
fn 0000:00:05.0 8086:10d3 sub=8086:0000 class=020000 group=5
EOF
manifest <<-'EOF'
pci-stub 0000:00:04.0 8086:10d3
vfio-pci * 8086:10d3
EOF
run_eb
expect_file "$(dev 0000:00:03.0)/driver_override" vfio-pci
expect_file "$(dev 0000:00:05.0)/driver_override" vfio-pci
expect_file "$(dev 0000:00:04.0)/driver_override" pci-stub
no_new_id
end

begin second_wildcard_line_of_an_id_is_a_duplicate
base_tree
manifest <<-'EOF'
vfio-pci * 8086:10d3
pci-stub * 8086:10d3
EOF
run_eb
expect_rc 1
log_has "/etc/earlybind.conf: line 2: device '*' with id '8086:10d3' is already listed on line 1; line skipped"
expect_file "$(dev 0000:00:03.0)/driver_override" vfio-pci
expect_file "$(dev 0000:00:04.0)/driver_override" vfio-pci
end

begin function_on_the_driver_of_the_first_star_line_is_not_moved_by_a_second
# Two '*' lines whose ids both match one function (one with the subsystem
# ids): the first line decides, whether or not the function is already on
# its driver, so where it was at boot does not choose its driver.
base_tree
"$MKFAKESYS" "$R" - <<-'EOF' || fail "mkfakesys failed"
fn 0000:00:05.0 8086:1539 sub=1234:5678 class=020000 driver=vfio-pci group=5
fn 0000:00:08.0 8086:1539 sub=1234:5678 class=020000 driver=igb group=8
EOF
manifest <<-'EOF'
vfio-pci * 8086:1539
pci-stub * 8086:1539:1234:5678
EOF
run_eb
expect_file "$(dev 0000:00:05.0)/driver_override" "(null)"
expect_file "$(dev 0000:00:08.0)/driver_override" vfio-pci
log_has "0000:00:05.0 [8086:1539]: already on vfio-pci"
log_has "/etc/earlybind.conf: line 2: every function with id 8086:1539:1234:5678 is claimed by an earlier '*' line; this line takes none"
log_lacks "not present"

end

begin dry_run_changes_nothing_and_prints_the_writes_in_order
base_tree
manifest <<-'EOF'
vfio-pci 0000:00:03.0 8086:10d3
EOF
cp "$R/dev/kmsg" "$R.kmsg-before"
run_eb --dry-run
expect_file "$(dev 0000:00:03.0)/driver_override" "(null)"
expect_file "$R/sys/bus/pci/drivers_probe" ""
cmp -s "$R/dev/kmsg" "$R.kmsg-before" || fail "a dry run wrote to the kernel log"
expect_file "$R.out" "$R/sys/bus/pci/devices/0000:00:03.0/driver_override <- vfio-pci
$R/sys/bus/pci/drivers/e1000e/unbind <- 0000:00:03.0
$R/sys/bus/pci/drivers_probe <- 0000:00:03.0"
end

begin every_log_line_is_one_kmsg_record_with_the_earlybind_prefix
base_tree
manifest <<-'EOF'
pci-stub 0000:00:07.0 1b36:0001
vfio-pci 0000:09:00.0 10de:1b80 optional
EOF
run_eb
bad=$(grep -cvE '^<[0-7]>earlybind: ' "$R/dev/kmsg")
[ "$bad" -eq 0 ] || fail "$bad lines without '<N>earlybind: ': $(cat "$R/dev/kmsg")"
[ "$(wc -l <"$R/dev/kmsg")" -eq 3 ] || fail "expected 3 lines: $(cat "$R/dev/kmsg")"
grep -q '^<5>earlybind: 0 bound, 1 already' "$R/dev/kmsg" || fail "summary is not at notice level"
end

begin kernel_log_rate_limit_keeps_the_summary
base_tree
printf 'ratelimit\n' >"$R/proc/sys/kernel/printk_devkmsg"
{
	for i in 0 1 2 3 4 5 6 7 8 9 a b; do
		printf 'vfio-pci 0000:1%s:00.0 10de:1b80 optional\n' "$i"
	done
} | manifest
run_eb
[ "$(wc -l <"$R/dev/kmsg")" -eq 10 ] || fail "expected 10 lines: $(cat "$R/dev/kmsg")"
tail -n 1 "$R/dev/kmsg" | grep -q '12 optional absent, 0 failed; some lines were held back' ||
	fail "last line is not the summary: $(tail -n 1 "$R/dev/kmsg")"
end

begin verbose_prints_the_log_lines_on_stderr
base_tree
manifest <<-'EOF'
pci-stub 0000:00:07.0 1b36:0001
EOF
run_eb -v
grep -qx 'earlybind: 0000:00:07.0 \[1b36:0001\]: already on pci-stub' "$R.err" ||
	fail "stderr: $(cat "$R.err")"
end

begin no_manifest_is_nothing_to_do
base_tree
run_eb
expect_rc 0
log_has "/etc/earlybind.conf does not exist; nothing to do"
end

begin config_option_reads_the_named_file
base_tree
printf 'pci-stub 0000:00:07.0 1b36:0001\n' >"$R/other.conf"
run_eb --config "$R/other.conf"
expect_rc 0
log_has "already on pci-stub"
end

begin usage_errors_exit_2
base_tree
run_eb --no-such-option
expect_rc 2
run_eb extra-argument
expect_rc 2
"$EB" --help >"$R.out" 2>&1 || fail "--help failed"
grep -q 'rd.earlybind=0' "$R.out" || fail "--help does not mention rd.earlybind=0"
"$EB" --version | grep -qE '^earlybind [0-9]' || fail "--version: $("$EB" --version)"
end

# An empty path is no path: --root '' is not /, --config '' not "no file".
begin empty_root_or_config_is_a_usage_error
for opt in --root --config; do
	"$EB" "$opt" "" -n >"$R.out" 2>"$R.err"
	rc=$?
	expect_rc 2
	grep -qF "earlybind: $opt needs a " "$R.err" || fail "$opt '': $(cat "$R.err")"
	[ -s "$R.out" ] && fail "$opt '' printed: $(cat "$R.out")"
done
end

# The boot binary waits on nothing but the kernel: a FIFO (or another file
# that is not regular) where it expects a file is refused, never waited on.
# run_eb_timed: run_eb under timeout 5, so that a wait fails the test (124).
run_eb_timed() {
	timeout 5 "$EB" --root "$R" "$@" >"$R.out" 2>"$R.err"
	rc=$?
	[ "$rc" -ne 124 ] || fail "earlybind $* waited (killed after 5 s)"
}
# not_regular KIND PATH: PATH becomes a FIFO, a directory, a character
# device (a link to /dev/zero, which never ends) or a socket.
not_regular() {
	rm -rf "$2"
	case $1 in
	fifo) mkfifo "$2" ;;
	dir) mkdir "$2" ;;
	chardev) ln -s /dev/zero "$2" ;;
	socket) python3 -c 'import socket,sys; socket.socket(socket.AF_UNIX).bind(sys.argv[1])' "$2" ;;
	esac || fail "cannot make a $1 at $2"
}

begin non_regular_manifest_is_refused_without_waiting
for kind in fifo dir chardev socket; do
	rm -rf "$R"
	base_tree
	mkdir -p "$R/etc"
	not_regular "$kind" "$R/etc/earlybind.conf"
	run_eb_timed
	expect_rc 1
	log_has "cannot read /etc/earlybind.conf: "
	log_has "; no function claimed"
	case $kind in fifo | chardev) log_has "not a regular file (a FIFO, a device or a socket)" ;; esac
	not_regular "$kind" "$R/other.conf"
	run_eb_timed --config "$R/other.conf"
	expect_rc 1
done
end

begin fifo_at_proc_cmdline_claims_nothing_without_waiting
for kind in fifo dir chardev; do
	rm -rf "$R"
	base_tree
	printf 'vfio-pci 0000:00:03.0 8086:10d3\n' | manifest
	not_regular "$kind" "$R/proc/cmdline"
	run_eb_timed
	expect_rc 1
	expect_file "$(dev 0000:00:03.0)/driver_override" "(null)"
	log_has "cannot read /proc/cmdline: "
	log_has "it may say rd.earlybind=0, so no function claimed"
done
end

begin fifo_at_dev_kmsg_or_proc_files_does_not_wait
base_tree
printf 'pci-stub 0000:00:07.0 1b36:0001\n' | manifest
not_regular fifo "$R/dev/kmsg"
not_regular fifo "$R/proc/sys/kernel/printk_devkmsg"
not_regular fifo "$R/proc/sys/kernel/osrelease"
run_eb_timed
expect_rc 0
# Without a usable /dev/kmsg the lines go to stderr.
grep -qF "already on pci-stub" "$R.err" || fail "stderr: $(cat "$R.err")"
end

begin fifo_in_sysfs_does_not_wait
base_tree
printf 'vfio-pci 0000:00:03.0 8086:10d3\npci-stub 0000:00:06.0 1b36:000d\n' | manifest
# An id that cannot be read: the function is left alone.
not_regular fifo "$(dev 0000:00:03.0)/uevent"
# Writes: driver_override, the driver's unbind, drivers_probe.
not_regular fifo "$(dev 0000:00:06.0)/driver_override"
not_regular fifo "$R/sys/bus/pci/drivers/xhci_hcd/unbind"
not_regular fifo "$R/sys/bus/pci/drivers_probe"
run_eb_timed
expect_rc 1
expect_file "$(dev 0000:00:04.0)/driver_override" "(null)"
log_has "0000:00:03.0"
log_has "0000:00:06.0"
end

begin fifo_at_a_group_members_attributes_does_not_wait
# The group check reads an unclaimed member's class and modalias.
"$MKFAKESYS" "$R" - <<-'EOF' || fail "mkfakesys failed"
fn 0000:00:03.0 8086:10d3 sub=8086:0000 class=020000 driver=vfio-pci group=3
fn 0000:00:09.0 8086:10d3 sub=8086:0000 class=020000 group=3
driver vfio-pci
EOF
printf 'on\n' >"$R/proc/sys/kernel/printk_devkmsg"
printf 'vfio-pci 0000:00:03.0 8086:10d3\n' | manifest
not_regular fifo "$(dev 0000:00:09.0)/class"
not_regular fifo "$(dev 0000:00:09.0)/modalias"
run_eb_timed
expect_rc 0
log_has "0000:00:03.0 [8086:10d3]: already on vfio-pci"
end

# A module file that depmod indexes: an object with a .modinfo section.
fake_module() {
	mkdir -p "$R/lib/modules/6.1.0-fake/kernel/drivers/misc"
	printf '%s\n' '__attribute__((section(".modinfo"), used))' \
		'static const char modinfo[] = "name=ebfifo\0license=GPL v2";' |
		"${CC:-cc}" -x c -c -o "$R/lib/modules/6.1.0-fake/kernel/drivers/misc/ebfifo.ko" - ||
		fail "cannot compile the fake module"
	depmod -b "$R" 6.1.0-fake 2>"$R.depmod" || fail "depmod: $(cat "$R.depmod")"
}

begin fifo_among_module_files_does_not_wait
for f in kernel/drivers/misc/ebfifo.ko modules.dep.bin modules.alias.bin modules.softdep \
	/etc/modprobe.d/ebfifo.conf /lib/modprobe.d/ebfifo.alias /run/modprobe.d; do
	rm -rf "$R"
	base_tree
	fake_module
	printf 'ebfifo 0000:00:03.0 8086:10d3\n' | manifest
	case $f in
	/*) mkdir -p "$(dirname "$R$f")" && not_regular fifo "$R$f" ;;
	*) not_regular fifo "$R/lib/modules/6.1.0-fake/$f" ;;
	esac
	run_eb_timed
	expect_rc 1
	# driver_override is still written: no host driver takes the function.
	expect_file "$(dev 0000:00:03.0)/driver_override" ebfifo
	log_has "cannot load ebfifo: "
done
end

begin no_pci_bus_under_root_fails_cleanly
mkdir -p "$R/etc" "$R/dev" "$R/proc"
: >"$R/dev/kmsg"
printf 'vfio-pci 0000:00:03.0 8086:10d3\n' >"$R/etc/earlybind.conf"
run_eb
expect_rc 1
log_has "cannot open /sys/bus/pci"
end

# ---- IOMMU groups: bound is not yet usable by a VM ---------------------------

# gpu_card DRIVER0 DRIVER1: the base machine plus a GPU-shaped card in one
# slot and one IOMMU group, as QEMU's VGA,multifunction=on and intel-hda
# make it: a display function at 09.0 and its audio at 09.1; "-" for no
# driver.
gpu_card() {
	base_tree
	"$MKFAKESYS" "$R" - <<-EOF || fail "mkfakesys failed"
	fn 0000:00:09.0 1234:1111 sub=1af4:1100 class=030000 ${1:+driver=$1} group=9
	fn 0000:00:09.1 8086:2668 sub=1af4:1100 class=040300 $([ "$2" = - ] || printf "driver=%s" "$2") group=9
	EOF
}

begin group_with_an_unclaimed_member_on_a_host_driver_is_named_with_the_fix
gpu_card vfio-pci snd_hda_intel
manifest <<-'EOF'
vfio-pci 0000:00:09.0 1234:1111
EOF
run_eb
expect_rc 0
log_has "earlybind: group 9 cannot be given to a VM: 0000:00:09.1 is on snd_hda_intel; claim it too (earlybindctl add 0000:00:09.1)"
grep -q '^<4>earlybind: group 9 ' "$R/dev/kmsg" || fail "not at warning level: $(cat "$R/dev/kmsg")"
end

begin group_with_every_member_claimed_is_not_reported
gpu_card vfio-pci vfio-pci
manifest <<-'EOF'
vfio-pci 0000:00:09.0 1234:1111
vfio-pci 0000:00:09.1 8086:2668
EOF
run_eb
expect_rc 0
log_lacks "cannot be given to a VM"
end

# 09.2 has no driver, and with no module tree nothing will load one for it.
begin driverless_pcieport_pci_stub_and_vfio_variant_members_keep_a_group_viable
gpu_card vfio-pci pci-stub
"$MKFAKESYS" "$R" - <<-'EOF' || fail "mkfakesys failed"
fn 0000:00:1c.0 8086:2448 class=060400 driver=pcieport group=9 pcie bridge secondary=01
fn 0000:00:09.2 8086:2934 class=0c0300 group=9
fn 0000:00:09.3 15b3:101e class=020000 driver=mlx5_vfio_pci group=9
fn 0000:00:09.4 8086:2918 class=060100 group=9
EOF
manifest <<-'EOF'
vfio-pci 0000:00:09.0 1234:1111
EOF
run_eb
expect_rc 0
log_lacks "cannot be given to a VM"
end

begin claimed_member_left_on_its_host_driver_is_named_without_an_add
gpu_card vfio-pci snd_hda_intel
manifest <<-'EOF'
vfio-pci 0000:00:09.0 1234:1111
vfio-pci 0000:00:09.1 8086:2668
EOF
run_eb
# The fake kernel does not rebind 09.1 on drivers_probe.
expect_rc 1
log_has "earlybind: group 9 cannot be given to a VM: 0000:00:09.1 is on snd_hda_intel although claimed (see above)"
log_lacks "earlybindctl add"
end

begin every_blocking_member_is_named_once_in_address_order
gpu_card vfio-pci snd_hda_intel
"$MKFAKESYS" "$R" - <<-'EOF' || fail "mkfakesys failed"
fn 0000:00:09.2 8086:2934 class=0c0300 driver=uhci_hcd group=9
fn 0000:00:0a.0 1234:1111 sub=1af4:1100 class=030000 driver=vfio-pci group=9
EOF
manifest <<-'EOF'
vfio-pci 0000:00:09.0 1234:1111
vfio-pci 0000:00:0a.0 1234:1111
EOF
run_eb
log_has "group 9 cannot be given to a VM: 0000:00:09.1 is on snd_hda_intel, 0000:00:09.2 is on uhci_hcd; claim them too (earlybindctl add 0000:00:09.1; earlybindctl add 0000:00:09.2)"
[ "$(grep -c 'cannot be given' "$R/dev/kmsg")" -eq 1 ] || fail "group reported more than once"
end

begin large_group_names_six_members_and_counts_the_rest
base_tree
{
	printf 'fn 0000:00:0b.0 1234:1111 class=030000 driver=vfio-pci group=11\n'
	for f in 1 2 3 4 5 6 7; do
		printf 'fn 0000:00:0b.%s 8086:2668 class=040300 driver=snd_hda_intel group=11\n' "$f"
	done
	printf 'fn 0000:00:0c.0 8086:2668 class=040300 driver=snd_hda_intel group=11\n'
} | "$MKFAKESYS" "$R" - || fail "mkfakesys failed"
manifest <<-'EOF'
vfio-pci 0000:00:0b.0 1234:1111
EOF
run_eb
log_has "0000:00:0b.6 is on snd_hda_intel and 2 more (see /sys/kernel/iommu_groups/11/devices); claim them too ("
log_lacks "0000:00:0b.7 is on"
end

begin dry_run_predicts_the_group_from_the_manifest
gpu_card bochs-drm snd_hda_intel
manifest <<-'EOF'
vfio-pci 0000:00:09.0 1234:1111
EOF
run_eb --dry-run
grep -qF "earlybind: group 9 cannot be given to a VM: 0000:00:09.1 is on snd_hda_intel; claim it too" \
	"$R.err" || fail "stderr: $(cat "$R.err")"
grep -qF "0000:00:09.0 is on" "$R.err" && fail "the claimed 09.0 was named: $(cat "$R.err")"
manifest <<-'EOF'
vfio-pci 0000:00:09.0 1234:1111
vfio-pci 0000:00:09.1 8086:2668
EOF
run_eb --dry-run
grep -qF "cannot be given" "$R.err" && fail "both claimed, still reported: $(cat "$R.err")"
end

# hda_module_tree: ROOT/lib/modules/RELEASE with the installed kernel's own
# snd-hda-intel module and depmod's indexes, so that its aliases are real.
hda_module_tree() {
	local ko
	ko=$(find /lib/modules -name 'snd-hda-intel.ko*' -print -quit 2>/dev/null)
	[ -n "$ko" ] || {
		fail "no snd-hda-intel module under /lib/modules (scripts/deps check installs a kernel)"
		return 1
	}
	printf 'modules 6.1.0-fake\n' | "$MKFAKESYS" "$R" - || fail "mkfakesys failed"
	mkdir -p "$R/lib/modules/6.1.0-fake/kernel"
	cp "$ko" "$R/lib/modules/6.1.0-fake/kernel/"
	depmod -b "$R" 6.1.0-fake 2>/dev/null || fail "depmod failed"
}

# At boot, before udev, the audio function has no driver yet: earlybind
# must still see that snd_hda_intel will take it.
begin driverless_member_that_a_module_will_take_is_named_with_the_module
gpu_card vfio-pci -
hda_module_tree
manifest <<-'EOF'
vfio-pci 0000:00:09.0 1234:1111
EOF
run_eb
expect_rc 0
log_has "earlybind: group 9 cannot be given to a VM: 0000:00:09.1 has no driver yet, and snd_hda_intel will take it; claim it too (earlybindctl add 0000:00:09.1)"
end

begin driverless_member_that_no_module_matches_keeps_the_group_viable
base_tree
hda_module_tree
"$MKFAKESYS" "$R" - <<-'EOF' || fail "mkfakesys failed"
fn 0000:00:09.0 1234:1111 class=030000 driver=vfio-pci group=9
fn 0000:00:09.1 1234:5678 class=ff0000 group=9
EOF
manifest <<-'EOF'
vfio-pci 0000:00:09.0 1234:1111
EOF
run_eb
log_lacks "cannot be given to a VM"
end

begin function_without_iommu_group_is_not_checked
base_tree
"$MKFAKESYS" "$R" - <<-'EOF' || fail "mkfakesys failed"
fn 0000:00:0a.0 1234:1111 class=030000 driver=vfio-pci
EOF
manifest <<-'EOF'
vfio-pci 0000:00:0a.0 1234:1111
EOF
run_eb
expect_rc 0
log_lacks "group"
end

summary
