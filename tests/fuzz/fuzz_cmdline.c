// SPDX-License-Identifier: GPL-2.0-or-later
/* libFuzzer target for the kernel command-line reader. */
#include "../../src/cmdline.h"

#include <stdlib.h>
#include <string.h>

int LLVMFuzzerTestOneInput(const unsigned char *data, size_t size)
{
	char *s = malloc(size + 1), val[32];
	int r;

	if (!s)
		return 0;
	memcpy(s, data, size);
	s[size] = '\0';
	r = cmdline_get(s, "rd.earlybind", val, sizeof(val));
	if (r < -1000 || r > 1 || (r == 1 && strlen(val) >= sizeof(val)))
		abort();
	cmdline_get_bool(s, "rd.earlybind", true);
	free(s);
	return 0;
}
