/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Well-formed UTF-8 (RFC 3629; the Unicode Standard's table 3-7), for the
 * outputs that must never pass on bytes from outside as they are: JSON,
 * which must be UTF-8, and text on a terminal.
 */
#ifndef EARLYBIND_UTF8_H
#define EARLYBIND_UTF8_H

#include <stddef.h>
#include <stdint.h>

/*
 * The length (1 to 4) of the well-formed character that NUL-terminated @s
 * starts with, and its code point in *@cp; 0 when @s starts with a byte
 * that begins none: a continuation byte, an overlong form, a surrogate,
 * more than U+10FFFF, or a sequence cut short (by the NUL too).
 */
static inline size_t utf8_char(const char *s, uint32_t *cp)
{
	const unsigned char *p = (const unsigned char *)s;
	unsigned char lo = 0x80, hi = 0xbf;
	size_t len;
	uint32_t c;

	if (p[0] < 0x80) {
		*cp = p[0];
		return 1;
	}
	if (p[0] >= 0xc2 && p[0] <= 0xdf) {
		len = 2;
		c = p[0] & 0x1f;
	} else if (p[0] >= 0xe0 && p[0] <= 0xef) {
		len = 3;
		c = p[0] & 0x0f;
		if (p[0] == 0xe0)
			lo = 0xa0; /* overlong below */
		else if (p[0] == 0xed)
			hi = 0x9f; /* surrogates above */
	} else if (p[0] >= 0xf0 && p[0] <= 0xf4) {
		len = 4;
		c = p[0] & 0x07;
		if (p[0] == 0xf0)
			lo = 0x90;
		else if (p[0] == 0xf4)
			hi = 0x8f; /* beyond U+10FFFF above */
	} else {
		return 0;
	}
	for (size_t i = 1; i < len; i++) {
		if (p[i] < lo || p[i] > hi)
			return 0;
		c = c << 6 | (p[i] & 0x3f);
		lo = 0x80;
		hi = 0xbf;
	}
	*cp = c;
	return len;
}

#endif
