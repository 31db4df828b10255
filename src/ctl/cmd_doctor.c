// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * earlybindctl doctor: the checks that explain a failed passthrough, from
 * the firmware's IOMMU to the manifest in the initramfs, one line each.
 */
#include <ctype.h>
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "ctl.h"
#include "host.h"
#include "initrd.h"
#include "kargs.h"
#include "modalias.h"
#include "modname.h"
#include "readfile.h"
#include "rootpath.h"
#include "vfio_driver.h"

static const char doctor_usage[] =
	"Usage: earlybindctl doctor\n\n"
	"The checks that explain a failed passthrough, one line each,\n"
	"  ok|warn|fail  WHAT  (WHAT TO DO)\n"
	"on the IOMMU, the CPU's virtualisation, kernel arguments that do nothing or\n"
	"are misspelt, vfio_virqfd on kernels from 6.2 on, manifest lines that take the\n"
	"system's disk or whose function is gone, IOMMU groups that are not viable, BARs\n"
	"the firmware framebuffer holds, vfio-pci, the manifest in the initramfs, and\n"
	"libvirt domains with managed='yes' on a function the manifest puts on pci-stub.\n"
	"-q prints warn and fail lines only.\n"
	"Exit 0 when nothing fails (warnings do not), 1 when something does.\n";

/* The hint for every stale or missing initramfs. */
#define REBUILD_HINT "dracut -f (or earlybindctl apply)"

enum level { DOC_OK, DOC_WARN, DOC_FAIL };

struct doctor {
	struct ctl *c;
	struct ctl_machine m;
	struct host_cpu cpu;
	bool have_cpuinfo;
	bool have_cmdline;
	struct kargs cmdline;
	char release[128]; /* "" when unknown */
	unsigned fails;
};

__attribute__((format(printf, 4, 5)))
static void say(struct doctor *d, enum level l, const char *hint, const char *fmt, ...)
{
	static const char *const word[] = { "ok", "warn", "fail" };
	static const enum ctl_color color[] = { CTL_GREEN, CTL_YELLOW, CTL_RED };
	va_list ap;

	if (l == DOC_FAIL)
		d->fails++;
	if (l == DOC_OK && d->c->quiet)
		return;
	printf("%s%-4s%s  ", ctl_color(d->c, color[l]), word[l], ctl_color(d->c, CTL_RESET));
	/* Names, paths and command lines from the machine: ctl_text() for all of it. */
	va_start(ap, fmt);
	ctl_vprint_text(stdout, fmt, ap);
	va_end(ap);
	if (l != DOC_OK && hint)
		printf("  (%s)", ctl_text(stdout, hint));
	putchar('\n');
}

/* Is @w one of the words of @list, split at any of @seps? */
static bool has_word(const char *list, const char *seps, const char *w)
{
	size_t wl = strlen(w);

	for (const char *p = list; *p;) {
		size_t n = strcspn(p, seps);

		if (n == wl && strncmp(p, w, n) == 0)
			return true;
		p += n;
		if (*p)
			p++;
	}
	return false;
}

/* Is the @len bytes at @s module or parameter name @name ('-' and '_' alike)? */
static bool name_is(const char *s, size_t len, const char *name)
{
	return modname_eq(s, len, name, strlen(name));
}

/* 1 for a kernel release from 6.2 on, 0 before, -EINVAL when it is not a version. */
static int release_has_no_virqfd(const char *release)
{
	unsigned major, minor;

	if (sscanf(release, "%u.%u", &major, &minor) != 2)
		return -EINVAL;
	return major > 6 || (major == 6 && minor >= 2);
}

static bool is_word_char(char c)
{
	return isalnum((unsigned char)c) || c == '_' || c == '-';
}

/*
 * Does the line name vfio_virqfd (or vfio-virqfd) as a word, outside a
 * comment?  Good enough for dracut.conf (shell) and modules-load.d alike.
 */
