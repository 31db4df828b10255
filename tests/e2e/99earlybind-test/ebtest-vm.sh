#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-or-later
#
# Test-only initqueue/settled hook, before the report (98 < 99): with
# ebtest.vm=ADDR[,ADDR...] on the kernel command line, the platform's own
# QEMU, put into the image, takes each function as a VM would:
#   qemu-system-x86_64 -S -device vfio-pci,host=ADDR -monitor stdio
# fed "info pci" and "quit".  Prints "EBTEST vm ADDR rc=N" and QEMU's lines
# that name a PCI device, VFIO or an error as "EBTEST vmout ADDR ...".

read -r ebtest_cmdline < /proc/cmdline
case " $ebtest_cmdline " in
*" ebtest.vm="*)
    ebtest_vms=${ebtest_cmdline#*ebtest.vm=}
    ebtest_vms=${ebtest_vms%% *}
    while [ -n "$ebtest_vms" ]; do
        ebtest_addr=${ebtest_vms%%,*}
        case $ebtest_vms in
        *,*) ebtest_vms=${ebtest_vms#*,} ;;
        *) ebtest_vms= ;;
        esac
        printf 'info pci\nquit\n' | qemu-system-x86_64 -machine q35 -accel tcg -m 64 \
            -nodefaults -display none -S -device "vfio-pci,host=$ebtest_addr" \
            -monitor stdio > /run/ebtest-vm.out 2>&1
        printf '<2>EBTEST vm %s rc=%s\n' "$ebtest_addr" "$?" > /dev/kmsg
        while IFS= read -r ebtest_line; do
            case $ebtest_line in
            *"PCI device"*|*vfio*|*rror*|*viable*)
                printf '<2>EBTEST vmout %s %s\n' "$ebtest_addr" "$ebtest_line" > /dev/kmsg ;;
            esac
        done < /run/ebtest-vm.out
    done
    ;;
esac
unset ebtest_cmdline ebtest_vms ebtest_addr ebtest_line
