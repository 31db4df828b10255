// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * libFuzzer target for the domain XML editor: any document libvirt might
 * hand over, or an admin might have edited (the undo record lives in the
 * domain's <metadata>), goes through add, undo and format; and the sysfs
 * CPU list reader.
 */
#include "../../src/shared/cpu_topology.h"
#include "../../src/ctl/vm_xml.h"

#include <stdlib.h>
#include <string.h>

int LLVMFuzzerTestOneInput(const unsigned char *data, size_t size)
{
	static const struct vm_fn fns[] = {
		{ .addr = { .bus = 0x05 }, .name = "NIC -- with dashes-" },
		{ .addr = { .bus = 0x0b }, .name = "GPU" },
		{ .addr = { .bus = 0x0b, .fn = 1 }, .name = NULL },
	};
	struct vm_want w = { .fns = fns, .n_fns = 3, .cores = 4, .threads = 2,
			     .vendor_id = "earlybind", .first_index = 1, .record = true };
	char *s = malloc(size + 1), msg[256], *out = NULL;
	struct vm_xml *x = NULL;
	struct vm_result res;
	struct vm_undo_result u;
	struct vm_hostdev *h = NULL;
	size_t n;
	unsigned first;

	if (!s)
		return 0;
	memcpy(s, data, size);
	s[size] = '\0';
	if (cpu_list_count(s, &first) == 0)
		abort();
	if (vm_xml_hostdevs(s, &h, &n) == 0)
		free(h);
	if (vm_xml_parse(s, &x, msg, sizeof(msg)) == 0) {
		/* An undo record from the document itself, then ours. */
		vm_xml_undo(x, &u);
		if (vm_xml_add(x, &w, &res, msg, sizeof(msg)) == 0 && vm_xml_format(x, &out) == 0)
			free(out);
		vm_result_free(&res);
		vm_xml_undo(x, &u);
		if (vm_xml_format(x, &out) == 0)
			free(out);
		vm_xml_free(x);
	}
	free(s);
	return 0;
}
