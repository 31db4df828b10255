#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-or-later
#
# pre-udev hook of the earlybind dracut module: hands the PCI functions that
# /etc/earlybind.conf lists to their drivers (vfio-pci, pci-stub, ...) before
# udevd starts and loads the host drivers.
#
# dracut sources this file (init.sh, or dracut-pre-udev.sh in the systemd
# flavour), so it must not exit and must not fail: whatever earlybind cannot
# do, it logs to the kernel log ("earlybind: ..."), and the boot goes on.
# earlybind reads rd.earlybind=0 from /proc/cmdline itself.

if [ -x /usr/sbin/earlybind ]; then
    /usr/sbin/earlybind || :
fi
