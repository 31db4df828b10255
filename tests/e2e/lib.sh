# SPDX-License-Identifier: GPL-2.0-or-later
# shellcheck shell=bash
# The EB_ variables are for the scripts that source this file.
# shellcheck disable=SC2034
#
# Shared by tests/e2e/run, tests/bench/run and scripts/demo: builds dracut
# initramfs images with the earlybind module for a platform's kernel and
# boots them under QEMU (TCG) on the test machine of /work/shared/E2E.md:
#
#   00:02.0  VGA                   (the boot display)
#   00:03.0  e1000e      8086:10d3  (Intel 82574L)
#   00:04.0  e1000e      8086:10d3  (its identical twin)
#   00:05.0  virtio-net  1af4:1000
#   00:06.0  qemu-xhci   1b36:000d
# and with EB_GPU=1 a GPU-shaped card, one slot, one IOMMU group:
#   00:07.0  VGA         1234:1111  (multifunction)
#   00:07.1  intel-hda   8086:2668
#
# A platform is "host" (the installed kernel and dracut, used without
# touching /usr or /etc) or a Debian suite (trixie, sid): a root that
# tests/e2e/mkroot makes with debootstrap and caches, whose own dracut
# builds the images in a chroot and whose kernel boots.
#
# The images carry the test-only dracut module tests/e2e/99earlybind-test,
# which prints "EBTEST ..." lines on the serial console (each function's
# driver and IOMMU group, earlybind's log lines) and then ends the VM.
#
# Environment: KVER (host platform: default the newest kernel in /boot),
# EB_TIMEOUT (seconds per boot, default 240), EB_QEMU (default
# qemu-system-x86_64), EB_ROOT_CACHE (see tests/e2e/mkroot).

EB_REPO=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
EB_TESTMOD="$EB_REPO/tests/e2e/99earlybind-test"
EB_TIMEOUT=${EB_TIMEOUT:-240}
EB_QEMU=${EB_QEMU:-qemu-system-x86_64}

# The kernel command line of every boot: a root that never appears, so the
# shell initramfs goes on to the initqueue (E2E.md gotcha 1), where the
# report hook ends the boot.
EB_APPEND="console=ttyS0 intel_iommu=on iommu=pt panic=1 rd.shell=0"
EB_APPEND+=" rd.emergency=poweroff root=/dev/disk/by-label/none quiet"

