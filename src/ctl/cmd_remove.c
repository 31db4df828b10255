// SPDX-License-Identifier: GPL-2.0-or-later
/* earlybindctl remove: the manifest, edited safely. */
#include <errno.h>
#include <limits.h>
#include <stdlib.h>
#include <string.h>

#include "ctl.h"
#include "manifest_edit.h"

static const char remove_usage[] =
	"Usage: earlybindctl remove DEVICE|VVVV:DDDD|--all\n\n"
	"Stops claiming a function (by address), every function claimed with an id,\n"
	"or everything.  Comments and the other lines stay.\n";

int cmd_remove(struct ctl *c, int argc, char **argv)
{
	static const struct option opts[] = {
		CTL_COMMON_LONG,
		{ "all", no_argument, NULL, 'a' },
		{ NULL, 0, NULL, 0 },
	};
	bool all = false;
	struct manifest_doc doc;
	struct manifest cur = { 0 };
	struct pci_addr addr;
	struct pci_id id;
	bool by_addr = false;
	char path[PATH_MAX];
	unsigned removed = 0;
	int opt, r = 0;

	while ((opt = getopt_long(argc, argv, CTL_COMMON_SHORT "a", opts, NULL)) != -1) {
		if (ctl_common_option(c, opt, optarg, remove_usage))
			continue;
		if (opt == 'a') {
			all = true;
			continue;
		}
		fputs(remove_usage, stderr);
		return CTL_EXIT_USAGE;
	}
	if (argc - optind != (all ? 0 : 1)) {
		fputs(remove_usage, stderr);
		return CTL_EXIT_USAGE;
	}
	if (!all) {
		by_addr = pci_addr_parse(argv[optind], &addr) == 0;
		if (!by_addr && pci_id_parse(argv[optind], &id) < 0) {
			ctl_error("'%s' is neither a PCI address nor a vendor:device id",
				  argv[optind]);
			return CTL_EXIT_USAGE;
		}
	}
	r = ctl_manifest_open(c, &doc, path, sizeof(path));
	if (r < 0)
		return CTL_EXIT_FAIL;
	r = manifest_doc_parse(&doc, &cur, NULL, NULL);
	/* From the last line up, so that the line numbers stay right. */
	for (size_t i = cur.n_entries; r >= 0 && i-- > 0;) {
		const struct manifest_entry *e = &cur.entries[i];
		bool hit = all;

		if (!all && by_addr)
			hit = !e->any_addr && pci_addr_equal(&e->addr, &addr);
		else if (!all)
			hit = !e->any_id && e->id.vendor == id.vendor &&
			      e->id.device == id.device &&
			      (!id.has_subsys || (e->id.has_subsys &&
						  e->id.subvendor == id.subvendor &&
						  e->id.subdevice == id.subdevice));
		if (!hit)
			continue;
		ctl_info(c, "removed line %u: %s", e->line, doc.lines[e->line - 1]);
		r = manifest_doc_remove_line(&doc, e->line);
		removed++;
	}
	if (r >= 0 && removed)
		r = manifest_doc_save(&doc);
	if (r < 0) {
		ctl_error("%s: %s; the manifest is unchanged", path, strerror(-r));
		r = CTL_EXIT_FAIL;
	} else {
		if (!removed)
			ctl_info(c, "%s claims no such function; nothing to change", path);
		r = CTL_EXIT_OK;
	}
	manifest_free(&cur);
	manifest_doc_close(&doc);
	return r;
}
