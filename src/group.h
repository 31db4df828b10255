/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Whether the IOMMU groups of the claimed functions can be given to a VM:
 * VFIO opens a group only when every member is on a driver that leaves
 * the device's DMA to VFIO, or on none.
 */
#ifndef EARLYBIND_GROUP_H
#define EARLYBIND_GROUP_H

#include "kmsg.h"
#include "manifest.h"
#include "sysfs.h"

#include <stdbool.h>
#include <stddef.h>

struct group_claim {
	char addr[PCI_ADDR_STRLEN];
	const char *driver; /* the driver the manifest names for it */
};

/*
 * Does a function on @driver ("" for none) leave a group viable?  True
 * for no driver, vfio-pci and the vfio variant drivers, pci-stub and
 * pcieport: the drivers that set driver_managed_dma.
 */
bool group_driver_allows_vfio(const char *driver);

/*
 * For every IOMMU group that holds one of the @n @claims, logs one line
 * naming the members that keep it from a VM, by address and driver, and
 * what to do.  With @assume_claimed (a dry run), a claimed member counts
 * as being on the driver the manifest names.  Reorders @claims.  Returns
 * the number of such groups, or -errno (-ENOMEM; a group directory that
 * cannot be read is logged and skipped).
 */
int group_report(const struct sysfs *s, const char *root, struct group_claim *claims, size_t n,
		 bool assume_claimed, struct kmsg *log);

#endif
