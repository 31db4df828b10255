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

/* group_claim.group before anyone read it. */
#define GROUP_UNKNOWN (-2)

struct group_claim {
	char addr[PCI_ADDR_STRLEN];
	const char *driver; /* the driver the manifest names for it */
	int group;	    /* its IOMMU group, -1 for none, or GROUP_UNKNOWN */
	bool on_driver;	    /* known to be on @driver: its link need not be read again */
};

/*
 * The module udev would load for a function with @modalias, into @buf:
 * 1 when there is one, 0 when none, -errno when it cannot be told.
 */
typedef int (*group_module_fn)(void *userdata, const char *modalias, char *buf, size_t size);

struct group_opts {
	bool assume_claimed;	  /* a dry run: claimed members are on their driver */
	group_module_fn module_for; /* NULL: a driverless endpoint may get any */
	void *userdata;
};

/*
 * For every IOMMU group that holds one of the @n @claims on its driver
 * (all of them in a dry run), logs one line
 * naming the members that keep it from a VM, by address and driver, and
 * what to do.  A member blocks when it is on a driver that is not
 * vfio_driver_leaves_group_viable(), or when it is an unclaimed endpoint without
 * a driver that a module will take once udev runs (earlybind runs before
 * udev: the audio function of a claimed GPU has no driver yet).  A bridge
 * (class 06) without a driver does not block.  Reorders @claims.  Returns
 * the number of such groups, or -errno (-ENOMEM; a group directory that
 * cannot be read is logged and skipped).
 */
int group_report(const struct sysfs *s, const char *root, struct group_claim *claims, size_t n,
		 const struct group_opts *opts, struct kmsg *log);

#endif
