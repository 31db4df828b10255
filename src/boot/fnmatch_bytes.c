// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * Byte-wise fnmatch(pattern, string, 0).  The rules are musl's (the libc
 * this replaces in the static build; musl src/regex/fnmatch.c) in its C
 * locale, where every byte is one character:
 *   '\' makes the next byte literal (a '\' at the end is itself);
 *   '*' matches any run of bytes, '?' any one byte;
 *   '[' opens a bracket expression only when a ']' closes it, else it is
 *   literal; '!' or '^' first negates; a ']' or '-' first is literal;
 *   'a-z' is a range by byte value; "[:class:]" tests <ctype.h>; "[.x.]"
 *   and "[=x=]" match nothing; '\' is not special inside brackets.
 * tests/unit/test_fnmatch.c holds it to musl's fnmatch on random input.
 */
#include "fnmatch_bytes.h"

#include <ctype.h>
#include <stdbool.h>
#include <string.h>

#define NOMATCH 1

enum { ELEM_END, ELEM_BYTE, ELEM_ANY, ELEM_STAR, ELEM_BRACKET };

/* The pattern element at @p: its kind, its byte, and its length. */
static int element(const char *p, unsigned char *byte, size_t *len)
{
	size_t k = 1;

	*len = 1;
	*byte = (unsigned char)p[0];
	switch (p[0]) {
	case '\0':
		*len = 0;
		return ELEM_END;
	case '*':
		return ELEM_STAR;
	case '?':
		return ELEM_ANY;
	case '\\':
		if (p[1]) {
			*byte = (unsigned char)p[1];
			*len = 2;
		}
		return ELEM_BYTE;
	case '[':
		break;
	default:
		return ELEM_BYTE;
	}
	if (p[k] == '^' || p[k] == '!')
		k++;
	if (p[k] == ']')
		k++;
	for (; p[k] && p[k] != ']'; k++) {
		char z;

		if (p[k] != '[' || (p[k + 1] != ':' && p[k + 1] != '.' && p[k + 1] != '='))
			continue;
		z = p[k + 1];
		k += 2;
		if (p[k])
			k++;
		while (p[k] && (p[k - 1] != z || p[k] != ']'))
			k++;
		if (!p[k])
			break;
	}
	if (!p[k])
		return ELEM_BYTE; /* no closing ']': the '[' is literal */
	*len = k + 1;
	return ELEM_BRACKET;
}

static bool class_has(const char *name, size_t len, unsigned char c)
{
	static const struct {
		const char *name;
		int (*is)(int);
	} classes[] = {
		{ "alnum", isalnum }, { "alpha", isalpha }, { "blank", isblank },
		{ "cntrl", iscntrl }, { "digit", isdigit }, { "graph", isgraph },
		{ "lower", islower }, { "print", isprint }, { "punct", ispunct },
		{ "space", isspace }, { "upper", isupper }, { "xdigit", isxdigit },
	};

	for (size_t i = 0; i < sizeof(classes) / sizeof(classes[0]); i++)
		if (strlen(classes[i].name) == len && memcmp(classes[i].name, name, len) == 0)
			return c < 0x80 && classes[i].is(c);
	return false;
}

/* Does the bracket expression at @p (its '[') take @c? */
static bool bracket_has(const char *p, unsigned char c)
{
	bool inv = false;
	unsigned char prev;

	p++;
	if (*p == '^' || *p == '!') {
		inv = true;
		p++;
	}
	if (*p == ']' || *p == '-') {
		if (c == (unsigned char)*p)
			return !inv;
		p++;
	}
	prev = (unsigned char)p[-1];
	for (; *p != ']'; p++) {
		if (p[0] == '-' && p[1] != ']') {
			/* A range from the byte before; its end is then seen as a byte. */
			if (prev <= (unsigned char)p[1] && c >= prev && c <= (unsigned char)p[1])
				return !inv;
			continue;
		}
		if (p[0] == '[' && (p[1] == ':' || p[1] == '.' || p[1] == '=')) {
			const char *name = p + 2;
			char z = p[1];

			p += 3;
			while (p[-1] != z || p[0] != ']')
				p++;
			if (z == ':' && class_has(name, (size_t)(p - 1 - name), c))
				return !inv;
			continue;
		}
		prev = (unsigned char)*p;
		if (prev == c)
			return !inv;
	}
	return inv;
}

int fnmatch_bytes(const char *pattern, const char *string)
{
	const char *p = pattern, *s = string;
	const char *star_p = NULL, *star_s = NULL;

	for (;;) {
		unsigned char byte;
		size_t len;
		int kind = element(p, &byte, &len);

		if (kind == ELEM_STAR) {
			/* Remember where to go on when what follows fails. */
			star_p = ++p;
			star_s = s;
			continue;
		}
		if (kind == ELEM_END) {
			if (!*s)
				return 0;
		} else if (*s && (kind == ELEM_ANY ||
				  (kind == ELEM_BYTE && (unsigned char)*s == byte) ||
				  (kind == ELEM_BRACKET && bracket_has(p, (unsigned char)*s)))) {
			p += len;
			s++;
			continue;
		} else if (!*s) {
			return NOMATCH;
		}
		/* Let the last '*' take one more byte, and try again. */
		if (!star_p || !*star_s)
			return NOMATCH;
		p = star_p;
		s = ++star_s;
	}
}
