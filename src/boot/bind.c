// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * The order of the kernel writes matters (docs/kernel-interfaces.md has
 * the kernel's side of each, with its upstream source):
 *   1. driver_override on every claimed function, so that from here on no
 *      other driver can bind it, whatever loads;
 *   2. the driver modules, once each; loading a module already binds the
 *      functions whose override names it;
 *   3. for a function still elsewhere (a host driver got there first, or is
 *      built in): unbind, then drivers_probe;
 *   4. the driver link, read back, is the result we report.
 * Never new_id: it captures every device with that id, not just this one.
 */
#include "bind.h"
#include "group.h"
#include "modload.h"
#include "sysfs.h"
#include "vfio_driver.h"

#include <errno.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <syslog.h>

struct target {
	const struct manifest_entry *e;
	char addr[PCI_ADDR_STRLEN];
	struct pci_id id;
	char was[SYSFS_DRIVER_MAX]; /* driver before we started, "" for none */
	size_t claim;		    /* its entry in binder.claims */
	bool override_set;
	bool failed;
};

struct binder {
	const struct manifest *m;
	const struct bind_opts *opts;
	struct kmsg *log;
	struct bind_stats *stats;
	struct sysfs sysfs;
	struct target *targets;
	size_t n_targets, alloc;
	struct group_claim *claims; /* every function whose address and id matched */
	size_t n_claims, claims_alloc;
	struct modload *ml;
	bool ml_tried;
	int ml_error;
	char ml_dir[4096];
	const struct manifest_entry *scanning; /* the '*' entry being resolved */
	unsigned scan_matches;
	unsigned scan_taken; /* matches an earlier '*' line claimed */
	int error;
};

static const char *driver_or_none(const char *driver)
{
	return driver[0] ? driver : "no driver";
}

static int add_target(struct binder *b, const struct manifest_entry *e, const char *addr,
		      const struct pci_id *id, const char *was)
{
	struct target *t;

	if (b->n_targets == b->alloc) {
		size_t alloc = b->alloc ? b->alloc * 2 : 16;
		struct target *n = realloc(b->targets, alloc * sizeof(*n));

		if (!n)
			return -ENOMEM;
		b->targets = n;
		b->alloc = alloc;
	}
	t = &b->targets[b->n_targets++];
	memset(t, 0, sizeof(*t));
	t->e = e;
	snprintf(t->addr, sizeof(t->addr), "%s", addr);
	t->id = *id;
	snprintf(t->was, sizeof(t->was), "%s", was);
	return 0;
}

static int add_claim(struct binder *b, const struct manifest_entry *e, const char *addr)
{
	struct group_claim *c;

	if (b->n_claims == b->claims_alloc) {
		size_t alloc = b->claims_alloc ? b->claims_alloc * 2 : 16;
		struct group_claim *n = realloc(b->claims, alloc * sizeof(*n));

		if (!n)
			return -ENOMEM;
		b->claims = n;
		b->claims_alloc = alloc;
	}
	c = &b->claims[b->n_claims++];
	snprintf(c->addr, sizeof(c->addr), "%s", addr);
	c->driver = e->driver;
	c->group = GROUP_UNKNOWN;
	c->on_driver = false;
	return 0;
}

/*
 * Checks one function, whose uevent said @id and @driver, against @e and
 * queues it; logs what it decided.
 */
static int resolve_function(struct binder *b, const struct manifest_entry *e, const char *addr,
			    struct pci_id *id, const char *driver)
{
	char have[PCI_ID_STRLEN], want[PCI_ID_STRLEN];
	int r;

	/* The subsystem ids are shown (and compared) when the line gives them. */
	if (!e->id.has_subsys)
		id->has_subsys = false;
	pci_id_format(id, have);
	if (!manifest_entry_id_matches(e, id)) {
		pci_id_format(&e->id, want);
		kmsg_log(b->log, LOG_ERR, "%s [%s]: %s: line %u: expects %s; function left alone "
			 "(moved card? fix the line, or run earlybindctl add again)",
			 addr, have, b->opts->config_name, e->line, want);
		b->stats->failed++;
		return 0;
	}
	r = add_claim(b, e, addr);
	if (r < 0)
		return r;
	if (strcmp(driver, e->driver) == 0) {
		kmsg_log(b->log, LOG_INFO, "%s [%s]: already on %s", addr, have, driver);
		b->claims[b->n_claims - 1].on_driver = true;
		b->stats->already++;
		return 0;
	}
	r = add_target(b, e, addr, id, driver);
	if (r == 0)
		b->targets[b->n_targets - 1].claim = b->n_claims - 1;
	return r;
}

