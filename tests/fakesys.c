// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * Builds the fake sysfs described in fakesys.h.  Every path is relative to
 * a directory fd of ROOT, so nothing depends on the working directory, and
 * every file but proc/cmdline (which fakesys_set_cmdline replaces) is
 * created with O_EXCL: one that exists is never rewritten, which is what
 * lets a test change a file between two runs.
 */
#include "fakesys.h"

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

/* Config space sizes the kernel exposes: conventional PCI, and PCIe's. */
#define CFG_SIZE_PCI 256
#define CFG_SIZE_PCIE 4096
/* Where the PCI Express capability goes; the first free dword after the header. */
#define CAP_EXP 0x40

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

/* A type 0 header as the hardware would hold it; returns the config size. */
static size_t build_config(uint8_t cfg[CFG_SIZE_PCIE], const struct fakesys_fn *fn)
{
	memset(cfg, 0, CFG_SIZE_PCIE);
	put16(cfg, 0x00, fn->vendor);
	put16(cfg, 0x02, fn->device);
	put16(cfg, 0x04, fn->driver ? CMD_MEMORY | CMD_MASTER : 0);
	put16(cfg, 0x06, fn->pcie ? STATUS_CAP_LIST : 0);
	cfg[0x08] = fn->revision;
	cfg[0x09] = (uint8_t)fn->class;
	cfg[0x0a] = (uint8_t)(fn->class >> 8);
	cfg[0x0b] = (uint8_t)(fn->class >> 16);
	cfg[0x0e] = 0x00; /* header type 0 */
	put16(cfg, 0x2c, fn->subvendor);
	put16(cfg, 0x2e, fn->subdevice);
	cfg[0x3d] = 1; /* INTA */
	if (!fn->pcie)
		return CFG_SIZE_PCI;

	cfg[0x34] = CAP_EXP;
	cfg[CAP_EXP + 0x00] = 0x10;               /* PCI Express, last capability */
	put16(cfg, CAP_EXP + 0x02, 0x0002);       /* version 2, endpoint */
	put32(cfg, CAP_EXP + 0x04, 0x00008001);   /* DevCap: MaxPayload 256, RBE */
	put16(cfg, CAP_EXP + 0x08, 0x2000);       /* DevCtl: MaxReadReq 512 */
	put32(cfg, CAP_EXP + 0x0c, 0x00000011);   /* LnkCap: 2.5GT/s x1 */
	put16(cfg, CAP_EXP + 0x12, 0x0011);       /* LnkSta: 2.5GT/s x1 */
	put32(cfg, CAP_EXP + 0x2c, 0x00000002);   /* LnkCap2: 2.5GT/s supported */
	put16(cfg, CAP_EXP + 0x30, 0x0001);       /* LnkCtl2: target 2.5GT/s */
	return CFG_SIZE_PCIE;
}

static int write_attrs(const struct tree *t, const char *dir, const char *addr,
		       const struct fakesys_fn *fn)
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

	cfg_size = build_config(cfg, fn);
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
	/* The kernel prints PCI_CLASS with %04X of the 24-bit class. */
	if (r == 0)
		r = tree_printf_new(t, dir, "uevent",
				    "%sPCI_CLASS=%04X\nPCI_ID=%04X:%04X\nPCI_SUBSYS_ID=%04X:%04X\n"
				    "PCI_SLOT_NAME=%s\nMODALIAS=%s\n",
				    drv, fn->class, fn->vendor, fn->device, fn->subvendor,
				    fn->subdevice, addr, modalias);
	return r;
}

int fakesys_add_function(const char *root, const struct fakesys_fn *fn)
{
	char addr[32], bridge[32], dir[PATH_MAX], target[PATH_MAX], link[PATH_MAX];
	struct tree t;
	int r;

	snprintf(addr, sizeof(addr), "%04x:%02x:%02x.%x", (unsigned)fn->domain, fn->bus,
		 fn->dev, fn->fn);
	if (fn->dev > 0x1f || fn->fn > 7 || fn->class > 0xffffff || fn->iommu_group < -1) {
		fprintf(stderr, "fakesys: %s: device, function, class or iommu group out of range\n",
			addr);
		return -EINVAL;
	}
	/* Each bus under a host bridge of its own, as on a multi-root machine. */
	snprintf(bridge, sizeof(bridge), "pci%04x:%02x", (unsigned)fn->domain, fn->bus);

	r = tree_open(&t, root);
	if (r < 0)
		return r;
	if (fn->driver)
		r = add_driver(&t, fn->driver);
	if (r == 0)
		r = tree_path(&t, dir, sizeof(dir), "sys/devices/%s", bridge);
	if (r == 0)
		r = tree_mkdirs(&t, dir);
	if (r == 0)
		r = tree_mkdirs(&t, "sys/bus/pci/devices");
	if (r == 0)
		r = tree_path(&t, dir, sizeof(dir), "sys/devices/%s/%s", bridge, addr);
	if (r == 0 && mkdirat(t.fd, dir, 0755) < 0)
		r = report(&t, dir, -errno); /* -EEXIST: a function is added once */
	if (r == 0)
		r = write_attrs(&t, dir, addr, fn);

	/* Links from the device's directory, sys/devices/BRIDGE/ADDR. */
	if (r == 0)
		r = tree_symlink(&t, "../../../bus/pci", dir, "subsystem");
	if (r == 0 && fn->driver) {
		r = tree_path(&t, target, sizeof(target), "../../../bus/pci/drivers/%s", fn->driver);
		if (r == 0)
			r = tree_symlink(&t, target, dir, "driver");
	}
	if (r == 0 && fn->iommu_group >= 0) {
		r = tree_path(&t, target, sizeof(target), "../../../kernel/iommu_groups/%d",
			      fn->iommu_group);
		if (r == 0)
			r = tree_symlink(&t, target, dir, "iommu_group");
	}

	/* Links to it from drivers/NAME and iommu_groups/N/devices: four levels below sys/. */
	if (r == 0)
		r = tree_path(&t, target, sizeof(target), "../../../../devices/%s/%s", bridge, addr);
	if (r == 0 && fn->driver) {
		r = tree_path(&t, link, sizeof(link), "sys/bus/pci/drivers/%s", fn->driver);
		if (r == 0)
			r = tree_symlink(&t, target, link, addr);
	}
	if (r == 0 && fn->iommu_group >= 0)
		r = add_iommu_group(&t, fn->iommu_group, target, addr);
	/* Last, from bus/pci/devices: the function shows on the bus once it is complete. */
	if (r == 0)
		r = tree_path(&t, target, sizeof(target), "../../../devices/%s/%s", bridge, addr);
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