static bool names_virqfd(const char *line)
{
	for (const char *p = line; *p; p++) {
		if ((*p == '#' || (*p == ';' && p == line + strspn(line, " \t"))) &&
		    (p == line || isspace((unsigned char)p[-1])))
			return false;
		if ((p == line || !is_word_char(p[-1])) &&
		    (strncmp(p, "vfio_virqfd", 11) == 0 || strncmp(p, "vfio-virqfd", 11) == 0) &&
		    !is_word_char(p[11]))
			return true;
	}
	return false;
}

/* Reports each line of @file (under the root) that asks for vfio_virqfd; how many. */
static unsigned virqfd_in_file(struct doctor *d, const char *file, enum level l,
			       const char *what)
{
	char path[PATH_MAX], *line = NULL;
	unsigned n = 0, lineno = 0;
	size_t size = 0;
	FILE *f;

	if (root_path(path, sizeof(path), d->c->root, file) < 0)
		return 0;
	f = fopen(path, "re");
	if (!f)
		return 0;
	while (getline(&line, &size, f) >= 0) {
		lineno++;
		if (!names_virqfd(line))
			continue;
		n++;
		if (l != DOC_OK)
			say(d, l, "merged into vfio in 6.2; remove it",
			    "%s:%u: asks for vfio_virqfd, which %s", file, lineno, what);
	}
	free(line);
	fclose(f);
	return n;
}

static int conf_file(const struct dirent *e)
{
	size_t n = strlen(e->d_name);

	return e->d_name[0] != '.' && n > 5 && strcmp(e->d_name + n - 5, ".conf") == 0;
}

/* virqfd_in_file() on every DIR/\*.conf, in the order the tools read them. */
static unsigned virqfd_in_dir(struct doctor *d, const char *dir, enum level l,
			      const char *what)
{
	char path[PATH_MAX], file[PATH_MAX];
	struct dirent **names;
	unsigned n = 0;
	int count;

	if (root_path(path, sizeof(path), d->c->root, dir) < 0)
		return 0;
	count = scandir(path, &names, conf_file, alphasort);
	if (count < 0)
		return 0;
	for (int i = 0; i < count; i++) {
		if (snprintf(file, sizeof(file), "%s/%s", dir, names[i]->d_name) <
		    (int)sizeof(file))
			n += virqfd_in_file(d, file, l, what);
		free(names[i]);
	}
	free(names);
	return n;
}

/* 1. No IOMMU, no passthrough; the firmware setting is the usual cause. */
static void check_iommu(struct doctor *d)
{
	const struct pcidev_list *l = &d->m.devs;
	char path[PATH_MAX], first[256] = "";
	size_t groups = 0;
	const char *hint;

	for (size_t i = 0; i < l->n; i++) {
		size_t j;

		if (l->devs[i].iommu_group < 0)
			continue;
		for (j = 0; j < i && l->devs[j].iommu_group != l->devs[i].iommu_group; j++)
			;
		groups += j == i;
	}
	if (groups) {
		say(d, DOC_OK, NULL, "the IOMMU is on: %zu IOMMU group%s", groups,
		    groups == 1 ? "" : "s");
		return;
	}
	if (root_path(path, sizeof(path), d->c->root, "/sys/class/iommu") == 0) {
		DIR *dir = opendir(path);
		struct dirent *e;

		while (dir && !first[0] && (e = readdir(dir)))
			if (e->d_name[0] != '.')
				snprintf(first, sizeof(first), "%s", e->d_name);
		if (dir)
			closedir(dir);
	}
	if (first[0]) {
		say(d, DOC_OK, NULL, "the IOMMU is on: /sys/class/iommu has %s", first);
		return;
	}
	if (d->cpu.vendor == CPU_AMD)
		hint = "enable SVM and IOMMU in the firmware setup";
	else if (d->cpu.vendor == CPU_INTEL && !kargs_has(&d->cmdline, "intel_iommu=on"))
		hint = "enable VT-d in the firmware setup and add intel_iommu=on to the kernel "
		       "command line";
	else if (d->cpu.vendor == CPU_INTEL)
		hint = "enable VT-d in the firmware setup";
	else
		hint = "enable the IOMMU in the firmware setup (AMD: SVM and IOMMU; Intel: VT-d, "
		       "and intel_iommu=on)";
	say(d, DOC_FAIL, hint, "the IOMMU is off: no PCI function has an IOMMU group");
}

