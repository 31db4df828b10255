// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * mkfakesys ROOT SPEC: builds a fake sysfs under ROOT from SPEC (a file, or
 * "-" for stdin), one line each:
 *
 *     fn DDDD:BB:DD.F VVVV:DDDD [sub=SVVV:SDDD] [class=CCCCCC] [rev=NN]
 *        [driver=NAME] [group=N] [pcie] [boot_vga=0|1] [reset=M[,M...]]
 *        [bridge secondary=BB [subordinate=BB]] [parent=DDDD:BB:DD.F]
 *     driver NAME        a registered PCI driver with no devices
 *     cmdline TEXT...    the rest of the line becomes ROOT/proc/cmdline
 *     cpu VENDOR_ID FAMILY:MODEL NAME...
 *     nvme DDDD:BB:DD.F NAME MAJ:MIN [size=SECTORS]
 *     sata DDDD:BB:DD.F NAME MAJ:MIN [size=SECTORS]
 *     part DISK NAME MAJ:MIN [size=SECTORS]
 *     mount MAJ:MIN MOUNTPOINT FSTYPE SOURCE
 *     swap PATH KIB
 *     modules RELEASE
 *
 * fn options:
 *   boot_vga=0|1   the boot_vga attribute; only on VGA functions (class
 *                  0300xx), which get boot_vga 0 without it, as in Linux
 *   reset=M,...    the reset_method attribute, "flr bus" for reset=flr,bus;
 *                  methods: device_specific acpi flr af_flr pm bus cxl_bus
 *   bridge         a type 1 header (class 0604xx or 0609xx), bus numbers at
 *                  0x18-0x1a: secondary=BB (required), subordinate=BB
 *                  (default: the highest bus the spec puts behind it); a
 *                  PCIe root or downstream port wants driver=pcieport
 *   parent=ADDR    the bridge the function is behind (on its secondary bus),
 *                  declared on an earlier line or already in ROOT; the
 *                  function's directory goes in the parent's.  A function on
 *                  a bus behind a bridge of the spec must say so.
 *
 * cpu writes ROOT/proc/cpuinfo, two processors as x86 Linux prints them;
 *   VENDOR_ID is AuthenticAMD (flags with svm) or GenuineIntel (vmx),
 *   FAMILY:MODEL the decimal cpu family and model (25:33 for Zen 3), NAME
 *   the rest of the line: cpu AuthenticAMD 25:33 AMD Ryzen 9 5950X ...
 * nvme, sata add a disk behind an NVMe (class 0108xx) or SATA (0106xx)
 *   function of an earlier line or of ROOT: NAME nvme0n1 goes in
 *   ADDR/nvme/nvme0/nvme0n1, sda in ADDR/ata1/host0/target0:0:0/0:0:0:0/
 *   block/sda; links sys/dev/block/MAJ:MIN, sys/class/block/NAME and
 *   sys/block/NAME lead there.  SECTORS of 512 bytes; 1953525168 (1 TB) by
 *   default.
 * part adds partition NAME (DISK plus the number, with "p" after a digit:
 *   nvme0n1p2, sda2) in disk DISK's directory, with sys/dev/block and
 *   sys/class/block links; 2097152 sectors (1 GiB) by default.
 * mount appends to ROOT/proc/self/mountinfo the kernel's line for it:
 *   36 1 259:3 / / rw,relatime shared:1 - ext4 /dev/nvme0n1p3 rw
 *   MAJ:MIN 0:NN for tmpfs, proc and the like.
 * swap appends to ROOT/proc/swaps (header first) a partition (PATH under
 *   /dev/) or file of KIB KiB, priority -2, -3, ...
 * modules writes RELEASE to ROOT/proc/sys/kernel/osrelease and makes
 *   ROOT/lib/modules/RELEASE/ with empty modules.builtin, modules.order and
 *   modules.alias.
 *
 * Blank lines and lines starting with '#' are ignored; in lines other than
 * cmdline and cpu a word starting with '#' starts a comment.  The whole
 * spec is read and checked before ROOT is touched, so a bad line leaves
 * ROOT as it was; only what a line takes from ROOT (a parent, a function
 * or disk of an earlier run) is checked as the line is applied.
 * Running it again on the same ROOT adds to it and keeps every file that
 * exists; a function that is already there is an error.
 * Prints nothing on success; exit status 0, 1 on any error, 2 on misuse.
 */
#include "fakesys.h"

#include <errno.h>
#include <limits.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define WS " \t\r\n\v\f"
/* More words than the longest valid line has. */
#define MAX_WORDS 24

enum kind { FN, DRIVER, CMDLINE, CPU, NVME, SATA, PART, MOUNT, SWAP, MODULES };

