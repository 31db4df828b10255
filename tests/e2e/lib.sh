# SPDX-License-Identifier: GPL-2.0-or-later
# shellcheck shell=bash
# The EB_ variables are for the scripts that source this file.
# shellcheck disable=SC2034
#
# Shared by tests/e2e/run and scripts/demo: builds dracut initramfs images
# with the earlybind module for the installed Debian kernel, without
# touching /usr/lib/dracut or /etc, and boots them under QEMU (TCG) with the
# test machine of /work/shared/E2E.md:
#
#   00:02.0  VGA
#   00:03.0  e1000e      8086:10d3  (Intel 82574L)
#   00:04.0  e1000e      8086:10d3  (its identical twin)
#   00:05.0  virtio-net  1af4:1000
#   00:06.0  qemu-xhci   1b36:000d
#
# The images carry the test-only dracut module tests/e2e/99earlybind-test,
# which prints "EBTEST ..." lines on the serial console (each function's
# driver and IOMMU group, earlybind's log lines) and then ends the VM.
#
# Environment: KVER (default: the newest kernel in /boot), EB_TIMEOUT
# (seconds per boot, default 240), EB_QEMU (default qemu-system-x86_64).

EB_REPO=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
EB_TESTMOD="$EB_REPO/tests/e2e/99earlybind-test"
EB_TIMEOUT=${EB_TIMEOUT:-240}
EB_QEMU=${EB_QEMU:-qemu-system-x86_64}

# The kernel command line of every boot: a root that never appears, so the
# shell initramfs goes on to the initqueue (E2E.md gotcha 1), where the
# report hook ends the boot.
EB_APPEND="console=ttyS0 intel_iommu=on iommu=pt panic=1 rd.shell=0"
EB_APPEND+=" rd.emergency=poweroff root=/dev/disk/by-label/none quiet"

