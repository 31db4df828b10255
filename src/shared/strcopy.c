// SPDX-License-Identifier: GPL-2.0-or-later
#include "strcopy.h"

#include <errno.h>
#include <string.h>

int str_copy(char *dst, size_t size, const char *src)
{
	size_t len = strlen(src);

	if (len >= size)
		return -ENAMETOOLONG;
	memcpy(dst, src, len + 1);
	return 0;
}
