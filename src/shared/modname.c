// SPDX-License-Identifier: GPL-2.0-or-later
#include "modname.h"

static char dash_to_underscore(char c)
{
	return c == '-' ? '_' : c;
}

bool modname_eq(const char *a, size_t alen, const char *b, size_t blen)
{
	if (alen != blen)
		return false;
	for (size_t i = 0; i < alen; i++)
		if (dash_to_underscore(a[i]) != dash_to_underscore(b[i]))
			return false;
	return true;
}
