// SPDX-License-Identifier: GPL-2.0-or-later
#include "cmdline.h"
#include "readfile.h"

#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>
#include <unistd.h>

int cmdline_read_file(const char *path, char **out, size_t *len)
{
	return file_read_at(AT_FDCWD, path, CMDLINE_MAX, out, len);
}

/* The kernel's isspace() (lib/ctype.c: 9 to 13, 32 and 160). */
static bool is_space(char c)
{
	unsigned char u = (unsigned char)c;

	return u == ' ' || (u >= '\t' && u <= '\r') || u == 0xa0;
}

/* A NUL ends a token and any open quote: the kernel's string would end there. */
static bool is_break(char c)
{
	return c == '\0' || is_space(c);
}

/*
 * cmdline_find(); *unclosed is set when @key is in the text of a token that
 * a quote never closed: the kernel reads it as part of that token, dracut's
 * getarg (which splits at spaces only) as a parameter of its own.
 */
static int find(const char *s, size_t len, const char *key, struct cmdline_value *v,
		bool *unclosed)
{
	size_t klen = strlen(key), p = 0;
	int found = 0;

	for (;;) {
		size_t t, i, eq = 0, pend, vstart, vend;
		bool in_quote = false, quoted = false;

		/* parse_args() and next_arg() skip the spaces between tokens. */
		while (p < len && is_break(s[p]))
			p++;
		if (p == len)
			break;
		t = p;
		if (s[t] == '"') {
			t++;
			in_quote = quoted = true;
		}
		for (i = t; i < len && s[i] != '\0' && (in_quote || !is_space(s[i])); i++) {
			/* The first '=', quoted or not; one at the very start is not it. */
			if (eq == 0 && s[i] == '=')
				eq = i - t;
			if (s[i] == '"')
				in_quote = !in_quote;
		}
		p = i;
		if (in_quote && unclosed && memmem(s + t, i - t, key, klen))
			*unclosed = true;
		/* A token that opened with a quote loses the one it closes with. */
		if (quoted && i > t && s[i - 1] == '"')
			i--;
		pend = eq ? t + eq : i;
		if (pend - t != klen || memcmp(s + t, key, klen) != 0)
			continue;
		found = 1;
		v->has_value = eq != 0;
		if (!eq) {
			v->s = s + pend;
			v->len = 0;
			continue;
		}
		vstart = t + eq + 1;
		vend = i;
		/* Quotes around the value are not part of it. */
		if (vstart < p && s[vstart] == '"') {
			vstart++;
			if (s[p - 1] == '"' && p - 1 < vend)
				vend = p - 1;
		}
		v->s = s + vstart;
		v->len = vend > vstart ? vend - vstart : 0;
	}
	return found;
}

int cmdline_find(const char *cmdline, size_t len, const char *key, struct cmdline_value *v)
{
	return find(cmdline, len, key, v, NULL);
}

static bool word_is(const struct cmdline_value *v, const char *word)
{
	return v->len == strlen(word) && strncasecmp(v->s, word, v->len) == 0;
}

enum cmdline_switch cmdline_get_switch(const char *cmdline, size_t len, const char *key,
				       struct cmdline_value *v)
{
	static const char *const on[] = { "1", "yes", "on", "true" };
	static const char *const off[] = { "0", "no", "off", "false" };
	bool unclosed = false;
	int found = find(cmdline, len, key, v, &unclosed);

	if (unclosed)
		return CMDLINE_UNCLOSED;
	if (!found)
		return CMDLINE_ABSENT;
	if (!v->has_value)
		return CMDLINE_UNKNOWN;
	for (size_t i = 0; i < sizeof(on) / sizeof(*on); i++) {
		if (word_is(v, on[i]))
			return CMDLINE_ON;
		if (word_is(v, off[i]))
			return CMDLINE_OFF;
	}
	return CMDLINE_UNKNOWN;
}
