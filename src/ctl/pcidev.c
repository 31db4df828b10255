// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * libpci does the reading and the naming, so that what earlybindctl shows
 * is what lspci shows on the same tree.  Two things about libpci shape this
 * file:
 *
 * - Its fatal errors go to acc->error, which must not return and is given
 *   no context; the default prints and exits.  Ours records the message and
 *   longjmps back into lib_call(), the guard around every libpci call that
 *   can fail.  The guard in progress is found through one thread-local
 *   pointer, the only state here that outlives a call, and only while the
 *   guarded call runs.
 * - It reads the mandatory attributes (vendor, device, class) through that
 *   error, so a function unplugged between readdir and read would end the
 *   scan.  A function whose directory is gone is dropped instead.
 * - Its links are not safe to read: sysfs_deref_link() in pciutils 3.9's
 *   lib/sysfs.c readlink()s into 1024 bytes with no room for the NUL and
 *   strcat()s the result, so a driver or iommu_group link of 1 KiB aborts
 *   the program (glibc's "buffer overflow detected", as lspci -k does).
 *   Those two are read here (read_link_name()); libpci is asked only for
 *   what it reads into bounded buffers (sysfs_get_string(): the ids, class,
 *   revision, subsystem).  The of_node link, the other one it dereferences,
 *   is never asked for.
 */
#include "pcidev.h"
#include "rootpath.h"
#include "strcopy.h"

#include <pci/pci.h>

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

/* PCI_FILL_DRIVER, _SUBSYS and _CLASS_EXT came with 3.8. */
#if PCI_LIB_VERSION < 0x030800
#error "libpci 3.8 or later is needed"
#endif

/*
 * Everything we take from pci_fill_info(); never PCI_FILL_DRIVER,
 * PCI_FILL_IOMMU_GROUP or PCI_FILL_DT_NODE (see above).
 */
#define FILL_FLAGS (PCI_FILL_IDENT | PCI_FILL_CLASS | PCI_FILL_CLASS_EXT | PCI_FILL_SUBSYS)

struct lib {
	struct pci_access *acc;
	jmp_buf env;
	struct lib *prev; /* the guard this one interrupted, if any */
	int err;
	char msg[1280]; /* libpci's paths are up to 1024 bytes */
};

static _Thread_local struct lib *lib_current;

/* A message of our own; a cut one will do. */
__attribute__((format(printf, 2, 3)))
static void set_msg(struct lib *l, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(l->msg, sizeof(l->msg), fmt, ap);
	va_end(ap);
}

/* libpci puts strerror(errno) in a message exactly when errno is its cause. */
static int lib_errno(const char *msg, int e)
{
	char buf[128];

	if (e > 0 && strstr(msg, strerror_r(e, buf, sizeof(buf))))
		return -e;
	if (strncmp(msg, "Out of memory", 13) == 0)
		return -ENOMEM;
	return -EIO;
}

__attribute__((format(printf, 1, 2), noreturn))
static void lib_error(char *fmt, ...)
{
	struct lib *l = lib_current;
	int e = errno;
	va_list ap;

	/* Only lib_call() runs libpci code that can fail. */
	if (!l)
		abort();
	va_start(ap, fmt);
	vsnprintf(l->msg, sizeof(l->msg), fmt, ap);
	va_end(ap);
	l->err = lib_errno(l->msg, e);
	longjmp(l->env, 1);
}

/*
 * Warnings are about optional things (a config space we may not read, an
 * attribute we may not open); what they cost shows in the fields we fill.
 */
__attribute__((format(printf, 1, 2)))
static void lib_ignore(char *fmt, ...)
{
	(void)fmt;
}

/* Runs @fn(@l, @arg); 0, or the -errno of the libpci error that cut it short. */
static int lib_call(struct lib *l, void (*fn)(struct lib *l, void *arg), void *arg)
{
	l->err = 0;
	l->prev = lib_current;
	lib_current = l;
	if (setjmp(l->env) == 0)
		fn(l, arg);
	lib_current = l->prev;
	return l->err;
}

static void lib_start(struct lib *l, void *arg)
{
	(void)arg;
	pci_init(l->acc);
	pci_scan_bus(l->acc);
}

/* pci_lookup_name() returns its buffer, or a string of its own. */
static void keep_name(char *buf, size_t size, const char *res)
{
	if (!res)
		buf[0] = '\0';
	else if (res != buf)
		snprintf(buf, size, "%s", res);
}

struct fill {
	struct pci_dev *p;
	struct pcidev *d;
};

static void lib_fill(struct lib *l, void *arg)
{
	struct fill *f = arg;
	struct pci_dev *p = f->p;
	struct pcidev *d = f->d;
	struct pci_access *acc = l->acc;
	u8 hdr;

	pci_fill_info(p, FILL_FLAGS);
	d->vendor = p->vendor_id;
	d->device = p->device_id;
	d->class = (uint32_t)p->device_class << 8 | p->prog_if;
	d->revision = p->rev_id;
	/* lspci's test for a subsystem; a bridge without one reads 0 or ffff. */
	if ((p->known_fields & PCI_FILL_SUBSYS) && p->subsys_vendor_id &&
	    p->subsys_vendor_id != 0xffff) {
		d->subvendor = p->subsys_vendor_id;
		d->subdevice = p->subsys_id;
	}
	/* 0x7f, as lspci shows it, when the config space cannot be read. */
	d->header_type = pci_read_block(p, PCI_HEADER_TYPE, &hdr, 1) ? hdr & 0x7f : 0x7f;

	/* The lookups and buffer sizes of lspci's terse, -mm and -v output. */
	keep_name(d->desc, sizeof(d->desc),
		  pci_lookup_name(acc, d->desc, PCIDEV_NAME_MAX,
				  PCI_LOOKUP_VENDOR | PCI_LOOKUP_DEVICE, d->vendor, d->device));
	keep_name(d->class_name, sizeof(d->class_name),
		  pci_lookup_name(acc, d->class_name, sizeof(d->class_name), PCI_LOOKUP_CLASS,
				  p->device_class));
	keep_name(d->vendor_name, sizeof(d->vendor_name),
		  pci_lookup_name(acc, d->vendor_name, sizeof(d->vendor_name), PCI_LOOKUP_VENDOR,
				  d->vendor, d->device));
	keep_name(d->device_name, sizeof(d->device_name),
		  pci_lookup_name(acc, d->device_name, sizeof(d->device_name), PCI_LOOKUP_DEVICE,
				  d->vendor, d->device));
	{
		char cls[PCIDEV_NAME_MAX], dev[PCIDEV_NAME_MAX];
		int n;

		keep_name(cls, sizeof(cls),
			  pci_lookup_name(acc, cls, sizeof(cls), PCI_LOOKUP_CLASS | PCI_LOOKUP_MIXED,
					  p->device_class));
		keep_name(dev, sizeof(dev),
			  pci_lookup_name(acc, dev, sizeof(dev),
					  PCI_LOOKUP_VENDOR | PCI_LOOKUP_DEVICE | PCI_LOOKUP_MIXED,
					  d->vendor, d->device));
		n = snprintf(d->lspci_nn, sizeof(d->lspci_nn), "%s: %s", cls, dev);
		/* lspci shows a revision only when it is not 0. */
		if (d->revision && n > 0 && (size_t)n < sizeof(d->lspci_nn))
			snprintf(d->lspci_nn + n, sizeof(d->lspci_nn) - (size_t)n, " (rev %02x)",
				 d->revision);
	}
	if (d->subvendor)
		keep_name(d->subsys_desc, sizeof(d->subsys_desc),
			  pci_lookup_name(acc, d->subsys_desc, sizeof(d->subsys_desc),
					  PCI_LOOKUP_SUBSYSTEM | PCI_LOOKUP_VENDOR |
					  PCI_LOOKUP_DEVICE, d->vendor, d->device,
					  d->subvendor, d->subdevice));
}

/*
 * Attribute @name of function @addr into @buf without its newline: its
 * length, or -errno (-ENOENT when the function has no such attribute).
 */
static int read_attr(int devices_fd, const char *addr, const char *name, char *buf, size_t size)
{
	char path[PATH_MAX], tmp[4096];
	ssize_t n;
	int fd, r;

	r = snprintf(path, sizeof(path), "%s/%s", addr, name);
	if (r < 0 || (size_t)r >= sizeof(path))
		return -ENAMETOOLONG;
	fd = openat(devices_fd, path, O_RDONLY | O_CLOEXEC | O_NOCTTY);
	if (fd < 0)
		return -errno;
	do
		n = read(fd, tmp, sizeof(tmp) - 1);
	while (n < 0 && errno == EINTR);
	r = n < 0 ? -errno : 0;
	close(fd);
	if (r < 0)
		return r;
	while (n > 0 && tmp[n - 1] == '\n')
		n--;
	if ((size_t)n >= size)
		return -EOVERFLOW;
	memcpy(buf, tmp, (size_t)n);
	buf[n] = '\0';
	return (int)n;
}

/* An attribute that may be missing (older kernels, no such capability). */
static int read_optional(int devices_fd, const char *addr, const char *name, char *buf,
			 size_t size)
{
	int r = read_attr(devices_fd, addr, name, buf, size);

	buf[r < 0 ? 0 : r] = '\0';
	return r == -ENOENT ? 0 : r;
}

/*
 * The last component of link @name of function @addr ("igb" for
 * ../../../bus/pci/drivers/igb) into @buf: 0; 1 when there is no such link
 * (it is missing, or not a link: libpci's reading too); -ENAMETOOLONG
 * when the link or its name does not fit, which the kernel never makes.
 */
static int read_link_name(int devices_fd, const char *addr, const char *name, char *buf,
			  size_t size)
{
	char path[PATH_MAX], target[PATH_MAX];
	const char *base;
	ssize_t n;
	int r;

	buf[0] = '\0';
	r = snprintf(path, sizeof(path), "%s/%s", addr, name);
	if (r < 0 || (size_t)r >= sizeof(path))
		return -ENAMETOOLONG;
	n = readlinkat(devices_fd, path, target, sizeof(target));
	if (n < 0)
		return 1;
	/* readlinkat() does not say it cut the link short: a full buffer may have. */
	if ((size_t)n >= sizeof(target))
		return -ENAMETOOLONG;
	while (n > 1 && target[n - 1] == '/')
		n--;
	target[n] = '\0';
	base = strrchr(target, '/');
	base = base ? base + 1 : target;
	if (!base[0] || strcmp(base, ".") == 0 || strcmp(base, "..") == 0)
		return 1;
	return str_copy(buf, size, base);
}

/* What libpci does not read: 0, -ENOENT when the function is gone, or -errno. */
static int read_sysfs(int devices_fd, const char *busdir, const char *addr, struct pcidev *d)
{
	char path[PATH_MAX], real[PATH_MAX], buf[16];
	int r;

	r = read_link_name(devices_fd, addr, "driver", d->driver, sizeof(d->driver));
	if (r < 0)
		return r;
	r = read_link_name(devices_fd, addr, "iommu_group", buf, sizeof(buf));
	if (r == 0) {
		char *end;
		long g;

		errno = 0;
		g = strtol(buf, &end, 10);
		if (!errno && end != buf && !*end && g >= 0 && g <= INT_MAX)
			d->iommu_group = (int)g;
	}

	r = snprintf(path, sizeof(path), "%s/devices/%s", busdir, addr);
	if (r < 0 || (size_t)r >= sizeof(path))
		return -ENAMETOOLONG;
	if (!realpath(path, real))
		return -errno;
	r = str_copy(d->syspath, sizeof(d->syspath), real);
	if (r < 0)
		return r;

	r = read_attr(devices_fd, addr, "boot_vga", buf, sizeof(buf));
	if (r == -ENOENT)
		d->boot_vga = -1;
	else if (r < 0)
		return r;
	else
		d->boot_vga = strcmp(buf, "1") == 0;
	r = read_optional(devices_fd, addr, "modalias", d->modalias, sizeof(d->modalias));
	if (r >= 0)
		r = read_optional(devices_fd, addr, "reset_method", d->reset_method,
				  sizeof(d->reset_method));
	return r < 0 ? r : 0;
}

static int addr_cmp(const struct pci_addr *a, const struct pci_addr *b)
{
	if (a->domain != b->domain)
		return a->domain < b->domain ? -1 : 1;
	if (a->bus != b->bus)
		return a->bus < b->bus ? -1 : 1;
	if (a->dev != b->dev)
		return a->dev < b->dev ? -1 : 1;
	if (a->fn != b->fn)
		return a->fn < b->fn ? -1 : 1;
	return 0;
}

static int dev_cmp(const void *a, const void *b)
{
	return addr_cmp(&((const struct pcidev *)a)->addr, &((const struct pcidev *)b)->addr);
}

static int grow(struct pcidev_list *l, size_t *cap)
{
	struct pcidev *devs;
	size_t n;

	if (l->n < *cap)
		return 0;
	n = *cap ? *cap * 2 : 64;
	devs = reallocarray(l->devs, n, sizeof(*devs));
	if (!devs)
		return -ENOMEM;
	l->devs = devs;
	*cap = n;
	return 0;
}

/* Reads function @p into @d: 0, 1 when it has gone away meanwhile, or -errno. */
static int scan_one(struct lib *l, int devices_fd, const char *busdir, struct pci_dev *p,
		    struct pcidev *d)
{
	struct fill f = { .p = p, .d = d };
	char addr[PCI_ADDR_STRLEN];
	int r;

	memset(d, 0, sizeof(*d));
	/* libpci rejects domains above 0x7fffffff while it scans. */
	d->addr.domain = (uint32_t)p->domain;
	d->addr.bus = p->bus;
	d->addr.dev = p->dev;
	d->addr.fn = p->func;
	d->iommu_group = -1;
	pci_addr_format(&d->addr, addr);

	r = lib_call(l, lib_fill, &f);
	if (r == 0)
		r = read_sysfs(devices_fd, busdir, addr, d);
	if (r >= 0)
		return 0;
	if (faccessat(devices_fd, addr, F_OK, 0) < 0 && errno == ENOENT) {
		l->msg[0] = '\0';
		return 1;
	}
	if (!l->msg[0])
		set_msg(l, "%s: %s", addr, strerror(-r));
	return r;
}

/*
 * libpci's scan gives up at an entry that is not an address, and the
 * longjmp out of it would leak its DIR: the same test, before it runs.
 */
static int check_entries(struct lib *l, int devices_fd, const char *path)
{
	struct dirent *de;
	DIR *dir;
	int fd, r = 0;

	fd = openat(devices_fd, ".", O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (fd < 0)
		return -errno;
	dir = fdopendir(fd);
	if (!dir) {
		r = -errno;
		close(fd);
		return r;
	}
	while (r == 0 && (errno = 0, de = readdir(dir))) {
		unsigned dom, bus, dev;
		int fn;

		if (de->d_name[0] == '.')
			continue;
		if (sscanf(de->d_name, "%x:%x:%x.%d", &dom, &bus, &dev, &fn) < 4 ||
		    dom > 0x7fffffff) {
			r = -EINVAL;
			set_msg(l, "%s/%s: not a PCI address", path, de->d_name);
		}
	}
	if (r == 0 && errno)
		r = -errno;
	closedir(dir);
	return r;
}

static int scan(struct lib *l, const char *busdir, struct pcidev_list *out)
{
	char path[PATH_MAX];
	size_t cap = 0;
	int devices_fd, r;

	/* Checked here: libpci's own "Cannot open" would not say why. */
	r = snprintf(path, sizeof(path), "%s/devices", busdir);
	if (r < 0 || (size_t)r >= sizeof(path))
		return -ENAMETOOLONG;
	devices_fd = open(path, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (devices_fd < 0) {
		r = -errno;
		set_msg(l, "%s: %s", path, strerror(-r));
		return r;
	}
	r = check_entries(l, devices_fd, path);
	if (r < 0)
		goto out;
	/* It takes a char *, and copies it. */
	snprintf(path, sizeof(path), "%s", busdir);
	if (pci_set_param(l->acc, "sysfs.path", path) < 0) {
		r = -EINVAL;
		set_msg(l, "libpci has no sysfs.path parameter");
		goto out;
	}
	r = lib_call(l, lib_start, NULL);
	for (struct pci_dev *p = l->acc->devices; p && r >= 0; p = p->next) {
		r = grow(out, &cap);
		if (r == 0)
			r = scan_one(l, devices_fd, busdir, p, &out->devs[out->n]);
		if (r == 0)
			out->n++;
	}
	if (r > 0)
		r = 0;
	if (r == 0)
		qsort(out->devs, out->n, sizeof(out->devs[0]), dev_cmp);
out:
	close(devices_fd);
	return r;
}

int pcidev_scan_msg(const char *root, struct pcidev_list *out, char *msg, size_t msgsize)
{
	struct lib l = { 0 };
	char busdir[PATH_MAX];
	int r;

	out->devs = NULL;
	out->n = 0;
	r = root_path(busdir, sizeof(busdir), root, "/sys/bus/pci");
	if (r < 0)
		goto done;
	l.acc = pci_alloc();
	if (!l.acc) {
		r = -ENOMEM;
		goto done;
	}
	l.acc->method = PCI_ACCESS_SYS_BUS_PCI;
	l.acc->error = lib_error;
	l.acc->warning = lib_ignore;
	l.acc->debug = lib_ignore;
	r = scan(&l, busdir, out);
	pci_cleanup(l.acc);
done:
	if (r < 0) {
		pcidev_list_free(out);
		if (!l.msg[0])
			set_msg(&l, "%s", strerror(-r));
	}
	if (msg && msgsize)
		snprintf(msg, msgsize, "%s", r < 0 ? l.msg : "");
	return r;
}

int pcidev_scan(const char *root, struct pcidev_list *out)
{
	return pcidev_scan_msg(root, out, NULL, 0);
}

void pcidev_list_free(struct pcidev_list *l)
{
	free(l->devs);
	l->devs = NULL;
	l->n = 0;
}

static int key_cmp(const void *key, const void *elem)
{
	return addr_cmp(key, &((const struct pcidev *)elem)->addr);
}

const struct pcidev *pcidev_find(const struct pcidev_list *l, const struct pci_addr *a)
{
	if (!l->n)
		return NULL;
	return bsearch(a, l->devs, l->n, sizeof(l->devs[0]), key_cmp);
}

size_t pcidev_find_id(const struct pcidev_list *l, const struct pci_id *id,
		      const struct pcidev **out, size_t max)
{
	bool subsys = id->has_subsys || id->subvendor || id->subdevice;
	size_t n = 0;

	for (size_t i = 0; i < l->n; i++) {
		const struct pcidev *d = &l->devs[i];

		if (d->vendor != id->vendor || d->device != id->device)
			continue;
		if (subsys && (d->subvendor != id->subvendor || d->subdevice != id->subdevice))
			continue;
		if (n < max)
			out[n] = d;
		n++;
	}
	return n;
}

bool pcidev_is_bridge(const struct pcidev *d)
{
	unsigned cls = d->class >> 8;

	return d->header_type == 1 || d->header_type == 2 ||
	       cls == 0x0604 || cls == 0x0600 || cls == 0x0601;
}