struct entry {
	enum kind kind;
	unsigned line;
	struct fakesys_fn fn;
	/*
	 * fn, driver: the driver name; cmdline: the command line; cpu: the
	 * model name; nvme, sata, part: the device name; mount: the mount
	 * point; swap: the path; modules: the release.
	 */
	char *text;
	/* fn: the reset methods; cpu: vendor_id; nvme, sata: the PCI address;
	 * part: the disk; mount: the file system type. */
	char *text2;
	/* fn: the parent's address; mount: the source. */
	char *text3;
	unsigned major, minor;   /* block devices and mount; cpu: family, model */
	unsigned long long num;  /* nvme, sata, part: sectors; swap: KiB */
	bool has_subordinate;    /* fn: subordinate= given */
	size_t parent;           /* fn: index of the parent's entry, or SIZE_MAX */
};

struct spec {
	const char *name; /* for messages */
	struct entry *entries;
	size_t n, cap;
};

__attribute__((format(printf, 3, 4)))
static int bad_line(const struct spec *s, unsigned line, const char *fmt, ...)
{
	va_list ap;

	fprintf(stderr, "mkfakesys: %s:%u: ", s->name, line);
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fputc('\n', stderr);
	return -EINVAL;
}

/* Exactly @width hex digits and nothing more. */
static bool hex_exact(const char *s, size_t width, uint32_t *out)
{
	uint32_t v = 0;

	if (strlen(s) != width)
		return false;
	for (size_t i = 0; i < width; i++) {
		char c = s[i];
		unsigned d;

		if (c >= '0' && c <= '9')
			d = (unsigned)(c - '0');
		else if (c >= 'a' && c <= 'f')
			d = (unsigned)(c - 'a' + 10);
		else if (c >= 'A' && c <= 'F')
			d = (unsigned)(c - 'A' + 10);
		else
			return false;
		v = v * 16 + d;
	}
	*out = v;
	return true;
}

/* @s[0..@len) as @width hex digits. */
static bool hex_field(const char *s, size_t len, size_t width, uint32_t *out)
{
	char buf[16];

	if (len != width || len >= sizeof(buf))
		return false;
	memcpy(buf, s, len);
	buf[len] = '\0';
	return hex_exact(buf, width, out);
}

/* Decimal digits only, no sign, no leading zero, at most @max. */
static bool dec_exact(const char *s, size_t len, unsigned long long max,
		      unsigned long long *out)
{
	unsigned long long v = 0;

	if (len == 0 || len > 20 || (len > 1 && s[0] == '0'))
		return false;
	for (size_t i = 0; i < len; i++) {
		if (s[i] < '0' || s[i] > '9' || v > (max - (unsigned)(s[i] - '0')) / 10)
			return false;
		v = v * 10 + (unsigned)(s[i] - '0');
	}
	*out = v;
	return true;
}

/* "A:B", both decimal, A at most @amax and B at most @bmax. */
static bool parse_pair(const char *s, unsigned amax, unsigned bmax, unsigned *a, unsigned *b)
{
	const char *colon = strchr(s, ':');
	unsigned long long x, y;

	if (!colon || !dec_exact(s, (size_t)(colon - s), amax, &x) ||
	    !dec_exact(colon + 1, strlen(colon + 1), bmax, &y))
		return false;
	*a = (unsigned)x;
	*b = (unsigned)y;
	return true;
}

/* "VVVV:DDDD" */
static bool parse_id(const char *s, uint16_t *a, uint16_t *b)
{
	uint32_t x, y;

	if (strlen(s) != 9 || s[4] != ':' || !hex_field(s, 4, 4, &x) || !hex_field(s + 5, 4, 4, &y))
		return false;
	*a = (uint16_t)x;
	*b = (uint16_t)y;
	return true;
}

/* "DDDD:BB:DD.F"; the domain has 4 to 8 digits, as the kernel prints it. */
static int parse_addr(const struct spec *s, unsigned line, const char *a, struct fakesys_fn *fn)
{
	size_t len = strlen(a), dom_len;
	uint32_t dom, bus, dev, func;
	const char *t;

	if (len < 12 || len > 16)
		goto bad;
	dom_len = len - 8;
	t = a + dom_len + 1;
	if (a[dom_len] != ':' || t[2] != ':' || t[5] != '.' ||
	    !hex_field(a, dom_len, dom_len, &dom) || !hex_field(t, 2, 2, &bus) ||
	    !hex_field(t + 3, 2, 2, &dev) || !hex_field(t + 6, 1, 1, &func))
		goto bad;
	if (dev > 0x1f)
		return bad_line(s, line, "address '%s': device %02x > 1f", a, dev);
	if (func > 7)
		return bad_line(s, line, "address '%s': function %x > 7", a, func);
	fn->domain = dom;
	fn->bus = (uint8_t)bus;
	fn->dev = (uint8_t)dev;
	fn->fn = (uint8_t)func;
	return 0;
bad:
	return bad_line(s, line, "invalid address '%s' (expected DDDD:BB:DD.F)", a);
}

static bool same_addr(const struct fakesys_fn *a, const struct fakesys_fn *b)
{
	return a->domain == b->domain && a->bus == b->bus && a->dev == b->dev && a->fn == b->fn;
}