/* 2. Without svm or vmx the guest cannot run under KVM at all. */
static void check_virt(struct doctor *d)
{
	const char *hint;

	if (!d->have_cpuinfo) {
		say(d, DOC_WARN, "is /proc mounted?", "cannot read /proc/cpuinfo");
		return;
	}
	if (d->cpu.virt_flag) {
		say(d, DOC_OK, NULL, "the CPU has hardware virtualisation (%s)", d->cpu.virt_flag);
		return;
	}
	if (d->cpu.vendor == CPU_AMD)
		hint = "enable SVM Mode in the firmware setup";
	else if (d->cpu.vendor == CPU_INTEL)
		hint = "enable Intel Virtualization Technology (VT-x) in the firmware setup";
	else
		hint = "enable SVM (AMD) or VT-x (Intel) in the firmware setup";
	say(d, DOC_WARN, hint, "the CPU reports neither svm nor vmx: KVM cannot run a guest");
}

/* 3. Arguments copied from guides that the kernel takes and ignores. */
static void check_kargs(struct doctor *d)
{
	unsigned n = 0;

	if (!d->have_cmdline) {
		say(d, DOC_WARN, "is /proc mounted?", "cannot read /proc/cmdline");
		return;
	}
	for (size_t i = 0; i < d->cmdline.n; i++) {
		const char *t = d->cmdline.v[i];
		size_t key = kargs_key_len(t);
		const char *val = t[key] == '=' ? t + key + 1 : NULL;
		const char *dot = memchr(t, '.', key);

		if (val && name_is(t, key, "amd_iommu") &&
		    (has_word(val, ",", "on") || has_word(val, ",", "pt"))) {
			n++;
			say(d, DOC_WARN, "not an option of the AMD IOMMU driver; remove it: "
			    "iommu=pt is the real one",
			    "%s on the kernel command line does nothing", t);
		} else if (dot && (name_is(t, key, "vfio_pci.id") ||
				   name_is(t, key, "pci_stub.id"))) {
			char hint[128];

			n++;
			snprintf(hint, sizeof(hint), "the parameter is %.*s.ids=",
				 (int)(dot - t), t);
			say(d, DOC_FAIL, hint,
			    "%s on the kernel command line is misspelt: %.*s has no parameter "
			    "'id'", t, (int)(dot - t), t);
		} else if (d->cpu.vendor == CPU_AMD && strcmp(t, "intel_iommu=on") == 0) {
			n++;
			say(d, DOC_WARN, "remove it; the AMD IOMMU is on when the firmware "
			    "enables it", "intel_iommu=on does nothing on an AMD CPU");
		}
	}
	if (!n)
		say(d, DOC_OK, NULL,
		    "no kernel argument that does nothing or is misspelt");
}

