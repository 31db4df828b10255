/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * A fake root for the tests: ROOT/sys laid out as Linux lays out the PCI
 * bus (Documentation/ABI/testing/sysfs-bus-pci), plus the few files of
 * ROOT/proc and ROOT/dev that earlybind reads or writes.  The kernel's
 * write-only files (driver_override, unbind, new_id, drivers_probe, ...)
 * are plain files here, so a test reads back what was written to them.
 *
 * Every call only adds: a file that already exists is left as it is, so a
 * second run on the same root keeps what a test changed in between.
 * Each returns 0 or -errno; on failure it has printed the path that failed
 * on stderr, as "fakesys: PATH: reason".
 */
#ifndef EARLYBIND_FAKESYS_H
#define EARLYBIND_FAKESYS_H

#include <stdbool.h>
#include <stdint.h>

struct fakesys_fn {
	uint32_t domain;
	uint8_t bus;
	uint8_t dev; /* 0..0x1f */
	uint8_t fn;  /* 0..7 */
	uint16_t vendor;
	uint16_t device;
	uint16_t subvendor;
	uint16_t subdevice;
	uint32_t class; /* 24 bits: base class, subclass, prog-if */
	uint8_t revision;
	const char *driver; /* bound driver, or NULL */
	int iommu_group;    /* or -1 */
	bool pcie;          /* has a PCI Express capability (4096-byte config) */
};

/*
 * Creates ROOT (whose parent must exist) and the skeleton: sys/bus/pci,
 * sys/devices, sys/kernel/iommu_groups, proc/cmdline,
 * proc/sys/kernel/{printk_devkmsg,osrelease}, dev/kmsg, etc/.
 * Idempotent.  No lib/modules: tests that load modules make their own.
 */
int fakesys_init(const char *root);

/*
 * Adds a function under its host bridge, sys/devices/pciDDDD:BB/, with its
 * attributes, config space and links; registers its driver and iommu group
 * when it has them.  -EEXIST if the function already exists, -EINVAL if
 * @fn is out of range.
 */
int fakesys_add_function(const char *root, const struct fakesys_fn *fn);

/* Registers PCI driver @name (sys/bus/pci/drivers/NAME); 0 if it already is. */
int fakesys_add_driver(const char *root, const char *name);

/* Replaces ROOT/proc/cmdline with @text and a newline. */
int fakesys_set_cmdline(const char *root, const char *text);

#endif
