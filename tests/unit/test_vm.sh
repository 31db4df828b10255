#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-or-later
#
# earlybindctl vm against the real libvirt, no mocks: libvirt's test driver
# (test:///default, and test:///PATH with tests/fixtures/vm-win11.xml, a
# domain shaped like a user's), the schema through virt-xml-validate, and,
# where a session libvirtd with the QEMU driver can be started by an
# unprivileged user, the QEMU driver itself with QEMU's command line made
# from the domain (virsh domxml-to-native, virConnectDomainXMLToNative).
# The host is the design's X570 (tests/fixtures/x570.spec) after a boot
# with earlybind: the claimed functions on the drivers the manifest names.
#
# The test driver keeps a definition only as long as the process that made
# it, so a run that must see the last one's result reads the domain from a
# driver file made of the XML the last run printed (--xml): the same XML it
# defined.
#
# Usage: test_vm.sh EARLYBINDCTL MKFAKESYS [LABEL]
set -u

CTL=$1
MKFAKESYS=$2
LABEL=${3:-}
here=$(cd "$(dirname "$0")/.." && pwd)
SPEC=$here/fixtures/x570.spec
WIN11=$here/fixtures/vm-win11.xml
# The host libvirt of the machine running the tests is never asked.
unset LIBVIRT_DEFAULT_URI

# shellcheck source=tests/lib.sh
. "$here/lib.sh"
eval "lib_$(declare -f begin)"
begin() {
	lib_begin "$@"
	mkdir -p "$R"
}

for tool in virsh virt-xml-validate xmllint diff; do
	command -v "$tool" >/dev/null || {
		echo "FAIL: vm tests: $tool is missing (scripts/deps check installs it)"
		exit 1
	}
done

