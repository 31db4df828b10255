#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-or-later
#
# The dracut module's module-setup.sh, sourced as dracut sources it, with
# dracut's install helpers replaced by stand-ins that record their argv
# (one call a line, arguments separated by '|'): what reaches instmods is
# exactly what the manifest's driver column says, checked as the parser
# checks it, and never a glob, an option or a word the parser splits off.
#
# Usage: test_dracut_module.sh
set -u

# shellcheck source=tests/lib.sh
. "$(dirname "$0")/../lib.sh"
MODDIR=$(cd "$(dirname "$0")/../../dracut-module" && pwd)

# setup_calls [MANIFEST]: runs installkernel() and install() for root $R,
# from a working directory $R/cwd full of files named like drivers (what
# a glob would find), and leaves their calls in $R.calls.
setup_calls() {
	mkdir -p "$R/etc/modprobe.d" "$R/cwd"
	(cd "$R/cwd" && touch -- e1000e nvme vfio_pci pci_stub -c amdgpu)
	(
		cd "$R/cwd" || exit 1
		# shellcheck disable=SC2034 # read by module-setup.sh
		dracutsysrootdir=$R kernel=6.1.0-test moddir=$MODDIR/90earlybind
		calls=$R.calls
		record() {
			local IFS='|'
			printf '%s\n' "$*" >>"$calls"
		}
		instmods() { record instmods "$@"; }
		inst_simple() { record inst_simple "$@"; }
		inst_binary() { record inst_binary "$@"; }
		inst_hook() { record inst_hook "$@"; }
		derror() { record derror "$@"; }
		dwarn() { record dwarn "$@"; }
		# shellcheck source=dracut-module/90earlybind/module-setup.sh
		. "$MODDIR/90earlybind/module-setup.sh"
		: >"$calls"
		installkernel
		install
	)
}
# instmods_with_c: the modules installkernel() checked one by one (-c -s).
instmods_with_c() { sed -n 's/^instmods|-c|-s|//p' "$R.calls"; }

begin star_and_glob_characters_in_the_driver_column_are_not_expanded
mkdir -p "$R/etc"
# shellcheck disable=SC2016 # a command substitution, as text in the manifest
printf '%s\n' \
	'*        0000:01:00.0 144d:a80a' \
	'vfio-pci 0000:0b:00.0 1002:73bf' \
	'nv*      0000:02:00.0 1234:5678' \
	'?        0000:03:00.0 1234:5678' \
	'[a-z]*   0000:04:00.0 1234:5678' \
	'-c       0000:05:00.0 1234:5678' \
	'$(touch${IFS}pwned) 0000:06:00.0 1234:5678' \
	'vfio.pci 0000:07:00.0 1234:5678' \
	>"$R/etc/earlybind.conf"
setup_calls
got=$(instmods_with_c)
[ "$got" = vfio_pci ] || fail "instmods -c -s got: $(printf '%s' "$got" | tr '\n' ' ')"
[ -e "$R/cwd/pwned" ] && fail "a manifest column was run as a command"
grep -q '^derror' "$R.calls" && fail "a name the parser refuses was reported missing: $(cat "$R.calls")"
end

begin driver_column_is_split_where_the_parser_splits_it
mkdir -p "$R/etc"
printf 'pci-stub\v0000:0b:00.2\v1002:73a6\nvfio-pci\f0000:0b:00.0\f1002:73bf\r\n' \
	>"$R/etc/earlybind.conf"
printf 'mlx5_vfio_pci\t0000:0c:00.1 15b3:101e  # a comment\n' >>"$R/etc/earlybind.conf"
printf 'e1000e#comment 0000:00:19.0 8086:15bc\n' >>"$R/etc/earlybind.conf"
setup_calls
got=$(instmods_with_c | tr '\n' ' ')
[ "$got" = "pci_stub vfio_pci mlx5_vfio_pci e1000e " ] || fail "instmods -c -s got: $got"
end

begin modprobe_d_files_of_the_manifests_drivers_are_installed
mkdir -p "$R/etc/modprobe.d"
printf '* 0000:01:00.0 144d:a80a\nmlx5-vfio-pci 0000:0c:00.1 15b3:101e\n' >"$R/etc/earlybind.conf"
printf 'options mlx5_vfio_pci x=1\n' >"$R/etc/modprobe.d/mlx.conf"
printf 'options nvme poll_queues=2\n' >"$R/etc/modprobe.d/nvme.conf"
setup_calls
grep -qx 'inst_simple|/etc/modprobe.d/mlx.conf' "$R.calls" || fail "mlx.conf not installed: $(cat "$R.calls")"
grep -q 'nvme.conf' "$R.calls" && fail "nvme.conf installed: a '*' matched it"
end

summary
