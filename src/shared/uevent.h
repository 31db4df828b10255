/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * A sysfs uevent file's text: "KEY=value" lines, as the driver core's
 * uevent_show() writes them (torvalds/linux drivers/base/core.c) and
 * pci_uevent() fills them for a PCI function (drivers/pci/pci-driver.c).
 */
#ifndef EARLYBIND_UEVENT_H
#define EARLYBIND_UEVENT_H

#include <stddef.h>

/*
 * The value of "KEY=" among the lines of the NUL-terminated @buf, or NULL;
 * its length, up to the line's end, in *@len.
 */
const char *uevent_value(const char *buf, const char *key, size_t *len);

#endif