static void report_absent(struct binder *b, const struct manifest_entry *e, const char *what)
{
	if (e->options & MANIFEST_OPT_OPTIONAL) {
		kmsg_log(b->log, LOG_INFO, "%s: not present (%s: line %u, optional)",
			 what, b->opts->config_name, e->line);
		b->stats->optional++;
	} else {
		kmsg_log(b->log, LOG_ERR, "%s: not present (%s: line %u); "
			 "add 'optional' to the line if that is expected",
			 what, b->opts->config_name, e->line);
		b->stats->failed++;
	}
}

/*
 * Has an earlier '*' line taken @addr?  Claims, not targets: a function
 * already on its driver is a claim only, and a later '*' line whose id also
 * matches (8086:1539 and 8086:1539:1234:5678) must not move it.
 */
static bool already_claimed(const struct binder *b, const char *addr)
{
	for (size_t i = 0; i < b->n_claims; i++)
		if (strcmp(b->claims[i].addr, addr) == 0)
			return true;
	return false;
}

static int resolve_wildcard_one(void *userdata, const char *addr)
{
	struct binder *b = userdata;
	const struct manifest_entry *e = b->scanning;
	char driver[SYSFS_DRIVER_MAX];
	struct pci_addr a;
	struct pci_id id;
	int r;

	/* A function named by its address is governed by that line only. */
	if (pci_addr_parse(addr, &a) < 0 || manifest_find_addr(b->m, &a))
		return 0;
	r = sysfs_read_function(&b->sysfs, addr, &id, driver, sizeof(driver));
	if (r < 0 || !manifest_entry_id_matches(e, &id))
		return 0;
	if (already_claimed(b, addr)) {
		b->scan_taken++;
		return 0;
	}
	b->scan_matches++;
	return resolve_function(b, e, addr, &id, driver);
}

static int resolve_entry(struct binder *b, const struct manifest_entry *e)
{
	char addr[PCI_ADDR_STRLEN], want[PCI_ID_STRLEN], driver[SYSFS_DRIVER_MAX];
	struct pci_id id;
	int r;

	if (e->any_addr) {
		b->scanning = e;
		b->scan_matches = b->scan_taken = 0;
		r = sysfs_for_each_function(&b->sysfs, resolve_wildcard_one, b);
		if (r < 0)
			return r;
		if (b->scan_matches == 0 && b->scan_taken) {
			pci_id_format(&e->id, want);
			kmsg_log(b->log, LOG_WARNING, "%s: line %u: every function with id %s "
				 "is claimed by an earlier '*' line; this line takes none",
				 b->opts->config_name, e->line, want);
		} else if (b->scan_matches == 0) {
			char what[48];

			pci_id_format(&e->id, want);
			snprintf(what, sizeof(what), "no function with id %s", want);
			report_absent(b, e, what);
		}
		return 0;
	}
	pci_addr_format(&e->addr, addr);
	r = sysfs_read_function(&b->sysfs, addr, &id, driver, sizeof(driver));
	if (r == -ENOENT) {
		report_absent(b, e, addr);
		return 0;
	}
	if (r < 0) {
		kmsg_log(b->log, LOG_ERR, "%s: cannot read its ids and driver from its uevent: %s",
			 addr, strerror(-r));
		b->stats->failed++;
		return 0;
	}
	return resolve_function(b, e, addr, &id, driver);
}

/* A dry run's "PATH <- VALUE" line; PATH is under the root. */
__attribute__((format(printf, 2, 3)))
static void dry(struct binder *b, const char *fmt, ...)
{
	const char *root = b->opts->root;
	va_list ap;

	if (!root || (root[0] == '/' && !root[1]))
		root = "";
	fputs(root, b->opts->dry_run);
	va_start(ap, fmt);
	vfprintf(b->opts->dry_run, fmt, ap);
	va_end(ap);
	fputc('\n', b->opts->dry_run);
}

static void write_override(struct binder *b, struct target *t)
{
	int r;

	if (b->opts->dry_run) {
		dry(b, "/sys/bus/pci/devices/%s/driver_override <- %s", t->addr, t->e->driver);
		return;
	}
	r = sysfs_write_override(&b->sysfs, t->addr, t->e->driver);
	if (r == 0) {
		t->override_set = true;
		return;
	}
	t->failed = true;
	kmsg_log(b->log, LOG_ERR, "%s: cannot write %s to driver_override: %s%s", t->addr,
		 t->e->driver, strerror(-r),
		 r == -EPERM || r == -EINVAL ?
		 " (this kernel may not allow driver_override for this device)" : "");
}

