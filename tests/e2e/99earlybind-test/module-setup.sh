#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-or-later
#
# Test-only dracut module for tests/e2e/run and scripts/demo; never
# installed.  It adds to the image:
#  - a pre-udev hook that runs before earlybind's (05 < 10) and, when the
#    kernel command line says so, loads the host drivers first
#    (ebtest.preload=1) or swaps in another manifest (ebtest.manifest=NAME
#    copies /etc/earlybind-NAME.conf over /etc/earlybind.conf);
#  - an initqueue/settled hook, run once udev has loaded the drivers it
#    wanted, that reports every PCI function's driver and IOMMU group and
#    earlybind's kernel log lines as "EBTEST ..." lines on the console, and
#    then ends the VM;
#  - the alternative manifests and the host drivers of the test devices;
#  - with ebtest_vm=1 in the dracut configuration, the platform's QEMU and
#    SeaBIOS and an initqueue/settled hook that opens functions with it
#    (ebtest.vm=ADDR,...), before the report;
#  - with ebtest_drivers="MODULE ...", those modules too (bochs and
#    snd_hda_intel for the GPU-shaped card).

# shellcheck shell=bash
# dracut sets moddir before it calls these; ebtest_* come from the
# dracut configuration.
# shellcheck disable=SC2154

# called by dracut
check() {
    # Only when asked for with -m or -a.
    return 255
}

# called by dracut
depends() {
    # dracut-ng 110 and later keep the initqueue (and the systemd flavour's
    # dracut-initqueue.service, which runs the settled hook) in a module of
    # its own; before, it was part of base and dracut-systemd.
    local _d
    for _d in "$dracutbasedir"/modules.d/[0-9][0-9]initqueue; do
        [[ -d $_d ]] && echo initqueue
    done
    return 0
}

# called by dracut
installkernel() {
    # The host drivers of the test devices: e1000e (8086:10d3) and
    # xhci_pci (1b36:000d), for udev's autoload and for ebtest.preload=1;
    # virtio_pci for the virtio NIC, so that every function has a driver.
    # shellcheck disable=SC2086 # a list of module names
    hostonly='' instmods e1000e xhci_pci virtio_pci ${ebtest_drivers-}
}

# called by dracut
install() {
    local _f
    for _f in "$moddir"/earlybind-*.conf; do
        [[ -f $_f ]] && inst_simple "$_f" "/etc/${_f##*/}"
    done
    inst_multiple dmesg modprobe mount umount rm
    inst_hook pre-udev 05 "$moddir/ebtest-pre-udev.sh"
    inst_hook pre-udev 15 "$moddir/ebtest-pre-udev-after.sh"
    if [[ ${ebtest_vm-} ]]; then
        # QEMU and its libraries, and the firmware q35 loads at start.
        inst_binary qemu-system-x86_64
        inst_multiple -o /usr/share/seabios/bios-256k.bin /usr/share/qemu/bios-256k.bin \
            /usr/share/qemu/kvmvapic.bin /usr/share/qemu/linuxboot_dma.bin \
            /usr/share/qemu/vgabios-stdvga.bin /usr/share/seabios/vgabios-stdvga.bin
        inst_hook initqueue/settled 98 "$moddir/ebtest-vm.sh"
    fi
    inst_hook initqueue/settled 99 "$moddir/ebtest-report.sh"
    # The systemd flavour starts dracut-initqueue.service only with this.
    dracut_need_initqueue
}
