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

bool cmdline_isspace(unsigned char c)
{
	return c == ' ' || (c >= '\t' && c <= '\r') || c == 0xa0;
}

bool cmdline_next(const char *text, size_t len, size_t *pos, struct cmdline_token *tok)
{
	size_t p = *pos;
	bool quoted = false;

	/* parse_args() and next_arg() skip the blanks between tokens. */
	while (p < len && (text[p] == '\0' || cmdline_isspace((unsigned char)text[p])))
		p++;
	*pos = p;
	if (p == len)
		return false;
	tok->start = p;
	for (; p < len && text[p] && (quoted || !cmdline_isspace((unsigned char)text[p])); p++)
		if (text[p] == '"')
			quoted = !quoted;
	tok->len = p - tok->start;
	tok->open = quoted;
	*pos = p;
	return true;
}

/*
 * cmdline_find(); *unclosed is set when @key is in the text of a token that
 * a quote never closed: the kernel reads it as part of that token, dracut's
 * getarg (which splits at spaces only) as a parameter of its own.
 */
static int find(const char *s, size_t len, const char *key, struct cmdline_value *v,
		bool *unclosed)
{
	struct cmdline_token tok;
	size_t klen = strlen(key), p = 0;
	int found = 0;

	while (cmdline_next(s, len, &p, &tok)) {
		size_t t = tok.start, i = tok.start + tok.len, eq = 0, pend, vstart, vend;
		bool quoted = s[t] == '"';

		if (quoted)
			t++;
		/* The first '=', quoted or not; one at the very start is not it. */
		for (size_t j = t; j < i; j++)
			if (eq == 0 && s[j] == '=')
				eq = j - t;
		if (tok.open && unclosed && memmem(s + t, i - t, key, klen))
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