# eb_setup BUILDDIR [PLATFORM]: sets EB_PLAT (bookworm for the host's
# Debian 12, or the suite), EB_SYSROOT ("" for the host), EB_BUILD,
# EB_WORK (BUILDDIR/e2e/EB_PLAT), EB_BIN, EB_KVER, EB_BZIMAGE, EB_MODDIR.
# Returns 1 with the reason in EB_WHY when something is missing, 3 when a
# suite root cannot be had on this machine at all (no Debian apt
# configuration to take a mirror from), also with EB_WHY.
eb_setup() {
	local _plat=${2:-host} _k _t _rc
	EB_WHY=
	mkdir -p "$1/e2e" || return 1
	EB_BUILD=$(cd "$1" && pwd)
	EB_BIN="$EB_BUILD/earlybind"
	EB_SYSROOT=
	EB_KVER=
	if [[ $_plat == host ]]; then
		# shellcheck source=/dev/null
		EB_PLAT=$(. /etc/os-release 2>/dev/null && printf '%s' "${VERSION_CODENAME:-host}")
		EB_KVER=${KVER:-}
	else
		EB_PLAT=$_plat
		mkdir -p "$EB_BUILD/e2e/$_plat" || return 1
		EB_SYSROOT=$("$EB_REPO/tests/e2e/mkroot" "$_plat" 2>"$EB_BUILD/e2e/$_plat/mkroot.log")
		_rc=$?
		if ((_rc)); then
			EB_WHY="no $_plat root: $(tail -n 1 "$EB_BUILD/e2e/$_plat/mkroot.log")"
			return $((_rc == 3 ? 3 : 1))
		fi
		# Shared: tests/e2e/mkroot rebuilds a root only when no test uses it.
		exec {EB_LOCK_FD}>"$(dirname "$EB_SYSROOT")/$_plat.lock"
		flock -s "$EB_LOCK_FD"
	fi
	EB_WORK="$EB_BUILD/e2e/$EB_PLAT"
	mkdir -p "$EB_WORK" || return 1
	if [[ -z $EB_KVER ]]; then
		for _k in "$EB_SYSROOT"/boot/vmlinuz-*; do
			[[ -f $_k ]] || continue
			_k=${_k##*/vmlinuz-}
			[[ -f $EB_SYSROOT/lib/modules/$_k/modules.dep ]] || continue
			EB_KVER=$(printf '%s\n' "$EB_KVER" "$_k" | sort -V | tail -n 1)
		done
	fi
	EB_BZIMAGE="$EB_SYSROOT/boot/vmlinuz-$EB_KVER"
	EB_MODDIR="$EB_SYSROOT/lib/modules/$EB_KVER"
	if [[ -z $EB_KVER || ! -r $EB_BZIMAGE ]]; then
		EB_WHY="no kernel image in $EB_SYSROOT/boot (apt-get install linux-image-amd64)"
		return 1
	fi
	for _t in "$EB_QEMU" timeout xz zstd depmod cpio unshare flock; do
		command -v "$_t" >/dev/null || {
			EB_WHY="$_t is not installed"
			return 1
		}
	done
	[[ -x $EB_SYSROOT/usr/lib/dracut/dracut-install && -x $EB_SYSROOT/usr/bin/dracut ]] || {
		EB_WHY="dracut-core is not installed${EB_SYSROOT:+ in $EB_SYSROOT}"
		return 1
	}
	return 0
}

# eb_vmlinux: prints the kernel to boot.  The ELF vmlinux inside the
# bzImage boots through PVH and skips the decompression that costs about
# 3 s under TCG: find the xz or zstd stream's magic (Debian 12 compresses
# with xz, 13 and later with zstd) and decompress from there.  zstd exits 1
# at the bytes after the stream, having written it all: the ELF magic
# decides.  Falls back to the bzImage.
eb_vmlinux() {
	local _out="$EB_WORK/vmlinux-$EB_KVER" _off _magic _how
	if [[ -s $_out && $_out -nt $EB_BZIMAGE ]]; then
		printf '%s\n' "$_out"
		return 0
	fi
	for _how in xz zstd; do
		local _pat='\xfd7zXZ\x00'
		[[ $_how == zstd ]] && _pat='\x28\xb5\x2f\xfd'
		# cut, not read: under a UTF-8 locale read takes the magic's last
		# byte and the newline for one character.
		while read -r _off; do
			if [[ $_how == xz ]]; then
				tail -c "+$((_off + 1))" "$EB_BZIMAGE" | xz -dc --single-stream \
					>"$_out.tmp" 2>/dev/null
			else
				tail -c "+$((_off + 1))" "$EB_BZIMAGE" | zstd -dcq >"$_out.tmp" 2>/dev/null
			fi
			_magic=$(head -c 4 "$_out.tmp" | od -An -c | tr -d ' ')
			if [[ $_magic == 177ELF ]]; then
				mv "$_out.tmp" "$_out"
				printf '%s\n' "$_out"
				return 0
			fi
		done < <(LC_ALL=C grep -obUaP "$_pat" "$EB_BZIMAGE" | cut -d: -f1)
	done
	rm -f "$_out.tmp"
	printf '%s\n' "$EB_BZIMAGE"
}

# eb_chroot CMD...: runs CMD in EB_SYSROOT with /proc, /sys and /dev
# mounted, in a mount namespace of its own: the mounts end with it,
# whatever happens, and are unmounted explicitly too.
eb_chroot() {
	# shellcheck disable=SC2016 # expanded by the inner bash
	unshare --mount --propagation private -- bash -c '
		r=$1
		shift
		trap "umount -R \"\$r/dev\" \"\$r/sys\" \"\$r/proc\" 2>/dev/null" EXIT
		mount -t proc proc "$r/proc" && mount --rbind /sys "$r/sys" &&
			mount --rbind /dev "$r/dev" || exit 1
		chroot "$r" "$@"
	' eb_chroot "$EB_SYSROOT" "$@"
}

# eb_overlay: a dracutbasedir of symlinks to the platform's
# /usr/lib/dracut whose modules.d also holds 90earlybind and
# 99earlybind-test from this tree; on a suite root, in it (EB_CDIR, the
# path seen in the chroot; EB_CHOST, the same seen from here), with copies
# of the modules, the binary and the manifests, since the chroot cannot
# see this tree.  eb_cleanup removes it.
eb_overlay() {
	local _o _f
	if [[ -z $EB_SYSROOT ]]; then
		EB_CDIR=$EB_WORK
		EB_CHOST=$EB_WORK
		_o="$EB_WORK/dracut"
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
		return 0
	fi
	EB_CDIR="/var/tmp/earlybind-e2e.$$"
	EB_CHOST="$EB_SYSROOT$EB_CDIR"
	_o="$EB_CHOST/dracut"
	rm -rf "$EB_CHOST"
	mkdir -p "$_o/modules.d" "$EB_CHOST/out" || return 1
	for _f in "$EB_SYSROOT"/usr/lib/dracut/*; do
		[[ ${_f##*/} == modules.d ]] || ln -s "${_f#"$EB_SYSROOT"}" "$_o/"
	done
	for _f in "$EB_SYSROOT"/usr/lib/dracut/modules.d/*; do
		ln -s "${_f#"$EB_SYSROOT"}" "$_o/modules.d/"
	done
	cp -r "$EB_REPO/dracut-module/90earlybind" "$_o/modules.d/90earlybind" &&
		cp -r "$EB_TESTMOD" "$_o/modules.d/99earlybind-test" &&
		cp "$EB_REPO/dracut-module/90-earlybind.conf" "$EB_CHOST/" &&
		cp "$EB_BIN" "$EB_CHOST/earlybind"
}

# eb_cleanup: removes what eb_overlay put into a suite root.
eb_cleanup() {
	[[ -n $EB_SYSROOT && -n ${EB_CHOST:-} && $EB_CHOST == "$EB_SYSROOT"/var/tmp/* ]] &&
		rm -rf "$EB_CHOST"
	return 0
}

# eb_build_image NAME FLAVOUR MANIFEST [dracut args...]: builds
# EB_WORK/NAME.img, an uncompressed image of FLAVOUR with earlybind, EB_BIN
# and MANIFEST; the dracut log goes to EB_WORK/NAME.dracut.log.  FLAVOUR:
#   shell    a lean shell image naming earlybind
#   systemd  a lean systemd image naming earlybind
#   shell-plain, systemd-plain
#            the same without earlybind, with the vfio and pci-stub modules
#            (tests/bench/boot-cost: the recipe on the kernel command line)
#   dropin   the lean shell image without naming earlybind: only
#            dracut-module/90-earlybind.conf brings it in
#   default  dracut's default module set, non-hostonly, as rpm-ostree
#            builds it: again only the drop-in brings earlybind in
# EB_IMAGE_CONF adds lines to the image's dracut configuration (the test
# module reads ebtest_drivers="MODULE..." and ebtest_vm=1).  The host's
# dracut.conf and dracut.conf.d are ignored: the settings are in
# EB_WORK/NAME.conf.
eb_build_image() {
	local _name=$1 _flavour=$2 _manifest=$3 _confdir="$EB_CDIR/conf.d" _m _plain=
	local -a _mods=()
	shift 3
	if [[ $_flavour == *-plain ]]; then
		_plain=1
		_flavour=${_flavour%-plain}
	fi
	case $_flavour in
	shell) _mods=(-m "dash udev-rules base rootfs-block earlybind earlybind-test") ;;
	dropin) _mods=(-m "dash udev-rules base rootfs-block earlybind-test") ;;
	default) _mods=(-a earlybind-test) ;;
	# One line: dracut splits -m at spaces only.
	systemd) _mods=(-m "systemd systemd-initrd dracut-systemd udev-rules base rootfs-block")
		_mods[1]+=" earlybind earlybind-test" ;;
	*) return 2 ;;
	esac
	if [[ $_plain && $_flavour == @(shell|systemd) ]]; then
		_mods[1]=${_mods[1]/ earlybind / }
		# Not vfio_virqfd: add_drivers stops at a module the kernel lacks
		# (6.2 merged it into vfio); vfio-pci-core pulls it in where it is.
		_mods+=(--add-drivers "vfio vfio_iommu_type1 vfio_pci_core vfio_pci pci_stub")
	elif [[ $_plain ]]; then
		return 2
	fi
	mkdir -p "$EB_CHOST/tmp" "$EB_CHOST/conf.d" "$EB_CHOST/conf.d-dropin"
	if [[ $_flavour == dropin || $_flavour == default ]]; then
		_confdir="$EB_CDIR/conf.d-dropin"
		if [[ -n $EB_SYSROOT ]]; then
			cp "$EB_CHOST/90-earlybind.conf" "$EB_CHOST/conf.d-dropin/"
		else
			ln -sfn "$EB_REPO/dracut-module/90-earlybind.conf" \
				"$EB_CHOST/conf.d-dropin/90-earlybind.conf"
		fi
	fi
	_m=$_manifest
	if [[ -n $EB_SYSROOT ]]; then
		cp "$_manifest" "$EB_CHOST/$_name.manifest" || return 1
		_m="$EB_CDIR/$_name.manifest"
	fi
	# earlybind_undone: NAME.undone stands in for the marker
	# /etc/earlybind.d/undone that earlybindctl apply --undo writes.
	{
		printf 'earlybind_binary="%s"\nearlybind_manifest="%s"\nearlybind_undone="%s"\n' \
			"$([[ -n $EB_SYSROOT ]] && echo "$EB_CDIR/earlybind" || echo "$EB_BIN")" \
			"$_m" "$EB_CDIR/$_name.undone"
		printf '%s\n' "${EB_IMAGE_CONF:-}"
	} >"$EB_CHOST/$_name.conf"
	local -a _dracut=(env "dracutbasedir=$EB_CDIR/dracut" dracut --force --no-hostonly
		--kver "$EB_KVER" --conf "$EB_CDIR/$_name.conf" --confdir "$_confdir"
		--tmpdir "$EB_CDIR/tmp" "${_mods[@]}" --no-early-microcode --no-compress "$@")
	if [[ -z $EB_SYSROOT ]]; then
		"${_dracut[@]}" "$EB_WORK/$_name.img" >"$EB_WORK/$_name.dracut.log" 2>&1
		return
	fi
	rm -f "$EB_WORK/$_name.img"
	eb_chroot "${_dracut[@]}" "$EB_CDIR/out/$_name.img" >"$EB_WORK/$_name.dracut.log" 2>&1 &&
		mv "$EB_CHOST/out/$_name.img" "$EB_WORK/$_name.img"
}

# eb_listing IMG: the paths in an uncompressed image, every cpio archive of
# it: dracut-ng 112 writes the kernel modules and the rest as two archives
# one after the other (the kernel unpacks each), and cpio -it stops at the
# first.  dracut's skipcpio cuts off the first.
eb_listing() {
	local _skip=/usr/lib/dracut/skipcpio _seg="$1" _tmp _size _prev=0
	_tmp=$(mktemp -d) || return 1
	while [[ -s $_seg ]]; do
		_size=$(stat -c %s "$_seg")
		((_prev && _size >= _prev)) && break
		_prev=$_size
		cpio -it --quiet <"$_seg" 2>/dev/null
		[[ -x $_skip ]] || break
		"$_skip" "$_seg" >"$_tmp/next" 2>/dev/null || break
		mv "$_tmp/next" "$_tmp/seg"
		_seg="$_tmp/seg"
	done
	rm -rf "$_tmp"
}

# eb_image_has LISTING PATH: the image listing (cpio -it) has PATH; a path
# under usr/lib/dracut/hooks/ may also be under var/lib/dracut/hooks/
# (dracut-ng), and a module NAME.ko may also be NAME.ko.xz or .ko.zst.
eb_image_has() {
	local _p=$2 _s
	local -a _alt=()
	case $_p in
	usr/lib/dracut/hooks/*) _alt=("$_p" "var/lib/dracut/hooks/${_p#usr/lib/dracut/hooks/}") ;;
	*.ko) for _s in "" .xz .zst .gz; do _alt+=("$_p$_s"); done ;;
	*) _alt=("$_p") ;;
	esac
	for _s in "${_alt[@]}"; do
		grep -qxF -- "$_s" <<<"$1" && return 0
	done
	return 1
}

# eb_boot IMAGE LOG [kernel args...]: boots IMAGE on the test machine and
# writes the serial console to LOG (QEMU's own messages to LOG.qemu).
# Returns timeout's status (124 when the VM did not stop in time).
# The machine, from the environment:
#   EB_GPU=1       add the GPU-shaped card at 00:07.0/.1
#   EB_NOIOMMU=1   no intel-iommu device: no IOMMU groups
#   EB_OVMF=1      UEFI firmware (Debian's ovmf) and the bzImage, so that
#                  efifb holds the boot display's BAR
#   EB_ICOUNT=1    -icount shift=3,sleep=off: guest time independent of the
#                  host's load (tests/bench/boot-cost); one CPU, since with
#                  two the kernel stalls bringing up the second
#   EB_MEM         guest memory in MiB (default 1024)
eb_boot() {
	local _img=$1 _log=$2 _kernel
	local -a _m=()
	shift 2
	if [[ ${EB_OVMF:-} == 1 ]]; then
		_kernel=$EB_BZIMAGE
		# Debian's ovmf, or Fedora's edk2-ovmf.
		local _code=/usr/share/OVMF/OVMF_CODE_4M.fd _vars=/usr/share/OVMF/OVMF_VARS_4M.fd
		if [[ ! -r $_code ]]; then
			_code=/usr/share/edk2/ovmf/OVMF_CODE.fd
			_vars=/usr/share/edk2/ovmf/OVMF_VARS.fd
		fi
		cp "$_vars" "$_log.vars" || return 1
		_m+=(-drive "if=pflash,format=raw,readonly=on,file=$_code"
			-drive "if=pflash,format=raw,file=$_log.vars")
	else
		_kernel=$(eb_vmlinux)
	fi
	[[ ${EB_NOIOMMU:-} == 1 ]] || _m+=(-device "intel-iommu,intremap=on,caching-mode=on")
	local _smp=2
	[[ ${EB_ICOUNT:-} == 1 ]] && _m+=(-icount "shift=3,sleep=off") && _smp=1
	_m+=(-device "VGA,addr=02.0"
		-netdev "user,id=n0" -device "e1000e,netdev=n0,addr=03.0,romfile="
		-netdev "user,id=n1" -device "e1000e,netdev=n1,addr=04.0,romfile="
		-netdev "user,id=n2" -device "virtio-net-pci,netdev=n2,addr=05.0,romfile="
		-device "qemu-xhci,addr=06.0")
	[[ ${EB_GPU:-} == 1 ]] &&
		_m+=(-device "VGA,bus=pcie.0,addr=07.0,multifunction=on"
			-device "intel-hda,bus=pcie.0,addr=07.1")
	rm -f "$_log" "$_log.qemu"
	timeout --kill-after=10 "$EB_TIMEOUT" "$EB_QEMU" \
		-accel tcg -machine q35 -cpu max -m "${EB_MEM:-1024}" -smp "$_smp" \
		-display none -monitor none -no-reboot -vga none \
		-serial "file:$_log" \
		-kernel "$_kernel" -initrd "$_img" -append "$EB_APPEND $*" \
		"${_m[@]}" </dev/null >"$_log.qemu" 2>&1
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

# eb_flaked LOG: true when the boot died the way TCG on a loaded host
# sometimes makes a kernel die before /init, which is worth one more try:
# an int3 Oops with -smp 2 (E2E.md trap 4), or the IO-APIC timer check
# failing ("timer doesn't work through Interrupt-remapped IO-APIC").
eb_flaked() {
	! eb_reported "$1" &&
		LC_ALL=C grep -aqE "Oops: int3|timer doesn't work through" "$1" 2>/dev/null
}