/* The fn line of address @a: its index, or SIZE_MAX. */
static size_t find_fn(const struct spec *s, const struct fakesys_fn *a)
{
	for (size_t i = 0; i < s->n; i++)
		if (s->entries[i].kind == FN && same_addr(&s->entries[i].fn, a))
			return i;
	return SIZE_MAX;
}

/* One path component and one uevent word. */
static bool driver_name_ok(const char *name)
{
	if (!name[0] || strcmp(name, ".") == 0 || strcmp(name, "..") == 0 || strlen(name) > 255)
		return false;
	for (const char *p = name; *p; p++)
		if (*p <= ' ' || *p == '/' || *p == 0x7f)
			return false;
	return true;
}

static int parse_driver_name(const struct spec *s, unsigned line, const char *name,
			     char **out)
{
	if (!driver_name_ok(name))
		return bad_line(s, line, "invalid driver name '%s'", name);
	*out = strdup(name);
	return *out ? 0 : -ENOMEM;
}

/* "flr,bus" into "flr bus": the kernel's method names, each once. */
static int parse_reset(const struct spec *s, unsigned line, const char *v, char **out)
{
	static const char *const methods[] = {
		"device_specific", "acpi", "flr", "af_flr", "pm", "bus", "cxl_bus",
	};
	unsigned seen = 0;
	char *r;

	if (!v[0])
		goto bad;
	for (const char *p = v;;) {
		size_t len = strcspn(p, ","), i;

		for (i = 0; i < sizeof(methods) / sizeof(methods[0]); i++)
			if (strlen(methods[i]) == len && strncmp(p, methods[i], len) == 0)
				break;
		if (i == sizeof(methods) / sizeof(methods[0]) || seen & 1U << i)
			goto bad;
		seen |= 1U << i;
		if (!p[len])
			break;
		p += len + 1;
	}
	r = strdup(v);
	if (!r)
		return -ENOMEM;
	for (char *c = strchr(r, ','); c; c = strchr(c, ','))
		*c = ' ';
	*out = r;
	return 0;
bad:
	return bad_line(s, line,
			"invalid reset '%s' (expected methods, once each, from device_specific,"
			"acpi,flr,af_flr,pm,bus,cxl_bus)", v);
}

