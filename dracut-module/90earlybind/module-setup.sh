#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-or-later
#
# dracut module: puts earlybind, its manifest and the drivers it loads into
# the initramfs, and runs earlybind from a pre-udev hook, before udev can
# load the host drivers (amdgpu, nouveau, e1000e, xhci_pci, ...) that would
# otherwise take the claimed PCI functions.
#
# Three settings, for /etc/dracut.conf or a dracut.conf.d drop-in (or
# dracut's environment); like every source path dracut installs from, they
# are looked up under $dracutsysrootdir.  earlybind_manifest and
# earlybind_undone are also read by 90-earlybind.conf while dracut sources
# the drop-ins, so set them in /etc/dracut.conf or in a drop-in whose name
# sorts before 90-earlybind.conf (dracut sources the drop-ins in the order
# of their names, sort -V); set later, they reach this file but not that
# one:
#   earlybind_manifest=/etc/earlybind.conf  the manifest put in the image
#                                           (always as /etc/earlybind.conf)
#   earlybind_binary=/usr/sbin/earlybind    the boot binary put in the image
#                                           (always as /usr/sbin/earlybind)
#   earlybind_undone=/etc/earlybind.d/undone  while it exists (earlybindctl
#                                           apply --undo writes it, apply
#                                           removes it), the module is
#                                           included only when asked for

# shellcheck shell=bash
# dracut sets dracutsysrootdir, kernel and moddir before it calls these.
# shellcheck disable=SC2154

