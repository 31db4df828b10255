// SPDX-License-Identifier: GPL-2.0-or-later
/* Loading what every earlybindctl command looks at, and naming devices. */
#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "ctl.h"
#include "manifest_edit.h"
#include "modalias.h"
#include "rootpath.h"
#include "vfio_driver.h"

struct bad_lines {
	const char *path;
	int count;
};

static void report_bad_line(void *userdata, unsigned line, const char *reason)
{
	struct bad_lines *b = userdata;

	/* FILE:LINE: as compilers say it, so that editors can jump there. */
	ctl_error("%s:%u: %s", b->path, line, reason);
	b->count++;
}

int ctl_machine_load(const struct ctl *c, struct ctl_machine *m)
{
	char path[PATH_MAX], msg[256];
	struct bad_lines bad = { .path = CTL_MANIFEST };
	int r;

	*m = (struct ctl_machine){ 0 };
	r = pcidev_scan_msg(c->root, &m->devs, msg, sizeof(msg));
	if (r < 0) {
		ctl_error("cannot read the PCI functions under %s: %s", c->root,
			  msg[0] ? msg : strerror(-r));
		return r;
	}
	r = ctl_manifest_path(c, path, sizeof(path));
	if (r == 0)
		r = manifest_parse_file(&m->manifest, path, report_bad_line, &bad);
	if (r < 0 && r != -ENOENT) {
		ctl_error("%s: %s", path, manifest_file_strerror(r));
		ctl_machine_free(m);
		return r;
	}
	m->manifest_bad = bad.count;
	r = verdict_ctx_init(&m->vc, c->root, &m->devs);
	if (r < 0) {
		ctl_error("%s", strerror(-r));
		ctl_machine_free(m);
		return r;
	}
	return 0;
}

int ctl_manifest_open(const struct ctl *c, struct manifest_doc *doc, char *path, size_t size)
{
	int r = ctl_manifest_path(c, path, size) < 0 ? -ENAMETOOLONG :
		manifest_doc_open(doc, c->root, CTL_MANIFEST);

	if (r == -EBADMSG)
		ctl_error(CTL_MANIFEST ":%u: contains a NUL byte; earlybindctl does not "
			  "rewrite such a file: remove the byte (tr -d '\\000') and try again",
			  doc->nul_line);
	else if (r == -EXDEV)
		ctl_error("%s: %s", path, root_strerror(r));
	else if (r < 0)
		ctl_error("%s: %s", path, manifest_file_strerror(r));
	return r < 0 ? r : 0;
}

int ctl_manifest_save(struct manifest_doc *doc, const char *path, int r, bool changed)
{
	if (r >= 0 && changed)
		r = manifest_doc_save(doc);
	if (r < 0)
		ctl_error("%s: %s; the manifest is unchanged", path, strerror(-r));
	return r < 0 ? r : 0;
}

void ctl_machine_free(struct ctl_machine *m)
{
	modalias_close(m->kmod);
	m->kmod = NULL;
	verdict_ctx_free(&m->vc);
	manifest_free(&m->manifest);
	pcidev_list_free(&m->devs);
}

void ctl_describe(const struct pcidev *d, char *buf, size_t size)
{
	char a[PCI_ADDR_STRLEN];

	pci_addr_format(&d->addr, a);
	snprintf(buf, size, "%s [%04x:%04x] %s", a, d->vendor, d->device, d->desc);
}

int ctl_resolve(const struct ctl_machine *m, const char *arg, const struct pcidev **out)
{
	struct pci_addr a;
	struct pci_id id;
	const struct pcidev *hits[16];
	size_t n;

	if (pci_addr_parse(arg, &a) == 0) {
		*out = pcidev_find(&m->devs, &a);
		if (*out)
			return 0;
		ctl_error("no PCI function at %s; 'earlybindctl list' shows them", arg);
		return -ENODEV;
	}
	if (pci_id_parse(arg, &id) < 0) {
		ctl_error("'%s' is neither a PCI address (0000:0b:00.0) nor an id (1002:73bf)",
			  arg);
		return -EINVAL;
	}
	n = pcidev_find_id(&m->devs, &id, hits, sizeof(hits) / sizeof(*hits));
	if (n == 1) {
		*out = hits[0];
		return 0;
	}
	if (n == 0) {
		ctl_error("no PCI function has the id %s", arg);
		return -ENODEV;
	}
	ctl_error("%zu functions have the id %s; name one by its address:", n, arg);
	for (size_t i = 0; i < n && i < sizeof(hits) / sizeof(*hits); i++) {
		char d[400];

		ctl_describe(hits[i], d, sizeof(d));
		ctl_more(NULL, false, "  %s", d);
	}
	return -ENOTUNIQ;
}