/* 4. Since 6.2 there is no vfio_virqfd module: asking for it stops the boot. */
static void check_virqfd(struct doctor *d)
{
	static const char *const dirs[] = { "/etc/dracut.conf.d", "/etc/modules-load.d" };
	/* Debian's initramfs-tools and /etc/modules, where guides also put it. */
	static const char *const files[] = { "/etc/dracut.conf", "/etc/modules",
					     "/etc/initramfs-tools/modules" };
	char what[192];
	unsigned n = 0;
	enum level l;
	int gone;

	if (!d->release[0]) {
		say(d, DOC_WARN, "is /proc mounted?", "cannot read /proc/sys/kernel/osrelease");
		return;
	}
	gone = release_has_no_virqfd(d->release);
	/* A release that is no version: say what is found, without failing. */
	l = gone > 0 ? DOC_FAIL : gone < 0 ? DOC_WARN : DOC_OK;
	if (gone < 0)
		snprintf(what, sizeof(what), "kernels from 6.2 on do not have");
	else
		snprintf(what, sizeof(what), "kernel %s does not have", d->release);
	for (size_t i = 0; d->have_cmdline && i < d->cmdline.n; i++) {
		const char *t = d->cmdline.v[i];
		size_t key = kargs_key_len(t);

		if (t[key] != '=' || key != 13 || strncmp(t, "rd.driver.pre", 13) != 0 ||
		    !(has_word(t + key + 1, ",", "vfio_virqfd") ||
		      has_word(t + key + 1, ",", "vfio-virqfd")))
			continue;
		n++;
		if (l != DOC_OK)
			say(d, l, "merged into vfio in 6.2; remove it",
			    "%s on the kernel command line asks for vfio_virqfd, which %s", t,
			    what);
	}
	for (size_t i = 0; i < sizeof(dirs) / sizeof(*dirs); i++)
		n += virqfd_in_dir(d, dirs[i], l, what);
	for (size_t i = 0; i < sizeof(files) / sizeof(*files); i++)
		n += virqfd_in_file(d, files[i], l, what);
	if (!n)
		say(d, DOC_OK, NULL, "nothing asks for vfio_virqfd");
	else if (l == DOC_OK)
		say(d, DOC_OK, NULL, "vfio_virqfd is asked for, and kernel %s has it",
		    d->release);
}

static void report_system_claim(void *userdata, const struct ctl_system_claim *sc)
{
	struct doctor *d = userdata;
	char what[1024], fix[128];

	ctl_system_claim_describe(sc, what, sizeof(what), fix, sizeof(fix));
	say(d, DOC_FAIL, fix, CTL_MANIFEST ":%u: %s: the system runs from that disk, and at "
	    "boot earlybind would take it away", sc->e->line, what);
}

/* An address line whose function is gone, or has another id: 1 when said, else 0. */
static unsigned check_entry(struct doctor *d, const struct manifest_entry *e)
{
	enum level l = e->options & MANIFEST_OPT_OPTIONAL ? DOC_WARN : DOC_FAIL;
	const struct pcidev *dev = pcidev_find(&d->m.devs, &e->addr);
	char a[PCI_ADDR_STRLEN], desc[400], want[PCI_ID_STRLEN], hint[256];
	struct pci_id id;

	pci_addr_format(&e->addr, a);
	if (!dev) {
		snprintf(hint, sizeof(hint), "the card is gone or moved: 'earlybindctl list' "
			 "shows the functions; 'earlybindctl remove %s' drops the line", a);
		say(d, l, hint, CTL_MANIFEST ":%u: no function at %s%s", e->line, a,
		    l == DOC_WARN ? " (optional)" : "");
		return 1;
	}
	ctl_pci_id(dev, &id);
	if (manifest_entry_id_matches(e, &id))
		return 0;
	ctl_describe(dev, desc, sizeof(desc));
	pci_id_format(&e->id, want);
	snprintf(hint, sizeof(hint), "another card in that slot? 'earlybindctl remove %s', "
		 "then 'earlybindctl add %s'", a, a);
	say(d, l, hint, CTL_MANIFEST ":%u: wants id %s%s, but the function is %s", e->line,
	    want, l == DOC_WARN ? " (optional)" : "", desc);
	return 1;
}

/*
 * 5. A line that takes the system's disk (edited in by hand, or the disk
 * moved); a line earlybind skips: the function moved, or another card took
 * its slot.
 */
