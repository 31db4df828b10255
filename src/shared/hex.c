// SPDX-License-Identifier: GPL-2.0-or-later
#include "hex.h"

bool hex_parse(const char *s, size_t len, size_t max, unsigned *out)
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
