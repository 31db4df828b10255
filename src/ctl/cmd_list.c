// SPDX-License-Identifier: GPL-2.0-or-later
/* earlybindctl list and show. */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "blockdev.h"
#include "ctl.h"
#include "json.h"
#include "modalias.h"

static const char list_usage[] =
	"Usage: earlybindctl list [--json]\n\n"
	"Every IOMMU group and its PCI functions: address, class, name and id as lspci\n"
	"prints them, driver, what the manifest says, and whether the function can be\n"
	"passed through to a guest, or why not.\n";

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

static void id_string(const struct pcidev *d, char *buf, size_t size)
{
	snprintf(buf, size, "%04x:%04x", d->vendor, d->device);
}

/* The manifest's word on @d, for people. */
void manifest_says(const struct ctl_machine *m, const struct pcidev *d, char *buf,
			  size_t size)
{
	bool mismatch;
	const struct manifest_entry *e = ctl_manifest_entry(m, d, &mismatch);

	if (!e)
		snprintf(buf, size, "not claimed");
	else if (mismatch)
		snprintf(buf, size, "line %u expects another id: left alone", e->line);
	else
		snprintf(buf, size, "%s (line %u)", e->driver, e->line);
	if (e && !mismatch)
		ctl_vm_uses_say(m->uses, &d->addr, buf, size);
}

/* Each reason of @v as its own string, for JSON. */
static void json_reasons(struct json *j, const struct verdict *v)
{
	json_array_begin(j);
	for (unsigned bit = 1; bit && bit <= v->flags; bit <<= 1) {
		struct verdict one = *v;
		char text[400];

		if (!(v->flags & bit))
			continue;
		one.flags = bit;
		verdict_describe(&one, text, sizeof(text));
		json_string(j, text);
	}
	json_array_end(j);
}

void json_function(struct json *j, const struct ctl_machine *m, const struct pcidev *d,
			  bool full, const char *root)
{
	char a[PCI_ADDR_STRLEN], s[64];
	struct verdict v;
	bool mismatch;
	const struct manifest_entry *e = ctl_manifest_entry(m, d, &mismatch);

	pci_addr_format(&d->addr, a);
	verdict_of(&m->vc, d, &v);
	json_object_begin(j);
	json_kv_string(j, "address", a);
	id_string(d, s, sizeof(s));
	json_kv_string(j, "id", s);
	json_key(j, "subsystem_id");
	if (d->subvendor || d->subdevice) {
		snprintf(s, sizeof(s), "%04x:%04x", d->subvendor, d->subdevice);
		json_string(j, s);
	} else {
		json_null(j);
	}
	snprintf(s, sizeof(s), "%04x", d->class >> 8);
	json_kv_string(j, "class", s);
	json_kv_string(j, "class_name", d->class_name);
	json_kv_string(j, "name", d->desc);
	json_kv_string(j, "subsystem_name", d->subsys_desc);
	json_key(j, "driver");
	if (d->driver[0])
		json_string(j, d->driver);
	else
		json_null(j);
	json_key(j, "iommu_group");
	if (d->iommu_group >= 0)
		json_int(j, d->iommu_group);
	else
		json_null(j);
	json_key(j, "boot_vga");
	if (d->boot_vga >= 0)
		json_bool(j, d->boot_vga == 1);
	else
		json_null(j);
	json_key(j, "manifest");
	if (e) {
		json_object_begin(j);
		json_kv_string(j, "driver", e->driver);
		json_kv_int(j, "line", e->line);
		json_kv_bool(j, "id_matches", !mismatch);
		json_object_end(j);
	} else {
		json_null(j);
	}
	ctl_vm_uses_json(m->uses, j, &d->addr);
	json_kv_bool(j, "passable", v.flags == 0);
	json_key(j, "reasons");
	json_reasons(j, &v);
	if (full) {
		char mods[256];
		struct blockdev *b = NULL;
		size_t n = 0;

		json_kv_string(j, "reset_method", d->reset_method);
		json_key(j, "would_claim");
		if (modalias_lookup(root, d->modalias, mods, sizeof(mods)) == 0)
			json_string(j, mods);
		else
			json_null(j);
		json_key(j, "group_members");
		json_array_begin(j);
		for (size_t i = 0; i < m->devs.n && d->iommu_group >= 0; i++)
			if (m->devs.devs[i].iommu_group == d->iommu_group) {
				pci_addr_format(&m->devs.devs[i].addr, a);
				json_string(j, a);
			}
		json_array_end(j);
		json_key(j, "block_devices");
		json_array_begin(j);
		if (blockdev_behind(root, d->syspath, &b, &n) == 0) {
			for (size_t i = 0; i < n; i++) {
				json_object_begin(j);
				json_kv_string(j, "name", b[i].name);
				json_kv_string(j, "type", b[i].fstype);
				json_kv_string(j, "label", b[i].label);
				json_kv_string(j, "uuid", b[i].uuid);
				json_kv_string(j, "mountpoints", b[i].mountpoints);
				json_kv_bool(j, "system", b[i].system);
				json_object_end(j);
			}
			free(b);
		}
		json_array_end(j);
	}
	json_object_end(j);
}