static int parse_fn(struct spec *s, unsigned line, char **w, size_t n, struct entry *e)
{
	enum {
		SUB = 1, CLASS = 2, REV = 4, DRV = 8, GROUP = 16, PCIE = 32, BOOT_VGA = 64,
		RESET = 128, BRIDGE = 256, SECONDARY = 512, SUBORDINATE = 1024, PARENT = 2048,
	};
	struct fakesys_fn *fn = &e->fn, pa = { 0 };
	unsigned seen = 0;
	int r;

	if (n < 3)
		return bad_line(s, line, "usage: fn DDDD:BB:DD.F VVVV:DDDD [options]");
	fn->iommu_group = -1;
	e->parent = SIZE_MAX;
	r = parse_addr(s, line, w[1], fn);
	if (r < 0)
		return r;
	if (!parse_id(w[2], &fn->vendor, &fn->device))
		return bad_line(s, line, "invalid id '%s' (expected VVVV:DDDD, 4 hex digits each)",
				w[2]);
	for (size_t i = 3; i < n; i++) {
		const char *o = w[i], *eq = strchr(o, '=');
		const char *v = eq ? eq + 1 : "";
		size_t klen = eq ? (size_t)(eq - o) : strlen(o);
		unsigned bit;
		uint32_t x;

#define IS(name) (klen == sizeof(name) - 1 && strncmp(o, name, klen) == 0)
		if (!eq && strcmp(o, "pcie") == 0) {
			bit = PCIE;
			fn->pcie = true;
		} else if (!eq && strcmp(o, "bridge") == 0) {
			bit = BRIDGE;
			fn->bridge = true;
		} else if (eq && IS("sub")) {
			bit = SUB;
			if (!parse_id(v, &fn->subvendor, &fn->subdevice))
				return bad_line(s, line, "invalid sub '%s' (expected SVVV:SDDD)", v);
		} else if (eq && IS("class")) {
			bit = CLASS;
			if (!hex_exact(v, 6, &fn->class))
				return bad_line(s, line, "invalid class '%s' (expected 6 hex digits)", v);
		} else if (eq && IS("rev")) {
			bit = REV;
			if (!hex_exact(v, 2, &x))
				return bad_line(s, line, "invalid rev '%s' (expected 2 hex digits)", v);
			fn->revision = (uint8_t)x;
		} else if (eq && IS("driver")) {
			bit = DRV;
			if (seen & DRV)
				goto twice;
			r = parse_driver_name(s, line, v, &e->text);
			if (r < 0)
				return r;
			fn->driver = e->text;
		} else if (eq && IS("group")) {
			char *end;
			long g;

			bit = GROUP;
			errno = 0;
			g = strtol(v, &end, 10);
			if (v[0] < '0' || v[0] > '9' || *end || errno || g > INT_MAX)
				return bad_line(s, line, "invalid group '%s' (expected 0 to %d)", v,
						INT_MAX);
			fn->iommu_group = (int)g;
		} else if (eq && IS("boot_vga")) {
			bit = BOOT_VGA;
			if (strcmp(v, "0") != 0 && strcmp(v, "1") != 0)
				return bad_line(s, line, "invalid boot_vga '%s' (expected 0 or 1)", v);
			fn->boot_vga = v[0] == '1';
		} else if (eq && IS("reset")) {
			bit = RESET;
			if (seen & RESET)
				goto twice;
			r = parse_reset(s, line, v, &e->text2);
			if (r < 0)
				return r;
			fn->reset_method = e->text2;
		} else if (eq && (IS("secondary") || IS("subordinate"))) {
			bool sec = IS("secondary");

			bit = sec ? SECONDARY : SUBORDINATE;
			if (!hex_exact(v, 2, &x))
				return bad_line(s, line, "invalid %.*s '%s' (expected 2 hex digits)",
						(int)klen, o, v);
			if (sec)
				fn->secondary = (uint8_t)x;
			else
				fn->subordinate = (uint8_t)x;
		} else if (eq && IS("parent")) {
			bit = PARENT;
			if (seen & PARENT)
				goto twice;
			r = parse_addr(s, line, v, &pa);
			if (r < 0)
				return r;
			if (asprintf(&e->text3, "%04x:%02x:%02x.%x", (unsigned)pa.domain, pa.bus,
				     pa.dev, pa.fn) < 0) {
				e->text3 = NULL;
				return -ENOMEM;
			}
			fn->parent = e->text3;
		} else {
			return bad_line(s, line,
					"unknown option '%s' (known: sub= class= rev= driver= group= "
					"pcie boot_vga= reset= bridge secondary= subordinate= parent=)",
					o);
		}
#undef IS
		if (seen & bit)
			goto twice;
		seen |= bit;
		continue;
twice:
		return bad_line(s, line, "option '%.*s' given twice", (int)klen, o);
	}

	if ((seen & BOOT_VGA) && fn->class >> 8 != 0x0300)
		return bad_line(s, line, "boot_vga on class %06x: Linux has it on VGA functions "
				"(class 0300xx) only", (unsigned)fn->class);
	if ((seen & (SECONDARY | SUBORDINATE)) && !fn->bridge)
		return bad_line(s, line, "secondary= and subordinate= need bridge");
	if (fn->bridge) {
		unsigned cls = fn->class >> 8;

		if (!(seen & SECONDARY))
			return bad_line(s, line, "bridge needs secondary=BB");
		if (cls != 0x0604 && cls != 0x0609)
			return bad_line(s, line, "bridge of class %06x: a type 1 header is for "
					"class 0604xx or 0609xx", (unsigned)fn->class);
		if (fn->secondary <= fn->bus)
			return bad_line(s, line, "secondary bus %02x not above the bridge's bus %02x",
					fn->secondary, fn->bus);
		e->has_subordinate = seen & SUBORDINATE;
		if (e->has_subordinate && fn->subordinate < fn->secondary)
			return bad_line(s, line, "subordinate bus %02x below secondary %02x",
					fn->subordinate, fn->secondary);
		if (!e->has_subordinate)
			fn->subordinate = fn->secondary;
	}
	if (seen & PARENT) {
		size_t p = find_fn(s, &pa);
		const struct entry *pe = p == SIZE_MAX ? NULL : &s->entries[p];

		/* Not in the spec so far: in ROOT, or later (see check_order()). */
		if (!pe)
			return 0;
		if (!pe->fn.bridge)
			return bad_line(s, line, "parent %s (line %u) is not a bridge", fn->parent,
					pe->line);
		if (pe->fn.domain != fn->domain || pe->fn.secondary != fn->bus)
			return bad_line(s, line, "%s is not on bus %04x:%02x, the secondary bus of "
					"parent %s (line %u)", w[1], (unsigned)pe->fn.domain,
					pe->fn.secondary, fn->parent, pe->line);
		e->parent = p;
	}
	return 0;
}

/* A function is added once: a second line for its address is an error. */
static int check_unique(const struct spec *s, const struct entry *e)
{
	const struct fakesys_fn *a = &e->fn;

	for (const struct entry *o = s->entries; o < e; o++) {
		const struct fakesys_fn *b = &o->fn;

		if (o->kind == FN && same_addr(a, b))
			return bad_line(s, e->line, "%04x:%02x:%02x.%x already on line %u",
					(unsigned)a->domain, a->bus, a->dev, a->fn, o->line);
	}
	return 0;
}

static bool is_block(const struct entry *e)
{
	return e->kind == NVME || e->kind == SATA || e->kind == PART;
}