# eb_setup BUILDDIR: sets EB_BUILD, EB_WORK (BUILDDIR/e2e), EB_BIN, EB_KVER,
# EB_BZIMAGE.  Returns 1, with the reason in EB_WHY, when no kernel is
# installed or a tool is missing.
eb_setup() {
	EB_WHY=
	mkdir -p "$1/e2e" || return 1
	EB_BUILD=$(cd "$1" && pwd)
	EB_WORK="$EB_BUILD/e2e"
	EB_BIN="$EB_BUILD/earlybind"
	EB_KVER=${KVER:-}
	if [[ -z $EB_KVER ]]; then
		local _k
		for _k in /boot/vmlinuz-*; do
			[[ -f $_k ]] || continue
			[[ -f /lib/modules/${_k#/boot/vmlinuz-}/modules.dep ]] || continue
			EB_KVER=$(printf '%s\n' "$EB_KVER" "${_k#/boot/vmlinuz-}" | sort -V | tail -n 1)
		done
	fi
	EB_BZIMAGE="/boot/vmlinuz-$EB_KVER"
	if [[ -z $EB_KVER || ! -r $EB_BZIMAGE ]]; then
		EB_WHY="no kernel image in /boot (apt-get install linux-image-amd64)"
		return 1
	fi
	local _t
	for _t in dracut "$EB_QEMU" timeout xz depmod cpio; do
		command -v "$_t" >/dev/null || {
			EB_WHY="$_t is not installed"
			return 1
		}
	done
	[[ -x /usr/lib/dracut/dracut-install ]] || {
		EB_WHY="dracut-core is not installed"
		return 1
	}
	return 0
}

# eb_vmlinux: prints the kernel to boot.  The ELF vmlinux inside the
# bzImage boots through PVH and skips the decompression that costs about
# 3 s under TCG: find the xz stream's magic and decompress that one stream.
# Falls back to the bzImage.
eb_vmlinux() {
	local _out="$EB_WORK/vmlinux-$EB_KVER" _off _magic
	if [[ -s $_out && $_out -nt $EB_BZIMAGE ]]; then
		printf '%s\n' "$_out"
		return 0
	fi
	while IFS=: read -r _off _; do
		tail -c "+$((_off + 1))" "$EB_BZIMAGE" | xz -dc --single-stream >"$_out.tmp" 2>/dev/null
		_magic=$(head -c 4 "$_out.tmp" | od -An -c | tr -d ' ')
		if [[ $_magic == 177ELF ]]; then
			mv "$_out.tmp" "$_out"
			printf '%s\n' "$_out"
			return 0
		fi
	done < <(LC_ALL=C grep -obUaP '\xfd7zXZ\x00' "$EB_BZIMAGE")
	rm -f "$_out.tmp"
	printf '%s\n' "$EB_BZIMAGE"
}

# eb_overlay: EB_WORK/dracut, a dracutbasedir of symlinks to
# /usr/lib/dracut whose modules.d also holds 90earlybind and
# 99earlybind-test from this tree.
eb_overlay() {
	local _o="$EB_WORK/dracut" _f
	rm -rf "$_o"
	mkdir -p "$_o/modules.d"
	for _f in /usr/lib/dracut/*; do
		[[ ${_f##*/} == modules.d ]] || ln -s "$_f" "$_o/"
	done
	for _f in /usr/lib/dracut/modules.d/*; do
		ln -s "$_f" "$_o/modules.d/"
	done
	ln -s "$EB_REPO/dracut-module/90earlybind" "$_o/modules.d/90earlybind"
	ln -s "$EB_TESTMOD" "$_o/modules.d/99earlybind-test"
}

# eb_build_image NAME FLAVOUR MANIFEST [dracut args...]: builds
# EB_WORK/NAME.img, a lean uncompressed image of FLAVOUR (shell, systemd, or
# dropin: shell without naming earlybind, with the dracut.conf.d drop-in)
# with earlybind, EB_BIN and MANIFEST; the dracut log goes to
# EB_WORK/NAME.dracut.log.  The host's dracut.conf and dracut.conf.d are
# ignored: the settings are in EB_WORK/NAME.conf.
eb_build_image() {
	local _name=$1 _flavour=$2 _manifest=$3 _mods _confdir="$EB_WORK/conf.d"
	shift 3
	case $_flavour in
	shell) _mods="dash udev-rules base rootfs-block earlybind earlybind-test" ;;
	# earlybind not named: only dracut-module/90-earlybind.conf brings it.
	dropin) _mods="dash udev-rules base rootfs-block"
		_confdir="$EB_WORK/conf.d-dropin"
		mkdir -p "$_confdir"
		ln -sfn "$EB_REPO/dracut-module/90-earlybind.conf" "$_confdir/90-earlybind.conf" ;;
	systemd) _mods="systemd systemd-initrd dracut-systemd udev-rules base rootfs-block"
		_mods+=" earlybind earlybind-test" ;;
	*) return 2 ;;
	esac
	mkdir -p "$EB_WORK/tmp" "$EB_WORK/conf.d"
	# earlybind_undone: EB_WORK/NAME.undone stands in for the marker
	# /etc/earlybind.d/undone that earlybindctl apply --undo writes.
	printf 'earlybind_binary="%s"\nearlybind_manifest="%s"\nearlybind_undone="%s"\n' \
		"$EB_BIN" "$_manifest" "$EB_WORK/$_name.undone" >"$EB_WORK/$_name.conf"
	dracutbasedir="$EB_WORK/dracut" dracut --force --no-hostonly --kver "$EB_KVER" \
		--conf "$EB_WORK/$_name.conf" --confdir "$_confdir" \
		--tmpdir "$EB_WORK/tmp" -m "$_mods" \
		--no-early-microcode --no-compress "$@" "$EB_WORK/$_name.img" \
		>"$EB_WORK/$_name.dracut.log" 2>&1
}

# eb_boot IMAGE LOG [kernel args...]: boots IMAGE on the test machine and
# writes the serial console to LOG (QEMU's own messages to LOG.qemu).
# Returns timeout's status (124 when the VM did not stop in time).
eb_boot() {
	local _img=$1 _log=$2 _kernel
	shift 2
	_kernel=$(eb_vmlinux)
	rm -f "$_log" "$_log.qemu"
	timeout --kill-after=10 "$EB_TIMEOUT" "$EB_QEMU" \
		-accel tcg -machine q35 -cpu max \
		-device intel-iommu,intremap=on,caching-mode=on \
		-m 1024 -smp 2 -display none -monitor none -no-reboot -vga none \
		-serial "file:$_log" \
		-kernel "$_kernel" -initrd "$_img" -append "$EB_APPEND $*" \
		-device VGA,addr=02.0 \
		-netdev user,id=n0 -device e1000e,netdev=n0,addr=03.0,romfile= \
		-netdev user,id=n1 -device e1000e,netdev=n1,addr=04.0,romfile= \
		-netdev user,id=n2 -device virtio-net-pci,netdev=n2,addr=05.0,romfile= \
		-device qemu-xhci,addr=06.0 \
		</dev/null >"$_log.qemu" 2>&1
}

# eb_markers LOG: the "EBTEST ..." lines of a serial log, without the
# kernel's timestamp and the console's carriage returns.
eb_markers() {
	LC_ALL=C grep -ao 'EBTEST .*' "$1" 2>/dev/null | tr -d '\r'
}

# eb_dev_field LOG ADDR FIELD: the value of FIELD (id, driver, group,
# override) in the report line of ADDR; empty when there is none.
eb_dev_field() {
	local _w
	for _w in $(eb_markers "$1" | grep -m 1 "^EBTEST dev $2 "); do
		[[ $_w == "$3="* ]] && printf '%s\n' "${_w#*=}"
	done
}

# eb_log_lines LOG: earlybind's kernel log lines as the report hook saw them.
eb_log_lines() {
	eb_markers "$1" | sed -n 's/^EBTEST log //p'
}

# eb_reported LOG: true when the report hook ran to its end.
eb_reported() {
	eb_markers "$1" | grep -qx 'EBTEST end'
}
