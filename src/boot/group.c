// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * VFIO_GROUP_GET_STATUS reports a group viable only when no member is
 * bound to a driver that claims the device's DMA for the kernel
 * (torvalds/linux drivers/vfio/group.c, iommu_group_dma_owner_claimed()).
 * Drivers with driver_managed_dma do not: vfio-pci and its variants,
 * pci-stub and pcieport (drivers/pci/pci-stub.c, drivers/pci/pcie/portdrv.c).
 * A claimed GPU whose HDMI audio stays on snd_hda_intel is bound to vfio-pci
 * and still cannot be given to a VM: this says so at boot, with the fix.
 */
#include "group.h"
#include "rootpath.h"
#include "vfio_driver.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <syslog.h>
#include <unistd.h>

/* Members named in one line; a kmsg record holds about 1 KiB. */
#define NAMED_MAX 6

struct blocker {
	char name[256]; /* a d_name */
	char driver[SYSFS_DRIVER_MAX]; /* its driver, or the module that will take it */
	bool claimed;
	bool later; /* no driver yet: @driver ("" when not known) will take it */
};

struct blockers {
	struct blocker *v;
	size_t n, alloc;
};

static int cmp_claim(const void *a, const void *b)
{
	return strcmp(((const struct group_claim *)a)->addr, ((const struct group_claim *)b)->addr);
}

static int cmp_int(const void *a, const void *b)
{
	int x = *(const int *)a, y = *(const int *)b;

	return (x > y) - (x < y);
}

static int cmp_blocker(const void *a, const void *b)
{
	return strcmp(((const struct blocker *)a)->name, ((const struct blocker *)b)->name);
}

static const struct group_claim *find_claim(const struct group_claim *claims, size_t n,
					    const char *name)
{
	struct group_claim key;

	if (strlen(name) >= sizeof(key.addr))
		return NULL;
	strcpy(key.addr, name);
	return bsearch(&key, claims, n, sizeof(*claims), cmp_claim);
}

/*
 * The driver of group member @name, "" for none; 0 or -errno.  Through the
 * group's directory: a member need not be a PCI function.
 */
static int member_driver(int devices_fd, const char *name, char *buf, size_t size)
{
	char path[128];
	int r;

	if ((size_t)snprintf(path, sizeof(path), "%s/driver", name) >= sizeof(path))
		return -ENAMETOOLONG;
	r = sysfs_read_link_name(devices_fd, path, buf, size);
	if (r == -ENOENT) {
		buf[0] = '\0';
		return 0;
	}
	return r;
}

static int add_blocker(struct blockers *bl, const char *name, const char *driver, bool claimed,
		       bool later)
{
	struct blocker *x;

	if (bl->n == bl->alloc) {
		size_t alloc = bl->alloc ? bl->alloc * 2 : 8;
		struct blocker *v = realloc(bl->v, alloc * sizeof(*v));

		if (!v)
			return -ENOMEM;
		bl->v = v;
		bl->alloc = alloc;
	}
	x = &bl->v[bl->n];
	if (strlen(name) >= sizeof(x->name) || strlen(driver) >= sizeof(x->driver))
		return -ENAMETOOLONG;
	bl->n++;
	strcpy(x->name, name);
	strcpy(x->driver, driver);
	x->claimed = claimed;
	x->later = later;
	return 0;
}

/* A small attribute of member @name into @buf, newline removed; 0 or -errno. */
static int member_attr(int devices_fd, const char *name, const char *attr, char *buf,
		       size_t size)
{
	char path[300];
	int r;

	if ((size_t)snprintf(path, sizeof(path), "%s/%s", name, attr) >= sizeof(path))
		return -ENAMETOOLONG;
	r = sysfs_read_attr(devices_fd, path, buf, size);
	if (r == 0)
		buf[strcspn(buf, "\n")] = '\0';
	return r;
}

/*
 * An unclaimed member without a driver: does a module wait for it?  Sets
 * @module ("" when that cannot be told) and returns true when it blocks.
 * Bridges (class 06: host, ISA, PCI-to-PCI) get no DMA-owning driver.
 */
static bool driverless_blocks(int devices_fd, const char *name, const struct group_opts *o,
			      char *module, size_t size)
{
	char class[32], modalias[256];
	unsigned long c;

	module[0] = '\0';
	if (member_attr(devices_fd, name, "class", class, sizeof(class)) == 0) {
		c = strtoul(class, NULL, 16);
		if (c >> 16 == 0x06)
			return false;
	}
	/* Not a PCI function (no modalias): nothing udev would load for it. */
	if (member_attr(devices_fd, name, "modalias", modalias, sizeof(modalias)) < 0)
		return false;
	if (!o->module_for)
		return true;
	return o->module_for(o->userdata, modalias, module, size) != 0;
}

/* Appends to @buf (of @size, holding @*len bytes); truncates quietly. */
__attribute__((format(printf, 4, 5)))
static void append(char *buf, size_t size, size_t *len, const char *fmt, ...)
{
	va_list ap;
	int n;

	if (*len >= size - 1)
		return;
	va_start(ap, fmt);
	n = vsnprintf(buf + *len, size - *len, fmt, ap);
	va_end(ap);
	if (n > 0)
		*len = *len + (size_t)n < size ? *len + (size_t)n : size - 1;
}