/* nvme, sata and part: NAME MAJ:MIN [size=SECTORS] in @w[2..@n), unique in the spec. */
static int parse_block(const struct spec *s, unsigned line, char **w, size_t n,
		       struct entry *e, unsigned long long dflt)
{
	if (!parse_pair(w[3], 4095, (1U << 20) - 1, &e->major, &e->minor))
		return bad_line(s, line, "invalid MAJ:MIN '%s' (decimal, major < 4096, "
				"minor < 1048576)", w[3]);
	e->num = dflt;
	if (n == 5 && (strncmp(w[4], "size=", 5) != 0 ||
		       !dec_exact(w[4] + 5, strlen(w[4] + 5), UINT64_MAX / 512, &e->num)))
		return bad_line(s, line, "invalid option '%s' (expected size=SECTORS)", w[4]);
	for (const struct entry *o = s->entries; o < e; o++) {
		if (!is_block(o))
			continue;
		if (strcmp(o->text, w[2]) == 0)
			return bad_line(s, line, "block device %s already on line %u", w[2], o->line);
		if (o->major == e->major && o->minor == e->minor)
			return bad_line(s, line, "%u:%u already on line %u", e->major, e->minor,
					o->line);
	}
	e->text = strdup(w[2]);
	return e->text ? 0 : -ENOMEM;
}

static int parse_disk(struct spec *s, unsigned line, char **w, size_t n, struct entry *e)
{
	bool nvme = e->kind == NVME;
	struct fakesys_fn a = { 0 };
	size_t i;
	int r;

	if (n < 4 || n > 5)
		return bad_line(s, line, "usage: %s DDDD:BB:DD.F NAME MAJ:MIN [size=SECTORS]", w[0]);
	r = parse_addr(s, line, w[1], &a);
	if (r < 0)
		return r;
	if (fakesys_check_disk_name(nvme ? FAKESYS_NVME : FAKESYS_SATA, w[2]) < 0)
		return bad_line(s, line, "invalid %s disk name '%s' (expected %s)", w[0], w[2],
				nvme ? "nvmeCnN, as nvme0n1" : "sdX, as sda");
	i = find_fn(s, &a);
	if (i != SIZE_MAX) {
		const struct entry *f = &s->entries[i];
		unsigned want = nvme ? 0x0108 : 0x0106;

		if (f->fn.class >> 8 != want)
			return bad_line(s, line, "%s (line %u) has class %06x, not %s (%04xxx)", w[1],
					f->line, (unsigned)f->fn.class, nvme ? "NVMe" : "SATA",
					want);
	}
	if (asprintf(&e->text2, "%04x:%02x:%02x.%x", (unsigned)a.domain, a.bus, a.dev, a.fn) < 0) {
		e->text2 = NULL;
		return -ENOMEM;
	}
	return parse_block(s, line, w, n, e, 1953525168);
}

static int parse_part(struct spec *s, unsigned line, char **w, size_t n, struct entry *e)
{
	if (n < 4 || n > 5)
		return bad_line(s, line, "usage: part DISK NAME MAJ:MIN [size=SECTORS]");
	if (fakesys_partition_number(w[1], w[2]) < 0)
		return bad_line(s, line, "'%s' is not a partition name of disk '%s' (as nvme0n1p2, "
				"sda2)", w[2], w[1]);
	for (const struct entry *o = s->entries; o < e; o++)
		if (is_block(o) && strcmp(o->text, w[1]) == 0 && o->kind == PART)
			return bad_line(s, line, "%s (line %u) is a partition, not a disk", w[1],
					o->line);
	e->text2 = strdup(w[1]);
	return e->text2 ? parse_block(s, line, w, n, e, 2097152) : -ENOMEM;
}

static int parse_mount(const struct spec *s, unsigned line, char **w, size_t n,
		       struct entry *e)
{
	if (n != 5)
		return bad_line(s, line, "usage: mount MAJ:MIN MOUNTPOINT FSTYPE SOURCE");
	if (!parse_pair(w[1], 4095, (1U << 20) - 1, &e->major, &e->minor))
		return bad_line(s, line, "invalid MAJ:MIN '%s'", w[1]);
	if (w[2][0] != '/')
		return bad_line(s, line, "mount point '%s' is not absolute", w[2]);
	e->text = strdup(w[2]);
	e->text2 = strdup(w[3]);
	e->text3 = strdup(w[4]);
	return e->text && e->text2 && e->text3 ? 0 : -ENOMEM;
}

static int parse_swap(const struct spec *s, unsigned line, char **w, size_t n,
		      struct entry *e)
{
	if (n != 3)
		return bad_line(s, line, "usage: swap PATH KIB");
	if (w[1][0] != '/')
		return bad_line(s, line, "swap path '%s' is not absolute", w[1]);
	if (!dec_exact(w[2], strlen(w[2]), ULLONG_MAX / 1024, &e->num))
		return bad_line(s, line, "invalid size '%s' (expected KiB, decimal)", w[2]);
	e->text = strdup(w[1]);
	return e->text ? 0 : -ENOMEM;
}

