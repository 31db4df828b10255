// SPDX-License-Identifier: GPL-2.0-or-later
/* Loading what every earlybindctl command looks at, and naming devices. */
#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <string.h>

#include "ctl.h"

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
	struct bad_lines bad = { .path = "/etc/earlybind.conf" };
	int r;

	*m = (struct ctl_machine){ 0 };
	r = pcidev_scan_msg(c->root, &m->devs, msg, sizeof(msg));
	if (r < 0) {
		ctl_error("cannot read the PCI functions under %s: %s", c->root,
			  msg[0] ? msg : strerror(-r));
		return CTL_EXIT_FAIL;
	}
	r = ctl_manifest_path(c, path, sizeof(path));
	if (r == 0)
		r = manifest_parse_file(&m->manifest, path, report_bad_line, &bad);
	if (r < 0 && r != -ENOENT) {
		ctl_error("%s: %s", path, manifest_file_strerror(r));
		ctl_machine_free(m);
		return CTL_EXIT_FAIL;
	}
	m->manifest_bad = bad.count;
	r = verdict_ctx_init(&m->vc, c->root, &m->devs);
	if (r < 0) {
		ctl_error("%s", strerror(-r));
		ctl_machine_free(m);
		return CTL_EXIT_FAIL;
	}
	return 0;
}

void ctl_machine_free(struct ctl_machine *m)
{
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
		return CTL_EXIT_FAIL;
	}
	if (pci_id_parse(arg, &id) < 0) {
		ctl_error("'%s' is neither a PCI address (0000:0b:00.0) nor an id (1002:73bf)",
			  arg);
		return CTL_EXIT_USAGE;
	}
	n = pcidev_find_id(&m->devs, &id, hits, sizeof(hits) / sizeof(*hits));
	if (n == 1) {
		*out = hits[0];
		return 0;
	}
	if (n == 0) {
		ctl_error("no PCI function has the id %s", arg);
		return CTL_EXIT_FAIL;
	}
	ctl_error("%zu functions have the id %s; name one by its address:", n, arg);
	for (size_t i = 0; i < n && i < sizeof(hits) / sizeof(*hits); i++) {
		char d[400];

		ctl_describe(hits[i], d, sizeof(d));
		fprintf(stderr, "  %s\n", d);
	}
	return CTL_EXIT_FAIL;
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
	*mismatch = false;
	if (e) {
		*mismatch = !manifest_entry_id_matches(e, &id);
		return e;
	}
	for (size_t i = 0; i < m->manifest.n_entries; i++) {
		e = &m->manifest.entries[i];
		if (e->any_addr && manifest_entry_id_matches(e, &id))
			return e;
	}
	return NULL;
}
