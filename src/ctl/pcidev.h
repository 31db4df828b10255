/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The PCI functions under a root directory, as the admin tool shows them:
 * read from ROOT/sys/bus/pci as lspci's linux-sysfs back end reads it (the
 * kernel's uevent for the ids, class and modalias; libpci for what the
 * uevent lacks) and named from the system's pci.ids (and udev's hwdb, when
 * libpci has it) exactly as lspci names them.
 */
#ifndef EARLYBIND_PCIDEV_H
#define EARLYBIND_PCIDEV_H

#include "manifest.h"

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/*
 * lspci 3.9 looks names up into 128-byte buffers (256 for the "Subsystem:"
 * line); a longer name comes out cut to 124 bytes and "...".  We use the
 * same sizes so that every name is byte for byte what lspci prints.
 */
#define PCIDEV_NAME_MAX 128
#define PCIDEV_SUBSYS_NAME_MAX 256

struct pcidev {
	struct pci_addr addr;
	uint16_t vendor, device;
	uint16_t subvendor, subdevice; /* 0 when none (absent, or 0xffff) */
	uint32_t class;                /* 24 bits: base class, subclass, prog-if */
	uint8_t revision;
	uint8_t header_type;           /* low 7 bits of config 0x0e: 0 endpoint, 1 bridge;
					* read for a bridge (class 06) or class 0 only, else 0 */
	int iommu_group;               /* -1 when none */
	int boot_vga;                  /* 1, 0, or -1 when there is no boot_vga attribute */
	/* bound driver, "" when none: its driver link's last component, a file name */
	char driver[256];
	/*
	 * Vendor and device as lspci's line has them, "Advanced Micro Devices,
	 * Inc. [AMD/ATI] Navi 21 [...]": at most PCIDEV_NAME_MAX - 1 bytes.
	 */
	char desc[256];
	char class_name[PCIDEV_NAME_MAX];  /* "VGA compatible controller" */
	char vendor_name[PCIDEV_NAME_MAX]; /* lspci -mm's vendor column */
	char device_name[PCIDEV_NAME_MAX]; /* lspci -mm's device column */
	/* lspci -v's "Subsystem:", "" when lspci prints no such line */
	char subsys_desc[PCIDEV_SUBSYS_NAME_MAX];
	/*
	 * lspci -Dnn's line after the address: "VGA compatible controller
	 * [0300]: Advanced Micro Devices, Inc. [AMD/ATI] Navi 21 [...]
	 * [1002:73bf] (rev c1)", names and numbers as its -nn looks them up.
	 */
	char lspci_nn[2 * PCIDEV_NAME_MAX + 16];
	char modalias[128];            /* "" when absent */
	char reset_method[128];        /* "" when absent */
	/* realpath of ROOT/sys/bus/pci/devices/ADDR: block devices lie below it */
	char syspath[512];
};

struct pcidev_list {
	struct pcidev *devs;
	size_t n;
};

/*
 * Reads every function in ROOT/sys/bus/pci into @out, sorted by address.
 * A function that disappears while it is read (hot unplug) is left out.
 * Links (driver, iommu_group) of any length are read safely.
 * Returns 0, or -errno: -ENOENT when ROOT/sys/bus/pci/devices is missing,
 * -EINVAL when an entry there is not an address, the errno of a libpci
 * error that has one (-ENOENT for a function with neither a kernel uevent nor a vendor
 * attribute),
 * or -EIO for one that has none.  @out is empty on failure.
 */
int pcidev_scan(const char *root, struct pcidev_list *out);

/*
 * pcidev_scan(), and on failure libpci's reason ("Cannot open .../vendor:
 * No such file or directory") or ours in @msg, which is "" on success.
 */
int pcidev_scan_msg(const char *root, struct pcidev_list *out, char *msg, size_t msgsize);

void pcidev_list_free(struct pcidev_list *l);

/* The function at @a, or NULL.  A binary search: @l must be as scanned. */
const struct pcidev *pcidev_find(const struct pcidev_list *l, const struct pci_addr *a);

/*
 * The functions whose vendor:device is @id's, and whose subsystem is too
 * when @id has one (has_subsys, or either subsystem id nonzero), in address
 * order.  Stores up to @max of them in @out and returns how many there are,
 * which may be more than @max.
 */
size_t pcidev_find_id(const struct pcidev_list *l, const struct pci_id *id,
		      const struct pcidev **out, size_t max);

/* A PCI-to-PCI or CardBus bridge (header type 1 or 2), or a host or ISA bridge. */
bool pcidev_is_bridge(const struct pcidev *d);

#endif
