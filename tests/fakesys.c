// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * Builds the fake sysfs described in fakesys.h.  Every path is relative to
 * a directory fd of ROOT, so nothing depends on the working directory, and
 * every file but proc/cmdline, proc/cpuinfo and proc/sys/kernel/osrelease
 * (which are replaced) and proc/self/mountinfo and proc/swaps (appended to)
 * is created with O_EXCL: one that exists is never rewritten, which is what
 * lets a test change a file between two runs.
 */
#include "fakesys.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <limits.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

/* Config space sizes the kernel exposes: conventional PCI, and PCIe's. */
#define CFG_SIZE_PCI 256
#define CFG_SIZE_PCIE 4096
/* Where the PCI Express capability goes; the first free dword after the header. */
#define CAP_EXP 0x40
/* A bridge's subsystem id (type 1 headers have no room for it), as on AMD ports. */
#define CAP_SSVID 0xc0
#define CAP_ID_EXP 0x10
#define CAP_ID_SSVID 0x0d

/* PCI Express device/port types (PCI_EXP_TYPE_*). */
#define EXP_ENDPOINT 0x0
#define EXP_ROOT_PORT 0x4
#define EXP_UPSTREAM 0x5
#define EXP_DOWNSTREAM 0x6

/* A bound driver has enabled the function and made it a bus master. */
#define CMD_MEMORY 0x0002
#define CMD_MASTER 0x0004
#define STATUS_CAP_LIST 0x0010

/* The resource file: start, end and flags of six BARs and the ROM. */
#define RES_LINE "0x0000000000000000 0x0000000000000000 0x0000000000000000\n"
#define RESOURCE RES_LINE RES_LINE RES_LINE RES_LINE RES_LINE RES_LINE RES_LINE

struct tree {
	const char *root; /* for messages */
	int fd;           /* ROOT */
};

static int report(const struct tree *t, const char *rel, int r)
{
	size_t len = strlen(t->root);
	const char *sep = len && t->root[len - 1] == '/' ? "" : "/";

	if (rel)
		fprintf(stderr, "fakesys: %s%s%s: %s\n", t->root, sep, rel, strerror(-r));
	else
		fprintf(stderr, "fakesys: %s: %s\n", t->root, strerror(-r));
	return r;
}

