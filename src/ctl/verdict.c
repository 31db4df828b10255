// SPDX-License-Identifier: GPL-2.0-or-later
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "blockdev.h"
#include "verdict.h"
#include "vfio_driver.h"

int verdict_ctx_init(struct verdict_ctx *vc, const char *root, const struct pcidev_list *devs)
{
	*vc = (struct verdict_ctx){ .root = root, .devs = devs };
	vc->disks = calloc(devs->n ? devs->n : 1, sizeof(*vc->disks));
	if (!vc->disks)
		return -ENOMEM;
	for (size_t i = 0; i < devs->n; i++) {
		struct blockdev *b = NULL;
		size_t n = 0, len = 0;
		int r = blockdev_behind(root, devs->devs[i].syspath, &b, &n);

		if (r < 0) {
			/* Not knowing what it holds is no licence to take it. */
			snprintf(vc->disks[i], sizeof(vc->disks[i]),
				 "block devices that cannot be read (%s)", strerror(-r));
			continue;
		}
		for (size_t k = 0; k < n; k++) {
			/* A disk is system through its partitions: name those. */
			if (!b[k].system || (!b[k].mountpoints[0] && !b[k].holders[0]))
				continue;
			len += (size_t)snprintf(vc->disks[i] + len, len < 256 ? 256 - len : 0,
						"%s%s on %s", len ? ", " : "", b[k].name,
						b[k].mountpoints[0] ? b[k].mountpoints :
								      b[k].holders);
			if (len >= 256)
				len = 255;
		}
		free(b);
	}
	return 0;
}

void verdict_ctx_free(struct verdict_ctx *vc)
{
	free(vc->disks);
	vc->disks = NULL;
}

const char *verdict_system_disks(const struct verdict_ctx *vc, const struct pcidev *d)
{
	if (!vc->disks || d < vc->devs->devs || d >= vc->devs->devs + vc->devs->n)
		return NULL;
	return vc->disks[d - vc->devs->devs][0] ? vc->disks[d - vc->devs->devs] : NULL;
}

unsigned verdict_own(const struct verdict_ctx *vc, const struct pcidev *d)
{
	unsigned f = 0;
	uint32_t cls = d->class >> 8;

	if (d->iommu_group < 0)
		f |= VERDICT_NO_IOMMU;
	if (cls == 0x0600 || cls == 0x0601 || cls == 0x0c05)
		f |= VERDICT_CHIPSET;
	else if (pcidev_is_bridge(d))
		f |= VERDICT_BRIDGE;
	if (d->boot_vga == 1)
		f |= VERDICT_BOOT_VGA;
	if (verdict_system_disks(vc, d))
		f |= VERDICT_SYSTEM_DISK;
	return f;
}

bool verdict_keeps_group(const struct verdict_ctx *vc, const struct pcidev *o)
{
	unsigned own = verdict_own(vc, o);

	if (own & (VERDICT_CHIPSET | VERDICT_BOOT_VGA | VERDICT_SYSTEM_DISK))
		return true;
	return (own & VERDICT_BRIDGE) && !vfio_driver_leaves_group_viable(o->driver);
}

void verdict_of(const struct verdict_ctx *vc, const struct pcidev *d, struct verdict *v)
{
	*v = (struct verdict){ .flags = verdict_own(vc, d) };
	if (v->flags & VERDICT_SYSTEM_DISK)
		snprintf(v->disks, sizeof(v->disks), "%s", vc->disks[d - vc->devs->devs]);
	if (d->iommu_group < 0)
		return;
	for (size_t i = 0; i < vc->devs->n; i++) {
		const struct pcidev *o = &vc->devs->devs[i];

		if (o == d || o->iommu_group != d->iommu_group)
			continue;
		if (verdict_keeps_group(vc, o)) {
			v->flags |= VERDICT_GROUP_SHARED;
			v->with = o;
			return;
		}
	}
}

void verdict_describe(const struct verdict *v, char *buf, size_t size)
{
	size_t len = 0;

#define REASON(...)                                                                        \
	do {                                                                               \
		if (len < size)                                                            \
			len += (size_t)snprintf(buf + len, size - len, "%s", len ? "; " : ""); \
		if (len < size)                                                            \
			len += (size_t)snprintf(buf + len, size - len, __VA_ARGS__);       \
	} while (0)

	buf[0] = '\0';
	if (!v->flags) {
		snprintf(buf, size, "passable");
		return;
	}
	if (v->flags & VERDICT_NO_IOMMU)
		REASON("no IOMMU group");
	if (v->flags & VERDICT_CHIPSET)
		REASON("a chipset function");
	if (v->flags & VERDICT_BRIDGE)
		REASON("a bridge (the host keeps it)");
	if (v->flags & VERDICT_BOOT_VGA)
		REASON("the boot VGA device (the host's console)");
	if (v->flags & VERDICT_SYSTEM_DISK)
		REASON("holds %s", v->disks);
	if (v->flags & VERDICT_GROUP_SHARED) {
		char a[PCI_ADDR_STRLEN];

		pci_addr_format(&v->with->addr, a);
		REASON("its IOMMU group %d also holds %s (%s)", v->with->iommu_group, a,
		       v->with->class_name);
	}
#undef REASON
}
