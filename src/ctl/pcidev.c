// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * libpci does the reading and the naming, so that what earlybindctl shows
 * is what lspci shows on the same tree.  These things about libpci shape
 * this file:
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
 *   Those two are read here (read_link_name()).  The of_node link, the
 *   other one it dereferences, is never asked for.
 * - It opens six attributes a function for what the kernel's uevent gives
 *   in one read (pci_uevent() in drivers/pci/pci-driver.c prints PCI_ID,
 *   PCI_SUBSYS_ID and PCI_CLASS from the same struct pci_dev fields as the
 *   vendor, device, subsystem_* and class attributes, and MODALIAS as the
 *   modalias attribute does).  So the ids, class and modalias come from
 *   uevent, the revision from its attribute, and libpci's pci_fill_info()
 *   reads them only for a uevent that lacks them (no kernel writes one).
 *   libpci keeps the scan and the naming, which is what makes the names
 *   lspci's.
 * - The config space is read only where nothing else says it: the header
 *   type of a bridge (header_type_matters()), and a revision without its
 *   attribute.  Never the ids: an SR-IOV virtual function reads ffff there.
 */
#include "pcidev.h"
#include "rootpath.h"
#include "strcopy.h"
#include "hex.h"
#include "uevent.h"

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

/* What one scan reads through. */
struct scan {
	struct lib *l;
	int devices_fd;   /* ROOT/sys/bus/pci/devices */
	const char *busdir;
	/*
	 * realpath() of ROOT/sys when ROOT/sys/bus/pci/devices and
	 * ROOT/sys/devices are the directories of those names in it, so that
	 * the kernel's ../../../devices/ links lead there; else "".
	 */
	char sys_real[PATH_MAX];
};

/* The lookups and buffer sizes of lspci's terse, -mm, -nn and -v output. */
static void lib_names(struct lib *l, void *arg)
{
	struct pcidev *d = arg;
	struct pci_access *acc = l->acc;
	unsigned cls = d->class >> 8;
	char c[PCIDEV_NAME_MAX], v[PCIDEV_NAME_MAX];
	int n;

	keep_name(d->desc, sizeof(d->desc),
		  pci_lookup_name(acc, d->desc, PCIDEV_NAME_MAX,
				  PCI_LOOKUP_VENDOR | PCI_LOOKUP_DEVICE, d->vendor, d->device));
	keep_name(d->class_name, sizeof(d->class_name),
		  pci_lookup_name(acc, d->class_name, sizeof(d->class_name), PCI_LOOKUP_CLASS,
				  cls));
	keep_name(d->vendor_name, sizeof(d->vendor_name),
		  pci_lookup_name(acc, d->vendor_name, sizeof(d->vendor_name), PCI_LOOKUP_VENDOR,
				  d->vendor, d->device));
	keep_name(d->device_name, sizeof(d->device_name),
		  pci_lookup_name(acc, d->device_name, sizeof(d->device_name), PCI_LOOKUP_DEVICE,
				  d->vendor, d->device));
	keep_name(c, sizeof(c),
		  pci_lookup_name(acc, c, sizeof(c), PCI_LOOKUP_CLASS | PCI_LOOKUP_MIXED, cls));
	keep_name(v, sizeof(v),
		  pci_lookup_name(acc, v, sizeof(v),
				  PCI_LOOKUP_VENDOR | PCI_LOOKUP_DEVICE | PCI_LOOKUP_MIXED,
				  d->vendor, d->device));
	n = snprintf(d->lspci_nn, sizeof(d->lspci_nn), "%s: %s", c, v);
	/* lspci shows a revision only when it is not 0. */
	if (d->revision && n > 0 && (size_t)n < sizeof(d->lspci_nn))
		snprintf(d->lspci_nn + n, sizeof(d->lspci_nn) - (size_t)n, " (rev %02x)",
			 d->revision);
	if (d->subvendor)
		keep_name(d->subsys_desc, sizeof(d->subsys_desc),
			  pci_lookup_name(acc, d->subsys_desc, sizeof(d->subsys_desc),
					  PCI_LOOKUP_SUBSYSTEM | PCI_LOOKUP_VENDOR |
					  PCI_LOOKUP_DEVICE, d->vendor, d->device,
					  d->subvendor, d->subdevice));
}