/* cpu VENDOR_ID FAMILY:MODEL NAME...: @p after the keyword. */
static int parse_cpu(const struct spec *s, unsigned line, char *p, struct entry *e)
{
	char *vendor, *fm, *name, *end;

	vendor = p + strspn(p, WS);
	p = vendor + strcspn(vendor, WS);
	if (*p)
		*p++ = '\0';
	fm = p + strspn(p, WS);
	p = fm + strcspn(fm, WS);
	if (*p)
		*p++ = '\0';
	name = p + strspn(p, WS);
	end = name + strlen(name);
	while (end > name && strchr(WS, end[-1]))
		*--end = '\0';
	if (!*vendor || !*fm || !*name)
		return bad_line(s, line, "usage: cpu VENDOR_ID FAMILY:MODEL NAME...");
	if (strcmp(vendor, "AuthenticAMD") != 0 && strcmp(vendor, "GenuineIntel") != 0)
		return bad_line(s, line, "vendor_id '%s' is not AuthenticAMD or GenuineIntel",
				vendor);
	if (!parse_pair(fm, 255, 255, &e->major, &e->minor))
		return bad_line(s, line, "invalid FAMILY:MODEL '%s' (decimal, as 25:33)", fm);
	if (strlen(name) > 64)
		return bad_line(s, line, "model name longer than 64 characters");
	e->text = strdup(name);
	e->text2 = strdup(vendor);
	return e->text && e->text2 ? 0 : -ENOMEM;
}

/* Splits @p at whitespace; a word starting with '#' ends the line. */
static size_t split(char *p, char **w)
{
	size_t n = 0;

	for (;;) {
		p += strspn(p, WS);
		if (!*p || *p == '#' || n == MAX_WORDS)
			return *p && *p != '#' ? MAX_WORDS + 1 : n;
		w[n++] = p;
		p += strcspn(p, WS);
		if (*p)
			*p++ = '\0';
	}
}

static struct entry *new_entry(struct spec *s)
{
	if (s->n == s->cap) {
		size_t cap = s->cap ? s->cap * 2 : 16;
		struct entry *e = realloc(s->entries, cap * sizeof(*e));

		if (!e)
			return NULL;
		s->entries = e;
		s->cap = cap;
	}
	memset(&s->entries[s->n], 0, sizeof(s->entries[0]));
	return &s->entries[s->n++];
}

static int parse_line(struct spec *s, unsigned line, char *p)
{
	static const struct {
		const char *word;
		enum kind kind;
	} kws[] = {
		{ "fn", FN }, { "driver", DRIVER }, { "nvme", NVME }, { "sata", SATA },
		{ "part", PART }, { "mount", MOUNT }, { "swap", SWAP }, { "modules", MODULES },
	};
	char *w[MAX_WORDS], *kw;
	struct entry *e;
	size_t n, kwlen, k;
	int r;

	p += strspn(p, WS);
	if (!*p || *p == '#')
		return 0;
	kw = p;
	kwlen = strcspn(p, WS);
	e = new_entry(s);
	if (!e)
		return -ENOMEM;
	e->line = line;

	if (kwlen == 7 && strncmp(kw, "cmdline", 7) == 0) {
		char *text = p + kwlen, *end;

		text += strspn(text, WS);
		end = text + strlen(text);
		while (end > text && strchr(WS, end[-1]))
			*--end = '\0';
		e->kind = CMDLINE;
		e->text = strdup(text);
		return e->text ? 0 : -ENOMEM;
	}
	if (kwlen == 3 && strncmp(kw, "cpu", 3) == 0) {
		e->kind = CPU;
		return parse_cpu(s, line, p + kwlen, e);
	}

	n = split(p, w);
	if (n > MAX_WORDS)
		return bad_line(s, line, "too many words");
	for (k = 0; k < sizeof(kws) / sizeof(kws[0]); k++)
		if (strcmp(w[0], kws[k].word) == 0)
			break;
	if (k == sizeof(kws) / sizeof(kws[0]))
		return bad_line(s, line, "unknown keyword '%s' (known: fn, driver, cmdline, cpu, "
				"nvme, sata, part, mount, swap, modules)", w[0]);
	e->kind = kws[k].kind;
	switch (e->kind) {
	case FN:
		r = parse_fn(s, line, w, n, e);
		return r < 0 ? r : check_unique(s, e);
	case DRIVER:
		if (n != 2)
			return bad_line(s, line, "usage: driver NAME");
		return parse_driver_name(s, line, w[1], &e->text);
	case NVME:
	case SATA:
		return parse_disk(s, line, w, n, e);
	case PART:
		return parse_part(s, line, w, n, e);
	case MOUNT:
		return parse_mount(s, line, w, n, e);
	case SWAP:
		return parse_swap(s, line, w, n, e);
	case MODULES:
		if (n != 2 || !driver_name_ok(w[1]))
			return bad_line(s, line, "usage: modules RELEASE (one path component)");
		e->text = strdup(w[1]);
		return e->text ? 0 : -ENOMEM;
	default:
		return -EINVAL;
	}
}

