// SPDX-License-Identifier: GPL-2.0-or-later
/* earlybindctl list: every IOMMU group, its functions, and what can be passed through. */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "ctl.h"
#include "fninfo.h"
#include "json.h"

static const char list_usage[] =
	"Usage: earlybindctl list [--json]\n\n"
	"Every IOMMU group and its PCI functions: address, class, name and id as lspci\n"
	"prints them, driver, what the manifest says, and whether the function can be\n"
	"passed through to a guest, or why not.\n";

/* What list shows: the functions in its order. */
struct listing {
	const struct pcidev **order;
	size_t n;
	bool any_group; /* the IOMMU is on */
};

/* Functions in the order list prints them: by IOMMU group, then address. */
static int by_group(const void *a, const void *b)
{
	const struct pcidev *x = *(const struct pcidev *const *)a;
	const struct pcidev *y = *(const struct pcidev *const *)b;
	/* Functions without a group come last. */
	unsigned gx = (unsigned)x->iommu_group, gy = (unsigned)y->iommu_group;

	if (gx != gy)
		return gx < gy ? -1 : 1;
	return x < y ? -1 : x > y;
}

/* 0 or -ENOMEM. */
static int listing_make(const struct ctl_machine *m, struct listing *l)
{
	*l = (struct listing){ .n = m->devs.n };
	l->order = malloc((m->devs.n ? m->devs.n : 1) * sizeof(*l->order));
	if (!l->order)
		return -ENOMEM;
	for (size_t i = 0; i < m->devs.n; i++) {
		l->order[i] = &m->devs.devs[i];
		l->any_group |= m->devs.devs[i].iommu_group >= 0;
	}
	qsort(l->order, l->n, sizeof(*l->order), by_group);
	return 0;
}

/* One function, two lines (tests and scripts read them with grep -A1), and its subsystem. */
static void text_function(const struct ctl *c, const struct fninfo *fi)
{
	const struct pcidev *d = fi->d;

	printf("  %s%s%s %s\n", ctl_color(c, CTL_BOLD), fi->addr, ctl_color(c, CTL_RESET),
	       ctl_text(stdout, d->lspci_nn));
	printf("      driver %s%s; manifest: %s; %s%s%s\n",
	       d->driver[0] ? ctl_text(stdout, d->driver) : "none",
	       d->boot_vga == 1 ? " (boot VGA)" : "", ctl_text(stdout, fi->says),
	       ctl_color(c, fi->v.flags ? CTL_YELLOW : CTL_GREEN), ctl_text(stdout, fi->why),
	       ctl_color(c, CTL_RESET));
	/* Indented, so that it never looks like a function's line. */
	if (d->subsys_desc[0])
		printf("      subsystem %s [%04x:%04x]\n", ctl_text(stdout, d->subsys_desc),
		       d->subvendor, d->subdevice);
}

static void print_text(const struct ctl *c, const struct ctl_machine *m,
		       const struct listing *l)
{
	int last = -2;

	if (!l->any_group)
		printf("No function has an IOMMU group: the IOMMU is off.  Enable it in the "
		       "firmware\n(AMD: SVM and IOMMU; Intel: VT-d) and, on Intel, add "
		       "intel_iommu=on to the\nkernel command line.\n\n");
	for (size_t i = 0; i < l->n; i++) {
		struct fninfo fi;

		if (l->order[i]->iommu_group != last) {
			last = l->order[i]->iommu_group;
			if (last >= 0)
				printf("%sIOMMU group %d%s\n", ctl_color(c, CTL_BOLD), last,
				       ctl_color(c, CTL_RESET));
			else
				printf("No IOMMU group\n");
		}
		fninfo_get(c, m, l->order[i], false, &fi);
		text_function(c, &fi);
		fninfo_free(&fi);
	}
}

/* { "group": N or null, "functions": [ ... ] } for each group. */
static void print_json(const struct ctl *c, const struct ctl_machine *m,
		       const struct listing *l)
{
	struct json j;

	json_init(&j, stdout);
	json_object_begin(&j);
	json_kv_bool(&j, "iommu", l->any_group);
	json_key(&j, "groups");
	json_array_begin(&j);
	for (size_t i = 0; i < l->n; i++) {
		int g = l->order[i]->iommu_group;
		struct fninfo fi;

		if (i == 0 || g != l->order[i - 1]->iommu_group) {
			if (i)
				json_array_end(&j), json_object_end(&j);
			json_object_begin(&j);
			json_key(&j, "group");
			if (g >= 0)
				json_int(&j, g);
			else
				json_null(&j);
			json_key(&j, "functions");
			json_array_begin(&j);
		}
		fninfo_get(c, m, l->order[i], false, &fi);
		fninfo_json(&j, m, &fi);
		fninfo_free(&fi);
	}
	if (l->n)
		json_array_end(&j), json_object_end(&j);
	json_array_end(&j);
	json_object_end(&j);
	json_finish(&j);
}

int cmd_list(struct ctl *c, int argc, char **argv)
{
	struct ctl_machine m;
	struct listing l;
	bool json = false;

	if (ctl_parse_json_only(c, argc, argv, list_usage, &json, 0) < 0)
		return CTL_EXIT_USAGE;
	if (ctl_machine_load(c, &m) < 0)
		return CTL_EXIT_FAIL;
	if (listing_make(&m, &l) < 0) {
		ctl_error("%s", strerror(ENOMEM));
		ctl_machine_free(&m);
		return CTL_EXIT_FAIL;
	}
	m.uses = ctl_vm_uses_load(c);
	if (json)
		print_json(c, &m, &l);
	else
		print_text(c, &m, &l);
	free(l.order);
	ctl_vm_uses_free(m.uses);
	ctl_machine_free(&m);
	return CTL_EXIT_OK;
}
