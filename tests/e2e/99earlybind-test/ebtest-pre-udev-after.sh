#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-or-later
#
# Test-only pre-udev hook, after earlybind's (15 > 10): gives back
# /sys/module/compression when ebtest-pre-udev.sh hid it, so that udev's
# modprobe lets the kernel decompress the host drivers (kmod in the image
# has no liblzma to do it).  Builtins only, except umount.

if [ -f /run/ebtest-empty ]; then
    umount /sys/module/compression
    rm -f /run/ebtest-empty
fi