static void text_function(const struct ctl *c, const struct ctl_machine *m,
			  const struct pcidev *d)
{
	char a[PCI_ADDR_STRLEN], says[128], why[512];
	struct verdict v;

	pci_addr_format(&d->addr, a);
	verdict_of(&m->vc, d, &v);
	manifest_says(m, d, says, sizeof(says));
	verdict_describe(&v, why, sizeof(why));
	printf("  %s%s%s %s\n", ctl_color(c, CTL_BOLD), a, ctl_color(c, CTL_RESET),
	       ctl_text(stdout, d->lspci_nn));
	printf("      driver %s%s; manifest: %s; %s%s%s\n",
	       d->driver[0] ? ctl_text(stdout, d->driver) : "none",
	       d->boot_vga == 1 ? " (boot VGA)" : "", ctl_text(stdout, says),
	       ctl_color(c, v.flags ? CTL_YELLOW : CTL_GREEN), ctl_text(stdout, why),
	       ctl_color(c, CTL_RESET));
	/*
	 * Its own line, below the one tests and scripts read with grep -A1,
	 * and indented so that it never looks like a function's line.
	 */
	if (d->subsys_desc[0])
		printf("      subsystem %s [%04x:%04x]\n", ctl_text(stdout, d->subsys_desc),
		       d->subvendor, d->subdevice);
}

int parse_json_flag(struct ctl *c, int argc, char **argv, const char *usage,
			   bool *json, int want_args)
{
	static const struct option opts[] = {
		CTL_COMMON_LONG,
		{ "json", no_argument, NULL, 'j' },
		{ NULL, 0, NULL, 0 },
	};
	int opt;

	while ((opt = getopt_long(argc, argv, CTL_COMMON_SHORT "j", opts, NULL)) != -1) {
		if (ctl_common_option(c, opt, optarg, usage))
			continue;
		if (opt == 'j') {
			*json = true;
			continue;
		}
		fputs(usage, stderr);
		return CTL_EXIT_USAGE;
	}
	if (argc - optind != want_args) {
		fputs(usage, stderr);
		return CTL_EXIT_USAGE;
	}
	return 0;
}

int cmd_list(struct ctl *c, int argc, char **argv)
{
	struct ctl_machine m;
	const struct pcidev **order;
	bool json = false, any_group = false;
	int r, last = -2;

	r = parse_json_flag(c, argc, argv, list_usage, &json, 0);
	if (r)
		return r;
	r = ctl_machine_load(c, &m);
	if (r < 0)
		return CTL_EXIT_FAIL;
	order = malloc((m.devs.n ? m.devs.n : 1) * sizeof(*order));
	if (!order) {
		ctl_machine_free(&m);
		return CTL_EXIT_FAIL;
	}
	m.uses = ctl_vm_uses_load(c);
	for (size_t i = 0; i < m.devs.n; i++) {
		order[i] = &m.devs.devs[i];
		any_group |= m.devs.devs[i].iommu_group >= 0;
	}
	qsort(order, m.devs.n, sizeof(*order), by_group);
	if (json) {
		struct json j;

		json_init(&j, stdout);
		json_object_begin(&j);
		json_kv_bool(&j, "iommu", any_group);
		json_key(&j, "groups");
		json_array_begin(&j);
		for (size_t i = 0; i < m.devs.n; i++) {
			if (order[i]->iommu_group != last) {
				if (last != -2)
					json_array_end(&j), json_object_end(&j);
				last = order[i]->iommu_group;
				json_object_begin(&j);
				json_key(&j, "group");
				if (last >= 0)
					json_int(&j, last);
				else
					json_null(&j);
				json_key(&j, "functions");
				json_array_begin(&j);
			}
			json_function(&j, &m, order[i], false, c->root);
		}
		if (last != -2)
			json_array_end(&j), json_object_end(&j);
		json_array_end(&j);
		json_object_end(&j);
		json_finish(&j);
	} else {
		if (!any_group)
			printf("No function has an IOMMU group: the IOMMU is off.  Enable it in the "
			       "firmware\n(AMD: SVM and IOMMU; Intel: VT-d) and, on Intel, add "
			       "intel_iommu=on to the\nkernel command line.\n\n");
		for (size_t i = 0; i < m.devs.n; i++) {
			if (order[i]->iommu_group != last) {
				last = order[i]->iommu_group;
				if (last >= 0)
					printf("%sIOMMU group %d%s\n", ctl_color(c, CTL_BOLD), last,
					       ctl_color(c, CTL_RESET));
				else
					printf("No IOMMU group\n");
			}
			text_function(c, &m, order[i]);
		}
	}
	free(order);
	ctl_vm_uses_free(m.uses);
	ctl_machine_free(&m);
	return CTL_EXIT_OK;
}
