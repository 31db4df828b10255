// SPDX-License-Identifier: GPL-2.0-or-later
/* earlybindctl add and remove: the manifest, edited safely. */
#include <errno.h>
#include <limits.h>
#include <stdlib.h>
#include <string.h>

#include "ctl.h"
#include "manifest_edit.h"
#include "rootpath.h"

static const char add_usage[] =
	"Usage: earlybindctl add DEVICE [--driver NAME] [--only] [--force]\n\n"
	"Claims DEVICE (an address, or a vendor:device id that names one function)\n"
	"for NAME (default vfio-pci) and, unless --only, the other functions of its\n"
	"card and the other endpoints of its IOMMU group.  Refuses the boot VGA device\n"
	"and a group shared with a chipset function unless --force, and a controller\n"
	"that holds /, /boot, /boot/efi, /usr, /var or swap always.\n\n"
	"Keep vfio-pci unless a tool asks for pci-stub: earlybind binds both before udev,\n"
	"so pci-stub holds a function no earlier, and a libvirt guest with managed='yes'\n"
	"hands a pci-stub function back to its host driver when it stops.\n";

/*
 * @arg for a message: bytes a terminal would act on (a newline, an escape)
 * as \xNN, cut to fit @size.
 */
static const char *shown_arg(const char *arg, char *buf, size_t size)
{
	size_t at = 0;

	for (; *arg && at + 8 < size; arg++) {
		unsigned char c = (unsigned char)*arg;

		if (c < 0x20 || c >= 0x7f)
			at += (size_t)snprintf(buf + at, size - at, "\\x%02x", c);
		else
			buf[at++] = (char)c;
	}
	snprintf(buf + at, size - at, "%s", *arg ? "..." : "");
	return buf;
}

/* Locks and reads the manifest; says why not, and returns an exit code. */
int open_manifest(const struct ctl *c, struct manifest_doc *doc, char *path,
			 size_t size)
{
	int r = ctl_manifest_path(c, path, size) < 0 ? -ENAMETOOLONG :
		manifest_doc_open(doc, c->root, "/etc/earlybind.conf");

	if (r == -EBADMSG)
		ctl_error("/etc/earlybind.conf:%u: contains a NUL byte; earlybindctl does not "
			  "rewrite such a file: remove the byte (tr -d '\\000') and try again",
			  doc->nul_line);
	else if (r == -EXDEV)
		ctl_error("%s: %s", path, root_strerror(r));
	else if (r < 0)
		ctl_error("%s: %s", path, manifest_file_strerror(r));
	return r < 0 ? CTL_EXIT_FAIL : 0;
}

/* Drivers that give up DMA ownership: their functions never block a group. */
static bool driver_managed_dma(const char *drv)
{
	static const char *const names[] = { "vfio-pci", "pci-stub", "pcieport" };

	if (!drv[0] || strncmp(drv, "vfio", 4) == 0)
		return true;
	for (size_t i = 0; i < sizeof(names) / sizeof(*names); i++)
		if (strcmp(drv, names[i]) == 0)
			return true;
	return false;
}

static bool same_card(const struct pcidev *a, const struct pcidev *b)
{
	return a->addr.domain == b->addr.domain && a->addr.bus == b->addr.bus &&
	       a->addr.dev == b->addr.dev;
}

/*
 * The functions add claims: @d, then (unless @only) every endpoint of the
 * same card or IOMMU group as one already in the set, until nothing is added.
 * Chipset functions (an SMBus in the group of the slot's root port) are
 * never taken along: the host keeps them, and refusals() names them.
 */
static size_t collect(const struct ctl_machine *m, const struct pcidev *d, bool only,
		      bool *in)
{
	size_t n = 1;
	bool grew = !only;

	in[d - m->devs.devs] = true;
	while (grew) {
		grew = false;
		for (size_t i = 0; i < m->devs.n; i++) {
			const struct pcidev *o = &m->devs.devs[i];

			if (in[i] || pcidev_is_bridge(o) ||
			    (verdict_own(&m->vc, o) & VERDICT_CHIPSET))
				continue;
			for (size_t k = 0; k < m->devs.n; k++) {
				const struct pcidev *s = &m->devs.devs[k];

				if (!in[k])
					continue;
				if (same_card(o, s) ||
				    (o->iommu_group >= 0 && o->iommu_group == s->iommu_group)) {
					in[i] = true;
					n++;
					grew = true;
					break;
				}
			}
		}
	}
	return n;
}

/* Why the host keeps a group member (a system disk is refused before this). */
static const char *kept_because(unsigned own)
{
	if (own & VERDICT_BOOT_VGA)
		return "the boot VGA device, the host's console";
	return "a chipset function";
}

