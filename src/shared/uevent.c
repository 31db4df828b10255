// SPDX-License-Identifier: GPL-2.0-or-later
#include <stdbool.h>
#include <string.h>

#include "hex.h"
#include "uevent.h"

const char *uevent_value(const char *buf, const char *key, size_t *len)
{
	size_t klen = strlen(key);

	for (const char *p = buf; *p;) {
		const char *nl = strchr(p, '\n');
		size_t n = nl ? (size_t)(nl - p) : strlen(p);

		if (n > klen && memcmp(p, key, klen) == 0 && p[klen] == '=') {
			*len = n - klen - 1;
			return p + klen + 1;
		}
		p += n + (nl ? 1 : 0);
	}
	return NULL;
}

bool uevent_id_pair(const char *s, size_t len, unsigned *a, unsigned *b)
{
	const char *colon = memchr(s, ':', len);
	unsigned x, y;

	if (!colon || !hex_parse(s, (size_t)(colon - s), 4, &x) ||
	    !hex_parse(colon + 1, len - (size_t)(colon - s) - 1, 4, &y))
		return false;
	*a = x;
	*b = y;
	return true;
}