static void check_manifest(struct doctor *d)
{
	const struct manifest *mf = &d->m.manifest;
	unsigned n = 0;

	n += (unsigned)ctl_system_claims(&d->m, NULL, report_system_claim, d);
	if (d->m.manifest_bad) {
		n++;
		say(d, DOC_FAIL, "fix them; earlybind.conf(5) has the format",
		    CTL_MANIFEST " has %d bad line%s (above): earlybind skips them",
		    d->m.manifest_bad, d->m.manifest_bad == 1 ? "" : "s");
	}
	if (!mf->n_entries) {
		if (!n)
			say(d, DOC_WARN, "earlybindctl add DEVICE",
			    "the manifest (" CTL_MANIFEST ") claims nothing");
		return;
	}
	for (size_t i = 0; i < mf->n_entries; i++)
		if (!mf->entries[i].any_addr)
			n += check_entry(d, &mf->entries[i]);
	if (!n)
		say(d, DOC_OK, NULL, "the manifest's %zu entr%s name%s functions that are here, "
		    "with their ids", mf->n_entries, mf->n_entries == 1 ? "y" : "ies",
		    mf->n_entries == 1 ? "s" : "");
}

static bool claimed(const struct ctl_machine *m, const struct pcidev *dev)
{
	bool mismatch;

	return ctl_manifest_entry(m, dev, &mismatch) && !mismatch;
}

/* 6. vfio refuses a group while a member is on a driver that does DMA. */
static void check_groups(struct doctor *d)
{
	const struct pcidev_list *l = &d->m.devs;
	bool any_group = false;
	unsigned n = 0;

	for (size_t i = 0; i < l->n; i++)
		any_group |= l->devs[i].iommu_group >= 0;
	/* Without groups check_iommu() has said all there is to say. */
	if (!any_group)
		return;
	for (size_t i = 0; i < l->n; i++) {
		const struct pcidev *dev = &l->devs[i];
		char a[PCI_ADDR_STRLEN];
		size_t j;

		if (dev->iommu_group < 0 || !claimed(&d->m, dev))
			continue;
		/* Each group once, for its first claimed function. */
		for (j = 0; j < i; j++)
			if (l->devs[j].iommu_group == dev->iommu_group && claimed(&d->m, &l->devs[j]))
				break;
		if (j < i)
			continue;
		pci_addr_format(&dev->addr, a);
		for (j = 0; j < l->n; j++) {
			const struct pcidev *o = &l->devs[j];
			char desc[400], oa[PCI_ADDR_STRLEN], hint[160];

			if (j == i || o->iommu_group != dev->iommu_group ||
			    ctl_member_leaves_group_viable(&d->m, o))
				continue;
			n++;
			ctl_describe(o, desc, sizeof(desc));
			pci_addr_format(&o->addr, oa);
			if (claimed(&d->m, o))
				snprintf(hint, sizeof(hint), "its manifest line keeps it on a host "
					 "driver: earlybindctl add %s --driver vfio-pci", oa);
			else
				snprintf(hint, sizeof(hint), "claim it too: earlybindctl add %s", oa);
			say(d, DOC_FAIL, hint, "IOMMU group %d of %s is not viable: %s is on %s",
			    dev->iommu_group, a, desc, o->driver);
		}
	}
	if (!n)
		say(d, DOC_OK, NULL, "no IOMMU group of a claimed function has a member on a "
		    "host driver");
}

struct fb_range {
	unsigned long long start, end;
	char name[64];
};

static bool is_firmware_fb(const char *name)
{
	static const char *const fbs[] = { "efifb", "simple-framebuffer", "simpledrm", "vesafb",
					   "BOOTFB" };

	for (size_t i = 0; i < sizeof(fbs) / sizeof(*fbs); i++)
		if (strstr(name, fbs[i]))
			return true;
	return false;
}

/*
 * The framebuffer ranges of ROOT/proc/iomem in *@out (malloc'ed); *@hidden
 * when every address reads 0 (not root: the kernel hides them).  0 or -errno.
 */
