// SPDX-License-Identifier: GPL-2.0-or-later
#include "cmdline.h"

#include <errno.h>
#include <string.h>

static bool is_space(char c)
{
	return c == ' ' || c == '\t' || c == '\n' || c == '\r';
}

int cmdline_get(const char *cmdline, const char *key, char *val, size_t size)
{
	size_t klen = strlen(key);
	const char *p = cmdline;
	int found = 0;

	while (*p) {
		const char *start, *eq = NULL;
		bool quoted = false;
		size_t len;

		while (is_space(*p))
			p++;
		if (!*p)
			break;
		start = p;
		/* A token ends at a space outside quotes (kernel next_arg()). */
		for (; *p && (quoted || !is_space(*p)); p++) {
			if (*p == '"')
				quoted = !quoted;
			else if (*p == '=' && !eq && !quoted)
				eq = p;
		}
		len = (size_t)((eq ? eq : p) - start);
		if (len != klen || memcmp(start, key, klen) != 0)
			continue;
		if (eq) {
			const char *v = eq + 1, *end = p;

			if (end - v >= 2 && *v == '"' && end[-1] == '"') {
				v++;
				end--;
			}
			if ((size_t)(end - v) >= size)
				return -ENAMETOOLONG;
			memcpy(val, v, (size_t)(end - v));
			val[end - v] = '\0';
		} else {
			if (size == 0)
				return -ENAMETOOLONG;
			val[0] = '\0';
		}
		found = 1;
	}
	return found;
}

bool cmdline_get_bool(const char *cmdline, const char *key, bool dflt)
{
	char v[16];
	int r = cmdline_get(cmdline, key, v, sizeof(v));

	if (r < 0)
		return true;
	if (r == 0)
		return dflt;
	return !(strcmp(v, "0") == 0 || strcmp(v, "no") == 0 || strcmp(v, "off") == 0 ||
		 strcmp(v, "false") == 0);
}
