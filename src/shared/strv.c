// SPDX-License-Identifier: GPL-2.0-or-later
#include "strv.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

int strv_append(char ***v, size_t *n, size_t *alloc, const char *s, size_t len)
{
	char *copy;

	if (*n == *alloc) {
		size_t more = *alloc ? *alloc * 2 : 16;
		char **grown = realloc(*v, more * sizeof(*grown));

		if (!grown)
			return -ENOMEM;
		*v = grown;
		*alloc = more;
	}
	copy = strndup(s, len);
	if (!copy)
		return -ENOMEM;
	(*v)[(*n)++] = copy;
	return 0;
}
