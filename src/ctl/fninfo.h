/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * What list and show say about one PCI function: worked out once
 * (fninfo_get()), then printed, as text by each command and as JSON here
 * for both, so that the two never tell it differently.
 */
#ifndef EARLYBIND_FNINFO_H
#define EARLYBIND_FNINFO_H

#include <stdbool.h>
#include <stddef.h>

#include "ctl.h"

struct blockdev;
struct json;

struct fninfo {
	const struct pcidev *d;
	char addr[PCI_ADDR_STRLEN];
	struct verdict v;
	char why[512];                  /* the verdict, for people (verdict_describe()) */
	const struct manifest_entry *e; /* the line that claims it, or NULL */
	bool mismatch;                  /* @e is its address line, for another id */
	/* "vfio-pci (/etc/earlybind.conf:2; libvirt domain win11)", for people */
	char says[192];
	/* Filled by fninfo_get() with @full only (show): */
	bool full;
	int mods_err;          /* 0, or modalias_lookup()'s -errno */
	char mods[256];        /* the host drivers its modalias names, "" for none */
	struct blockdev *b;    /* the block devices behind it (blockdev_behind()) */
	size_t n_b;
};

/*
 * @d as @m has it: its verdict and manifest line, and with @full what show
 * adds (the host driver, from @m->kmod, and the block devices behind it).  Never fails: what
 * cannot be read is left out, as list and show have always shown it.
 */
void fninfo_get(const struct ctl *c, const struct ctl_machine *m, const struct pcidev *d,
		bool full, struct fninfo *fi);
void fninfo_free(struct fninfo *fi);

/* @fi as one JSON object (list's functions, show's document). */
void fninfo_json(struct json *j, const struct ctl_machine *m, const struct fninfo *fi);

#endif