static int read_fb_ranges(const char *root, struct fb_range **out, size_t *n, bool *hidden)
{
	char path[PATH_MAX], *line = NULL;
	size_t size = 0, alloc = 0, lines = 0, nonzero = 0;
	struct fb_range *v = NULL;
	int r = 0;
	FILE *f;

	*out = NULL;
	*n = 0;
	r = root_path(path, sizeof(path), root, "/proc/iomem");
	if (r < 0)
		return r;
	f = fopen(path, "re");
	if (!f)
		return -errno;
	while (getline(&line, &size, f) >= 0) {
		unsigned long long s, e;
		int pos = -1;

		if (sscanf(line, " %llx-%llx : %n", &s, &e, &pos) != 2 || pos < 0)
			continue;
		lines++;
		nonzero += s || e;
		line[strcspn(line, "\n")] = '\0';
		if (!is_firmware_fb(line + pos) || (!s && !e))
			continue;
		if (*n == alloc) {
			struct fb_range *nv = realloc(v, (alloc = alloc ? 2 * alloc : 4) * sizeof(*v));

			if (!nv) {
				r = -ENOMEM;
				break;
			}
			v = nv;
		}
		v[*n].start = s;
		v[*n].end = e;
		snprintf(v[*n].name, sizeof(v[*n].name), "%s", line + pos);
		(*n)++;
	}
	free(line);
	fclose(f);
	if (r < 0) {
		free(v);
		*n = 0;
		return r;
	}
	*hidden = lines && !nonzero;
	*out = v;
	return 0;
}

/* The memory BARs of @dev that a firmware framebuffer range holds, each said; how many. */
static unsigned bars_held(struct doctor *d, const struct pcidev *dev, const struct fb_range *fb,
			  size_t nfb)
{
	char path[PATH_MAX], line[256], desc[400];
	unsigned n = 0;
	FILE *f;

	if (snprintf(path, sizeof(path), "%s/resource", dev->syspath) >= (int)sizeof(path))
		return 0;
	f = fopen(path, "re");
	if (!f)
		return 0;
	/* Lines 0-5 are the BARs: "0xSTART 0xEND 0xFLAGS". */
	for (int bar = 0; bar < 6 && fgets(line, sizeof(line), f); bar++) {
		unsigned long long s, e, flags;

		/* IORESOURCE_MEM: I/O ports are not in /proc/iomem's space. */
		if (sscanf(line, "%llx %llx %llx", &s, &e, &flags) != 3 || !(flags & 0x200) ||
		    e <= s)
			continue;
		for (size_t k = 0; k < nfb; k++) {
			if (fb[k].start > e || s > fb[k].end)
				continue;
			n++;
			ctl_describe(dev, desc, sizeof(desc));
			say(d, DOC_FAIL, "add video=efifb:off initcall_blacklist=sysfb_init to the "
			    "kernel command line", "%s: BAR %d (%llx-%llx) is held by the firmware "
			    "framebuffer (%s)", desc, bar, s, e, fb[k].name);
		}
	}
	fclose(f);
	return n;
}

/* 7. "BAR 0: can't reserve": efifb or simpledrm still holds the GPU's memory. */
static void check_framebuffer(struct doctor *d)
{
	const struct pcidev_list *l = &d->m.devs;
	struct fb_range *fb;
	size_t nfb;
	bool hidden = false, any = false;
	unsigned n = 0;
	int r;

	for (size_t i = 0; i < l->n && !any; i++)
		any = claimed(&d->m, &l->devs[i]);
	if (!any) {
		say(d, DOC_OK, NULL, "no claimed function, no BAR to check");
		return;
	}
	r = read_fb_ranges(d->c->root, &fb, &nfb, &hidden);
	if (r < 0) {
		say(d, DOC_WARN, NULL, "cannot read /proc/iomem: %s", strerror(-r));
		return;
	}
	if (hidden)
		say(d, DOC_WARN, "run it as root", "/proc/iomem shows no addresses: cannot "
		    "tell whether the firmware framebuffer holds a claimed BAR");
	for (size_t i = 0; i < l->n && !hidden; i++)
		if (claimed(&d->m, &l->devs[i]))
			n += bars_held(d, &l->devs[i], fb, nfb);
	free(fb);
	if (!n && !hidden)
		say(d, DOC_OK, NULL, "the firmware framebuffer holds no BAR of a claimed function");
}