# The seed's manifest (DESIGN.md): the card's USB functions on pci-stub.
SEED='vfio-pci   0000:0b:00.0   1002:73bf
vfio-pci   0000:0b:00.1   1002:ab28
pci-stub   0000:0b:00.2   1002:73a6
pci-stub   0000:0b:00.3   1002:73a4
vfio-pci   0000:05:00.0   8086:1539     optional'
VFIO=${SEED//pci-stub/vfio-pci}

# machine MANIFEST: the X570 under $R/root after a boot with MANIFEST: each
# claimed function on its driver, and a 5950X's 32 CPUs, 2 threads a core.
machine() {
	local spec=$R/spec cpu=$R/root/sys/devices/system/cpu i
	cp "$SPEC" "$spec"
	while read -r drv addr _; do
		sed -i "/^fn $addr /s/driver=[^ ]*/driver=$drv/" "$spec"
	done <<<"$1"
	"$MKFAKESYS" "$R/root" "$spec" >/dev/null || fail "mkfakesys failed"
	printf '%s\n' "$1" >"$R/root/etc/earlybind.conf"
	mkdir -p "$cpu"
	echo 0-31 >"$cpu/online"
	for i in $(seq 0 31); do
		mkdir -p "$cpu/cpu$i/topology"
		echo "$((i % 16)),$((i % 16 + 16))" >"$cpu/cpu$i/topology/core_cpus_list"
	done
}

vm() {
	NO_COLOR=1 "$CTL" --root "$R/root" vm "$@" >"$R.out" 2>"$R.err"
	rc=$?
}
expect_rc() {
	[ "$rc" -eq "$1" ] || fail "exit status $rc, expected $1; out: $(head -c 2000 "$R.out") err: $(cat "$R.err")"
}
err_has() { grep -qF -- "$1" "$R.err" || fail "stderr lacks '$1': $(cat "$R.err")"; }
out_has() { grep -qF -- "$1" "$R.out" || fail "stdout lacks '$1': $(cat "$R.out")"; }
# xp FILE XPATH: the XPath's value in FILE (a string or a number).
xp() { xmllint --xpath "$2" "$1" 2>/dev/null; }
expect_xp() {
	local got
	got=$(xp "$1" "$2")
	[ "$got" = "$3" ] || fail "$2 is '$got', expected '$3'"
}
# driver_file XML OUT: a test driver file with the domain of XML.
driver_file() { { echo '<node>'; sed '/^<?xml/d' "$1"; echo '</node>'; } >"$2"; }
# canon URI: the domain win11 as libvirt dumps it.
canon() { virsh -q -c "$1" dumpxml --inactive win11; }
# card FILE BUS: the four functions of 0b:00 at BUS, slot 0, their own
# function numbers, multifunction on function 0 only.
HD="//hostdev[source/address[@bus='0x0b' and @slot='0x00']"
card() {
	local f
	for f in 0 1 2 3; do
		expect_xp "$1" "count(${HD}[@function='0x$f']])" 1
		expect_xp "$1" "string(${HD}[@function='0x$f']]/address/@bus)" "$2"
		expect_xp "$1" "string(${HD}[@function='0x$f']]/address/@slot)" 0x00
		expect_xp "$1" "string(${HD}[@function='0x$f']]/address/@function)" "0x$f"
		expect_xp "$1" "string(${HD}[@function='0x$f']]/@managed)" no
		expect_xp "$1" "string(${HD}[@function='0x$f']]/driver/@name)" vfio
	done
	expect_xp "$1" "string(${HD}[@function='0x0']]/address/@multifunction)" on
	expect_xp "$1" "count($HD]/address[@multifunction])" 1
}
# validate FILE: libvirt's schema takes it.
validate() {
	virt-xml-validate "$1" domain >"$R.validate" 2>&1 || fail "virt-xml-validate: $(cat "$R.validate")"
}

# ---- --xml: the elements to paste, without libvirt -----------------------

begin vm_xml_is_a_fragment_that_libvirts_schema_takes
machine "$VFIO"
vm --xml --cores 12 --threads 1 --hide-hypervisor
expect_rc 0
{ echo '<f>'; cat "$R.out"; echo '</f>'; } >"$R/f.xml"
xmllint --noout "$R/f.xml" 2>"$R.x" || fail "not well-formed: $(cat "$R.x")"
card "$R/f.xml" 0x11
expect_xp "$R/f.xml" "count(//hostdev)" 5
expect_xp "$R/f.xml" "string(//controller[@index='17']/@model)" pcie-root-port
expect_xp "$R/f.xml" "string(//hostdev[source/address/@bus='0x05']/address/@bus)" 0x10
expect_xp "$R/f.xml" "string(/f/cpu/@mode)" host-passthrough
expect_xp "$R/f.xml" "string(/f/cpu/topology/@cores)" 12
expect_xp "$R/f.xml" "string(/f/cpu/topology/@threads)" 1
expect_xp "$R/f.xml" "string(/f/vcpu)" 12
expect_xp "$R/f.xml" "string(/f/features/hyperv/vendor_id/@value)" earlybind
expect_xp "$R/f.xml" "string(/f/features/kvm/hidden/@state)" on
# A comment names each function as lspci does.
grep -qF -- '<!-- earlybind: 0000:0b:00.0 Advanced Micro Devices, Inc. [AMD/ATI] Navi 21 [Radeon RX 6800/6800 XT / 6900 XT] -->' "$R.out" ||
	fail "no comment with the card's lspci name: $(cat "$R.out")"
grep -qF -- '<!-- earlybind: 0000:05:00.0 Intel Corporation I211 Gigabit Network Connection -->' "$R.out" ||
	fail "no comment with the I211's lspci name"
# Wrapped in a minimal domain: the devices in <devices>, the rest beside.
{
	echo "<domain type='kvm'><name>f</name><memory>1048576</memory>"
	echo "<os><type arch='x86_64' machine='q35'>hvm</type></os>"
	xp "$R/f.xml" '/f/vcpu|/f/cpu|/f/features'
	echo "<devices><controller type='pci' index='0' model='pcie-root'/>"
	xp "$R/f.xml" '/f/controller|/f/hostdev'
	echo '</devices></domain>'
} >"$R/wrapped.xml"
validate "$R/wrapped.xml"
end

begin vm_xml_leaves_pci_stub_functions_out_and_says_why
machine "$SEED"
vm --xml
expect_rc 0
{ echo '<f>'; cat "$R.out"; echo '</f>'; } >"$R/f.xml"
expect_xp "$R/f.xml" "count(//hostdev)" 3
expect_xp "$R/f.xml" "count(//hostdev[source/address/@function='0x2'])" 0
err_has "earlybindctl add 0000:0b:00.2 --driver vfio-pci"
err_has "earlybindctl add 0000:0b:00.3 --driver vfio-pci"
end

begin vm_threads_default_to_the_hosts_threads_per_core
machine "$VFIO"
vm --xml --cores 8
expect_rc 0
{ echo '<f>'; cat "$R.out"; echo '</f>'; } >"$R/f.xml"
expect_xp "$R/f.xml" "string(/f/cpu/topology/@threads)" 2
expect_xp "$R/f.xml" "string(/f/vcpu)" 16
end

begin vm_refuses_more_vcpus_than_the_host_has_with_the_numbers
machine "$VFIO"
vm --xml --cores 20 --threads 2
expect_rc 1
err_has "refusing --cores 20 --threads 2: that is 40 vCPUs, and the host has 32 logical CPUs"
[ -s "$R.out" ] && fail "printed XML: $(cat "$R.out")"
end

begin vm_vendor_id_is_at_most_12_characters
machine "$VFIO"
vm --xml --hide-hypervisor=ABCDEFGHIJKLM
expect_rc 2
err_has "1 to 12 printable characters"
vm --xml --hide-hypervisor=AuthenticAMD
expect_rc 0
out_has 'value="AuthenticAMD"'
end

begin vm_refuses_a_function_whose_iommu_group_is_not_viable
# 07:00.1 shares group 21 with 07:00.3 on xhci_hcd, which stays the host's.
machine 'vfio-pci   0000:07:00.1   1022:149c'
vm --xml
expect_rc 1
err_has "its IOMMU group 21 is not viable: 0000:07:00.3 [1022:149c]"
err_has "is on xhci_hcd"
[ -s "$R.out" ] && fail "printed XML: $(cat "$R.out")"
vm --xml --force
expect_rc 0
err_has "IOMMU group 21 of 0000:07:00.1"
out_has "bus=\"0x07\" slot=\"0x00\" function=\"0x1\""
vm win11 --connect "test://$WIN11"
expect_rc 1
err_has "its IOMMU group 21 is not viable"
end

# ---- a user's domain in a test driver file ---------------------------------

begin vm_refuses_the_seeds_pci_stub_functions_for_a_domain_with_the_advice
machine "$SEED"
vm win11 --connect "test://$WIN11"
expect_rc 1
err_has "refusing 0000:0b:00.2 [1002:73a6]"
err_has "earlybindctl add 0000:0b:00.2 --driver vfio-pci"
err_has "refusing 0000:0b:00.3 [1002:73a4]"
err_has "earlybindctl add 0000:0b:00.3 --driver vfio-pci"
err_has "gives it back to"
[ -s "$R.out" ] && fail "stdout: $(cat "$R.out")"
end

begin vm_adds_all_five_after_driver_vfio_pci_the_card_in_one_slot
machine "$SEED"
NO_COLOR=1 "$CTL" --root "$R/root" add 0b:00.2 --driver vfio-pci >/dev/null 2>&1 || fail "add 0b:00.2"
NO_COLOR=1 "$CTL" --root "$R/root" add 0b:00.3 --driver vfio-pci >/dev/null 2>&1 || fail "add 0b:00.3"
vm win11 --connect "test://$WIN11"
expect_rc 0
out_has "win11: added 0000:0b:00.0 [1002:73bf]"
out_has "win11: added 0000:0b:00.3 [1002:73a4]"
out_has "win11: 0000:05:00.0 [8086:1539] Intel Corporation I211 Gigabit Network Connection is in it already; kept as it is"
out_has "win11 defined at test://$WIN11"
vm win11 --connect "test://$WIN11" --xml
expect_rc 0
cp "$R.out" "$R/new.xml"
validate "$R/new.xml"
# Bus 1-3 have root ports, a disk sits on bus 4: the card's port is 5.
card "$R/new.xml" 0x05
expect_xp "$R/new.xml" "string(//controller[@type='pci' and @index='5']/@model)" pcie-root-port
expect_xp "$R/new.xml" "count(//controller[@type='pci'])" 5
# The admin's I211 hostdev: one, as it was.
expect_xp "$R/new.xml" "count(//hostdev[source/address/@bus='0x05'])" 1
expect_xp "$R/new.xml" "string(//hostdev[source/address/@bus='0x05']/@managed)" yes
expect_xp "$R/new.xml" "string(//hostdev[source/address/@bus='0x05']/address/@bus)" 0x02
expect_xp "$R/new.xml" "count(//hostdev[source/address/@bus='0x10'])" 1
expect_xp "$R/new.xml" "string(//disk/address/@bus)" 0x04
expect_xp "$R/new.xml" "string(//interface/mac/@address)" 52:54:00:4e:2a:11
expect_xp "$R/new.xml" "count(//features/hyperv/*)" 3
# No two devices at one guest address.
dups=$(xp "$R/new.xml" "//address[@type='pci']" | sed 's/multifunction="on"//' | sort | uniq -d)
[ -z "$dups" ] || fail "guest addresses used twice: $dups"
end
NEW=$R/new.xml

begin vm_second_run_changes_nothing_and_says_so
driver_file "$NEW" "$R/after.xml"
machine "$VFIO"
vm win11 --connect "test://$R/after.xml"
expect_rc 0
out_has "win11: nothing to change; it has every function and setting asked for"
grep -q defined "$R.out" && fail "defined again: $(cat "$R.out")"
vm win11 --connect "test://$R/after.xml" --dry-run
expect_rc 0
grep -q '^+' "$R.out" && fail "--dry-run shows a change: $(cat "$R.out")"
end

begin vm_undo_gives_back_the_starting_domain
driver_file "$NEW" "$R/after.xml"
machine "$VFIO"
vm win11 --connect "test://$R/after.xml" --undo
expect_rc 0
out_has "win11: took out 4 hostdevs, 1 root port and 0 settings earlybind had put in"
vm win11 --connect "test://$R/after.xml" --undo --xml
expect_rc 0
validate "$R.out"
driver_file "$R.out" "$R/undone.xml"
canon "test://$WIN11" >"$R/start.canon"
canon "test://$R/undone.xml" >"$R/undone.canon"
diff -u "$R/start.canon" "$R/undone.canon" >"$R.diff" || fail "not the start: $(cat "$R.diff")"
end

begin vm_refuses_a_manifest_with_bad_lines
machine "$VFIO"
echo 'vfio-pci   0000:0b:00.9   1002:73bf' >>"$R/root/etc/earlybind.conf"
vm --xml
expect_rc 1
err_has "/etc/earlybind.conf has 1 bad line (above): fix it first"
[ -s "$R.out" ] && fail "printed XML: $(cat "$R.out")"
end

begin vm_cpu_and_features_are_added_kept_and_undone
machine "$VFIO"
vm win11 --connect "test://$WIN11" --cores 12 --threads 1 --hide-hypervisor --xml
expect_rc 0
cp "$R.out" "$R/new.xml"
validate "$R/new.xml"
expect_xp "$R/new.xml" "string(/domain/cpu/@mode)" host-passthrough
expect_xp "$R/new.xml" "string(/domain/cpu/@check)" none
expect_xp "$R/new.xml" "string(/domain/cpu/@migratable)" on
expect_xp "$R/new.xml" "string(/domain/cpu/topology/@sockets)" 1
expect_xp "$R/new.xml" "string(/domain/cpu/topology/@dies)" 1
expect_xp "$R/new.xml" "string(/domain/cpu/topology/@cores)" 12
expect_xp "$R/new.xml" "string(/domain/vcpu)" 12
expect_xp "$R/new.xml" "string(/domain/vcpu/@placement)" static
# The admin's Hyper-V settings stay beside the vendor id.
expect_xp "$R/new.xml" "string(/domain/features/hyperv/spinlocks/@retries)" 8191
expect_xp "$R/new.xml" "string(/domain/features/hyperv/vendor_id/@value)" earlybind
expect_xp "$R/new.xml" "string(/domain/features/kvm/hidden/@state)" on
driver_file "$R/new.xml" "$R/after.xml"
vm win11 --connect "test://$R/after.xml" --cores 12 --threads 1 --hide-hypervisor
expect_rc 0
out_has "win11: nothing to change"
vm win11 --connect "test://$R/after.xml" --undo --xml
expect_rc 0
driver_file "$R.out" "$R/undone.xml"
canon "test://$WIN11" >"$R/start.canon"
canon "test://$R/undone.xml" >"$R/undone.canon"
diff -u "$R/start.canon" "$R/undone.canon" >"$R.diff" || fail "not the start: $(cat "$R.diff")"
end

begin vm_keeps_the_admins_vendor_id_unless_one_is_named
machine "$VFIO"
sed "s|<relaxed state='on'/>|<relaxed state='on'/><vendor_id state='on' value='mine'/>|" "$WIN11" >"$R/own.xml"
vm win11 --connect "test://$R/own.xml" --hide-hypervisor --xml
expect_rc 0
expect_xp "$R.out" "string(//hyperv/vendor_id/@value)" mine
vm win11 --connect "test://$R/own.xml" --hide-hypervisor=AuthenticAMD --xml
expect_rc 0
cp "$R.out" "$R/new.xml"
validate "$R/new.xml"
expect_xp "$R/new.xml" "string(//hyperv/vendor_id/@value)" AuthenticAMD
driver_file "$R/new.xml" "$R/after.xml"
vm win11 --connect "test://$R/after.xml" --undo --xml
expect_rc 0
expect_xp "$R.out" "string(//hyperv/vendor_id/@value)" mine
expect_xp "$R.out" "count(//features/kvm)" 0
end

begin vm_dry_run_prints_a_unified_diff
machine "$VFIO"
vm win11 --connect "test://$WIN11" --dry-run --cores 12 --threads 1
expect_rc 0
head -n 2 "$R.out" >"$R.head"
printf -- '--- win11 (defined now)\n+++ win11 (with earlybindctl vm)\n' | diff - "$R.head" >/dev/null ||
	fail "not a unified diff's header: $(cat "$R.head")"
out_has '-  <vcpu placement="static">8</vcpu>'
out_has '+  <vcpu placement="static">12</vcpu>'
out_has '+    <hostdev mode="subsystem" type="pci" managed="no">'
grep -q '^@@ -[0-9]*,[0-9]* +[0-9]*,[0-9]* @@$' "$R.out" || fail "no hunk header"
grep -q defined "$R.err" && fail "defined: $(cat "$R.err")"
end

# ---- test:///default: libvirt's own test domain ------------------------------

begin vm_test_default_domain_gets_root_ports_past_its_disks_bus
# The driver's domain "test" has a disk on bus 1 and no controller at all:
# the I211 (first by address) gets port 2, the card port 3.
machine "$VFIO"
vm test --connect test:///default
expect_rc 0
out_has "test defined at test:///default"
out_has "test: added a pcie-root-port with index 2"
out_has "test: added a pcie-root-port with index 3"
vm test --connect test:///default --xml
expect_rc 0
validate "$R.out"
card "$R.out" 0x03
expect_xp "$R.out" "string(//hostdev[source/address/@bus='0x05']/address/@bus)" 0x02
end

begin vm_says_a_domain_or_connection_error_in_one_line
machine "$VFIO"
vm nosuch --connect "test://$WIN11"
expect_rc 1
[ "$(wc -l <"$R.err")" -eq 1 ] || fail "not one line: $(cat "$R.err")"
err_has "test://$WIN11: domain 'nosuch': "
vm win11 --connect "test://$R/missing.xml"
expect_rc 1
[ "$(wc -l <"$R.err")" -eq 1 ] || fail "not one line: $(cat "$R.err")"
err_has "cannot connect to test://$R/missing.xml for domain 'win11': "
end

begin vm_usage_errors
machine "$VFIO"
for args in "" "--dry-run" "win11 --undo --cores 2" "win11 --threads 2" "win11 --xml --dry-run" \
	"win11 --cores 0" "a b"; do
	# shellcheck disable=SC2086
	vm $args
	[ "$rc" -eq 2 ] || fail "vm $args: exit status $rc"
done
end

# ---- status, list and doctor read the domains ---------------------------------

begin status_list_and_doctor_name_the_domains_that_use_a_function
machine "$VFIO"
driver_file "$NEW" "$R/after.xml"
LIBVIRT_DEFAULT_URI=test://$R/after.xml NO_COLOR=1 "$CTL" --root "$R/root" status >"$R.out" 2>"$R.err"
grep -A2 '^ok     0000:0b:00.0' "$R.out" | grep -qx '       used by libvirt domain win11' ||
	fail "status: $(cat "$R.out")"
LIBVIRT_DEFAULT_URI=test://$R/after.xml "$CTL" --root "$R/root" status --json >"$R.out" 2>"$R.err"
python3 -c 'import json,sys; d=json.load(open(sys.argv[1])); e=[x for x in d["entries"] if x["address"]=="0000:0b:00.0"][0]; assert e["domains"] == ["win11"], e' "$R.out" ||
	fail "status --json: $(cat "$R.out")"
LIBVIRT_DEFAULT_URI=test://$R/after.xml NO_COLOR=1 "$CTL" --root "$R/root" list >"$R.out" 2>"$R.err"
grep -A1 '0000:0b:00.1 ' "$R.out" | grep -qF 'manifest: vfio-pci (/etc/earlybind.conf:2; libvirt domain win11)' ||
	fail "list: $(cat "$R.out")"
LIBVIRT_DEFAULT_URI=test://$R/after.xml NO_COLOR=1 "$CTL" --root "$R/root" doctor >"$R.out" 2>"$R.err"
grep -qF "ok    the libvirt domains at test://$R/after.xml have 5 claimed functions, none on pci-stub with managed='yes'" "$R.out" ||
	fail "doctor: $(cat "$R.out")"
# Under a --root, without LIBVIRT_DEFAULT_URI, no libvirt is asked.
NO_COLOR=1 "$CTL" --root "$R/root" status >"$R.out" 2>"$R.err"
grep -q libvirt "$R.out" && fail "status asked libvirt: $(cat "$R.out")"
end

begin doctor_fails_a_domain_with_managed_yes_on_a_pci_stub_function
machine "$SEED"
sed "s|<devices>|<devices><hostdev mode='subsystem' type='pci' managed='yes'><source><address domain='0x0000' bus='0x0b' slot='0x00' function='0x2'/></source></hostdev>|" \
	"$WIN11" >"$R/stub.xml"
LIBVIRT_DEFAULT_URI=test://$R/stub.xml NO_COLOR=1 "$CTL" --root "$R/root" doctor >"$R.out" 2>"$R.err"
rc=$?
expect_rc 1
grep -qF "fail  libvirt domain win11 has 0000:0b:00.2 [1002:73a6] Advanced Micro Devices, Inc. [AMD/ATI] Device 73a6 with managed='yes', and earlybind puts it on pci-stub: libvirt moves it to vfio-pci when win11 starts and hands it back to the host driver when it stops  (earlybindctl add 0000:0b:00.2 --driver vfio-pci and apply; then managed='no': earlybindctl vm win11)" "$R.out" ||
	fail "doctor: $(cat "$R.out")"
# The I211 is managed='yes' too, but on vfio-pci, where libvirt leaves it.
grep -qF "has 0000:05:00.0" "$R.out" && fail "doctor names the I211: $(cat "$R.out")"
end

# ---- the QEMU driver, in a session libvirtd of an unprivileged user -----------

# qemu_skip REASON: the QEMU test cannot run here.
qemu_skip() { printf 'SKIP: vm_qemu_driver_takes_the_domain_and_makes_one_vfio_pci_device_per_function%s (%s)\n' "${LABEL:+ [$LABEL]}" "$1"; }

qemu_test() {
	local q uri pid sock i daemon kvm_gid=() run=()
	[ -e /dev/kvm ] || { qemu_skip "no /dev/kvm: the QEMU driver's capability probe needs it"; return; }
	# The monolithic daemon, else the QEMU driver's own (modular libvirt).
	daemon=libvirtd
	command -v "$daemon" >/dev/null || daemon=virtqemud
	command -v "$daemon" >/dev/null || { qemu_skip "no libvirtd (libvirt-daemon) nor virtqemud"; return; }
	command -v qemu-system-x86_64 >/dev/null || { qemu_skip "no qemu-system-x86_64"; return; }
	begin vm_qemu_driver_takes_the_domain_and_makes_one_vfio_pci_device_per_function
	# A unix socket's path has at most 107 bytes: a short directory.
	q=$(mktemp -d /tmp/eb-vm.XXXXXX)
	QDIR=$q
	mkdir -p "$q/home" "$q/config" "$q/cache" "$q/run" "$q/data"
	chmod 700 "$q/run"
	if [ "$(id -u)" -eq 0 ]; then
		# libvirtd as root would be the system daemon: run it as nobody,
		# with /dev/kvm's group.
		command -v setpriv >/dev/null || { qemu_skip "root, and no setpriv to drop to nobody"; return; }
		kvm_gid=("--groups=$(stat -c %g /dev/kvm)")
		chmod a+x "$TMP" "$R" "$q"
		chown -R nobody "$q"
		run=(setpriv --reuid="$(id -u nobody)" --regid="$(id -g nobody)" "${kvm_gid[@]}")
	fi
	"${run[@]}" env HOME="$q/home" XDG_CONFIG_HOME="$q/config" XDG_CACHE_HOME="$q/cache" \
		XDG_RUNTIME_DIR="$q/run" XDG_DATA_HOME="$q/data" "$daemon" --timeout 300 \
		>"$q/daemon.log" 2>&1 &
	pid=$!
	sock=$q/run/libvirt/libvirt-sock
	[ "$daemon" = libvirtd ] || sock=$q/run/libvirt/virtqemud-sock
	for ((i = 0; i < 100; i++)); do
		[ -S "$sock" ] && break
		kill -0 "$pid" 2>/dev/null || break
		sleep 0.1
	done
	if [ ! -S "$sock" ]; then
		kill "$pid" 2>/dev/null
		wait "$pid" 2>/dev/null
		current_failed=0
		qemu_skip "the session libvirtd did not start: $(tail -n 1 "$q/daemon.log")"
		return
	fi
	uri="qemu+unix:///session?socket=$sock"
	# The user's domain as the QEMU driver takes it: type kvm, and without
	# the <interface>, for which domxml-to-native would make a tap device.
	sed -n '/<domain/,/<\/domain>/p' "$WIN11" | sed -e "s/type='test'/type='kvm'/" \
		-e '/<interface/,/<\/interface>/d' \
		-e "s|<hostdev mode='subsystem' type='pci' managed='yes'>|&<driver name='vfio'/>|" \
		>"$q/win11.xml"
	if ! virsh -q -c "$uri" define "$q/win11.xml" >"$q/define.log" 2>&1; then
		kill "$pid" 2>/dev/null
		wait "$pid" 2>/dev/null
		current_failed=0
		qemu_skip "the QEMU driver cannot define a domain here: $(tr '\n' ' ' <"$q/define.log")"
		return
	fi
	# libvirt's own form of it: the controllers the QEMU driver added at
	# the first define come last, and any later define sorts them among
	# the others; one more define of its dump is the form that stays.
	canon "$uri" >"$q/first.xml"
	virsh -q -c "$uri" define "$q/first.xml" >/dev/null 2>&1 || fail "cannot define its own dump"
	canon "$uri" >"$q/start.xml"
	machine "$VFIO"
	vm win11 --connect "$uri" --cores 12 --threads 1 --hide-hypervisor
	expect_rc 0
	out_has "win11 defined at"
	canon "$uri" >"$q/added.xml"
	card "$q/added.xml" "$(xp "$q/added.xml" "string(${HD}[@function='0x0']]/address/@bus)")"
	validate "$q/added.xml"
	vm win11 --connect "$uri" --cores 12 --threads 1 --hide-hypervisor
	expect_rc 0
	out_has "win11: nothing to change"
	vm win11 --connect "$uri" --dry-run --cores 6 --threads 1
	expect_rc 0
	out_has '+    <topology sockets="1" dies="1" cores="6" threads="1"/>'
	canon "$uri" | diff -u "$q/added.xml" - >"$R.diff" || fail "--dry-run changed it: $(cat "$R.diff")"
	virsh -q -c "$uri" domxml-to-native qemu-argv --domain win11 >"$q/argv" 2>&1 ||
		fail "domxml-to-native: $(cat "$q/argv")"
	for f in 0b:00.0 0b:00.1 0b:00.2 0b:00.3 05:00.0; do
		n=$(grep -o "\"driver\":\"vfio-pci\",\"host\":\"0000:$f\"" "$q/argv" | wc -l)
		[ "$n" -eq 1 ] || fail "$n vfio-pci devices with host=0000:$f: $(cat "$q/argv")"
	done
	grep -q '"host":"0000:0b:00.0","id":"[a-z0-9]*","bus":"pci.[0-9]*","multifunction":true,"addr":"0x0"' "$q/argv" ||
		fail "no multifunction on 0b:00.0: $(grep -o '{"driver":"vfio-pci"[^}]*}' "$q/argv")"
	grep -q 'hv-vendor-id=earlybind' "$q/argv" || fail "no hv-vendor-id: $(cat "$q/argv")"
	grep -q -- '-smp 12,sockets=1,dies=1,cores=12,threads=1' "$q/argv" || fail "no -smp 12: $(cat "$q/argv")"
	vm win11 --connect "$uri" --undo
	expect_rc 0
	canon "$uri" | diff -u "$q/start.xml" - >"$R.diff" || fail "--undo is not the start: $(cat "$R.diff")"
	kill "$pid" 2>/dev/null
	wait "$pid" 2>/dev/null
	end
}
QDIR=
trap 'rm -rf "$TMP" ${QDIR:+"$QDIR"}' EXIT
qemu_test

summary