static void modload_log(void *userdata, int priority, const char *msg)
{
	struct binder *b = userdata;

	kmsg_log(b->log, priority, "libkmod: %s", msg);
}

/* The libkmod context, made at its first use; NULL when it cannot be (logged once). */
static struct modload *binder_modload(struct binder *b)
{
	if (!b->ml_tried) {
		b->ml_tried = true;
		b->ml_error = modload_new(&b->ml, b->opts->root, modload_log, b,
					  b->ml_dir, sizeof(b->ml_dir));
	}
	return b->ml;
}

/* Makes @driver registered with the PCI bus; 0 or -errno (logged). */
static int load_driver(struct binder *b, const char *driver)
{
	struct modload_result res;
	int r;

	if (sysfs_driver_registered(&b->sysfs, driver))
		return 0;
	if (b->opts->dry_run) {
		fprintf(b->opts->dry_run, "load module %s and its dependencies\n", driver);
		return 0;
	}
	if (!binder_modload(b)) {
		kmsg_log(b->log, LOG_ERR, "cannot load %s: %s: %s; its functions keep "
			 "driver_override, so no other driver takes them", driver, b->ml_dir,
			 strerror(-b->ml_error));
		return b->ml_error;
	}
	r = modload_load(b->ml, driver, &res);
	b->stats->modules += res.inserted;
	if (r == -ENOENT && !res.module[0]) {
		kmsg_log(b->log, LOG_ERR, "cannot load %s: no module provides it under %s; its "
			 "functions keep driver_override, so no other driver takes them",
			 driver, b->ml_dir);
		return r;
	}
	if (r < 0) {
		kmsg_log(b->log, LOG_ERR, "cannot load %s: module %s: %s (see the kernel's "
			 "messages above); its functions keep driver_override", driver,
			 res.module[0] ? res.module : driver, strerror(-r));
		return r;
	}
	/* Says who decompressed: a kernel without MODULE_DECOMPRESS cannot. */
	if (res.unpacked)
		kmsg_log(b->log, LOG_INFO, "loaded %s (%u module%s, %u decompressed by "
			 "earlybind)", driver, res.inserted, res.inserted == 1 ? "" : "s",
			 res.unpacked);
	else if (res.inserted)
		kmsg_log(b->log, LOG_INFO, "loaded %s (%u module%s)", driver, res.inserted,
			 res.inserted == 1 ? "" : "s");
	/* A module whose name differs from its driver's still registered it? */
	if (!sysfs_driver_registered(&b->sysfs, driver)) {
		kmsg_log(b->log, LOG_ERR, "loaded the module for %s, but no PCI driver of "
			 "that name registered; check the driver column", driver);
		return -ENOENT;
	}
	return 0;
}

/* Loads each distinct driver of the queued functions once. */
static void load_drivers(struct binder *b)
{
	for (size_t i = 0; i < b->n_targets; i++) {
		struct target *t = &b->targets[i];
		bool seen = false;
		int r;

		for (size_t j = 0; j < i && !seen; j++)
			seen = strcmp(b->targets[j].e->driver, t->e->driver) == 0;
		if (seen)
			continue;
		r = load_driver(b, t->e->driver);
		if (r < 0)
			for (size_t j = i; j < b->n_targets; j++)
				if (strcmp(b->targets[j].e->driver, t->e->driver) == 0)
					b->targets[j].failed = true;
	}
}

static void explain_unbound(struct binder *b, const struct target *t, const char *now,
			    const char *have)
{
	/* Driverless after a vfio driver's probe: most often, no IOMMU. */
	if (!now[0] && vfio_driver_is(t->e->driver) &&
	    sysfs_read_iommu_group(&b->sysfs, t->addr) < 0) {
		kmsg_log(b->log, LOG_ERR, "%s [%s]: %s did not bind it: the function has no "
			 "IOMMU group; enable VT-d/AMD-Vi in the firmware (and intel_iommu=on "
			 "on Intel); driver_override still keeps host drivers off it",
			 t->addr, have, t->e->driver);
		return;
	}
	kmsg_log(b->log, LOG_ERR, "%s [%s]: %s did not bind it (now on %s); see the kernel's "
		 "messages about %s", t->addr, have, t->e->driver, driver_or_none(now), t->addr);
}

/* The driver link of @t now; a failure is logged, since the count alone says nothing. */
static int read_driver_now(struct binder *b, const struct target *t, char *now, size_t size,
			   const char *have)
{
	int r = sysfs_read_driver(&b->sysfs, t->addr, now, size);

	if (r < 0)
		kmsg_log(b->log, LOG_ERR, "%s [%s]: cannot read its driver link: %s", t->addr,
			 have, strerror(-r));
	return r;
}