static void check_one_driver(struct doctor *d, const char *name)
{
	char file[PATH_MAX], hint[256];

	if (modalias_builtin(d->m.kmod, name) == 1) {
		say(d, DOC_OK, NULL, "%s is built into kernel %s", name, d->release);
		return;
	}
	if (modalias_module_file(d->m.kmod, name, file, sizeof(file)) == 1) {
		say(d, DOC_OK, NULL, "%s is a module of kernel %s: %s", name, d->release, file);
		return;
	}
	snprintf(hint, sizeof(hint), "install the modules of kernel %s, or a kernel that has %s",
		 d->release, name);
	say(d, DOC_FAIL, hint, "kernel %s has no %s: neither built in nor a module in "
	    "/lib/modules/%s", d->release, name, d->release);
}

/* 8. vfio-pci, and every other driver the manifest names, in the running kernel. */
static void check_drivers(struct doctor *d)
{
	const struct manifest *mf = &d->m.manifest;

	if (!d->release[0]) {
		say(d, DOC_WARN, "is /proc mounted?", "cannot read /proc/sys/kernel/osrelease");
		return;
	}
	check_one_driver(d, "vfio-pci");
	for (size_t i = 0; i < mf->n_entries; i++) {
		const char *drv = mf->entries[i].driver;
		size_t j;

		if (name_is(drv, strlen(drv), "vfio-pci"))
			continue;
		for (j = 0; j < i; j++)
			if (name_is(drv, strlen(drv), mf->entries[j].driver))
				break;
		if (j == i)
			check_one_driver(d, drv);
	}
}

/* The whole of a small file under the root; "" when it does not exist. */
static int read_small_file(const char *root, const char *file, char **out, size_t *len)
{
	int fd, r;

	*out = NULL;
	*len = 0;
	r = root_open(root, file, O_RDONLY | O_NONBLOCK | O_NOCTTY, &fd);
	if (r < 0)
		return r == -ENOENT ? 0 : r;
	r = file_read_fd(fd, MANIFEST_MAX_SIZE, out, len);
	close(fd);
	return r;
}

/* Says why initrd_find() failed on @shown; false for -ENOENT, which the caller explains. */
static bool initrd_error(struct doctor *d, int r, const char *shown)
{
	if (r == -EMEDIUMTYPE)
		say(d, DOC_WARN, "lsinitrd | grep earlybind",
		    "cannot inspect a compressed initramfs: %s", shown);
	else if (r == -EBADMSG)
		say(d, DOC_WARN, "lsinitrd | grep earlybind; dracut -f rebuilds it",
		    "%s is not a cpio archive that can be read", shown);
	else if (r < 0 && r != -ENOENT)
		say(d, DOC_WARN, NULL, "cannot read %s: %s", shown, strerror(-r));
	return r < 0 && r != -ENOENT;
}

