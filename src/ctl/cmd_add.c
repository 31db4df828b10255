// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * earlybindctl add: the functions to claim are worked out on the machine
 * as loaded (the named one, its card, its IOMMU group), checked, and only
 * then written into the manifest, under its lock.
 */
#include <errno.h>
#include <limits.h>
#include <stdlib.h>
#include <string.h>

#include "ctl.h"
#include "manifest_edit.h"
#include "vfio_driver.h"

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

struct add_opts {
	const char *device;
	const char *driver; /* NULL: vfio-pci for new lines, and no change to old ones */
	bool only, force;
};

/* What add claims: @d, and with it every function whose @in is set. */
struct add_plan {
	const struct pcidev *d;
	bool *in; /* one per function of the machine */
};

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

/* 0, or -EINVAL after saying why (the usage, or what is wrong with --driver). */
static int parse_opts(struct ctl *c, int argc, char **argv, struct add_opts *o)
{
	static const struct option opts[] = {
		CTL_COMMON_LONG,
		{ "driver", required_argument, NULL, 'd' },
		{ "only", no_argument, NULL, 'o' },
		{ "force", no_argument, NULL, 'f' },
		{ NULL, 0, NULL, 0 },
	};
	int opt;

	*o = (struct add_opts){ 0 };
	while ((opt = getopt_long(argc, argv, CTL_COMMON_SHORT "d:of", opts, NULL)) != -1) {
		if (ctl_common_option(c, opt, optarg, add_usage))
			continue;
		if (opt == 'd')
			o->driver = optarg;
		else if (opt == 'o')
			o->only = true;
		else if (opt == 'f')
			o->force = true;
		else
			return ctl_usage_error(add_usage);
	}
	if (argc - optind != 1)
		return ctl_usage_error(add_usage);
	o->device = argv[optind];
	/* The parser's own rule: what it would skip at boot is refused here. */
	if (o->driver && !manifest_driver_valid(o->driver, strlen(o->driver))) {
		char shown[4 * 64 + 4];

		ctl_error("--driver '%s' is not a driver name: a kernel module or driver name "
			  "is letters, digits, '_' and '-', not starting with '-', at most %d "
			  "characters (vfio-pci, pci-stub, mlx5_vfio_pci)",
			  shown_arg(o->driver, shown, sizeof(shown)), MANIFEST_DRIVER_MAX);
		return -EINVAL;
	}
	return 0;
}

static bool same_card(const struct pcidev *a, const struct pcidev *b)
{
	return a->addr.domain == b->addr.domain && a->addr.bus == b->addr.bus &&
	       a->addr.dev == b->addr.dev;
}

/* Does @o join the set: an endpoint on the card or in the IOMMU group of one in it? */
static bool joins(const struct ctl_machine *m, const bool *in, const struct pcidev *o)
{
	if (pcidev_is_bridge(o) || (verdict_own(&m->vc, o) & VERDICT_CHIPSET))
		return false;
	for (size_t k = 0; k < m->devs.n; k++) {
		const struct pcidev *s = &m->devs.devs[k];

		if (in[k] && (same_card(o, s) ||
			      (o->iommu_group >= 0 && o->iommu_group == s->iommu_group)))
			return true;
	}
	return false;
}

/*
 * The functions add claims: @p->d, then (unless @only) every endpoint of
 * the same card or IOMMU group as one already in the set, until nothing is
 * added.  Chipset functions (an SMBus in the group of the slot's root
 * port) are never taken along: the host keeps them, and check_plan()
 * names them.
 */
static void collect(const struct ctl_machine *m, bool only, struct add_plan *p)
{
	bool grew = !only;

	p->in[p->d - m->devs.devs] = true;
	while (grew) {
		grew = false;
		for (size_t i = 0; i < m->devs.n; i++) {
			if (!p->in[i] && joins(m, p->in, &m->devs.devs[i])) {
				p->in[i] = true;
				grew = true;
			}
		}
	}
}

/* Why the host keeps a group member (a system disk is refused before this). */
static const char *kept_because(const struct pcidev *o, unsigned own, char *buf, size_t size)
{
	if (own & VERDICT_BOOT_VGA)
		return "the boot VGA device, the host's console";
	if (own & VERDICT_CHIPSET)
		return "a chipset function";
	snprintf(buf, size, "a bridge the host keeps on %s, which does not give up DMA "
		 "ownership", o->driver);
	return buf;
}

/* The k-th function when it shares @d's IOMMU group and is not being claimed. */
static const struct pcidev *other_member(const struct ctl_machine *m, const bool *in,
					 const struct pcidev *d, size_t k)
{
	const struct pcidev *o = &m->devs.devs[k];

	return in[k] || o->iommu_group != d->iommu_group ? NULL : &m->devs.devs[k];
}