# earlybind_driver_ok NAME: true when NAME is a driver name as the parser
# takes it (manifest_driver_valid): letters, digits, '_' and '-', not
# starting with '-', at most 55.  Spelled out, not [a-z]: ranges follow
# the locale.  Anything else is never handed to instmods, which would take
# "-c" as an option and a glob character as a pattern.
earlybind_driver_ok() {
    local _ok=abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789_-
    [[ $1 && ${#1} -le 55 && $1 != -* && $1 != *[!"$_ok"]* ]]
}

# earlybind_drivers MANIFEST: the driver column of each entry line, with
# '-' turned into '_' as module names are spelled, once each, one a line.
# Blank lines, comments and names the parser refuses are skipped; a missing
# file has no entries.  Callers read the lines into an array: never an
# unquoted $(...), which would expand a '*' in the column as a glob.  The
# columns are split where the parser splits them, at white space but the
# newline (MANIFEST_BLANKS); the default IFS lacks \r, \v and \f.
earlybind_drivers() {
    local _drv _rest _seen=" "
    [[ -f $1 ]] || return 0
    while IFS=$' \t\r\v\f' read -r _drv _rest || [[ $_drv ]]; do
        _drv=${_drv%%#*}
        [[ $_drv ]] || continue
        earlybind_driver_ok "$_drv" || continue
        _drv=${_drv//-/_}
        [[ $_seen == *" $_drv "* ]] && continue
        _seen+="$_drv "
        printf '%s\n' "$_drv"
    done < "$1"
}

# earlybind_has_entries MANIFEST: true when it has at least one entry line.
earlybind_has_entries() {
    local _drv _rest
    [[ -f $1 ]] || return 1
    while IFS=$' \t\r\v\f' read -r _drv _rest || [[ $_drv ]]; do
        [[ ${_drv%%#*} ]] && return 0
    done < "$1"
    return 1
}

# called by dracut
check() {
    # Without the binary the module can do nothing, even when asked for.
    require_binaries "${earlybind_binary:-/usr/sbin/earlybind}" || return 1
    # Included by default, in hostonly and in non-hostonly (rpm-ostree,
    # dracut -N) builds alike, whenever the manifest claims something: the
    # manifest is what the admin asked for, whatever the image is for.
    # With no entry, only when asked for (-a earlybind) or required; the
    # same after earlybindctl apply --undo, which must outlast the next
    # kernel update's dracut run although the manifest is still there.
    [[ -e $dracutsysrootdir${earlybind_undone:-/etc/earlybind.d/undone} ]] && return 255
    earlybind_has_entries "$dracutsysrootdir${earlybind_manifest:-/etc/earlybind.conf}" \
        || return 255
    return 0
}

# called by dracut
depends() {
    # Nothing.  The pre-udev hook runs under either init (99base's init.sh,
    # or 98dracut-systemd's dracut-pre-udev.service), so naming one would
    # force a flavour.  kernel-modules is not needed: installkernel() below
    # installs every module earlybind loads, dracut runs depmod on the image
    # whenever a module is in it, and earlybind loads them with its own
    # libkmod (no modprobe, no udev).  Depending on kernel-modules would also
    # drag every storage, HID and filesystem driver into small images; a
    # default image has it anyway.
    return 0
}

# called by dracut
installkernel() {
    local _manifest="$dracutsysrootdir${earlybind_manifest:-/etc/earlybind.conf}"
    local _drv _drivers=() _missing=()

    # The stock targets and what vfio-pci needs, whatever the manifest says.
    # hostonly='' because a hostonly instmods keeps only the modules that a
    # present device's modalias asks for, and vfio-pci and pci-stub match no
    # device by modalias (only through driver_override).
    # No -c: dracut-install then runs with -o, and a module this kernel does
    # not have is skipped without a word: vfio_virqfd merged into vfio in
    # 6.2, vfio_pci_core appeared in 5.15.  A built-in module (listed in
    # modules.builtin) counts as installed either way.
    hostonly='' instmods vfio vfio_iommu_type1 vfio_virqfd vfio_pci_core vfio_pci pci_stub

    # Every driver the manifest names (variant drivers such as mlx5_vfio_pci
    # too) must exist, as a module or built in.  -c -s makes a missing one
    # fail here, one at a time, so that it can be named.  It is reported but
    # does not fail the build: an image without an initramfs for a new
    # kernel is worse than one function left driverless, which is what
    # earlybind does at boot when it cannot load the driver.
    mapfile -t _drivers < <(earlybind_drivers "$_manifest")
    for _drv in "${_drivers[@]}"; do
        hostonly='' instmods -c -s "$_drv" || _missing+=("$_drv")
    done
    if ((${#_missing[@]})); then
        derror "earlybind: kernel $kernel has no module ${_missing[*]}, named in" \
            "${earlybind_manifest:-/etc/earlybind.conf}; the functions listed for it" \
            "will stay without a driver"
    fi
    return 0
}

# earlybind_inst_modprobe_d MANIFEST: installs the /etc/modprobe.d/*.conf
# files that mention a driver earlybind loads ("options vfio-pci ...",
# "softdep amdgpu pre: vfio-pci", ...).  90kernel-modules copies
# /etc/modprobe.d only into hostonly images, and libkmod in earlybind honours
# these lines, so a non-hostonly image would otherwise behave differently.
earlybind_inst_modprobe_d() {
    local _f _w _line _hit
    local -a _words
    local _ours=" vfio vfio_iommu_type1 vfio_virqfd vfio_pci_core vfio_pci pci_stub "
    _ours+="$(earlybind_drivers "$1" | tr '\n' ' ')"
    for _f in "$dracutsysrootdir"/etc/modprobe.d/*.conf; do
        [[ -f $_f ]] || continue
        _hit=
        while read -r _line || [[ $_line ]]; do
            _line=${_line%%#*}
            read -r -a _words <<< "${_line//-/_}"
            # The first word is the command (options, softdep, install,
            # blacklist, alias, remove); any module it names counts.
            for _w in "${_words[@]:1}"; do
                [[ $_ours == *" $_w "* ]] && _hit=1 && break 2
            done
        done < "$_f"
        [[ $_hit ]] && inst_simple "${_f#"$dracutsysrootdir"}"
    done
    return 0
}

# called by dracut
install() {
    local _manifest="${earlybind_manifest:-/etc/earlybind.conf}"

    # Static in the default build; inst_binary also brings the libraries
    # of a dynamically linked one (make STATIC=0).
    inst_binary "${earlybind_binary:-/usr/sbin/earlybind}" /usr/sbin/earlybind

    # The manifest goes in whether or not the image is hostonly (not
    # inst_simple -H, which installs nothing into a non-hostonly image).
    if [[ -f $dracutsysrootdir$_manifest ]]; then
        inst_simple "$_manifest" /etc/earlybind.conf
    else
        dwarn "earlybind: $_manifest does not exist; this image claims no PCI function"
    fi

    earlybind_inst_modprobe_d "$dracutsysrootdir$_manifest"

    # pre-udev: before udevd starts, so before any modalias autoload, in the
    # shell and in the systemd initramfs.  10 runs after 01fips (crypto
    # self-tests must come first) and before the udev rule generators at 30
    # (rootfs-block, dm, mdraid) and 90ppcmac's driver loading at 99.
    inst_hook pre-udev 10 "$moddir/earlybind-pre-udev.sh"
}
