/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Whether a PCI function can be handed to a guest, and if not, why: the
 * checks behind earlybindctl list's verdict and add's refusals.
 */
#ifndef EARLYBIND_VERDICT_H
#define EARLYBIND_VERDICT_H

#include <stdbool.h>
#include <stddef.h>

#include "pcidev.h"

enum {
	VERDICT_NO_IOMMU = 1u << 0,     /* no IOMMU group: the IOMMU is off */
	VERDICT_BRIDGE = 1u << 1,       /* a bridge or port: the host keeps it */
	VERDICT_CHIPSET = 1u << 2,      /* host bridge, ISA/LPC bridge or SMBus */
	VERDICT_BOOT_VGA = 1u << 3,     /* the firmware's boot display */
	VERDICT_SYSTEM_DISK = 1u << 4,  /* behind /, /boot, /boot/efi, /usr, /var, swap */
	VERDICT_GROUP_SHARED = 1u << 5, /* its group holds one that keeps it (verdict_keeps_group) */
};

struct verdict {
	unsigned flags;
	char disks[256];           /* VERDICT_SYSTEM_DISK: "nvme0n1p3 on /, ..." */
	const struct pcidev *with; /* VERDICT_GROUP_SHARED: the member that blocks */
};

/*
 * The system disks of the machine and the IOMMU groups, found once: which
 * function holds what, and which keeps its group.
 */
struct verdict_ctx {
	const char *root;
	const struct pcidev_list *devs;
	char (*disks)[256]; /* per function in @devs, "" when it holds none */
	size_t *with_disks; /* the functions in @devs that hold some, in order */
	size_t n_with_disks;
	/* per function in @devs: the first other member of its group that keeps it, or NULL */
	const struct pcidev **keeper;
};

/* 0 or -errno. */
int verdict_ctx_init(struct verdict_ctx *vc, const char *root, const struct pcidev_list *devs);
void verdict_ctx_free(struct verdict_ctx *vc);

/*
 * What stands in the way of passing @d through (flags 0: passable).  @d is
 * one of the functions of @vc's list: its answers are indexed by it.
 */
void verdict_of(const struct verdict_ctx *vc, const struct pcidev *d, struct verdict *v);
/*
 * What of the running system @d holds ("nvme0n1p3 on /, nvme0n1p4 on
 * [SWAP]"), or NULL when it holds none of it (VERDICT_SYSTEM_DISK).
 */
const char *verdict_system_disks(const struct verdict_ctx *vc, const struct pcidev *d);
/* Only @d's own flags, not its group's. */
unsigned verdict_own(const struct verdict_ctx *vc, const struct pcidev *d);
/*
 * Does @o keep its IOMMU group from ever being handed to a guest?  The
 * functions the host keeps for itself do (a chipset function, the boot
 * VGA device, a system disk), and a bridge does when the driver the host
 * keeps it on has not given up DMA ownership (vfio_driver_leaves_group_viable():
 * pcieport has, so bridges on it never count).
 */
bool verdict_keeps_group(const struct verdict_ctx *vc, const struct pcidev *o);
/* "passable", or the reasons joined by "; ". */
void verdict_describe(const struct verdict *v, char *buf, size_t size);

#endif