/* @a is @b or behind it. */
static bool behind(const struct spec *s, size_t a, size_t b)
{
	for (size_t depth = 0; a != SIZE_MAX && depth <= s->n; depth++) {
		if (a == b)
			return true;
		a = s->entries[a].parent;
	}
	return false;
}

/*
 * A line that names a function or disk of a later line: applied in order,
 * it would not find it in ROOT.
 */
static int check_order(const struct spec *s)
{
	for (size_t i = 0; i < s->n; i++) {
		const struct entry *e = &s->entries[i];
		struct fakesys_fn a = { 0 };
		const char *name = NULL, *what = "function";

		if (e->kind == FN && e->fn.parent && e->parent == SIZE_MAX) {
			name = e->fn.parent;
			what = "parent";
		} else if (e->kind == NVME || e->kind == SATA) {
			name = e->text2;
		} else if (e->kind == PART) {
			name = e->text2;
			what = "disk";
		}
		if (!name)
			continue;
		for (size_t j = i + 1; j < s->n; j++) {
			const struct entry *o = &s->entries[j];

			if (e->kind == PART ? (o->kind == NVME || o->kind == SATA) &&
					      strcmp(o->text, name) == 0
					    : o->kind == FN && parse_addr(s, 0, name, &a) == 0 &&
					      same_addr(&o->fn, &a))
				return bad_line(s, e->line, "%s %s is on line %u: declare it first", what,
						name, o->line);
		}
	}
	return 0;
}

/*
 * What needs the whole spec: a bridge's subordinate bus, by default the
 * highest bus behind it; and every function on a bus behind a bridge of
 * the spec has to name its parent.
 */
static int check_buses(const struct spec *s)
{
	/* Children come after their parents: from the end, each bridge's range is final
	 * before it is passed up. */
	for (size_t i = s->n; i-- > 0;) {
		struct entry *e = &s->entries[i];
		struct entry *pe;
		unsigned top;

		if (e->kind != FN || e->parent == SIZE_MAX)
			continue;
		pe = &s->entries[e->parent];
		top = e->fn.bridge ? e->fn.subordinate : e->fn.bus;
		if (top <= pe->fn.subordinate)
			continue;
		if (pe->has_subordinate)
			return bad_line(s, pe->line, "subordinate bus %02x below bus %02x of line %u "
					"behind it", pe->fn.subordinate, top, e->line);
		pe->fn.subordinate = (uint8_t)top;
	}
	/* Bus ranges nest or are apart, as bus numbering makes them. */
	for (size_t i = 0; i < s->n; i++) {
		const struct entry *a = &s->entries[i];

		if (a->kind != FN || !a->fn.bridge)
			continue;
		for (size_t j = i + 1; j < s->n; j++) {
			const struct entry *b = &s->entries[j];

			if (b->kind == FN && b->fn.bridge && b->fn.domain == a->fn.domain &&
			    b->fn.secondary <= a->fn.subordinate &&
			    a->fn.secondary <= b->fn.subordinate && !behind(s, j, i))
				return bad_line(s, b->line, "buses %02x-%02x overlap %02x-%02x of the "
						"bridge on line %u", b->fn.secondary,
						b->fn.subordinate, a->fn.secondary,
						a->fn.subordinate, a->line);
		}
	}
	for (size_t i = 0; i < s->n; i++) {
		const struct entry *e = &s->entries[i];

		if (e->kind != FN || e->parent != SIZE_MAX || e->fn.parent)
			continue;
		for (size_t j = 0; j < s->n; j++) {
			const struct entry *b = &s->entries[j];

			if (b->kind == FN && b->fn.bridge && b->fn.domain == e->fn.domain &&
			    e->fn.bus >= b->fn.secondary && e->fn.bus <= b->fn.subordinate)
				return bad_line(s, e->line, "bus %02x is behind the bridge on line %u "
						"(%02x-%02x): give the function parent=", e->fn.bus,
						b->line, b->fn.secondary, b->fn.subordinate);
		}
	}
	return 0;
}

static int read_spec(struct spec *s, FILE *f)
{
	char *buf = NULL;
	size_t size = 0;
	ssize_t len;
	unsigned line = 0;
	int r = 0;

	while (r == 0 && (len = getline(&buf, &size, f)) >= 0) {
		line++;
		if (memchr(buf, '\0', (size_t)len))
			r = bad_line(s, line, "NUL byte in line");
		else
			r = parse_line(s, line, buf);
	}
	if (r == 0 && ferror(f)) {
		r = -EIO;
		fprintf(stderr, "mkfakesys: %s: read error\n", s->name);
	}
	if (r == 0)
		r = check_order(s);
	if (r == 0)
		r = check_buses(s);
	free(buf);
	return r;
}