/* The members of @d's group that keep it from a guest, one line each, and what to do. */
static void say_kept(const struct ctl *c, const struct ctl_machine *m, const bool *in,
		     const struct pcidev *d, bool force, const char *desc)
{
	char odesc[400], why[384];

	if (force)
		ctl_warn(c, "IOMMU group %d of %s is not viable for a guest: it also holds "
			 "functions the host keeps (never added to the manifest):",
			 d->iommu_group, desc);
	else
		ctl_error("refusing %s: its IOMMU group %d also holds functions that cannot be "
			  "handed to a guest:", desc, d->iommu_group);
	for (size_t k = 0; k < m->devs.n; k++) {
		const struct pcidev *o = other_member(m, in, d, k);

		if (!o || !verdict_keeps_group(&m->vc, o))
			continue;
		ctl_describe(o, odesc, sizeof(odesc));
		ctl_more(c, force, "  %s (%s)", odesc,
			 kept_because(o, verdict_own(&m->vc, o), why, sizeof(why)));
	}
	if (force)
		ctl_more(c, true, "earlybindctl: vfio-pci will not give the group to a guest "
			 "while the host uses them; a slot with an IOMMU group of its own will");
	else
		ctl_error("--force adds the others anyway (never the functions above); the "
			  "group then is still not viable for a guest");
}

/*
 * The members of @d's IOMMU group that add does not claim and that keep
 * the group from a guest: refused unless @force, and named either way.
 * 0, or -EPERM after saying why.
 */
static int check_group(const struct ctl *c, const struct ctl_machine *m, const bool *in,
		       const struct pcidev *d, const struct add_opts *o)
{
	char desc[400], odesc[400];
	bool kept = false;
	int r = 0;

	ctl_describe(d, desc, sizeof(desc));
	for (size_t k = 0; k < m->devs.n; k++) {
		const struct pcidev *s = other_member(m, in, d, k);

		if (!s)
			continue;
		ctl_describe(s, odesc, sizeof(odesc));
		if (verdict_own(&m->vc, s) & VERDICT_SYSTEM_DISK) {
			ctl_error("refusing %s: its IOMMU group %d also holds %s, which holds %s "
				  "(--force does not change this)", desc, d->iommu_group, odesc,
				  m->vc.disks[k]);
			return -EPERM;
		}
		if (verdict_keeps_group(&m->vc, s)) {
			kept = true;
		} else if (o->only && !o->force && !vfio_driver_leaves_group_viable(s->driver)) {
			ctl_error("refusing %s: its IOMMU group %d also holds %s on %s, which "
				  "you did not ask to claim (drop --only, or --force)", desc,
				  d->iommu_group, odesc, s->driver);
			r = -EPERM;
		}
	}
	if (kept)
		say_kept(c, m, in, d, o->force, desc);
	return kept && !o->force ? -EPERM : r;
}

/* What stands in the way of claiming @d itself.  0, or -EPERM after saying why. */
static int check_function(const struct ctl *c, const struct ctl_machine *m,
			  const struct pcidev *d, bool force)
{
	unsigned own = verdict_own(&m->vc, d);
	char desc[400];

	ctl_describe(d, desc, sizeof(desc));
	if (own & VERDICT_SYSTEM_DISK) {
		ctl_error("refusing %s: it holds %s; the host needs it (--force does not "
			  "change this)", desc, verdict_system_disks(&m->vc, d));
		return -EPERM;
	}
	/* A VGA function is never a chipset one (class 03 against 06 and 0c05). */
	if (own & VERDICT_CHIPSET) {
		ctl_error("refusing %s: a chipset function cannot be passed through", desc);
		return -EPERM;
	}
	if ((own & VERDICT_BOOT_VGA) && !force) {
		ctl_error("refusing %s: it is the boot VGA device, the host's console; "
			  "with --force the host boots without a display on it", desc);
		return -EPERM;
	}
	if (d->iommu_group < 0)
		ctl_warn(c, "%s has no IOMMU group (the IOMMU is off): vfio-pci will not "
			 "bind it until the IOMMU is on", desc);
	return 0;
}

