#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-or-later
#
# Test-only pre-udev hook (runs before earlybind's): prints the firmware
# framebuffer lines of /proc/iomem ("EBTEST iomem-before ..."), then acts on
#   ebtest.preload=1      load e1000e and xhci_pci now, so that host drivers
#                         hold the devices and earlybind must unbind them
#   ebtest.manifest=NAME  use /etc/earlybind-NAME.conf as the manifest
#   ebtest.hide=compression
#                         hide /sys/module/compression (an empty file is
#                         bound over it) until earlybind has run, so that
#                         earlybind decompresses modules itself, as on a
#                         kernel without CONFIG_MODULE_DECOMPRESS
#                         (ebtest-pre-udev-after.sh puts it back for udev)
# Sourced by dracut: shell builtins only (a fork costs tens of ms under
# TCG), no exit, and every variable prefixed.

read -r ebtest_cmdline < /proc/cmdline

while IFS= read -r ebtest_line; do
    case $ebtest_line in
    *efifb*|*BOOTFB*|*simple-framebuffer*|*simpledrm*|*vesafb*)
        printf '<2>EBTEST iomem-before %s\n' "$ebtest_line" > /dev/kmsg ;;
    esac
done < /proc/iomem

case " $ebtest_cmdline " in
*" ebtest.preload=1 "*)
    modprobe e1000e
    modprobe xhci_pci
    printf '<2>EBTEST preloaded e1000e xhci_pci\n' > /dev/kmsg
    ;;
esac

case " $ebtest_cmdline " in
*" ebtest.manifest="*)
    ebtest_name=${ebtest_cmdline#*ebtest.manifest=}
    ebtest_name=${ebtest_name%% *}
    if [ -f "/etc/earlybind-$ebtest_name.conf" ]; then
        while IFS= read -r ebtest_line || [ -n "$ebtest_line" ]; do
            printf '%s\n' "$ebtest_line"
        done < "/etc/earlybind-$ebtest_name.conf" > /etc/earlybind.conf
        printf '<2>EBTEST manifest %s\n' "$ebtest_name" > /dev/kmsg
    else
        printf '<2>EBTEST manifest %s missing\n' "$ebtest_name" > /dev/kmsg
    fi
    ;;
esac

case " $ebtest_cmdline " in
*" ebtest.hide=compression "*)
    : > /run/ebtest-empty
    if mount --bind /run/ebtest-empty /sys/module/compression; then
        printf '<2>EBTEST hid /sys/module/compression\n' > /dev/kmsg
    else
        printf '<2>EBTEST cannot hide /sys/module/compression\n' > /dev/kmsg
    fi
    ;;
esac
unset ebtest_cmdline ebtest_name ebtest_line
