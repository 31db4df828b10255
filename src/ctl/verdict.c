// SPDX-License-Identifier: GPL-2.0-or-later
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "blockdev.h"
#include "verdict.h"
#include "vfio_driver.h"

/* "nvme0n1p3 on /, nvme0n1p4 on [SWAP]" of @set into @buf: what of the system @d holds. */
static void system_disks(const struct blockdev_set *set, const struct pcidev *d, char buf[256])
{
	struct blockdev *b = NULL;
	size_t n = 0, len = 0;
	int r = blockdev_set_behind(set, d->syspath, false, &b, &n);

	if (r < 0) {
		/* Not knowing what it holds is no licence to take it. */
		snprintf(buf, 256, "block devices that cannot be read (%s)", strerror(-r));
		return;
	}
	for (size_t k = 0; k < n; k++) {
		/* A disk is system through its partitions: name those. */
		if (!b[k].system || (!b[k].mountpoints[0] && !b[k].holders[0]))
			continue;
		len += (size_t)snprintf(buf + len, len < 256 ? 256 - len : 0, "%s%s on %s",
					len ? ", " : "", b[k].name,
					b[k].mountpoints[0] ? b[k].mountpoints : b[k].holders);
		if (len >= 256)
			len = 255;
	}
	free(b);
}

struct member {
	int group;
	size_t at; /* in vc->devs */
};

static int member_cmp(const void *a, const void *b)
{
	const struct member *x = a, *y = b;

	if (x->group != y->group)
		return x->group < y->group ? -1 : 1;
	return x->at < y->at ? -1 : x->at > y->at;
}

/*
 * vc->keeper: for each function, the first other member of its IOMMU
 * group (in address order) that keeps the group, found once for all by
 * sorting the functions by group: the first two keepers of each group
 * answer for all its members.  0 or -ENOMEM.
 */
static int find_keepers(struct verdict_ctx *vc)
{
	const struct pcidev_list *l = vc->devs;
	struct member *m = calloc(l->n ? l->n : 1, sizeof(*m));
	size_t n = 0;

	vc->keeper = calloc(l->n ? l->n : 1, sizeof(*vc->keeper));
	if (!m || !vc->keeper) {
		free(m);
		return -ENOMEM;
	}
	for (size_t i = 0; i < l->n; i++)
		if (l->devs[i].iommu_group >= 0)
			m[n++] = (struct member){ .group = l->devs[i].iommu_group, .at = i };
	qsort(m, n, sizeof(*m), member_cmp);
	for (size_t i = 0, end; i < n; i = end) {
		const struct pcidev *first = NULL, *second = NULL;

		for (end = i; end < n && m[end].group == m[i].group; end++) {
			const struct pcidev *o = &l->devs[m[end].at];

			if (second || !verdict_keeps_group(vc, o))
				continue;
			if (first)
				second = o;
			else
				first = o;
		}
		for (size_t k = i; k < end; k++) {
			const struct pcidev *d = &l->devs[m[k].at];

			vc->keeper[m[k].at] = first != d ? first : second;
		}
	}
	free(m);
	return 0;
}

int verdict_ctx_init(struct verdict_ctx *vc, const char *root, const struct pcidev_list *devs)
{
	struct blockdev_set *set;
	int r;

	*vc = (struct verdict_ctx){ .root = root, .devs = devs };
	vc->disks = calloc(devs->n ? devs->n : 1, sizeof(*vc->disks));
	vc->with_disks = calloc(devs->n ? devs->n : 1, sizeof(*vc->with_disks));
	if (!vc->disks || !vc->with_disks) {
		verdict_ctx_free(vc);
		return -ENOMEM;
	}
	/* Each function's block devices from one reading of them all. */
	r = blockdev_set_read(root, &set);
	if (r < 0) {
		verdict_ctx_free(vc);
		return r;
	}
	for (size_t i = 0; i < devs->n; i++) {
		system_disks(set, &devs->devs[i], vc->disks[i]);
		if (vc->disks[i][0])
			vc->with_disks[vc->n_with_disks++] = i;
	}
	blockdev_set_free(set);
	r = find_keepers(vc);
	if (r < 0)
		verdict_ctx_free(vc);
	return r;
}

void verdict_ctx_free(struct verdict_ctx *vc)
{
	free(vc->disks);
	free(vc->with_disks);
	free(vc->keeper);
	vc->disks = NULL;
	vc->with_disks = NULL;
	vc->keeper = NULL;
	vc->n_with_disks = 0;
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
	const struct pcidev *with;

	*v = (struct verdict){ .flags = verdict_own(vc, d) };
	if (v->flags & VERDICT_SYSTEM_DISK)
		snprintf(v->disks, sizeof(v->disks), "%s", vc->disks[d - vc->devs->devs]);
	if (d->iommu_group < 0)
		return;
	with = vc->keeper[d - vc->devs->devs];
	if (with) {
		v->flags |= VERDICT_GROUP_SHARED;
		v->with = with;
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