static void finish_target(struct binder *b, struct target *t)
{
	char now[SYSFS_DRIVER_MAX], have[PCI_ID_STRLEN];
	int r;

	pci_id_format(&t->id, have);
	if (b->opts->dry_run) {
		if (t->was[0])
			dry(b, "/sys/bus/pci/drivers/%s/unbind <- %s", t->was, t->addr);
		dry(b, "/sys/bus/pci/drivers_probe <- %s", t->addr);
		return;
	}
	/*
	 * Loading a module can bind the function (driver_override is already
	 * set), so the link is read again; when no module was inserted, nothing
	 * here changed it since it was read, and the read is saved.
	 */
	if (b->stats->modules) {
		r = read_driver_now(b, t, now, sizeof(now), have);
	} else {
		memcpy(now, t->was, sizeof(now));
		r = 0;
	}
	if (r == 0 && strcmp(now, t->e->driver) != 0) {
		/* A host driver holds it: let go, then offer it to the drivers again. */
		if (now[0]) {
			r = sysfs_unbind(&b->sysfs, t->addr, now);
			if (r < 0)
				kmsg_log(b->log, LOG_ERR, "%s [%s]: cannot unbind %s: %s", t->addr,
					 have, now, strerror(-r));
		}
		if (r == 0) {
			r = sysfs_probe(&b->sysfs, t->addr);
			/* The store fails when no driver took it; the link tells. */
			(void)r;
			r = read_driver_now(b, t, now, sizeof(now), have);
		}
	}
	if (r < 0) {
		b->stats->failed++;
		return;
	}
	if (strcmp(now, t->e->driver) != 0) {
		explain_unbound(b, t, now, have);
		b->stats->failed++;
		return;
	}
	r = sysfs_read_iommu_group(&b->sysfs, t->addr);
	/* What the group check needs to know of it, read once. */
	b->claims[t->claim].group = r >= 0 ? r : -1;
	b->claims[t->claim].on_driver = true;
	if (r >= 0)
		kmsg_log(b->log, LOG_INFO, "%s [%s]: bound to %s (was %s), IOMMU group %d",
			 t->addr, have, now, driver_or_none(t->was), r);
	else
		kmsg_log(b->log, LOG_INFO, "%s [%s]: bound to %s (was %s)", t->addr, have, now,
			 driver_or_none(t->was));
	b->stats->bound++;
}

/* group_module_fn: what udev would load for a member with @modalias. */
static int module_for_alias(void *userdata, const char *modalias, char *buf, size_t size)
{
	struct binder *b = userdata;
	struct modload *ml = binder_modload(b);

	/* No module tree: nothing for udev to load. */
	if (!ml)
		return b->ml_error == -ENOENT ? 0 : b->ml_error;
	return modload_module_for_alias(ml, modalias, buf, size);
}

int bind_manifest(const struct manifest *m, const struct bind_opts *opts, struct kmsg *log,
		  struct bind_stats *stats)
{
	struct binder b = { .m = m, .opts = opts, .log = log, .stats = stats };
	struct group_opts go;
	int r;

	memset(stats, 0, sizeof(*stats));
	r = sysfs_open(&b.sysfs, opts->root);
	if (r < 0)
		return r;
	for (size_t i = 0; i < m->n_entries; i++) {
		r = resolve_entry(&b, &m->entries[i]);
		if (r < 0)
			goto out;
	}
	for (size_t i = 0; i < b.n_targets; i++)
		write_override(&b, &b.targets[i]);
	load_drivers(&b);
	for (size_t i = 0; i < b.n_targets; i++) {
		struct target *t = &b.targets[i];

		if (t->failed) {
			char have[PCI_ID_STRLEN];

			pci_id_format(&t->id, have);
			kmsg_log(log, LOG_ERR, "%s [%s]: not bound to %s (%s)", t->addr, have,
				 t->e->driver, t->override_set ? "driver_override is set, so "
				 "no host driver takes it" : "see above");
			stats->failed++;
			continue;
		}
		finish_target(&b, t);
	}
	/* Bound is not yet usable: a VM needs the whole group. */
	go = (struct group_opts){ .assume_claimed = opts->dry_run != NULL,
				  .module_for = module_for_alias, .userdata = &b };
	r = group_report(&b.sysfs, opts->root, b.claims, b.n_claims, &go, log);
	if (r < 0)
		kmsg_log(log, LOG_WARNING, "cannot check the IOMMU groups: %s", strerror(-r));
	r = 0;
out:
	modload_free(b.ml);
	free(b.claims);
	free(b.targets);
	sysfs_close(&b.sysfs);
	return r;
}