/* What the names of a function depend on: its ids, class and revision. */
static int ids_cmp(const void *a, const void *b)
{
	const struct pcidev *x = *(const struct pcidev *const *)a;
	const struct pcidev *y = *(const struct pcidev *const *)b;
	uint64_t kx = (uint64_t)x->vendor << 48 | (uint64_t)x->device << 32 |
		      (uint64_t)x->subvendor << 16 | x->subdevice;
	uint64_t ky = (uint64_t)y->vendor << 48 | (uint64_t)y->device << 32 |
		      (uint64_t)y->subvendor << 16 | y->subdevice;
	uint32_t cx = (x->class >> 8) << 8 | x->revision, cy = (y->class >> 8) << 8 | y->revision;

	if (kx != ky)
		return kx < ky ? -1 : 1;
	return cx < cy ? -1 : cx > cy;
}

static void copy_name(char *dst, const char *src)
{
	memcpy(dst, src, strlen(src) + 1);
}

/*
 * Names every function of @l.  pci_lookup_name() depends on nothing but
 * the ids it is given (and the pci.ids and hwdb it loaded), and the
 * functions of an SR-IOV device, thousands of them, share theirs: each set
 * is looked up once.  0, or -errno.
 */
static int name_all(struct lib *l, struct pcidev_list *list)
{
	struct pcidev **by_ids = malloc((list->n ? list->n : 1) * sizeof(*by_ids));
	int r = 0;

	if (!by_ids)
		return -ENOMEM;
	for (size_t i = 0; i < list->n; i++)
		by_ids[i] = &list->devs[i];
	qsort(by_ids, list->n, sizeof(*by_ids), ids_cmp);
	for (size_t i = 0; i < list->n && r == 0; i++) {
		struct pcidev *d = by_ids[i], *same = i ? by_ids[i - 1] : NULL;

		if (!same || ids_cmp(&same, &d) != 0) {
			r = lib_call(l, lib_names, d);
			continue;
		}
		copy_name(d->desc, same->desc);
		copy_name(d->class_name, same->class_name);
		copy_name(d->vendor_name, same->vendor_name);
		copy_name(d->device_name, same->device_name);
		copy_name(d->subsys_desc, same->subsys_desc);
		copy_name(d->lspci_nn, same->lspci_nn);
	}
	free(by_ids);
	return r;
}

/* lspci's test for a subsystem; a bridge without one reads 0 or ffff. */
static void set_subsys(struct pcidev *d, unsigned vendor, unsigned device)
{
	if (vendor && vendor != 0xffff) {
		d->subvendor = (uint16_t)vendor;
		d->subdevice = (uint16_t)device;
	}
}

struct fill {
	struct pci_dev *p;
	struct pcidev *d;
};

/* libpci's reading, for a function whose uevent is not the kernel's. */
static void lib_fill(struct lib *l, void *arg)
{
	struct pci_dev *p = ((struct fill *)arg)->p;
	struct pcidev *d = ((struct fill *)arg)->d;

	(void)l;
	pci_fill_info(p, FILL_FLAGS);
	d->vendor = p->vendor_id;
	d->device = p->device_id;
	d->class = (uint32_t)p->device_class << 8 | p->prog_if;
	d->revision = p->rev_id;
	if (p->known_fields & PCI_FILL_SUBSYS)
		set_subsys(d, p->subsys_vendor_id, p->subsys_id);
}

/* Byte @pos of a function's config space; libpci gives 0xff when it cannot read it. */
struct config_byte {
	struct pci_dev *p;
	int pos;
	uint8_t val;
};