/* The k-th function when it shares @d's IOMMU group and is not being claimed. */
static const struct pcidev *other_member(const struct ctl_machine *m, const bool *in,
					 const struct pcidev *d, size_t k, unsigned *own)
{
	const struct pcidev *o = &m->devs.devs[k];

	if (in[k] || o->iommu_group != d->iommu_group)
		return NULL;
	*own = verdict_own(&m->vc, o);
	return o;
}

/*
 * The members of @d's IOMMU group that add does not claim and that cannot
 * be handed to a guest: refused unless @force, and named either way.
 */
static int group_refusals(const struct ctl *c, const struct ctl_machine *m, const bool *in,
			  const struct pcidev *d, bool only, bool force)
{
	char desc[400], odesc[400];
	size_t nkept = 0;
	int r = 0;

	ctl_describe(d, desc, sizeof(desc));
	for (size_t k = 0; k < m->devs.n; k++) {
		unsigned oown;
		const struct pcidev *o = other_member(m, in, d, k, &oown);

		if (!o)
			continue;
		ctl_describe(o, odesc, sizeof(odesc));
		if (oown & VERDICT_SYSTEM_DISK) {
			ctl_error("refusing %s: its IOMMU group %d also holds %s, which holds %s "
				  "(--force does not change this)", desc, d->iommu_group, odesc,
				  m->vc.disks[k]);
			return CTL_EXIT_FAIL;
		}
		if (oown & (VERDICT_CHIPSET | VERDICT_BOOT_VGA)) {
			nkept++;
		} else if (only && !pcidev_is_bridge(o) && !driver_managed_dma(o->driver) &&
			   !force) {
			ctl_error("refusing %s: its IOMMU group %d also holds %s on %s, which "
				  "you did not ask to claim (drop --only, or --force)", desc,
				  d->iommu_group, odesc, o->driver);
			r = CTL_EXIT_FAIL;
		}
	}
	if (!nkept)
		return r;
	if (force)
		ctl_warn(c, "IOMMU group %d of %s is not viable for a guest: it also holds "
			 "functions the host keeps (never added to the manifest):",
			 d->iommu_group, desc);
	else
		ctl_error("refusing %s: its IOMMU group %d also holds functions that cannot be "
			  "handed to a guest:", desc, d->iommu_group);
	for (size_t k = 0; k < m->devs.n; k++) {
		unsigned oown;
		const struct pcidev *o = other_member(m, in, d, k, &oown);

		if (!o || !(oown & (VERDICT_CHIPSET | VERDICT_BOOT_VGA)))
			continue;
		ctl_describe(o, odesc, sizeof(odesc));
		fprintf(stderr, "  %s (%s)\n", ctl_text(stderr, odesc), kept_because(oown));
	}
	if (force)
		fputs("earlybindctl: vfio-pci will not give the group to a guest while the host "
		      "uses them; a slot with an IOMMU group of its own will\n", stderr);
	else
		fputs("earlybindctl: --force adds the others anyway (never the functions above); "
		      "the group then is still not viable for a guest\n", stderr);
	return force ? r : CTL_EXIT_FAIL;
}

/* Says why the set cannot be claimed; returns an exit code or 0. */
static int refusals(const struct ctl *c, const struct ctl_machine *m, const bool *in,
		    bool only, bool force)
{
	int r = 0;

	for (size_t i = 0; i < m->devs.n; i++) {
		const struct pcidev *d = &m->devs.devs[i];
		unsigned own;
		char desc[400];
		bool group_seen = false;

		if (!in[i])
			continue;
		own = verdict_own(&m->vc, d);
		ctl_describe(d, desc, sizeof(desc));
		if (own & VERDICT_SYSTEM_DISK) {
			ctl_error("refusing %s: it holds %s; the host needs it (--force does not "
				  "change this)", desc, m->vc.disks[i]);
			return CTL_EXIT_FAIL;
		}
		if ((own & VERDICT_BOOT_VGA) && !force) {
			ctl_error("refusing %s: it is the boot VGA device, the host's console; "
				  "with --force the host boots without a display on it", desc);
			r = CTL_EXIT_FAIL;
		}
		if (own & VERDICT_CHIPSET) {
			ctl_error("refusing %s: a chipset function cannot be passed through", desc);
			return CTL_EXIT_FAIL;
		}
		if (d->iommu_group < 0) {
			ctl_warn(c, "%s has no IOMMU group (the IOMMU is off): vfio-pci will not "
				 "bind it until the IOMMU is on", desc);
			continue;
		}
		/* Each group once, under the first function of it that is claimed. */
		for (size_t k = 0; k < i && !group_seen; k++)
			group_seen = in[k] && m->devs.devs[k].iommu_group == d->iommu_group;
		if (!group_seen && group_refusals(c, m, in, d, only, force))
			r = CTL_EXIT_FAIL;
	}
	return r;
}

