// SPDX-License-Identifier: GPL-2.0-or-later
/* earlybindctl show: one function in full. */
#include <errno.h>
#include <string.h>

#include "blockdev.h"
#include "ctl.h"
#include "fninfo.h"
#include "json.h"
#include "modalias.h"

static const char show_usage[] =
	"Usage: earlybindctl show DEVICE [--json]\n\n"
	"One function in full: DEVICE is an address (0b:00.0) or a vendor:device id.\n";

/* "  IOMMU group:  12: 0000:0b:00.0 0000:0b:00.1", or why it has none. */
static void print_group(const struct ctl_machine *m, const struct pcidev *d)
{
	char o[PCI_ADDR_STRLEN];

	if (d->iommu_group < 0) {
		printf("  IOMMU group:  none (the IOMMU is off)\n");
		return;
	}
	printf("  IOMMU group:  %d:", d->iommu_group);
	for (size_t i = 0; i < m->devs.n; i++)
		if (m->devs.devs[i].iommu_group == d->iommu_group) {
			pci_addr_format(&m->devs.devs[i].addr, o);
			printf(" %s", o);
		}
	printf("\n");
}

static void print_storage(const struct fninfo *fi)
{
	for (size_t i = 0; i < fi->n_b; i++) {
		const struct blockdev *b = &fi->b[i];

		printf("  Storage:      %s %s%s%s%s%s%s%s\n", ctl_text(stdout, b->name),
		       b->fstype[0] ? ctl_text(stdout, b->fstype) : "-",
		       b->label[0] ? " LABEL=" : "", ctl_text(stdout, b->label),
		       b->uuid[0] ? " UUID=" : "", ctl_text(stdout, b->uuid),
		       b->mountpoints[0] ? " on " : "", ctl_text(stdout, b->mountpoints));
	}
}

/* Every string but the numbers comes from outside: ctl_text(). */
static void print_text(const struct ctl_machine *m, const struct fninfo *fi)
{
	const struct pcidev *d = fi->d;

	printf("%s %s\n", fi->addr, ctl_text(stdout, d->lspci_nn));
	if (d->subsys_desc[0])
		printf("  Subsystem:    %s [%04x:%04x]\n", ctl_text(stdout, d->subsys_desc),
		       d->subvendor, d->subdevice);
	printf("  Driver:       %s\n", d->driver[0] ? ctl_text(stdout, d->driver) : "none");
	if (fi->mods_err == 0)
		printf("  Host driver:  %s\n", fi->mods[0] ? ctl_text(stdout, fi->mods) : "none");
	else
		printf("  Host driver:  unknown (the running kernel's module index "
		       "cannot be read: %s)\n", strerror(-fi->mods_err));
	if (d->boot_vga >= 0)
		printf("  Boot VGA:     %s\n", d->boot_vga == 1 ? "yes" : "no");
	printf("  Reset:        %s\n",
	       d->reset_method[0] ? ctl_text(stdout, d->reset_method) : "none");
	print_group(m, d);
	printf("  Manifest:     %s\n", ctl_text(stdout, fi->says));
	printf("  Verdict:      %s\n", ctl_text(stdout, fi->why));
	print_storage(fi);
}

int cmd_show(struct ctl *c, int argc, char **argv)
{
	struct ctl_machine m;
	const struct pcidev *d;
	struct fninfo fi;
	bool json = false;
	int r;

	if (ctl_parse_json_only(c, argc, argv, show_usage, &json, 1) < 0)
		return CTL_EXIT_USAGE;
	if (ctl_machine_load(c, &m) < 0)
		return CTL_EXIT_FAIL;
	r = ctl_resolve(&m, argv[optind], &d);
	if (r < 0) {
		ctl_machine_free(&m);
		/* -EINVAL: DEVICE is neither an address nor an id. */
		return r == -EINVAL ? CTL_EXIT_USAGE : CTL_EXIT_FAIL;
	}
	m.uses = ctl_vm_uses_load(c);
	m.kmod = modalias_open(c->root);
	fninfo_get(c, &m, d, true, &fi);
	if (json) {
		struct json j;

		json_init(&j, stdout);
		fninfo_json(&j, &m, &fi);
		json_finish(&j);
	} else {
		print_text(&m, &fi);
	}
	fninfo_free(&fi);
	ctl_vm_uses_free(m.uses);
	ctl_machine_free(&m);
	return CTL_EXIT_OK;
}
