// SPDX-License-Identifier: GPL-2.0-or-later
/* earlybindctl show. */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "blockdev.h"
#include "ctl.h"
#include "json.h"
#include "modalias.h"

static const char show_usage[] =
	"Usage: earlybindctl show DEVICE [--json]\n\n"
	"One function in full: DEVICE is an address (0b:00.0) or a vendor:device id.\n";

int cmd_show(struct ctl *c, int argc, char **argv)
{
	struct ctl_machine m;
	const struct pcidev *d;
	bool json = false;
	int r;

	r = parse_json_flag(c, argc, argv, show_usage, &json, 1);
	if (r)
		return r;
	r = ctl_machine_load(c, &m);
	if (r < 0)
		return CTL_EXIT_FAIL;
	r = ctl_resolve(&m, argv[optind], &d);
	if (r < 0) {
		ctl_machine_free(&m);
		return r == -EINVAL ? CTL_EXIT_USAGE : CTL_EXIT_FAIL;
	}
	m.uses = ctl_vm_uses_load(c);
	if (json) {
		struct json j;

		json_init(&j, stdout);
		json_function(&j, &m, d, true, c->root);
		json_finish(&j);
	} else {
		char a[PCI_ADDR_STRLEN], says[128], why[512], mods[256];
		struct verdict v;
		struct blockdev *b = NULL;
		size_t n = 0;

		pci_addr_format(&d->addr, a);
		verdict_of(&m.vc, d, &v);
		verdict_describe(&v, why, sizeof(why));
		manifest_says(&m, d, says, sizeof(says));
		/* Every string but the numbers comes from outside: ctl_text(). */
		printf("%s %s\n", a, ctl_text(stdout, d->lspci_nn));
		if (d->subsys_desc[0])
			printf("  Subsystem:    %s [%04x:%04x]\n", ctl_text(stdout, d->subsys_desc),
			       d->subvendor, d->subdevice);
		printf("  Driver:       %s\n", d->driver[0] ? ctl_text(stdout, d->driver) : "none");
		r = modalias_lookup(c->root, d->modalias, mods, sizeof(mods));
		if (r == 0)
			printf("  Host driver:  %s\n", mods[0] ? ctl_text(stdout, mods) : "none");
		else
			printf("  Host driver:  unknown (the running kernel's module index "
			       "cannot be read: %s)\n", strerror(-r));
		if (d->boot_vga >= 0)
			printf("  Boot VGA:     %s\n", d->boot_vga == 1 ? "yes" : "no");
		printf("  Reset:        %s\n",
		       d->reset_method[0] ? ctl_text(stdout, d->reset_method) : "none");
		if (d->iommu_group >= 0) {
			printf("  IOMMU group:  %d:", d->iommu_group);
			for (size_t i = 0; i < m.devs.n; i++)
				if (m.devs.devs[i].iommu_group == d->iommu_group) {
					char o[PCI_ADDR_STRLEN];

					pci_addr_format(&m.devs.devs[i].addr, o);
					printf(" %s", o);
				}
			printf("\n");
		} else {
			printf("  IOMMU group:  none (the IOMMU is off)\n");
		}
		printf("  Manifest:     %s\n", ctl_text(stdout, says));
		printf("  Verdict:      %s\n", ctl_text(stdout, why));
		if (blockdev_behind(c->root, d->syspath, &b, &n) == 0) {
			for (size_t i = 0; i < n; i++)
				printf("  Storage:      %s %s%s%s%s%s%s%s\n", ctl_text(stdout, b[i].name),
				       b[i].fstype[0] ? ctl_text(stdout, b[i].fstype) : "-",
				       b[i].label[0] ? " LABEL=" : "", ctl_text(stdout, b[i].label),
				       b[i].uuid[0] ? " UUID=" : "", ctl_text(stdout, b[i].uuid),
				       b[i].mountpoints[0] ? " on " : "",
				       ctl_text(stdout, b[i].mountpoints));
			free(b);
		}
	}
	ctl_vm_uses_free(m.uses);
	ctl_machine_free(&m);
	return CTL_EXIT_OK;
}
