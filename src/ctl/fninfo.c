// SPDX-License-Identifier: GPL-2.0-or-later
#include <stdio.h>
#include <stdlib.h>

#include "blockdev.h"
#include "fninfo.h"
#include "json.h"
#include "modalias.h"

/* The manifest's word on @d, for people. */
static void manifest_says(const struct ctl_machine *m, struct fninfo *fi)
{
	if (!fi->e)
		snprintf(fi->says, sizeof(fi->says), "not claimed");
	else if (fi->mismatch)
		snprintf(fi->says, sizeof(fi->says),
			 CTL_MANIFEST ":%u expects another id: left alone", fi->e->line);
	else
		snprintf(fi->says, sizeof(fi->says), "%s (" CTL_MANIFEST ":%u)", fi->e->driver,
			 fi->e->line);
	if (fi->e && !fi->mismatch)
		ctl_vm_uses_say(m->uses, &fi->d->addr, fi->says, sizeof(fi->says));
}

void fninfo_get(const struct ctl *c, const struct ctl_machine *m, const struct pcidev *d,
		bool full, struct fninfo *fi)
{
	*fi = (struct fninfo){ .d = d, .full = full };
	pci_addr_format(&d->addr, fi->addr);
	verdict_of(&m->vc, d, &fi->v);
	verdict_describe(&fi->v, fi->why, sizeof(fi->why));
	fi->e = ctl_manifest_entry(m, d, &fi->mismatch);
	manifest_says(m, fi);
	if (!full)
		return;
	fi->mods_err = modalias_lookup(m->kmod, d->modalias, fi->mods, sizeof(fi->mods));
	if (blockdev_behind(c->root, d->syspath, &fi->b, &fi->n_b) < 0) {
		fi->b = NULL;
		fi->n_b = 0;
	}
}

void fninfo_free(struct fninfo *fi)
{
	free(fi->b);
	fi->b = NULL;
	fi->n_b = 0;
}

/* Each reason of @v as its own string. */
static void json_reasons(struct json *j, const struct verdict *v)
{
	json_key(j, "reasons");
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

static void json_ids(struct json *j, const struct pcidev *d)
{
	struct pci_id id;
	char s[PCI_ID_STRLEN];

	ctl_pci_id(d, &id);
	id.has_subsys = false;
	pci_id_format(&id, s);
	json_kv_string(j, "id", s);
	/* The subsystem as an id of its own: vendor and device of the board. */
	id = (struct pci_id){ .vendor = d->subvendor, .device = d->subdevice };
	pci_id_format(&id, s);
	json_kv_string_or_null(j, "subsystem_id", d->subvendor || d->subdevice ? s : NULL);
	snprintf(s, sizeof(s), "%04x", d->class >> 8);
	json_kv_string(j, "class", s);
}

static void json_manifest(struct json *j, const struct fninfo *fi)
{
	json_key(j, "manifest");
	if (!fi->e) {
		json_null(j);
		return;
	}
	json_object_begin(j);
	json_kv_string(j, "driver", fi->e->driver);
	json_kv_int(j, "line", fi->e->line);
	json_kv_bool(j, "id_matches", !fi->mismatch);
	json_object_end(j);
}

static void json_block_devices(struct json *j, const struct fninfo *fi)
{
	json_key(j, "block_devices");
	json_array_begin(j);
	for (size_t i = 0; i < fi->n_b; i++) {
		const struct blockdev *b = &fi->b[i];

		json_object_begin(j);
		json_kv_string(j, "name", b->name);
		json_kv_string(j, "type", b->fstype);
		json_kv_string(j, "label", b->label);
		json_kv_string(j, "uuid", b->uuid);
		json_kv_string(j, "mountpoints", b->mountpoints);
		json_kv_bool(j, "system", b->system);
		json_object_end(j);
	}
	json_array_end(j);
}

/* What show adds to list's object. */
static void json_full(struct json *j, const struct ctl_machine *m, const struct fninfo *fi)
{
	const struct pcidev *d = fi->d;
	char a[PCI_ADDR_STRLEN];

	json_kv_string(j, "reset_method", d->reset_method);
	json_key(j, "would_claim");
	if (fi->mods_err == 0)
		json_string(j, fi->mods);
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
	json_block_devices(j, fi);
}

void fninfo_json(struct json *j, const struct ctl_machine *m, const struct fninfo *fi)
{
	const struct pcidev *d = fi->d;

	json_object_begin(j);
	json_kv_string(j, "address", fi->addr);
	json_ids(j, d);
	json_kv_string(j, "class_name", d->class_name);
	json_kv_string(j, "name", d->desc);
	json_kv_string(j, "subsystem_name", d->subsys_desc);
	json_kv_string_or_null(j, "driver", d->driver);
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
	json_manifest(j, fi);
	ctl_vm_uses_json(m->uses, j, &d->addr);
	json_kv_bool(j, "passable", fi->v.flags == 0);
	json_reasons(j, &fi->v);
	if (fi->full)
		json_full(j, m, fi);
	json_object_end(j);
}