bool ctl_member_leaves_group_viable(const struct ctl_machine *m, const struct pcidev *o)
{
	bool mismatch;
	const struct manifest_entry *e;

	if (vfio_driver_leaves_group_viable(o->driver))
		return true;
	e = ctl_manifest_entry(m, o, &mismatch);
	return e && !mismatch && vfio_driver_leaves_group_viable(e->driver);
}

void ctl_pci_id(const struct pcidev *d, struct pci_id *id)
{
	*id = (struct pci_id){ .vendor = d->vendor, .device = d->device };
	if (d->subvendor || d->subdevice) {
		id->has_subsys = true;
		id->subvendor = d->subvendor;
		id->subdevice = d->subdevice;
	}
}

const struct manifest_entry *ctl_manifest_entry(const struct ctl_machine *m,
						const struct pcidev *d, bool *mismatch)
{
	const struct manifest_entry *e = manifest_find_addr(&m->manifest, &d->addr);
	struct pci_id id;

	ctl_pci_id(d, &id);
	*mismatch = e && !manifest_entry_id_matches(e, &id);
	return e ? e : manifest_find_wildcard(&m->manifest, &id);
}

/* Does @e take @d at boot: its address (or '*') and its id? */
static bool entry_takes(const struct manifest_entry *e, const struct pcidev *d)
{
	struct pci_id id;

	if (!e->any_addr && !pci_addr_equal(&e->addr, &d->addr))
		return false;
	ctl_pci_id(d, &id);
	return manifest_entry_id_matches(e, &id);
}

static bool is_conflict(const struct kargs_result *res, const struct pcidev *d)
{
	for (size_t i = 0; res && i < res->n_conflicts; i++)
		if (pci_addr_equal(&res->conflicts[i], &d->addr))
			return true;
	return false;
}

size_t ctl_system_claims(const struct ctl_machine *m, const struct kargs_result *res,
			 ctl_system_claim_fn *fn, void *userdata)
{
	size_t n = 0;

	for (size_t i = 0; i < m->manifest.n_entries; i++) {
		const struct manifest_entry *e = &m->manifest.entries[i];

		/* Only the functions that hold some: few, whatever the number of functions. */
		for (size_t k = 0; k < m->vc.n_with_disks; k++) {
			const struct pcidev *d = &m->devs.devs[m->vc.with_disks[k]];
			struct ctl_system_claim sc = {
				.e = e, .d = d, .disks = verdict_system_disks(&m->vc, d),
			};
			struct pci_id id;

			if (!entry_takes(e, d)) {
				/* The id lists take by id whatever the address. */
				ctl_pci_id(d, &id);
				if (e->any_addr || e->any_id || !is_conflict(res, d) ||
				    !manifest_entry_id_matches(e, &id))
					continue;
				sc.by_ids = true;
			}
			n++;
			if (fn)
				fn(userdata, &sc);
		}
	}
	return n;
}

void ctl_system_claim_describe(const struct ctl_system_claim *sc, char *what, size_t wsize,
			       char *fix, size_t fsize)
{
	char desc[400], id[PCI_ID_STRLEN], a[PCI_ADDR_STRLEN];

	ctl_describe(sc->d, desc, sizeof(desc));
	pci_id_format(&sc->e->id, id);
	pci_addr_format(&sc->e->addr, a);
	if (sc->by_ids) {
		snprintf(what, wsize, "has the id %s, and so --mode ids' id list would also take "
			 "%s, which holds %s", id, desc, sc->disks);
		snprintf(fix, fsize, "use --mode address, which claims by address; --force "
			 "cannot allow this");
	} else if (sc->e->any_addr) {
		snprintf(what, wsize, "claims every function with the id %s, and so %s, which "
			 "holds %s", id, desc, sc->disks);
		snprintf(fix, fsize, "drop the line: earlybindctl remove %s", id);
	} else {
		snprintf(what, wsize, "claims %s, which holds %s", desc, sc->disks);
		snprintf(fix, fsize, "drop the line: earlybindctl remove %s", a);
	}
}

static void refuse_one(void *userdata, const struct ctl_system_claim *sc)
{
	char what[1024], fix[128];

	(void)userdata;
	ctl_system_claim_describe(sc, what, sizeof(what), fix, sizeof(fix));
	ctl_error(CTL_MANIFEST ":%u: %s: the system runs from that disk, and at boot "
		  "earlybind would take it away; %s", sc->e->line, what, fix);
}

size_t ctl_refuse_system_claims(const struct ctl_machine *m, const struct kargs_result *res)
{
	return ctl_system_claims(m, res, refuse_one, NULL);
}
