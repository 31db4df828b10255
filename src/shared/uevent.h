/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * A sysfs uevent file's text: "KEY=value" lines, as the driver core's
 * uevent_show() writes them (torvalds/linux drivers/base/core.c) and
 * pci_uevent() fills them for a PCI function (drivers/pci/pci-driver.c).
 */
#ifndef EARLYBIND_UEVENT_H
#define EARLYBIND_UEVENT_H

#include <stdbool.h>
#include <stddef.h>

/*
 * The value of "KEY=" among the lines of the NUL-terminated @buf, or NULL;
 * its length, up to the line's end, in *@len.
 */
const char *uevent_value(const char *buf, const char *key, size_t *len);

/*
 * "VVVV:DDDD", 1 to 4 hex digits on each side and nothing else, as
 * pci_uevent() prints PCI_ID and PCI_SUBSYS_ID, into *@a and *@b: true;
 * or false, and both untouched.
 */
bool uevent_id_pair(const char *s, size_t len, unsigned *a, unsigned *b);

#endif