static int apply_entry(const struct spec *s, const struct entry *e, const char *root)
{
	const struct fakesys_fn *fn = &e->fn;
	int r = 0;

	switch (e->kind) {
	case FN:
		r = fakesys_add_function(root, fn);
		if (r < 0)
			bad_line(s, e->line, "cannot add %04x:%02x:%02x.%x: %s",
				 (unsigned)fn->domain, fn->bus, fn->dev, fn->fn,
				 r == -EEXIST ? "already there" : strerror(-r));
		break;
	case DRIVER:
		r = fakesys_add_driver(root, e->text);
		if (r < 0)
			bad_line(s, e->line, "cannot add driver %s: %s", e->text, strerror(-r));
		break;
	case CMDLINE:
		r = fakesys_set_cmdline(root, e->text);
		if (r < 0)
			bad_line(s, e->line, "cannot write proc/cmdline: %s", strerror(-r));
		break;
	case CPU:
		r = fakesys_set_cpu(root, e->text2, e->major, e->minor, e->text);
		if (r < 0)
			bad_line(s, e->line, "cannot write proc/cpuinfo: %s", strerror(-r));
		break;
	case NVME:
	case SATA:
		r = fakesys_add_disk(root, e->kind == NVME ? FAKESYS_NVME : FAKESYS_SATA, e->text2,
				     e->text, e->major, e->minor, e->num);
		if (r < 0)
			bad_line(s, e->line, "cannot add disk %s behind %s: %s", e->text, e->text2,
				 strerror(-r));
		break;
	case PART:
		r = fakesys_add_partition(root, e->text2, e->text, e->major, e->minor, e->num);
		if (r < 0)
			bad_line(s, e->line, "cannot add partition %s of %s: %s", e->text, e->text2,
				 strerror(-r));
		break;
	case MOUNT:
		r = fakesys_add_mount(root, e->major, e->minor, e->text, e->text2, e->text3);
		if (r < 0)
			bad_line(s, e->line, "cannot add mount %s: %s", e->text, strerror(-r));
		break;
	case SWAP:
		r = fakesys_add_swap(root, e->text, e->num);
		if (r < 0)
			bad_line(s, e->line, "cannot add swap %s: %s", e->text, strerror(-r));
		break;
	case MODULES:
		r = fakesys_set_modules(root, e->text);
		if (r < 0)
			bad_line(s, e->line, "cannot set up modules %s: %s", e->text, strerror(-r));
		break;
	}
	return r;
}

static int apply(const struct spec *s, const char *root)
{
	int r;

	r = fakesys_init(root);
	if (r < 0) {
		fprintf(stderr, "mkfakesys: cannot set up %s: %s\n", root, strerror(-r));
		return r;
	}
	for (size_t i = 0; i < s->n && r == 0; i++)
		r = apply_entry(s, &s->entries[i], root);
	return r;
}

static void usage(FILE *out)
{
	fputs("Usage: mkfakesys ROOT SPEC\n"
	      "Build a fake sysfs under ROOT from SPEC (a file, or - for stdin).\n"
	      "Spec lines:\n"
	      "  fn DDDD:BB:DD.F VVVV:DDDD [sub=SVVV:SDDD] [class=CCCCCC] [rev=NN]\n"
	      "     [driver=NAME] [group=N] [pcie] [boot_vga=0|1] [reset=M[,M...]]\n"
	      "     [bridge secondary=BB [subordinate=BB]] [parent=DDDD:BB:DD.F]\n"
	      "  driver NAME\n"
	      "  cmdline TEXT...\n"
	      "  cpu AuthenticAMD|GenuineIntel FAMILY:MODEL NAME...\n"
	      "  nvme DDDD:BB:DD.F NAME MAJ:MIN [size=SECTORS]\n"
	      "  sata DDDD:BB:DD.F NAME MAJ:MIN [size=SECTORS]\n"
	      "  part DISK NAME MAJ:MIN [size=SECTORS]\n"
	      "  mount MAJ:MIN MOUNTPOINT FSTYPE SOURCE\n"
	      "  swap PATH KIB\n"
	      "  modules RELEASE\n", out);
}

int main(int argc, char **argv)
{
	struct spec s = { 0 };
	FILE *f;
	int r;

	if (argc == 2 && (strcmp(argv[1], "-h") == 0 || strcmp(argv[1], "--help") == 0)) {
		usage(stdout);
		return 0;
	}
	if (argc != 3) {
		usage(stderr);
		return 2;
	}
	if (strcmp(argv[2], "-") == 0) {
		s.name = "<stdin>";
		f = stdin;
	} else {
		s.name = argv[2];
		f = fopen(argv[2], "re");
		if (!f) {
			fprintf(stderr, "mkfakesys: %s: %s\n", argv[2], strerror(errno));
			return 1;
		}
	}
	r = read_spec(&s, f);
	if (f != stdin)
		fclose(f);
	if (r == -ENOMEM)
		fprintf(stderr, "mkfakesys: out of memory\n");
	if (r == 0)
		r = apply(&s, argv[1]);
	for (size_t i = 0; i < s.n; i++) {
		free(s.entries[i].text);
		free(s.entries[i].text2);
		free(s.entries[i].text3);
	}
	free(s.entries);
	return r < 0 ? 1 : 0;
}