static void log_group(struct kmsg *log, int group, struct blockers *bl)
{
	char line[900];
	size_t len = 0, named = 0, unclaimed = 0;

	qsort(bl->v, bl->n, sizeof(*bl->v), cmp_blocker);
	append(line, sizeof(line), &len, "group %d cannot be given to a VM: ", group);
	for (size_t i = 0; i < bl->n && named < NAMED_MAX; i++, named++) {
		const struct blocker *x = &bl->v[i];

		append(line, sizeof(line), &len, "%s%s ", i ? ", " : "", x->name);
		if (!x->later)
			append(line, sizeof(line), &len, "is on %s%s", x->driver,
			       x->claimed ? " although claimed (see above)" : "");
		else if (x->driver[0])
			append(line, sizeof(line), &len, "has no driver yet, and %s will take it",
			       x->driver);
		else
			append(line, sizeof(line), &len, "has no driver yet, and nothing keeps a host "
			       "driver off it");
	}
	if (named < bl->n)
		append(line, sizeof(line), &len, " and %zu more (see /sys/kernel/iommu_groups/%d/"
		       "devices)", bl->n - named, group);
	for (size_t i = 0; i < named; i++)
		unclaimed += !bl->v[i].claimed;
	if (unclaimed) {
		size_t done = 0;

		append(line, sizeof(line), &len, "; claim %s too (", unclaimed == 1 ? "it" : "them");
		for (size_t i = 0; i < named; i++)
			if (!bl->v[i].claimed)
				append(line, sizeof(line), &len, "%searlybindctl add %s",
				       done++ ? "; " : "", bl->v[i].name);
		append(line, sizeof(line), &len, ")");
	}
	kmsg_log(log, LOG_WARNING, "%s", line);
}

/* Logs group @group when a member blocks it; 1 if it did, 0, or -ENOMEM. */
static int check_group(const char *groups_dir, int group, const struct group_claim *claims,
		       size_t n, const struct group_opts *o, struct blockers *bl, struct kmsg *log)
{
	char path[4096], driver[SYSFS_DRIVER_MAX];
	struct dirent *de;
	DIR *d;
	int r = 0;

	/* opendir(), not openat() and fdopendir(): one system call, not three. */
	if ((size_t)snprintf(path, sizeof(path), "%s/%d/devices", groups_dir, group) >= sizeof(path))
		return 0;
	d = opendir(path);
	if (!d) {
		r = -errno;
		kmsg_log(log, LOG_WARNING, "cannot read /sys/kernel/iommu_groups/%d/devices: %s; "
			 "whether the group can be given to a VM is not known", group, strerror(-r));
		return 0;
	}
	bl->n = 0;
	while ((de = readdir(d))) {
		const struct group_claim *c;

		if (de->d_name[0] == '.')
			continue;
		bool later = false;

		c = find_claim(claims, n, de->d_name);
		if (c && (c->on_driver || o->assume_claimed))
			r = snprintf(driver, sizeof(driver), "%s", c->driver) < (int)sizeof(driver) ?
			    0 : -ENAMETOOLONG;
		else
			r = member_driver(dirfd(d), de->d_name, driver, sizeof(driver));
		/* A member whose driver cannot be read: the kernel will say more. */
		if (r < 0) {
			r = 0;
			continue;
		}
		if (!driver[0]) {
			/* A claimed one keeps driver_override: no host driver takes it. */
			later = !c && driverless_blocks(dirfd(d), de->d_name, o, driver,
						       sizeof(driver));
			if (!later)
				continue;
		} else if (vfio_driver_leaves_group_viable(driver)) {
			continue;
		}
		r = add_blocker(bl, de->d_name, driver, c != NULL, later);
		if (r == -ENAMETOOLONG)
			r = 0;
		else if (r < 0)
			break;
	}
	closedir(d);
	if (r < 0)
		return r;
	if (!bl->n)
		return 0;
	log_group(log, group, bl);
	return 1;
}

int group_report(const struct sysfs *s, const char *root, struct group_claim *claims, size_t n,
		 const struct group_opts *opts, struct kmsg *log)
{
	struct blockers bl = { 0 };
	char path[4096];
	int *groups, r = 0, bad = 0;
	size_t n_groups = 0;

	if (!n)
		return 0;
	groups = malloc(n * sizeof(*groups));
	if (!groups)
		return -ENOMEM;
	for (size_t i = 0; i < n; i++) {
		int g = claims[i].group;

		/* One that did not bind is reported already; its group is moot. */
		if (!claims[i].on_driver && !opts->assume_claimed)
			continue;
		if (g == GROUP_UNKNOWN)
			g = sysfs_read_iommu_group(s, claims[i].addr);
		if (g >= 0)
			groups[n_groups++] = g;
	}
	/* Sorted, each group once: n log n for any number of functions. */
	qsort(groups, n_groups, sizeof(*groups), cmp_int);
	qsort(claims, n, sizeof(*claims), cmp_claim);
	if (!n_groups)
		goto out;
	r = root_path(path, sizeof(path), root, "/sys/kernel/iommu_groups");
	if (r < 0) {
		kmsg_log(log, LOG_WARNING, "cannot open /sys/kernel/iommu_groups: %s; whether the "
			 "groups can be given to a VM is not known", strerror(-r));
		r = 0;
		goto out;
	}
	for (size_t i = 0; i < n_groups; i++) {
		if (i && groups[i] == groups[i - 1])
			continue;
		r = check_group(path, groups[i], claims, n, opts, &bl, log);
		if (r < 0)
			break;
		bad += r;
	}
out:
	free(bl.v);
	free(groups);
	return r < 0 ? r : bad;
}