/* Says why the set cannot be claimed.  0, or -EPERM after saying why. */
static int check_plan(const struct ctl *c, const struct ctl_machine *m,
		      const struct add_plan *p, const struct add_opts *o)
{
	int r = 0, k;

	for (size_t i = 0; i < m->devs.n; i++) {
		const struct pcidev *d = &m->devs.devs[i];
		bool group_seen = false;

		if (!p->in[i])
			continue;
		k = check_function(c, m, d, o->force);
		/* A system disk or a chipset function: nothing more to say. */
		if (k < 0 && (verdict_own(&m->vc, d) & (VERDICT_SYSTEM_DISK | VERDICT_CHIPSET)))
			return k;
		if (k < 0)
			r = k;
		if (d->iommu_group < 0)
			continue;
		/* Each group once, under the first function of it that is claimed. */
		for (size_t j = 0; j < i && !group_seen; j++)
			group_seen = p->in[j] && m->devs.devs[j].iommu_group == d->iommu_group;
		if (!group_seen && check_group(c, m, p->in, d, o) < 0)
			r = -EPERM;
	}
	return r;
}

/*
 * Puts @f into the document, which holds @cur: a new line, or (for the
 * named function, with --driver) a new driver on its old one.  *@changed
 * when the document changed.  0 or -errno.
 */
static int claim(const struct ctl *c, const struct add_plan *p, const struct add_opts *o,
		 const struct pcidev *f, const struct manifest *cur, struct manifest_doc *doc,
		 bool *changed)
{
	const struct manifest_entry *e = manifest_find_addr(cur, &f->addr);
	struct manifest_entry add = { .addr = f->addr };
	const char *want = o->driver ? o->driver : "vfio-pci";
	char desc[400];

	ctl_describe(f, desc, sizeof(desc));
	/* Only the named function's driver changes; its card stays. */
	if (e && (f != p->d || !o->driver || strcmp(e->driver, o->driver) == 0)) {
		ctl_info(c, CTL_MANIFEST ":%u: %s: already claimed for %s", e->line, desc,
			 e->driver);
		return 0;
	}
	*changed = true;
	if (e) {
		ctl_info(c, "%s: driver %s -> %s", desc, e->driver, o->driver);
		return manifest_doc_set_driver(doc, e->line, o->driver);
	}
	snprintf(add.driver, sizeof(add.driver), "%s", want);
	ctl_pci_id(f, &add.id);
	add.id.has_subsys = false; /* vendor:device, as lspci -nn shows it */
	ctl_info(c, "%s: claimed for %s%s", desc, want, f == p->d ? "" :
		 same_card(f, p->d) ? " (same card)" : " (same IOMMU group)");
	return manifest_doc_append_entry(doc, &add, f->desc);
}

/*
 * The plan, written: every function of it claimed in the manifest as it is
 * now, under its lock, not as it was at load time.  0, or -errno after
 * saying why.
 */
static int write_plan(const struct ctl *c, const struct ctl_machine *m,
		      const struct add_plan *p, const struct add_opts *o)
{
	struct manifest_doc doc;
	struct manifest cur = { 0 };
	char path[PATH_MAX];
	bool changed = false;
	int r;

	r = ctl_manifest_open(c, &doc, path, sizeof(path));
	if (r < 0)
		return r;
	r = manifest_doc_parse(&doc, &cur, NULL, NULL);
	for (size_t i = 0; r >= 0 && i < m->devs.n; i++)
		if (p->in[i])
			r = claim(c, p, o, &m->devs.devs[i], &cur, &doc, &changed);
	r = ctl_manifest_save(&doc, path, r, changed);
	if (r == 0 && !changed)
		ctl_info(c, "nothing to change in %s", path);
	else if (r == 0)
		ctl_info(c, "%s updated; 'earlybindctl apply' puts it into the initramfs", path);
	manifest_free(&cur);
	manifest_doc_close(&doc);
	return r;
}

int cmd_add(struct ctl *c, int argc, char **argv)
{
	struct add_opts o;
	struct ctl_machine m;
	struct add_plan p = { 0 };
	int r;

	if (parse_opts(c, argc, argv, &o) < 0)
		return CTL_EXIT_USAGE;
	if (ctl_machine_load(c, &m) < 0)
		return CTL_EXIT_FAIL;
	r = ctl_resolve(&m, o.device, &p.d);
	if (r == -EINVAL) { /* DEVICE is neither an address nor an id */
		ctl_machine_free(&m);
		return CTL_EXIT_USAGE;
	}
	if (r == 0) {
		p.in = calloc(m.devs.n, sizeof(*p.in));
		r = p.in ? 0 : -ENOMEM;
		if (r < 0)
			ctl_error("%s", strerror(-r));
	}
	if (r == 0) {
		collect(&m, o.only, &p);
		r = check_plan(c, &m, &p, &o);
	}
	if (r == 0)
		r = write_plan(c, &m, &p, &o);
	free(p.in);
	ctl_machine_free(&m);
	return r < 0 ? CTL_EXIT_FAIL : CTL_EXIT_OK;
}