static void lib_config_byte(struct lib *l, void *arg)
{
	struct config_byte *b = arg;

	(void)l;
	b->val = pci_read_byte(b->p, b->pos);
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
 * The ids, class and modalias of function @addr from its uevent: 0; 1 when
 * the uevent cannot be read or lacks PCI_ID, PCI_SUBSYS_ID or PCI_CLASS
 * (not the kernel's: libpci reads the attributes instead); or -EOVERFLOW
 * when its MODALIAS does not fit.  @d is untouched unless it returns 0;
 * *@modalias then says whether it had a MODALIAS.
 */
static int read_uevent(const struct scan *s, const char *addr, struct pcidev *d, bool *modalias)
{
	char buf[4096];
	const char *v;
	size_t len;
	unsigned vendor, device, subvendor, subdevice, cls;

	if (read_attr(s->devices_fd, addr, "uevent", buf, sizeof(buf)) < 0)
		return 1;
	if (!(v = uevent_value(buf, "PCI_ID", &len)) || !uevent_id_pair(v, len, &vendor, &device) ||
	    !(v = uevent_value(buf, "PCI_SUBSYS_ID", &len)) ||
	    !uevent_id_pair(v, len, &subvendor, &subdevice) ||
	    !(v = uevent_value(buf, "PCI_CLASS", &len)) || !hex_parse(v, len, 6, &cls))
		return 1;
	v = uevent_value(buf, "MODALIAS", &len);
	if (v && len >= sizeof(d->modalias))
		return -EOVERFLOW;
	d->vendor = (uint16_t)vendor;
	d->device = (uint16_t)device;
	set_subsys(d, subvendor, subdevice);
	d->class = cls;
	if (v) {
		memcpy(d->modalias, v, len);
		d->modalias[len] = '\0';
	}
	*modalias = v != NULL;
	return 0;
}

/*
 * The revision as libpci 3.9 reads it (sysfs_fill_info() in lib/sysfs.c):
 * the attribute, else config space.
 */
static int read_revision(struct scan *s, struct pci_dev *p, const char *addr, struct pcidev *d)
{
	struct config_byte b = { .p = p, .pos = PCI_REVISION_ID };
	char buf[256];
	long v = -1;
	int r;

	if (read_attr(s->devices_fd, addr, "revision", buf, sizeof(buf)) >= 0)
		v = strtol(buf, NULL, 0);
	if (v >= 0) {
		d->revision = (uint8_t)v;
		return 0;
	}
	r = lib_call(s->l, lib_config_byte, &b);
	d->revision = b.val;
	return r;
}

/*
 * Does pcidev_is_bridge() need the header type of a function of class
 * @class?  A type 1 (PCI-to-PCI) or type 2 (CardBus) header belongs to a
 * bridge, base class 06, and pci_setup_device() (drivers/pci/probe.c)
 * gives class 0 to a function whose header its class does not fit.  Any
 * other function has a type 0 header, and its config space is left alone:
 * reading it wakes a device that sleeps in D3cold (pci_read_config() in
 * drivers/pci/pci-sysfs.c resumes it), and costs three system calls.
 */
static bool header_type_matters(uint32_t class)
{
	return class >> 16 == 0x06 || class == 0;
}

/* The header type of a bridge, as lspci shows it: 0x7f when config space cannot be read. */
static int read_header_type(struct scan *s, struct pci_dev *p, struct pcidev *d)
{
	struct config_byte b = { .p = p, .pos = PCI_HEADER_TYPE };
	int r = lib_call(s->l, lib_config_byte, &b);

	d->header_type = b.val & 0x7f;
	return r;
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

/* Names separated by single slashes, none of them "." or "..": nothing for realpath() to undo. */
static bool plain_path(const char *s)
{
	while (*s) {
		size_t n = strcspn(s, "/");

		if (n == 0 || (n == 1 && s[0] == '.') || (n == 2 && s[0] == '.' && s[1] == '.'))
			return false;
		s += n;
		if (*s == '/' && !*++s)
			return false;
	}
	return true;
}

/*
 * realpath() of ROOT/sys/bus/pci/devices/@addr into @buf.  The kernel's
 * link there is "../../../devices/pci0000:00/0000:00:01.1/0000:01:00.0"
 * (sysfs_create_link() makes it relative, and the directories in
 * /sys/devices are no links), so that link's text joined to ROOT/sys's
 * realpath is the answer without the readlink() of each component that
 * realpath() makes; any other link goes through realpath().
 */
static int device_path(const struct scan *s, const char *addr, char *buf, size_t size)
{
	static const char kernel[] = "../../../devices/";
	char target[PATH_MAX], path[PATH_MAX], real[PATH_MAX];
	ssize_t n;
	int r;

	if (s->sys_real[0]) {
		n = readlinkat(s->devices_fd, addr, target, sizeof(target));
		if (n > 0 && (size_t)n < sizeof(target)) {
			target[n] = '\0';
			if (strncmp(target, kernel, sizeof(kernel) - 1) == 0 &&
			    plain_path(target + sizeof(kernel) - 1)) {
				r = snprintf(path, sizeof(path), "%s/devices/%s", s->sys_real,
					     target + sizeof(kernel) - 1);
				if (r > 0 && (size_t)r < sizeof(path))
					return str_copy(buf, size, path);
			}
		}
	}
	r = snprintf(path, sizeof(path), "%s/devices/%s", s->busdir, addr);
	if (r < 0 || (size_t)r >= sizeof(path))
		return -ENAMETOOLONG;
	if (!realpath(path, real))
		return -errno;
	return str_copy(buf, size, real);
}

/*
 * drivers/pci/pci-sysfs.c shows boot_vga on VGA functions only
 * (pci_dev_attrs_are_visible()): class 0300, or 0001, a VGA device from
 * before class codes.
 */
static bool may_have_boot_vga(uint32_t class)
{
	return class >> 8 == 0x0300 || class >> 8 == 0x0001;
}

/*
 * What uevent does not say: 0, or -errno.  @modalias: uevent gave it.
 */
static int read_sysfs(const struct scan *s, const char *addr, struct pcidev *d, bool modalias)
{
	char buf[16];
	int r;

	r = read_link_name(s->devices_fd, addr, "driver", d->driver, sizeof(d->driver));
	if (r < 0)
		return r;
	r = read_link_name(s->devices_fd, addr, "iommu_group", buf, sizeof(buf));
	if (r == 0) {
		char *end;
		long g;

		errno = 0;
		g = strtol(buf, &end, 10);
		if (!errno && end != buf && !*end && g >= 0 && g <= INT_MAX)
			d->iommu_group = (int)g;
	}
	r = device_path(s, addr, d->syspath, sizeof(d->syspath));
	if (r < 0)
		return r;

	d->boot_vga = -1;
	if (may_have_boot_vga(d->class)) {
		r = read_attr(s->devices_fd, addr, "boot_vga", buf, sizeof(buf));
		if (r >= 0)
			d->boot_vga = strcmp(buf, "1") == 0;
		else if (r != -ENOENT)
			return r;
	}
	r = 0;
	if (!modalias)
		r = read_optional(s->devices_fd, addr, "modalias", d->modalias,
				  sizeof(d->modalias));
	if (r >= 0)
		r = read_optional(s->devices_fd, addr, "reset_method", d->reset_method,
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

/* The ids, class, revision and modalias of function @p: 0, or -errno.  See read_sysfs(). */
static int read_ids(struct scan *s, struct pci_dev *p, const char *addr, struct pcidev *d,
		    bool *modalias)
{
	struct fill f = { .p = p, .d = d };
	int r = read_uevent(s, addr, d, modalias);

	if (r == 0)
		return read_revision(s, p, addr, d);
	if (r < 0)
		return r;
	*modalias = false;
	return lib_call(s->l, lib_fill, &f);
}

/* Reads function @p into @d: 0, 1 when it has gone away meanwhile, or -errno. */
static int scan_one(struct scan *s, struct pci_dev *p, struct pcidev *d)
{
	char addr[PCI_ADDR_STRLEN];
	bool modalias = false;
	int r;

	memset(d, 0, sizeof(*d));
	/* libpci rejects domains above 0x7fffffff while it scans. */
	d->addr.domain = (uint32_t)p->domain;
	d->addr.bus = p->bus;
	d->addr.dev = p->dev;
	d->addr.fn = p->func;
	d->iommu_group = -1;
	pci_addr_format(&d->addr, addr);

	r = read_ids(s, p, addr, d, &modalias);
	if (r == 0 && header_type_matters(d->class))
		r = read_header_type(s, p, d);
	if (r == 0)
		r = read_sysfs(s, addr, d, modalias);
	if (r >= 0)
		return 0;
	if (faccessat(s->devices_fd, addr, F_OK, 0) < 0 && errno == ENOENT) {
		s->l->msg[0] = '\0';
		return 1;
	}
	if (!s->l->msg[0])
		set_msg(s->l, "%s: %s", addr, strerror(-r));
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

/* Is realpath() of @path "@real@sub"? */
static bool real_is(const char *path, const char *real, const char *sub)
{
	char got[PATH_MAX];
	size_t len = strlen(real);

	return realpath(path, got) && strncmp(got, real, len) == 0 &&
	       strcmp(got + len, sub) == 0;
}

/*
 * s->sys_real: realpath() of ROOT/sys, when the kernel's links from
 * ROOT/sys/bus/pci/devices lead to ROOT/sys/devices (device_path()).
 * Left "" otherwise: every device path is then realpath()'s.
 */
static void find_sys_real(struct scan *s)
{
	static const char bus[] = "/bus/pci";
	char sys[PATH_MAX], path[PATH_MAX];
	size_t len = strlen(s->busdir);

	s->sys_real[0] = '\0';
	if (len < sizeof(bus) || strcmp(s->busdir + len - (sizeof(bus) - 1), bus) != 0 ||
	    len - (sizeof(bus) - 1) >= sizeof(sys))
		return;
	memcpy(sys, s->busdir, len - (sizeof(bus) - 1));
	sys[len - (sizeof(bus) - 1)] = '\0';
	if (!realpath(sys, s->sys_real))
		goto none;
	/* "/" would give "//devices"; no root is that. */
	if (strcmp(s->sys_real, "/") == 0)
		goto none;
	if (snprintf(path, sizeof(path), "%s/devices", s->busdir) >= (int)sizeof(path) ||
	    !real_is(path, s->sys_real, "/bus/pci/devices"))
		goto none;
	if (snprintf(path, sizeof(path), "%s/devices", s->sys_real) >= (int)sizeof(path) ||
	    !real_is(path, s->sys_real, "/devices"))
		goto none;
	return;
none:
	s->sys_real[0] = '\0';
}

static int scan(struct lib *l, const char *busdir, struct pcidev_list *out)
{
	struct scan s = { .l = l, .busdir = busdir };
	char path[PATH_MAX];
	size_t cap = 0;
	int r;

	/* Checked here: libpci's own "Cannot open" would not say why. */
	r = snprintf(path, sizeof(path), "%s/devices", busdir);
	if (r < 0 || (size_t)r >= sizeof(path))
		return -ENAMETOOLONG;
	s.devices_fd = open(path, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (s.devices_fd < 0) {
		r = -errno;
		set_msg(l, "%s: %s", path, strerror(-r));
		return r;
	}
	r = check_entries(l, s.devices_fd, path);
	if (r < 0)
		goto out;
	/* It takes a char *, and copies it. */
	snprintf(path, sizeof(path), "%s", busdir);
	if (pci_set_param(l->acc, "sysfs.path", path) < 0) {
		r = -EINVAL;
		set_msg(l, "libpci has no sysfs.path parameter");
		goto out;
	}
	find_sys_real(&s);
	r = lib_call(l, lib_start, NULL);
	for (struct pci_dev *p = l->acc->devices; p && r >= 0; p = p->next) {
		r = grow(out, &cap);
		if (r == 0)
			r = scan_one(&s, p, &out->devs[out->n]);
		if (r == 0)
			out->n++;
	}
	if (r > 0)
		r = 0;
	if (r == 0)
		r = name_all(l, out);
	if (r == 0)
		qsort(out->devs, out->n, sizeof(out->devs[0]), dev_cmp);
out:
	close(s.devices_fd);
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
