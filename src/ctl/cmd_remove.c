// SPDX-License-Identifier: GPL-2.0-or-later
/* earlybindctl remove: lines out of the manifest, the others as they were. */
#include <errno.h>
#include <limits.h>
#include <string.h>

#include "ctl.h"
#include "manifest_edit.h"

static const char remove_usage[] =
	"Usage: earlybindctl remove DEVICE|VVVV:DDDD|--all\n\n"
	"Stops claiming a function (by address), every function claimed with an id,\n"
	"or everything.  Comments and the other lines stay.\n";

/* The lines remove takes out: all, the one of an address, or those of an id. */
struct remove_opts {
	bool all, by_addr;
	struct pci_addr addr;
	struct pci_id id;
};

/* 0, or -EINVAL after saying why. */
static int parse_opts(struct ctl *c, int argc, char **argv, struct remove_opts *o)
{
	static const struct option opts[] = {
		CTL_COMMON_LONG,
		{ "all", no_argument, NULL, 'a' },
		{ NULL, 0, NULL, 0 },
	};
	int opt;

	*o = (struct remove_opts){ 0 };
	while ((opt = getopt_long(argc, argv, CTL_COMMON_SHORT "a", opts, NULL)) != -1) {
		if (ctl_common_option(c, opt, optarg, remove_usage))
			continue;
		if (opt != 'a')
			return ctl_usage_error(remove_usage);
		o->all = true;
	}
	if (argc - optind != (o->all ? 0 : 1))
		return ctl_usage_error(remove_usage);
	if (o->all)
		return 0;
	o->by_addr = pci_addr_parse(argv[optind], &o->addr) == 0;
	if (!o->by_addr && pci_id_parse(argv[optind], &o->id) < 0) {
		ctl_error("'%s' is neither a PCI address nor a vendor:device id", argv[optind]);
		return -EINVAL;
	}
	return 0;
}

/* Is @e one of the lines to take out?  An id takes its lines, and with a subsystem only those. */
static bool takes(const struct remove_opts *o, const struct manifest_entry *e)
{
	const struct pci_id *id = &o->id;

	if (o->all)
		return true;
	if (o->by_addr)
		return !e->any_addr && pci_addr_equal(&e->addr, &o->addr);
	return !e->any_id && e->id.vendor == id->vendor && e->id.device == id->device &&
	       (!id->has_subsys || (e->id.has_subsys && e->id.subvendor == id->subvendor &&
				    e->id.subdevice == id->subdevice));
}

/* The lines of @cur that @o takes, out of @doc; how many in *@removed.  0 or -errno. */
static int remove_lines(const struct ctl *c, const struct remove_opts *o,
			const struct manifest *cur, struct manifest_doc *doc, unsigned *removed)
{
	int r = 0;

	/* From the last line up, so that the line numbers stay right. */
	for (size_t i = cur->n_entries; r >= 0 && i-- > 0;) {
		const struct manifest_entry *e = &cur->entries[i];

		if (!takes(o, e))
			continue;
		ctl_info(c, CTL_MANIFEST ":%u: removed: %s", e->line, doc->lines[e->line - 1]);
		r = manifest_doc_remove_line(doc, e->line);
		(*removed)++;
	}
	return r;
}

int cmd_remove(struct ctl *c, int argc, char **argv)
{
	struct remove_opts o;
	struct manifest_doc doc;
	struct manifest cur = { 0 };
	char path[PATH_MAX];
	unsigned removed = 0;
	int r;

	if (parse_opts(c, argc, argv, &o) < 0)
		return CTL_EXIT_USAGE;
	if (ctl_manifest_open(c, &doc, path, sizeof(path)) < 0)
		return CTL_EXIT_FAIL;
	/* The text as it is now, under the lock. */
	r = manifest_doc_parse(&doc, &cur, NULL, NULL);
	if (r >= 0)
		r = remove_lines(c, &o, &cur, &doc, &removed);
	r = ctl_manifest_save(&doc, path, r, removed > 0);
	if (r == 0 && !removed)
		ctl_info(c, "%s claims no such function; nothing to change", path);
	manifest_free(&cur);
	manifest_doc_close(&doc);
	return r < 0 ? CTL_EXIT_FAIL : CTL_EXIT_OK;
}
