// SPDX-License-Identifier: GPL-2.0-or-later
#include <stdbool.h>
#include <string.h>

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

bool uevent_hex(const char *s, size_t len, size_t max, unsigned *out)
{
	unsigned v = 0;

	if (!len || len > max)
		return false;
	for (size_t i = 0; i < len; i++) {
		char c = s[i];
		unsigned digit = c >= '0' && c <= '9' ? (unsigned)(c - '0') :
				 c >= 'a' && c <= 'f' ? (unsigned)(c - 'a' + 10) :
				 c >= 'A' && c <= 'F' ? (unsigned)(c - 'A' + 10) : 16;

		if (digit > 15)
			return false;
		v = v << 4 | digit;
	}
	*out = v;
	return true;
}

bool uevent_id_pair(const char *s, size_t len, unsigned *a, unsigned *b)
{
	const char *colon = memchr(s, ':', len);
	unsigned x, y;

	if (!colon || !uevent_hex(s, (size_t)(colon - s), 4, &x) ||
	    !uevent_hex(colon + 1, len - (size_t)(colon - s) - 1, 4, &y))
		return false;
	*a = x;
	*b = y;
	return true;
}