static int tree_open(struct tree *t, const char *root)
{
	t->root = root;
	t->fd = open(root, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	return t->fd < 0 ? report(t, NULL, -errno) : 0;
}

static void tree_close(struct tree *t)
{
	if (t->fd >= 0)
		close(t->fd);
	t->fd = -1;
}

/* A path relative to ROOT into @buf; -ENAMETOOLONG rather than a cut path. */
__attribute__((format(printf, 4, 5)))
static int tree_path(const struct tree *t, char *buf, size_t size, const char *fmt, ...)
{
	va_list ap;
	int n;

	va_start(ap, fmt);
	n = vsnprintf(buf, size, fmt, ap);
	va_end(ap);
	if (n < 0 || (size_t)n >= size)
		return report(t, buf, -ENAMETOOLONG);
	return 0;
}

/* mkdir -p of @rel under ROOT. */
static int tree_mkdirs(const struct tree *t, const char *rel)
{
	char p[PATH_MAX];
	int r;

	r = tree_path(t, p, sizeof(p), "%s", rel);
	if (r < 0 || !p[0])
		return r;
	for (char *s = p + 1;; s++) {
		char c = *s;

		if (c != '/' && c != '\0')
			continue;
		*s = '\0';
		if (mkdirat(t->fd, p, 0755) < 0 && errno != EEXIST)
			return report(t, p, -errno);
		if (c == '\0')
			return 0;
		*s = c;
	}
}

/*
 * @dir/@name holding @len bytes of @data.  With O_EXCL in @flags an existing
 * file is left alone; with O_TRUNC it is replaced.  One write(): a short one
 * is an error, not a reason to loop.
 */
static int tree_write(const struct tree *t, const char *dir, const char *name,
		      const void *data, size_t len, int flags)
{
	char p[PATH_MAX];
	ssize_t n;
	int fd, r;

	r = tree_path(t, p, sizeof(p), "%s/%s", dir, name);
	if (r < 0)
		return r;
	fd = openat(t->fd, p, O_WRONLY | O_CREAT | O_CLOEXEC | O_NOCTTY | flags, 0644);
	if (fd < 0) {
		if (errno == EEXIST && (flags & O_EXCL))
			return 0;
		return report(t, p, -errno);
	}
	r = 0;
	if (len > 0) {
		do
			n = write(fd, data, len);
		while (n < 0 && errno == EINTR);
		if (n < 0)
			r = -errno;
		else if ((size_t)n != len)
			r = -EIO;
	}
	if (close(fd) < 0 && r == 0 && errno != EINTR)
		r = -errno;
	return r < 0 ? report(t, p, r) : 0;
}

static int tree_write_new(const struct tree *t, const char *dir, const char *name,
			  const void *data, size_t len)
{
	return tree_write(t, dir, name, data, len, O_EXCL);
}

__attribute__((format(printf, 4, 5)))
static int tree_printf_new(const struct tree *t, const char *dir, const char *name,
			   const char *fmt, ...)
{
	char buf[512];
	va_list ap;
	int n;

	va_start(ap, fmt);
	n = vsnprintf(buf, sizeof(buf), fmt, ap);
	va_end(ap);
	if (n < 0 || (size_t)n >= sizeof(buf)) {
		char p[PATH_MAX];

		snprintf(p, sizeof(p), "%s/%s", dir, name);
		return report(t, p, -EOVERFLOW);
	}
	return tree_write_new(t, dir, name, buf, (size_t)n);
}

/* @dir/@name -> @target.  An existing link is kept if it points there already. */
static int tree_symlink(const struct tree *t, const char *target, const char *dir,
			const char *name)
{
	char p[PATH_MAX], old[PATH_MAX];
	ssize_t n;
	int r;

	r = tree_path(t, p, sizeof(p), "%s/%s", dir, name);
	if (r < 0)
		return r;
	if (symlinkat(target, t->fd, p) == 0)
		return 0;
	if (errno != EEXIST)
		return report(t, p, -errno);
	n = readlinkat(t->fd, p, old, sizeof(old) - 1);
	if (n >= 0) {
		old[n] = '\0';
		if (strcmp(old, target) == 0)
			return 0;
	}
	return report(t, p, -EEXIST);
}

/*
 * Where link @rel (under ROOT) points, which must start with @prefix: the
 * rest after it goes to @out behind "sys/".  -ENOENT, reported, if there is
 * no link; -EINVAL if it points elsewhere.
 */
static int tree_link_into_sys(const struct tree *t, const char *rel, const char *prefix,
			      char *out, size_t size)
{
	char target[PATH_MAX];
	size_t plen = strlen(prefix);
	ssize_t n;

	n = readlinkat(t->fd, rel, target, sizeof(target) - 1);
	if (n < 0)
		return report(t, rel, -errno);
	target[n] = '\0';
	if (strncmp(target, prefix, plen) != 0 || strstr(target + plen, "..")) {
		fprintf(stderr, "fakesys: %s/%s -> %s: not into %s\n", t->root, rel, target,
			prefix);
		return -EINVAL;
	}
	return tree_path(t, out, size, "sys/%s", target + plen);
}

/* The text of small file @dir/@name, without a trailing newline. */
static int tree_read(const struct tree *t, const char *dir, const char *name, char *buf,
		     size_t size)
{
	char p[PATH_MAX];
	ssize_t n;
	int fd, r;

	r = tree_path(t, p, sizeof(p), "%s/%s", dir, name);
	if (r < 0)
		return r;
	fd = openat(t->fd, p, O_RDONLY | O_CLOEXEC | O_NOCTTY);
	if (fd < 0)
		return -errno;
	do
		n = read(fd, buf, size - 1);
	while (n < 0 && errno == EINTR);
	r = n < 0 ? -errno : 0;
	close(fd);
	if (r < 0)
		return report(t, p, r);
	buf[n] = '\0';
	if (n > 0 && buf[n - 1] == '\n')
		buf[n - 1] = '\0';
	return 0;
}

/*
 * "../" once for each level @dir (a path under ROOT that starts with sys/)
 * is below sys/, so that a link in @dir reaches sys/ whatever the depth.
 */
static int up_to_sys(const struct tree *t, const char *dir, char *buf, size_t size)
{
	size_t n = 0;

	buf[0] = '\0';
	for (const char *s = strchr(dir, '/'); s; s = strchr(s + 1, '/')) {
		if (n + 4 > size)
			return report(t, dir, -ENAMETOOLONG);
		memcpy(buf + n, "../", 4);
		n += 3;
	}
	return 0;
}

/* The directory, under ROOT, of PCI function @addr: where bus/pci/devices/ADDR points. */
static int function_dir(const struct tree *t, const char *addr, char *dir, size_t size)
{
	char link[PATH_MAX];
	int r;

	r = tree_path(t, link, sizeof(link), "sys/bus/pci/devices/%s", addr);
	return r < 0 ? r : tree_link_into_sys(t, link, "../../../", dir, size);
}

/* A name that is one path component and one uevent word. */
static bool name_valid(const char *name)
{
	if (!name[0] || strcmp(name, ".") == 0 || strcmp(name, "..") == 0 ||
	    strlen(name) > NAME_MAX)
		return false;
	for (const char *s = name; *s; s++)
		if (*s <= ' ' || *s == '/' || *s == 0x7f)
			return false;
	return true;
}

int fakesys_init(const char *root)
{
	static const char *const dirs[] = {
		"sys/devices", "sys/bus/pci/devices", "sys/bus/pci/drivers",
		"sys/bus/pci/slots", "sys/kernel/iommu_groups", "proc/sys/kernel",
		"dev", "etc",
	};
	static const struct {
		const char *dir, *name, *text;
	} files[] = {
		/* Write-only in the kernel; empty here so tests read back the writes. */
		{ "sys/bus/pci", "drivers_probe", "" },
		{ "sys/bus/pci", "rescan", "" },
		{ "sys/bus/pci", "drivers_autoprobe", "1\n" },
		{ "proc", "cmdline",
		  "BOOT_IMAGE=/vmlinuz root=UUID=0e5f6a7b-0000-4000-8000-000000000000 ro quiet\n" },
		{ "proc/sys/kernel", "printk_devkmsg", "ratelimit\n" },
		{ "proc/sys/kernel", "osrelease", "6.1.0-fake\n" },
		/* A regular file: earlybind appends to it, tests read it. */
		{ "dev", "kmsg", "" },
	};
	struct tree t;
	int r;

	if (mkdir(root, 0755) < 0 && errno != EEXIST) {
		t.root = root;
		return report(&t, NULL, -errno);
	}
	r = tree_open(&t, root);
	if (r < 0)
		return r;
	for (size_t i = 0; i < sizeof(dirs) / sizeof(dirs[0]) && r == 0; i++)
		r = tree_mkdirs(&t, dirs[i]);
	for (size_t i = 0; i < sizeof(files) / sizeof(files[0]) && r == 0; i++)
		r = tree_write_new(&t, files[i].dir, files[i].name, files[i].text,
				   strlen(files[i].text));
	tree_close(&t);
	return r;
}

static int add_driver(const struct tree *t, const char *name)
{
	static const char *const attrs[] = { "bind", "unbind", "new_id", "remove_id", "uevent" };
	char dir[PATH_MAX];
	int r;

	if (!name_valid(name)) {
		fprintf(stderr, "fakesys: invalid driver name '%s'\n", name);
		return -EINVAL;
	}
	r = tree_path(t, dir, sizeof(dir), "sys/bus/pci/drivers/%s", name);
	if (r == 0)
		r = tree_mkdirs(t, dir);
	for (size_t i = 0; i < sizeof(attrs) / sizeof(attrs[0]) && r == 0; i++)
		r = tree_write_new(t, dir, attrs[i], "", 0);
	return r;
}

int fakesys_add_driver(const char *root, const char *name)
{
	struct tree t;
	int r;

	r = tree_open(&t, root);
	if (r < 0)
		return r;
	r = add_driver(&t, name);
	tree_close(&t);
	return r;
}

static int add_iommu_group(const struct tree *t, int group, const char *dev_target,
			   const char *addr)
{
	char dir[PATH_MAX], devs[PATH_MAX];
	int r;

	r = tree_path(t, dir, sizeof(dir), "sys/kernel/iommu_groups/%d", group);
	if (r == 0)
		r = tree_path(t, devs, sizeof(devs), "%s/devices", dir);
	if (r == 0)
		r = tree_mkdirs(t, devs);
	if (r == 0)
		r = tree_printf_new(t, dir, "type", "DMA\n");
	if (r == 0)
		r = tree_write_new(t, dir, "reserved_regions", "", 0);
	if (r == 0)
		r = tree_symlink(t, dev_target, devs, addr);
	return r;
}

static void put16(uint8_t *cfg, unsigned off, uint16_t v)
{
	cfg[off] = (uint8_t)v;
	cfg[off + 1] = (uint8_t)(v >> 8);
}

static void put32(uint8_t *cfg, unsigned off, uint32_t v)
{
	put16(cfg, off, (uint16_t)v);
	put16(cfg, off + 2, (uint16_t)(v >> 16));
}

/*
 * The header as the hardware would hold it, type 0 or, for a bridge, type 1
 * with its bus numbers and closed windows; a PCI Express capability of
 * @port_type with @fn->pcie.  Returns the config size.
 */
static size_t build_config(uint8_t cfg[CFG_SIZE_PCIE], const struct fakesys_fn *fn,
			   unsigned port_type)
{
	uint8_t caps = 0; /* the capability list, built from its end */

	memset(cfg, 0, CFG_SIZE_PCIE);
	put16(cfg, 0x00, fn->vendor);
	put16(cfg, 0x02, fn->device);
	put16(cfg, 0x04, fn->driver ? CMD_MEMORY | CMD_MASTER : 0);
	cfg[0x08] = fn->revision;
	cfg[0x09] = (uint8_t)fn->class;
	cfg[0x0a] = (uint8_t)(fn->class >> 8);
	cfg[0x0b] = (uint8_t)(fn->class >> 16);
	if (fn->bridge) {
		cfg[0x0e] = 0x01; /* header type 1 */
		cfg[0x18] = fn->bus;
		cfg[0x19] = fn->secondary;
		cfg[0x1a] = fn->subordinate;
		/* I/O, memory and prefetchable windows closed: base above limit. */
		cfg[0x1c] = 0xf0;
		put16(cfg, 0x20, 0xfff0);
		put16(cfg, 0x24, 0xfff1); /* 64-bit */
		put16(cfg, 0x26, 0x0001);
		if (fn->subvendor || fn->subdevice) {
			cfg[CAP_SSVID] = CAP_ID_SSVID;
			put16(cfg, CAP_SSVID + 4, fn->subvendor);
			put16(cfg, CAP_SSVID + 6, fn->subdevice);
			caps = CAP_SSVID;
		}
	} else {
		cfg[0x0e] = 0x00; /* header type 0 */
		put16(cfg, 0x2c, fn->subvendor);
		put16(cfg, 0x2e, fn->subdevice);
	}
	cfg[0x3d] = 1; /* INTA */
	if (fn->pcie) {
		cfg[CAP_EXP + 0x00] = CAP_ID_EXP;
		cfg[CAP_EXP + 0x01] = caps;
		put16(cfg, CAP_EXP + 0x02, (uint16_t)(0x0002 | port_type << 4)); /* version 2 */
		put32(cfg, CAP_EXP + 0x04, 0x00008001);   /* DevCap: MaxPayload 256, RBE */
		put16(cfg, CAP_EXP + 0x08, 0x2000);       /* DevCtl: MaxReadReq 512 */
		put32(cfg, CAP_EXP + 0x0c, 0x00000011);   /* LnkCap: 2.5GT/s x1 */
		put16(cfg, CAP_EXP + 0x12, 0x0011);       /* LnkSta: 2.5GT/s x1 */
		put32(cfg, CAP_EXP + 0x2c, 0x00000002);   /* LnkCap2: 2.5GT/s supported */
		put16(cfg, CAP_EXP + 0x30, 0x0001);       /* LnkCtl2: target 2.5GT/s */
		caps = CAP_EXP;
	}
	cfg[0x34] = caps;
	put16(cfg, 0x06, caps ? STATUS_CAP_LIST : 0);
	return fn->pcie ? CFG_SIZE_PCIE : CFG_SIZE_PCI;
}

/* The port type in the PCI Express capability of @cfg, or -1 without one. */
static int exp_port_type(const uint8_t *cfg, size_t len)
{
	unsigned pos = len > 0x34 ? cfg[0x34] & 0xfc : 0;

	for (int hops = 0; pos >= 0x40 && pos + 4 <= len && hops < 48; hops++) {
		if (cfg[pos] == CAP_ID_EXP)
			return (cfg[pos + 2] >> 4) & 0xf;
		pos = cfg[pos + 1] & 0xfc;
	}
	return -1;
}

static bool is_vga(const struct fakesys_fn *fn)
{
	return fn->class >> 8 == 0x0300;
}

static int write_attrs(const struct tree *t, const char *dir, const char *addr,
		       const struct fakesys_fn *fn, unsigned port_type)
{
	uint8_t cfg[CFG_SIZE_PCIE];
	char modalias[128], drv[PATH_MAX];
	size_t cfg_size;
	int r;

	snprintf(modalias, sizeof(modalias), "pci:v%08Xd%08Xsv%08Xsd%08Xbc%02Xsc%02Xi%02X",
		 fn->vendor, fn->device, fn->subvendor, fn->subdevice,
		 (fn->class >> 16) & 0xff, (fn->class >> 8) & 0xff, fn->class & 0xff);
	drv[0] = '\0';
	if (fn->driver)
		snprintf(drv, sizeof(drv), "DRIVER=%s\n", fn->driver);

	cfg_size = build_config(cfg, fn, port_type);
	r = tree_printf_new(t, dir, "vendor", "0x%04x\n", fn->vendor);
	if (r == 0)
		r = tree_printf_new(t, dir, "device", "0x%04x\n", fn->device);
	if (r == 0)
		r = tree_printf_new(t, dir, "subsystem_vendor", "0x%04x\n", fn->subvendor);
	if (r == 0)
		r = tree_printf_new(t, dir, "subsystem_device", "0x%04x\n", fn->subdevice);
	if (r == 0)
		r = tree_printf_new(t, dir, "class", "0x%06x\n", fn->class);
	if (r == 0)
		r = tree_printf_new(t, dir, "revision", "0x%02x\n", fn->revision);
	if (r == 0)
		r = tree_write_new(t, dir, "config", cfg, cfg_size);
	if (r == 0)
		r = tree_printf_new(t, dir, "driver_override", "(null)\n");
	/* All unassigned. */
	if (r == 0)
		r = tree_write_new(t, dir, "resource", RESOURCE, sizeof(RESOURCE) - 1);
	if (r == 0)
		r = tree_printf_new(t, dir, "irq", "0\n");
	if (r == 0)
		r = tree_printf_new(t, dir, "enable", "%d\n", fn->driver ? 1 : 0);
	if (r == 0)
		r = tree_printf_new(t, dir, "numa_node", "-1\n");
	/* As on a two-CPU machine. */
	if (r == 0)
		r = tree_printf_new(t, dir, "local_cpus", "3\n");
	if (r == 0)
		r = tree_printf_new(t, dir, "local_cpulist", "0-1\n");
	if (r == 0)
		r = tree_printf_new(t, dir, "modalias", "%s\n", modalias);
	if (r == 0 && is_vga(fn))
		r = tree_printf_new(t, dir, "boot_vga", "%d\n", fn->boot_vga ? 1 : 0);
	if (r == 0 && fn->reset_method)
		r = tree_printf_new(t, dir, "reset_method", "%s\n", fn->reset_method);
	/* The kernel prints PCI_CLASS with %04X of the 24-bit class. */
	if (r == 0)
		r = tree_printf_new(t, dir, "uevent",
				    "%sPCI_CLASS=%04X\nPCI_ID=%04X:%04X\nPCI_SUBSYS_ID=%04X:%04X\n"
				    "PCI_SLOT_NAME=%s\nMODALIAS=%s\n",
				    drv, fn->class, fn->vendor, fn->device, fn->subvendor,
				    fn->subdevice, addr, modalias);
	return r;
}

static bool fn_valid(const struct fakesys_fn *fn, const char *addr)
{
	const char *why = NULL;
	unsigned cls = fn->class >> 8;

	if (fn->dev > 0x1f || fn->fn > 7 || fn->class > 0xffffff || fn->iommu_group < -1)
		why = "device, function, class or iommu group out of range";
	else if (fn->boot_vga && !is_vga(fn))
		why = "boot_vga on a function that is not VGA (class 0300xx)";
	else if (fn->bridge && cls != 0x0604 && cls != 0x0609)
		why = "a bridge of a class that is not a PCI bridge (0604xx, 0609xx)";
	else if (fn->bridge && (fn->secondary <= fn->bus || fn->subordinate < fn->secondary))
		why = "bridge with secondary bus not above its bus or subordinate below secondary";
	else if (fn->reset_method && (!fn->reset_method[0] || strchr(fn->reset_method, '\n')))
		why = "empty or multi-line reset_method";
	else if (fn->parent && !name_valid(fn->parent))
		why = "invalid parent address";
	if (why)
		fprintf(stderr, "fakesys: %s: %s\n", addr, why);
	return !why;
}

/*
 * @fn's parent bridge: its directory into @dir, and the port type @fn gets
 * if it is a PCI Express bridge behind it.
 */
static int check_parent(const struct tree *t, const struct fakesys_fn *fn, const char *addr,
			char *dir, size_t size, unsigned *port_type)
{
	uint8_t cfg[CFG_SIZE_PCIE];
	char p[PATH_MAX];
	ssize_t n;
	int fd, r, type;

	r = function_dir(t, fn->parent, dir, size);
	if (r < 0)
		return r;
	r = tree_path(t, p, sizeof(p), "%s/config", dir);
	if (r < 0)
		return r;
	fd = openat(t->fd, p, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return report(t, p, -errno);
	n = read(fd, cfg, sizeof(cfg));
	r = n < 0 ? -errno : 0;
	close(fd);
	if (r < 0)
		return report(t, p, r);
	if (n < 0x40 || (cfg[0x0e] & 0x7f) != 0x01) {
		fprintf(stderr, "fakesys: %s: parent %s is not a bridge\n", addr, fn->parent);
		return -EINVAL;
	}
	/* The domain is in the address; the bus has to be the bridge's secondary. */
	if (strncmp(addr, fn->parent, strlen(addr) - 7) != 0 || cfg[0x19] != fn->bus ||
	    (fn->bridge && (fn->secondary <= cfg[0x19] || fn->subordinate > cfg[0x1a]))) {
		fprintf(stderr, "fakesys: %s: not on the bus range %02x-%02x behind %s\n", addr,
			cfg[0x19], cfg[0x1a], fn->parent);
		return -EINVAL;
	}
	type = exp_port_type(cfg, (size_t)n);
	*port_type = type == EXP_UPSTREAM ? EXP_DOWNSTREAM : EXP_UPSTREAM;
	return 0;
}

int fakesys_add_function(const char *root, const struct fakesys_fn *fn)
{
	char addr[32], dir[PATH_MAX], up[PATH_MAX], target[PATH_MAX], link[PATH_MAX];
	unsigned port_type = EXP_ENDPOINT;
	struct tree t;
	int r;

	snprintf(addr, sizeof(addr), "%04x:%02x:%02x.%x", (unsigned)fn->domain, fn->bus,
		 fn->dev, fn->fn);
	if (!fn_valid(fn, addr))
		return -EINVAL;

	r = tree_open(&t, root);
	if (r < 0)
		return r;
	if (fn->parent) {
		/* Nested in the parent's directory, as the kernel nests devices. */
		r = check_parent(&t, fn, addr, dir, sizeof(dir), &port_type);
		if (!fn->bridge)
			port_type = EXP_ENDPOINT;
	} else {
		/* Each bus under a host bridge of its own, as on a multi-root machine. */
		r = tree_path(&t, dir, sizeof(dir), "sys/devices/pci%04x:%02x",
			      (unsigned)fn->domain, fn->bus);
		if (r == 0)
			r = tree_mkdirs(&t, dir);
		port_type = fn->bridge ? EXP_ROOT_PORT : EXP_ENDPOINT;
	}
	if (r == 0 && fn->driver)
		r = add_driver(&t, fn->driver);
	if (r == 0)
		r = tree_mkdirs(&t, "sys/bus/pci/devices");
	if (r == 0 && strlen(dir) + 1 + strlen(addr) >= sizeof(dir))
		r = report(&t, dir, -ENAMETOOLONG);
	if (r == 0) {
		strcat(dir, "/");
		strcat(dir, addr);
		if (mkdirat(t.fd, dir, 0755) < 0)
			r = report(&t, dir, -errno); /* -EEXIST: a function is added once */
	}
	if (r == 0)
		r = write_attrs(&t, dir, addr, fn, port_type);

	/* Links from the device's directory, as deep below sys/ as it is. */
	if (r == 0)
		r = up_to_sys(&t, dir, up, sizeof(up));
	if (r == 0)
		r = tree_path(&t, target, sizeof(target), "%sbus/pci", up);
	if (r == 0)
		r = tree_symlink(&t, target, dir, "subsystem");
	if (r == 0 && fn->driver) {
		r = tree_path(&t, target, sizeof(target), "%sbus/pci/drivers/%s", up, fn->driver);
		if (r == 0)
			r = tree_symlink(&t, target, dir, "driver");
	}
	if (r == 0 && fn->iommu_group >= 0) {
		r = tree_path(&t, target, sizeof(target), "%skernel/iommu_groups/%d", up,
			      fn->iommu_group);
		if (r == 0)
			r = tree_symlink(&t, target, dir, "iommu_group");
	}

	/* Links to it from drivers/NAME and iommu_groups/N/devices: four levels below sys/. */
	if (r == 0)
		r = tree_path(&t, target, sizeof(target), "../../../../%s", dir + strlen("sys/"));
	if (r == 0 && fn->driver) {
		r = tree_path(&t, link, sizeof(link), "sys/bus/pci/drivers/%s", fn->driver);
		if (r == 0)
			r = tree_symlink(&t, target, link, addr);
	}
	if (r == 0 && fn->iommu_group >= 0)
		r = add_iommu_group(&t, fn->iommu_group, target, addr);
	/* Last, from bus/pci/devices: the function shows on the bus once it is complete. */
	if (r == 0)
		r = tree_path(&t, target, sizeof(target), "../../../%s", dir + strlen("sys/"));
	if (r == 0)
		r = tree_symlink(&t, target, "sys/bus/pci/devices", addr);
	tree_close(&t);
	return r;
}

int fakesys_set_cmdline(const char *root, const char *text)
{
	char buf[4096];
	size_t len = strlen(text);
	struct tree t;
	int r;

	r = tree_open(&t, root);
	if (r < 0)
		return r;
	if (len + 2 > sizeof(buf)) {
		r = report(&t, "proc/cmdline", -E2BIG);
	} else {
		memcpy(buf, text, len);
		if (len == 0 || text[len - 1] != '\n')
			buf[len++] = '\n';
		r = tree_mkdirs(&t, "proc");
		if (r == 0)
			r = tree_write(&t, "proc", "cmdline", buf, len, O_TRUNC);
	}
	tree_close(&t);
	return r;
}

/* @text into @dir/@name, replacing the file. */
static int tree_replace(const struct tree *t, const char *dir, const char *name,
			const char *text)
{
	int r = tree_mkdirs(t, dir);

	return r < 0 ? r : tree_write(t, dir, name, text, strlen(text), O_TRUNC);
}

/* x86 flags as Linux 6.1 prints them for a Ryzen 9 5950X and a Core i9-12900K. */
static const char amd_flags[] =
	"fpu vme de pse tsc msr pae mce cx8 apic sep mtrr pge mca cmov pat pse36 clflush "
	"mmx fxsr sse sse2 ht syscall nx mmxext fxsr_opt pdpe1gb rdtscp lm constant_tsc "
	"rep_good nopl nonstop_tsc cpuid extd_apicid aperfmperf rapl pni pclmulqdq monitor "
	"ssse3 fma cx16 sse4_1 sse4_2 movbe popcnt aes xsave avx f16c rdrand lahf_lm "
	"cmp_legacy svm extapic cr8_legacy abm sse4a misalignsse 3dnowprefetch osvw ibs "
	"skinit wdt tce topoext perfctr_core perfctr_nb bpext perfctr_llc mwaitx cpb cat_l3 "
	"cdp_l3 hw_pstate ssbd mba ibrs ibpb stibp vmmcall fsgsbase bmi1 avx2 smep bmi2 erms "
	"invpcid cqm rdt_a rdseed adx smap clflushopt clwb sha_ni xsaveopt xsavec xgetbv1 "
	"xsaves cqm_llc cqm_occup_llc cqm_mbm_total cqm_mbm_local clzero irperf xsaveerptr "
	"rdpru wbnoinvd arat npt lbrv svm_lock nrip_save tsc_scale vmcb_clean flushbyasid "
	"decodeassists pausefilter pfthreshold avic v_vmsave_vmload vgif v_spec_ctrl umip "
	"pku ospke vaes vpclmulqdq rdpid overflow_recov succor smca fsrm";
static const char intel_flags[] =
	"fpu vme de pse tsc msr pae mce cx8 apic sep mtrr pge mca cmov pat pse36 clflush dts "
	"acpi mmx fxsr sse sse2 ss ht tm pbe syscall nx pdpe1gb rdtscp lm constant_tsc art "
	"arch_perfmon pebs bts rep_good nopl xtopology nonstop_tsc cpuid aperfmperf "
	"tsc_known_freq pni pclmulqdq dtes64 monitor ds_cpl vmx smx est tm2 ssse3 sdbg fma "
	"cx16 xtpr pdcm pcid sse4_1 sse4_2 x2apic movbe popcnt tsc_deadline_timer aes xsave "
	"avx f16c rdrand lahf_lm abm 3dnowprefetch cpuid_fault epb ssbd ibrs ibpb stibp "
	"ibrs_enhanced tpr_shadow vnmi flexpriority ept vpid ept_ad fsgsbase tsc_adjust bmi1 "
	"avx2 smep bmi2 erms invpcid rdseed adx smap clflushopt clwb intel_pt sha_ni "
	"xsaveopt xsavec xgetbv1 xsaves split_lock_detect avx_vnni dtherm ida arat pln pts "
	"hwp hwp_notify hwp_act_window hwp_epp hwp_pkg_req hfi umip pku ospke waitpkg gfni "
	"vaes vpclmulqdq rdpid movdiri movdir64b fsrm md_clear serialize arch_lbr ibt "
	"flush_l1d arch_capabilities";

int fakesys_set_cpu(const char *root, const char *vendor_id, unsigned family,
		    unsigned model, const char *name)
{
	bool amd = strcmp(vendor_id, "AuthenticAMD") == 0;
	char buf[8192];
	size_t len = 0;
	struct tree t;
	int r;

	if ((!amd && strcmp(vendor_id, "GenuineIntel") != 0) || !name[0] ||
	    strchr(name, '\n') || strlen(name) > 64) {
		fprintf(stderr, "fakesys: cpu '%s' '%s': vendor is not AuthenticAMD or "
			"GenuineIntel, or the name is empty, too long or multi-line\n",
			vendor_id, name);
		return -EINVAL;
	}
	/* arch/x86/kernel/cpu/proc.c: show_cpuinfo(), two threads of one core. */
	for (unsigned cpu = 0; cpu < 2; cpu++) {
		int n = snprintf(buf + len, sizeof(buf) - len,
			"processor\t: %u\n"
			"vendor_id\t: %s\n"
			"cpu family\t: %u\n"
			"model\t\t: %u\n"
			"model name\t: %s\n"
			"stepping\t: %d\n"
			"microcode\t: %s\n"
			"cpu MHz\t\t: %s\n"
			"cache size\t: %s KB\n"
			"physical id\t: 0\n"
			"siblings\t: 2\n"
			"core id\t\t: 0\n"
			"cpu cores\t: 1\n"
			"apicid\t\t: %u\n"
			"initial apicid\t: %u\n"
			"fpu\t\t: yes\n"
			"fpu_exception\t: yes\n"
			"cpuid level\t: %d\n"
			"wp\t\t: yes\n"
			"flags\t\t: %s\n"
			"bugs\t\t: %s\n"
			"bogomips\t: %s\n"
			"%s"
			"clflush size\t: 64\n"
			"cache_alignment\t: 64\n"
			"address sizes\t: %s bits physical, 48 bits virtual\n"
			"power management:%s\n\n",
			cpu, vendor_id, family, model, name, amd ? 0 : 2,
			amd ? "0xa201016" : "0x2c", amd ? "3400.000" : "3200.000",
			amd ? "512" : "30720", cpu, cpu, amd ? 16 : 32,
			amd ? amd_flags : intel_flags,
			amd ? "sysret_ss_attrs spectre_v1 spectre_v2 spec_store_bypass srso"
			    : "spectre_v1 spectre_v2 spec_store_bypass swapgs eibrs_pbrsb",
			amd ? "6800.00" : "6374.40", amd ? "TLB size\t: 2560 4K pages\n" : "",
			amd ? "48" : "46", amd ? " ts ttp tm hwpstate cpb eff_freq_ro [13] [14]" : "");

		if (n < 0 || (size_t)n >= sizeof(buf) - len)
			return -EOVERFLOW;
		len += (size_t)n;
	}
	r = tree_open(&t, root);
	if (r < 0)
		return r;
	r = tree_replace(&t, "proc", "cpuinfo", buf);
	tree_close(&t);
	return r;
}

/* What the disk names of each bus look like; the NVMe controller's name into @ctrl. */
static int disk_name_parse(enum fakesys_disk_bus bus, const char *name, char *ctrl,
			   size_t size, unsigned *index)
{
	const char *s = name;
	unsigned long idx = 0;

	if (!name_valid(name) || strlen(name) > 32)
		return -EINVAL;
	if (bus == FAKESYS_NVME) {
		const char *ns;
		size_t c, n;

		/* nvme<controller>n<namespace>: no leading zeros, namespaces from 1. */
		if (strncmp(s, "nvme", 4) != 0)
			return -EINVAL;
		s += 4;
		c = strspn(s, "0123456789");
		if (!c || (c > 1 && s[0] == '0') || s[c] != 'n')
			return -EINVAL;
		ns = s + c + 1;
		n = strspn(ns, "0123456789");
		if (!n || ns[n] || ns[0] == '0')
			return -EINVAL;
		if (ctrl)
			snprintf(ctrl, size, "nvme%.*s", (int)c, s);
		return 0;
	}
	/* sd_format_disk_name(): sda..sdz, sdaa..sdzz, ... */
	if (strncmp(s, "sd", 2) != 0 || !s[2] || s[strspn(s + 2, "abcdefghijklmnopqrstuvwxyz") + 2])
		return -EINVAL;
	for (s += 2; *s; s++)
		idx = idx * 26 + (unsigned long)(*s - 'a' + 1);
	if (idx > 4096)
		return -EINVAL;
	if (index)
		*index = (unsigned)idx - 1;
	return 0;
}

int fakesys_check_disk_name(enum fakesys_disk_bus bus, const char *name)
{
	return disk_name_parse(bus, name, NULL, 0, NULL);
}

int fakesys_partition_number(const char *disk, const char *name)
{
	size_t len = strlen(disk);
	const char *s = name + len;
	char *end;
	long n;

	/* disk_name(): "p" between a disk name ending in a digit and the number. */
	if (!len || strncmp(name, disk, len) != 0)
		return -EINVAL;
	if (disk[len - 1] >= '0' && disk[len - 1] <= '9' && *s++ != 'p')
		return -EINVAL;
	if (*s < '1' || *s > '9')
		return -EINVAL;
	errno = 0;
	n = strtol(s, &end, 10);
	if (*end || errno || n > 65535)
		return -EINVAL;
	return (int)n;
}

static bool majmin_valid(unsigned major, unsigned minor)
{
	return major < 4096 && minor < (1U << 20);
}

/* The uevent, dev, size and ro of a disk or partition in @dir. */
static int block_attrs(const struct tree *t, const char *dir, const char *name, unsigned major,
		       unsigned minor, uint64_t sectors, int partn)
{
	char partline[32] = "";
	int r;

	if (partn > 0)
		snprintf(partline, sizeof(partline), "PARTN=%d\n", partn);
	r = tree_printf_new(t, dir, "dev", "%u:%u\n", major, minor);
	if (r == 0)
		r = tree_printf_new(t, dir, "size", "%" PRIu64 "\n", sectors);
	if (r == 0)
		r = tree_printf_new(t, dir, "ro", "0\n");
	if (r == 0)
		r = tree_printf_new(t, dir, "uevent", "MAJOR=%u\nMINOR=%u\nDEVNAME=%s\nDEVTYPE=%s\n%s",
				    major, minor, name, partn > 0 ? "partition" : "disk", partline);
	return r;
}

/* sys/dev/block/MAJ:MIN and sys/class/block/NAME to block device directory @dir. */
static int block_links(const struct tree *t, const char *dir, const char *name, unsigned major,
		       unsigned minor)
{
	char target[PATH_MAX], link[64];
	int r;

	r = tree_path(t, target, sizeof(target), "../../%s", dir + strlen("sys/"));
	if (r == 0)
		r = tree_mkdirs(t, "sys/dev/block");
	if (r == 0)
		r = tree_mkdirs(t, "sys/class/block");
	snprintf(link, sizeof(link), "%u:%u", major, minor);
	if (r == 0)
		r = tree_symlink(t, target, "sys/dev/block", link);
	if (r == 0)
		r = tree_symlink(t, target, "sys/class/block", name);
	return r;
}

int fakesys_add_disk(const char *root, enum fakesys_disk_bus bus, const char *pci_addr,
		     const char *name, unsigned major, unsigned minor, uint64_t sectors)
{
	char fdir[PATH_MAX], hdir[PATH_MAX], dir[PATH_MAX], target[PATH_MAX], ctrl[40];
	char cls[32];
	unsigned index = 0, want = bus == FAKESYS_NVME ? 0x0108 : 0x0106;
	unsigned long c;
	struct tree t;
	int r;

	if (disk_name_parse(bus, name, ctrl, sizeof(ctrl), &index) < 0 ||
	    !majmin_valid(major, minor) || !name_valid(pci_addr)) {
		fprintf(stderr, "fakesys: disk %s %u:%u behind %s: invalid name or numbers\n",
			name, major, minor, pci_addr);
		return -EINVAL;
	}
	r = tree_open(&t, root);
	if (r < 0)
		return r;
	r = function_dir(&t, pci_addr, fdir, sizeof(fdir));
	if (r == 0)
		r = tree_read(&t, fdir, "class", cls, sizeof(cls));
	if (r == 0 && ((c = strtoul(cls, NULL, 16)) >> 8 != want)) {
		fprintf(stderr, "fakesys: %s: class %06lx, not %s (%04x)\n", pci_addr, c,
			bus == FAKESYS_NVME ? "NVMe" : "SATA", want);
		r = -EINVAL;
	}
	if (r == 0 && bus == FAKESYS_NVME) {
		r = tree_path(&t, hdir, sizeof(hdir), "%s/nvme/%s", fdir, ctrl);
		if (r == 0)
			r = tree_mkdirs(&t, hdir);
		if (r == 0)
			r = tree_printf_new(&t, hdir, "address", "%s\n", pci_addr);
		if (r == 0)
			r = tree_printf_new(&t, hdir, "transport", "pcie\n");
		if (r == 0)
			r = tree_printf_new(&t, hdir, "state", "live\n");
		if (r == 0)
			r = tree_path(&t, target, sizeof(target), "../../../%s", pci_addr);
		if (r == 0)
			r = tree_symlink(&t, target, hdir, "device");
		if (r == 0)
			r = tree_mkdirs(&t, "sys/class/nvme");
		if (r == 0)
			r = tree_path(&t, target, sizeof(target), "../../%s", hdir + strlen("sys/"));
		if (r == 0)
			r = tree_symlink(&t, target, "sys/class/nvme", ctrl);
		if (r == 0)
			r = tree_path(&t, dir, sizeof(dir), "%s/%s", hdir, name);
		if (r == 0)
			r = tree_path(&t, target, sizeof(target), "../../%s", ctrl);
	} else if (r == 0) {
		/* One port and one SCSI host per disk: sda on ata1, host0. */
		r = tree_path(&t, hdir, sizeof(hdir), "%s/ata%u/host%u/target%u:0:0/%u:0:0:0",
			      fdir, index + 1, index, index, index);
		if (r == 0)
			r = tree_path(&t, dir, sizeof(dir), "%s/block/%s", hdir, name);
		if (r == 0)
			r = tree_path(&t, target, sizeof(target), "../../../%u:0:0:0", index);
	}
	if (r == 0 && bus == FAKESYS_SATA) {
		char blk[PATH_MAX];

		r = tree_path(&t, blk, sizeof(blk), "%s/block", hdir);
		if (r == 0)
			r = tree_mkdirs(&t, blk);
	}
	if (r == 0 && mkdirat(t.fd, dir, 0755) < 0)
		r = report(&t, dir, -errno);
	if (r == 0)
		r = block_attrs(&t, dir, name, major, minor, sectors, 0);
	if (r == 0)
		r = tree_printf_new(&t, dir, "removable", "0\n");
	if (r == 0)
		r = tree_symlink(&t, target, dir, "device");
	if (r == 0) {
		char q[PATH_MAX];

		r = tree_path(&t, q, sizeof(q), "%s/queue", dir);
		if (r == 0)
			r = tree_mkdirs(&t, q);
		if (r == 0)
			r = tree_printf_new(&t, q, "logical_block_size", "512\n");
		if (r == 0)
			r = tree_printf_new(&t, q, "physical_block_size", "512\n");
		if (r == 0)
			r = tree_printf_new(&t, q, "rotational", "0\n");
	}
	if (r == 0)
		r = block_links(&t, dir, name, major, minor);
	if (r == 0)
		r = tree_mkdirs(&t, "sys/block");
	if (r == 0)
		r = tree_path(&t, target, sizeof(target), "../%s", dir + strlen("sys/"));
	if (r == 0)
		r = tree_symlink(&t, target, "sys/block", name);
	tree_close(&t);
	return r;
}

/* Where the disk's partitions end, from sector 2048, rounded up to 1 MiB. */
static int partitions_end(const struct tree *t, const char *disk_dir, uint64_t *end)
{
	struct dirent *de;
	DIR *d;
	int fd;

	*end = 2048;
	fd = openat(t->fd, disk_dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (fd < 0)
		return report(t, disk_dir, -errno);
	d = fdopendir(fd);
	if (!d) {
		close(fd);
		return report(t, disk_dir, -errno);
	}
	while ((de = readdir(d))) {
		char sub[PATH_MAX], start[32], size[32];
		uint64_t e;

		if (de->d_name[0] == '.' ||
		    tree_path(t, sub, sizeof(sub), "%s/%s", disk_dir, de->d_name) < 0 ||
		    tree_read(t, sub, "partition", start, sizeof(start)) < 0 ||
		    tree_read(t, sub, "start", start, sizeof(start)) < 0 ||
		    tree_read(t, sub, "size", size, sizeof(size)) < 0)
			continue;
		e = strtoull(start, NULL, 10) + strtoull(size, NULL, 10);
		if (e > *end)
			*end = e;
	}
	closedir(d);
	*end = (*end + 2047) / 2048 * 2048;
	return 0;
}

int fakesys_add_partition(const char *root, const char *disk, const char *name,
			  unsigned major, unsigned minor, uint64_t sectors)
{
	char ddir[PATH_MAX], dir[PATH_MAX], link[PATH_MAX], buf[32];
	int partn = fakesys_partition_number(disk, name);
	uint64_t start = 0;
	struct tree t;
	int r;

	if (partn < 0 || !name_valid(disk) || !name_valid(name) || !majmin_valid(major, minor)) {
		fprintf(stderr, "fakesys: partition %s %u:%u of %s: invalid name or numbers\n",
			name, major, minor, disk);
		return -EINVAL;
	}
	r = tree_open(&t, root);
	if (r < 0)
		return r;
	r = tree_path(&t, link, sizeof(link), "sys/class/block/%s", disk);
	if (r == 0)
		r = tree_link_into_sys(&t, link, "../../", ddir, sizeof(ddir));
	if (r == 0 && tree_read(&t, ddir, "partition", buf, sizeof(buf)) == 0) {
		fprintf(stderr, "fakesys: %s: a partition, not a disk\n", disk);
		r = -EINVAL;
	}
	if (r == 0)
		r = partitions_end(&t, ddir, &start);
	if (r == 0)
		r = tree_path(&t, dir, sizeof(dir), "%s/%s", ddir, name);
	if (r == 0 && mkdirat(t.fd, dir, 0755) < 0)
		r = report(&t, dir, -errno);
	if (r == 0)
		r = block_attrs(&t, dir, name, major, minor, sectors, partn);
	if (r == 0)
		r = tree_printf_new(&t, dir, "partition", "%d\n", partn);
	if (r == 0)
		r = tree_printf_new(&t, dir, "start", "%" PRIu64 "\n", start);
	if (r == 0)
		r = block_links(&t, dir, name, major, minor);
	tree_close(&t);
	return r;
}

/* mangle() of fs/proc_namespace.c and seq_file_path(): " \t\n\\" as \ooo. */
static int mangle(const char *s, char *out, size_t size)
{
	size_t n = 0;

	for (; *s; s++) {
		if (n + 5 > size)
			return -ENAMETOOLONG;
		if (strchr(" \t\n\\", *s))
			n += (size_t)snprintf(out + n, size - n, "\\%03o", (unsigned char)*s);
		else
			out[n++] = *s;
	}
	out[n] = '\0';
	return 0;
}

/*
 * The whole of small file @dir/@name into @buf (NUL-terminated), "" if it
 * does not exist; -EFBIG if it does not fit.
 */
static int tree_slurp(const struct tree *t, const char *dir, const char *name, char *buf,
		      size_t size)
{
	char p[PATH_MAX];
	size_t len = 0;
	ssize_t n;
	int fd, r;

	buf[0] = '\0';
	r = tree_path(t, p, sizeof(p), "%s/%s", dir, name);
	if (r < 0)
		return r;
	fd = openat(t->fd, p, O_RDONLY | O_CLOEXEC | O_NOCTTY);
	if (fd < 0)
		return errno == ENOENT ? 0 : report(t, p, -errno);
	while ((n = read(fd, buf + len, size - 1 - len)) > 0)
		len += (size_t)n;
	r = n < 0 ? -errno : len == size - 1 ? -EFBIG : 0;
	close(fd);
	buf[len] = '\0';
	return r < 0 ? report(t, p, r) : 0;
}

/* proc/self as a directory: a link there (to a real proc) would send writes out of ROOT. */
static int proc_self_dir(const struct tree *t)
{
	struct stat st;
	int r = tree_mkdirs(t, "proc/self");

	if (r == 0 && fstatat(t->fd, "proc/self", &st, AT_SYMLINK_NOFOLLOW) == 0 &&
	    !S_ISDIR(st.st_mode))
		r = report(t, "proc/self", -ENOTDIR);
	return r;
}

#define PROC_BUF (64 * 1024)

int fakesys_add_mount(const char *root, unsigned major, unsigned minor,
		      const char *mountpoint, const char *fstype, const char *source)
{
	char mp[PATH_MAX], fs[256], src[PATH_MAX], line[3 * PATH_MAX];
	unsigned id = 35, parent = 1, peers = 0;
	char *buf, *save = NULL;
	struct tree t;
	int r, n;

	if (mountpoint[0] != '/' || !fstype[0] || !source[0] || !majmin_valid(major, minor) ||
	    mangle(mountpoint, mp, sizeof(mp)) < 0 || mangle(fstype, fs, sizeof(fs)) < 0 ||
	    mangle(source, src, sizeof(src)) < 0) {
		fprintf(stderr, "fakesys: mount %u:%u %s %s %s: invalid\n", major, minor,
			mountpoint, fstype, source);
		return -EINVAL;
	}
	buf = malloc(PROC_BUF);
	if (!buf)
		return -ENOMEM;
	r = tree_open(&t, root);
	if (r == 0)
		r = proc_self_dir(&t);
	if (r == 0)
		r = tree_slurp(&t, "proc/self", "mountinfo", buf, PROC_BUF);
	/* The new mount's id follows the last; its parent is the latest mount above it. */
	for (char *l = r == 0 ? strtok_r(buf, "\n", &save) : NULL; l;
	     l = strtok_r(NULL, "\n", &save)) {
		char at[PATH_MAX];
		unsigned lid;
		size_t alen;

		if (sscanf(l, "%u %*u %*u:%*u %*s %4095s", &lid, at) != 2)
			continue;
		alen = strlen(at);
		if (lid > id)
			id = lid;
		peers++;
		if (strcmp(at, "/") == 0 ||
		    (strncmp(mp, at, alen) == 0 && (mp[alen] == '/' || mp[alen] == '\0')))
			parent = lid;
	}
	free(buf);
	n = snprintf(line, sizeof(line), "%u %u %u:%u / %s rw,relatime shared:%u - %s %s rw\n",
		     id + 1, parent, major, minor, mp, peers + 1, fs, src);
	if (r == 0 && (n < 0 || (size_t)n >= sizeof(line)))
		r = report(&t, "proc/self/mountinfo", -EOVERFLOW);
	if (r == 0)
		r = tree_write(&t, "proc/self", "mountinfo", line, (size_t)n, O_APPEND);
	tree_close(&t);
	return r;
}

int fakesys_add_swap(const char *root, const char *path, unsigned long long kib)
{
	static const char header[] = "Filename\t\t\t\tType\t\tSize\t\tUsed\t\tPriority\n";
	char p[PATH_MAX], line[PATH_MAX + 128], *buf;
	int r, n, swaps = 0;
	size_t len;
	struct tree t;

	if (path[0] != '/' || mangle(path, p, sizeof(p)) < 0) {
		fprintf(stderr, "fakesys: swap %s: invalid path\n", path);
		return -EINVAL;
	}
	buf = malloc(PROC_BUF);
	if (!buf)
		return -ENOMEM;
	r = tree_open(&t, root);
	if (r == 0)
		r = tree_mkdirs(&t, "proc");
	if (r == 0)
		r = tree_slurp(&t, "proc", "swaps", buf, PROC_BUF);
	for (char *s = buf; r == 0 && (s = strchr(s, '\n')); s++)
		swaps++;
	free(buf);
	/* swap_show() of mm/swapfile.c; the first swap without a priority gets -2. */
	len = strlen(p);
	n = snprintf(line, sizeof(line), "%s%s%*s%s\t%llu\t%s%u\t%s%d\n",
		     swaps ? "" : header, p, len < 40 ? 40 - (int)len : 1, " ",
		     strncmp(path, "/dev/", 5) == 0 ? "partition" : "file\t", kib,
		     kib < 10000000 ? "\t" : "", 0U, "\t", -(swaps ? swaps + 1 : 2));
	if (r == 0 && (n < 0 || (size_t)n >= sizeof(line)))
		r = report(&t, "proc/swaps", -EOVERFLOW);
	if (r == 0)
		r = tree_write(&t, "proc", "swaps", line, (size_t)n, O_APPEND);
	tree_close(&t);
	return r;
}

int fakesys_set_modules(const char *root, const char *release)
{
	static const char *const files[] = { "modules.builtin", "modules.order", "modules.alias" };
	char dir[PATH_MAX], text[NAME_MAX + 2];
	struct tree t;
	int r;

	if (!name_valid(release)) {
		fprintf(stderr, "fakesys: invalid kernel release '%s'\n", release);
		return -EINVAL;
	}
	r = tree_open(&t, root);
	if (r < 0)
		return r;
	snprintf(text, sizeof(text), "%s\n", release);
	r = tree_replace(&t, "proc/sys/kernel", "osrelease", text);
	if (r == 0)
		r = tree_path(&t, dir, sizeof(dir), "lib/modules/%s", release);
	if (r == 0)
		r = tree_mkdirs(&t, dir);
	for (size_t i = 0; i < sizeof(files) / sizeof(files[0]) && r == 0; i++)
		r = tree_write_new(&t, dir, files[i], "", 0);
	tree_close(&t);
	return r;
}
