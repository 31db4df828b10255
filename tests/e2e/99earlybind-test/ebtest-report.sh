#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-or-later
#
# Test-only initqueue/settled hook: once udev has settled, prints
#   EBTEST uptime SECONDS      guest time since the kernel started
#   EBTEST compression xz|none what /sys/module/compression says
#   EBTEST iomem LINE          the firmware framebuffer lines of /proc/iomem
# and for every PCI function
#   EBTEST dev ADDR id=VVVV:DDDD driver=NAME|none group=N|none override=...
# then earlybind's kernel log lines as "EBTEST log ..." (and the vfio and
# pci-stub kernel lines as "EBTEST klog ..."), then "EBTEST end", and ends
# the VM (QEMU runs with -no-reboot).
#
# Each line is written to /dev/kmsg at KERN_CRIT: printk puts it on the
# serial console at once even with "quiet", so nothing is lost when the VM
# stops, and each write opens /dev/kmsg anew, so the per-open ratelimit of
# /dev/kmsg never drops one.  Builtins only, except one dmesg.

ebtest_say() {
    printf '<2>EBTEST %s\n' "$*" > /dev/kmsg
}

read -r ebtest_up < /proc/uptime
ebtest_up=${ebtest_up%% *}
ebtest_say begin
ebtest_say "uptime $ebtest_up"
ebtest_comp=none
[ -r /sys/module/compression ] && read -r ebtest_comp < /sys/module/compression
ebtest_say "compression ${ebtest_comp:-none}"
while IFS= read -r ebtest_line; do
    case $ebtest_line in
    *efifb*|*BOOTFB*|*simple-framebuffer*|*simpledrm*|*vesafb*)
        ebtest_say "iomem $ebtest_line" ;;
    esac
done < /proc/iomem
for ebtest_dev in /sys/bus/pci/devices/*; do
    [ -e "$ebtest_dev/vendor" ] || continue
    read -r ebtest_vendor < "$ebtest_dev/vendor"
    read -r ebtest_device < "$ebtest_dev/device"
    read -r ebtest_override < "$ebtest_dev/driver_override"
    ebtest_driver=none
    if [ -e "$ebtest_dev/driver" ] && cd -P "$ebtest_dev/driver"; then
        ebtest_driver=${PWD##*/}
    fi
    ebtest_group=none
    if [ -e "$ebtest_dev/iommu_group" ] && cd -P "$ebtest_dev/iommu_group"; then
        ebtest_group=${PWD##*/}
    fi
    ebtest_say "dev ${ebtest_dev##*/} id=${ebtest_vendor#0x}:${ebtest_device#0x}" \
        "driver=$ebtest_driver group=$ebtest_group override=$ebtest_override"
done
cd / || :

dmesg | while IFS= read -r ebtest_line; do
    case $ebtest_line in
    *EBTEST*) ;;
    *earlybind:*) ebtest_say "log ${ebtest_line#*] }" ;;
    *vfio*|*pci-stub*|*efifb*) ebtest_say "klog ${ebtest_line#*] }" ;;
    esac
done

ebtest_say end
echo b > /proc/sysrq-trigger
