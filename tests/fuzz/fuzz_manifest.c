// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * libFuzzer target for the manifest parser.  Besides the sanitizers'
 * findings it checks what the parser promises: every entry it keeps is
 * well formed, and the bad-line count matches the reports.
 */
#include "../../src/shared/manifest.h"
#include "../../src/shared/manifest_edit.h"

#include <stdlib.h>
#include <string.h>

static void count(void *userdata, unsigned line, const char *reason)
{
	unsigned *n = userdata;

	(void)line;
	if (strlen(reason) >= 256)
		abort();
	(*n)++;
}

int LLVMFuzzerTestOneInput(const unsigned char *data, size_t size)
{
	struct manifest m = { 0 };
	unsigned reports = 0;
	int bad = manifest_parse_buffer(&m, (const char *)data, size, count, &reports);

	if (bad < 0 || (unsigned)bad != reports)
		abort();
	for (size_t i = 0; i < m.n_entries; i++) {
		const struct manifest_entry *e = &m.entries[i];
		char a[PCI_ADDR_STRLEN];
		struct pci_addr back;
		char line[MANIFEST_LINE_MAX];

		if (e->any_addr && e->any_id)
			abort();
		if (!manifest_driver_valid(e->driver, strlen(e->driver)))
			abort();
		/* What the parser reads, the writer writes back as the same entry. */
		if (manifest_format_line(line, sizeof(line), e, "fuzz") < 0)
			abort();
		if (!e->any_addr) {
			/* The normalised form parses back to the same address. */
			pci_addr_format(&e->addr, a);
			if (pci_addr_parse(a, &back) < 0 || !pci_addr_equal(&back, &e->addr))
				abort();
			if (manifest_find_addr(&m, &e->addr) != e)
				abort();
		}
	}
	manifest_free(&m);
	return 0;
}
