/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The kernel's PCI sysfs interface (Documentation/ABI/testing/sysfs-bus-pci)
 * under a root directory.  Functions are named by their address string
 * ("0000:03:00.0"), exactly as they appear in /sys/bus/pci/devices.
 */
#ifndef EARLYBIND_SYSFS_H
#define EARLYBIND_SYSFS_H

#include "manifest.h"

#include <stdbool.h>
#include <stddef.h>

/* Longest driver name we read back from a driver link. */
#define SYSFS_DRIVER_MAX 64
/* Drivers whose unbind file is kept open: a host has few. */
#define SYSFS_UNBIND_FDS 8

struct sysfs {
	int bus_fd;     /* ROOT/sys/bus/pci */
	int devices_fd; /* ROOT/sys/bus/pci/devices */
	int drivers_fd; /* ROOT/sys/bus/pci/drivers */
	/*
	 * Kept open after the first write: kernfs runs the store on every
	 * write(), so one descriptor serves every function.
	 */
	int probe_fd; /* ROOT/sys/bus/pci/drivers_probe, or -1 */
	struct {
		char driver[SYSFS_DRIVER_MAX];
		int fd; /* drivers/DRIVER/unbind */
	} unbind[SYSFS_UNBIND_FDS];
	unsigned n_unbind, next_unbind;
};

/* Opens ROOT/sys/bus/pci.  0, or -errno (-ENOENT: no PCI bus there). */
int sysfs_open(struct sysfs *s, const char *root);
void sysfs_close(struct sysfs *s);

/*
 * What @addr's uevent says, in one read: its ids (PCI_ID, PCI_SUBSYS_ID;
 * the kernel's own, which an SR-IOV virtual function's config space does
 * not hold) and the driver bound to it (DRIVER=, "" when none).  -ENOENT
 * when there is no such function, -EINVAL when the ids are missing.
 */
int sysfs_read_function(const struct sysfs *s, const char *addr, struct pci_id *id,
			char *driver, size_t size);

/*
 * Attribute @path (relative to @dirfd) into @buf, NUL-terminated, one
 * read() as sysfs serves it; a FIFO is not waited on.  0 or -errno.
 */
int sysfs_read_attr(int dirfd, const char *path, char *buf, size_t size);

/*
 * The last component of the symlink @path (relative to @dirfd) into @buf:
 * "igb" for a driver link to ../../../bus/pci/drivers/igb.  0 or -errno.
 */
int sysfs_read_link_name(int dirfd, const char *path, char *buf, size_t size);

/* The driver bound to @addr, or "" when none.  0 or -errno. */
int sysfs_read_driver(const struct sysfs *s, const char *addr, char *buf, size_t size);

/* Does @addr have an iommu_group link?  Its number, or -errno. */
int sysfs_read_iommu_group(const struct sysfs *s, const char *addr);

/* Is @driver registered with the PCI bus (loaded or built in)? */
bool sysfs_driver_registered(const struct sysfs *s, const char *driver);

/* Writes @driver to @addr's driver_override; "" clears it. */
int sysfs_write_override(const struct sysfs *s, const char *addr, const char *driver);
/* Writes @addr to drivers/@driver/unbind. */
int sysfs_unbind(struct sysfs *s, const char *addr, const char *driver);
/* Writes @addr to drivers_probe: the kernel offers it to the drivers again. */
int sysfs_probe(struct sysfs *s, const char *addr);

/*
 * Calls @fn for every function in ROOT/sys/bus/pci/devices, in directory
 * order.  Stops at, and returns, the first nonzero value @fn returns.
 */
int sysfs_for_each_function(const struct sysfs *s,
			    int (*fn)(void *userdata, const char *addr), void *userdata);

#endif