int cmd_add(struct ctl *c, int argc, char **argv)
{
	static const struct option opts[] = {
		CTL_COMMON_LONG,
		{ "driver", required_argument, NULL, 'd' },
		{ "only", no_argument, NULL, 'o' },
		{ "force", no_argument, NULL, 'f' },
		{ NULL, 0, NULL, 0 },
	};
	const char *driver = NULL;
	bool only = false, force = false, *in = NULL, changed = false;
	struct ctl_machine m;
	struct manifest_doc doc;
	struct manifest cur = { 0 };
	const struct pcidev *d;
	char path[PATH_MAX];
	int opt, r = 0;

	while ((opt = getopt_long(argc, argv, CTL_COMMON_SHORT "d:of", opts, NULL)) != -1) {
		if (ctl_common_option(c, opt, optarg, add_usage))
			continue;
		switch (opt) {
		case 'd':
			driver = optarg;
			break;
		case 'o':
			only = true;
			break;
		case 'f':
			force = true;
			break;
		default:
			fputs(add_usage, stderr);
			return CTL_EXIT_USAGE;
		}
	}
	if (argc - optind != 1) {
		fputs(add_usage, stderr);
		return CTL_EXIT_USAGE;
	}
	/* The parser's own rule: what it would skip at boot is refused here. */
	if (driver && !manifest_driver_valid(driver, strlen(driver))) {
		char shown[4 * 64 + 4];

		ctl_error("--driver '%s' is not a driver name: a kernel module or driver name "
			  "is letters, digits, '_' and '-', not starting with '-', at most %d "
			  "characters (vfio-pci, pci-stub, mlx5_vfio_pci)",
			  shown_arg(driver, shown, sizeof(shown)), MANIFEST_DRIVER_MAX);
		return CTL_EXIT_USAGE;
	}
	r = ctl_machine_load(c, &m);
	if (r)
		return r;
	r = ctl_resolve(&m, argv[optind], &d);
	if (r)
		goto out;
	in = calloc(m.devs.n, sizeof(*in));
	if (!in) {
		r = CTL_EXIT_FAIL;
		goto out;
	}
	collect(&m, d, only, in);
	r = refusals(c, &m, in, only, force);
	if (r)
		goto out;

	r = open_manifest(c, &doc, path, sizeof(path));
	if (r)
		goto out;
	/* The text as it is now, under the lock, not as it was at load time. */
	r = manifest_doc_parse(&doc, &cur, NULL, NULL);
	for (size_t i = 0; r >= 0 && i < m.devs.n; i++) {
		const struct pcidev *f = &m.devs.devs[i];
		const struct manifest_entry *e;
		struct manifest_entry add = { 0 };
		char desc[400];
		const char *want;

		if (!in[i])
			continue;
		ctl_describe(f, desc, sizeof(desc));
		e = manifest_find_addr(&cur, &f->addr);
		if (e) {
			/* Only the named function's driver changes; its card stays. */
			if (f == d && driver && strcmp(e->driver, driver) != 0) {
				ctl_info(c, "%s: driver %s -> %s", desc, e->driver, driver);
				r = manifest_doc_set_driver(&doc, e->line, driver);
				changed = true;
			} else {
				ctl_info(c, "%s: already claimed for %s (line %u)", desc, e->driver,
					 e->line);
			}
			continue;
		}
		want = driver ? driver : "vfio-pci";
		snprintf(add.driver, sizeof(add.driver), "%s", want);
		add.addr = f->addr;
		ctl_pci_id(f, &add.id);
		add.id.has_subsys = false; /* vendor:device, as lspci -nn shows it */
		r = manifest_doc_append_entry(&doc, &add, f->desc);
		ctl_info(c, "%s: claimed for %s%s", desc, want, f == d ? "" :
			 same_card(f, d) ? " (same card)" : " (same IOMMU group)");
		changed = true;
	}
	if (r >= 0 && changed)
		r = manifest_doc_save(&doc);
	if (r < 0) {
		ctl_error("%s: %s; the manifest is unchanged", path, strerror(-r));
		r = CTL_EXIT_FAIL;
	} else {
		if (!changed)
			ctl_info(c, "nothing to change in %s", path);
		else
			ctl_info(c, "%s updated; 'earlybindctl apply' puts it into the initramfs",
				 path);
		r = CTL_EXIT_OK;
	}
	manifest_free(&cur);
	manifest_doc_close(&doc);
out:
	free(in);
	ctl_machine_free(&m);
	return r;
}
