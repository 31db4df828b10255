// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * libFuzzer target for the JSON writer's strings: whatever bytes a disk
 * label or a driver name holds, json_string() must write one JSON string
 * that is well-formed UTF-8 (as iconv(3) decides, not as src/utf8.h does)
 * with no raw control character; and a string that is UTF-8 without
 * anything to escape must come out as it went in.
 */
#include "../../src/shared/json.h"
#include "../../src/shared/utf8.h"

#include <errno.h>
#include <iconv.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>

static bool iconv_utf8(const char *s, size_t len)
{
	static iconv_t cd = (iconv_t)-1;
	char out[4096], *in = (char *)s, *o;
	size_t inleft = len;

	if (cd == (iconv_t)-1 && (cd = iconv_open("UTF-32LE", "UTF-8")) == (iconv_t)-1)
		abort();
	iconv(cd, NULL, NULL, NULL, NULL);
	while (inleft) {
		size_t oleft = sizeof(out);

		o = out;
		if (iconv(cd, &in, &inleft, &o, &oleft) == (size_t)-1 && errno != E2BIG)
			return false;
	}
	return true;
}

/* Nothing json_string() changes: UTF-8, no control character, no '"' or '\\'. */
static bool plain(const char *s)
{
	while (*s) {
		uint32_t cp;
		size_t len = utf8_char(s, &cp);

		if (!len || cp < 0x20 || (cp >= 0x7f && cp <= 0x9f) || cp == '"' || cp == '\\')
			return false;
		s += len;
	}
	return true;
}

int LLVMFuzzerTestOneInput(const unsigned char *data, size_t size)
{
	char *s = malloc(size + 1), *out = NULL;
	size_t len = 0;
	struct json j;
	FILE *f;

	if (!s)
		return 0;
	memcpy(s, data, size);
	s[size] = '\0';
	f = open_memstream(&out, &len);
	if (!f)
		abort();
	json_init(&j, f);
	json_string(&j, s);
	fclose(f);
	if (len < 2 || out[0] != '"' || out[len - 1] != '"' || !iconv_utf8(out, len))
		abort();
	for (size_t i = 0; i < len; i++) {
		unsigned char c = (unsigned char)out[i];

		/* C1 is two bytes in UTF-8, the second 0x80-0x9f after 0xc2. */
		if (c < 0x20 || c == 0x7f || (c == 0xc2 && i + 1 < len &&
					      (unsigned char)out[i + 1] <= 0x9f))
			abort();
	}
	if (plain(s) && (len != strlen(s) + 2 || memcmp(out + 1, s, len - 2) != 0))
		abort();
	free(out);
	free(s);
	return 0;
}