/* 9. earlybind binds from the initramfs, with the manifest it was built with. */
static void check_initramfs(struct doctor *d)
{
	char img[2][PATH_MAX], path[PATH_MAX], *in = NULL, *cur = NULL;
	size_t in_len, cur_len;
	const char *shown = NULL;
	int r;

	if (!d->release[0]) {
		say(d, DOC_WARN, "is /proc mounted?", "cannot read /proc/sys/kernel/osrelease");
		return;
	}
	/* Debian's name, then Fedora's. */
	snprintf(img[0], sizeof(img[0]), "/boot/initrd.img-%s", d->release);
	snprintf(img[1], sizeof(img[1]), "/boot/initramfs-%s.img", d->release);
	for (int i = 0; i < 2 && !shown; i++)
		if (root_path(path, sizeof(path), d->c->root, img[i]) == 0 &&
		    access(path, F_OK) == 0)
			shown = img[i];
	if (!shown) {
		say(d, DOC_WARN, "one elsewhere (a UKI, ostree)? lsinitrd | grep earlybind",
		    "no initramfs for kernel %s: neither %s nor %s", d->release, img[0],
		    img[1]);
		return;
	}
	/* Merged /usr has sbin -> usr/sbin; an older layout has sbin/earlybind. */
	r = initrd_find(path, "usr/sbin/earlybind", NULL, NULL);
	if (r == -ENOENT)
		r = initrd_find(path, "sbin/earlybind", NULL, NULL);
	if (initrd_error(d, r, shown))
		return;
	if (r == -ENOENT) {
		/* The dracut module leaves itself out when the manifest claims nothing. */
		if (d->m.manifest.n_entries)
			say(d, DOC_FAIL, REBUILD_HINT, "the initramfs %s has no earlybind module",
			    shown);
		else
			say(d, DOC_OK, NULL, "the initramfs %s has no earlybind, and the manifest "
			    "claims nothing", shown);
		return;
	}
	r = initrd_find(path, "etc/earlybind.conf", &in, &in_len);
	if (initrd_error(d, r, shown))
		return;
	if (r == -ENOENT) {
		say(d, DOC_FAIL, REBUILD_HINT, "the initramfs %s has earlybind but no manifest",
		    shown);
		return;
	}
	r = read_small_file(d->c->root, "/etc/earlybind.conf", &cur, &cur_len);
	if (r < 0)
		say(d, DOC_WARN, NULL, "cannot read /etc/earlybind.conf: %s", strerror(-r));
	else if (cur_len != in_len || (in_len && memcmp(cur, in, in_len) != 0))
		say(d, DOC_FAIL, REBUILD_HINT, "the initramfs %s has an old manifest", shown);
	else
		say(d, DOC_OK, NULL, "the initramfs %s has earlybind and the current manifest",
		    shown);
	free(cur);
	free(in);
}

/* 10. libvirt's domains (vm_uses.c): managed='yes' on a pci-stub function. */
static void report_vm(void *userdata, int level, const char *hint, const char *text)
{
	say(userdata, (enum level)level, hint, "%s", text);
}

int cmd_doctor(struct ctl *c, int argc, char **argv)
{
	static const struct option opts[] = {
		CTL_COMMON_LONG,
		{ NULL, 0, NULL, 0 },
	};
	struct doctor d = { .c = c };
	char cmdline[8192];
	int opt, r;

	while ((opt = getopt_long(argc, argv, CTL_COMMON_SHORT, opts, NULL)) != -1) {
		if (ctl_common_option(c, opt, optarg, doctor_usage))
			continue;
		fputs(doctor_usage, stderr);
		return CTL_EXIT_USAGE;
	}
	if (optind != argc) {
		fputs(doctor_usage, stderr);
		return CTL_EXIT_USAGE;
	}
	r = ctl_machine_load(c, &d.m);
	if (r < 0)
		return CTL_EXIT_FAIL;
	/* One libkmod context for every driver check_drivers() looks up. */
	d.m.kmod = modalias_open(c->root);
	d.have_cpuinfo = host_cpu_read(c->root, &d.cpu) == 0;
	if (root_read_line(c->root, "/proc/cmdline", cmdline, sizeof(cmdline)) >= 0) {
		if (kargs_split(&d.cmdline, cmdline) < 0) {
			ctl_error("%s", strerror(ENOMEM));
			kargs_free(&d.cmdline);
			ctl_machine_free(&d.m);
			return CTL_EXIT_FAIL;
		}
		d.have_cmdline = true;
	}
	if (root_read_line(c->root, "/proc/sys/kernel/osrelease", d.release,
			   sizeof(d.release)) < 0)
		d.release[0] = '\0';

	check_iommu(&d);
	check_virt(&d);
	check_kargs(&d);
	check_virqfd(&d);
	check_manifest(&d);
	check_groups(&d);
	check_framebuffer(&d);
	check_drivers(&d);
	check_initramfs(&d);
	ctl_vm_doctor(c, &d.m, report_vm, &d);

	kargs_free(&d.cmdline);
	ctl_machine_free(&d.m);
	return d.fails ? CTL_EXIT_FAIL : CTL_EXIT_OK;
}
