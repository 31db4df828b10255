// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * libFuzzer target for fnmatch_bytes(): the input is a pattern, a NUL and
 * a string.  Beyond memory safety, what must hold whatever the pattern:
 * a '*' in front matches whatever the pattern matched, and the string with
 * every byte escaped by '\' matches the string itself and nothing longer.
 * (Agreement with musl is tests/unit/test_fnmatch.c; glibc differs from
 * musl inside brackets, so it cannot be the oracle here.)
 */
#include "../../src/boot/fnmatch_bytes.h"

#include <stdlib.h>
#include <string.h>

int LLVMFuzzerTestOneInput(const unsigned char *data, size_t size)
{
	const unsigned char *nul = memchr(data, '\0', size);
	size_t plen = nul ? (size_t)(nul - data) : size;
	size_t slen = nul ? strnlen((const char *)nul + 1, size - plen - 1) : 0;
	char *pat = malloc(plen + 2), *str = malloc(slen + 2), *esc = malloc(2 * slen + 1);

	if (!pat || !str || !esc)
		abort();
	pat[0] = '*';
	memcpy(pat + 1, data, plen);
	pat[plen + 1] = '\0';
	memcpy(str, nul ? nul + 1 : data, slen);
	str[slen] = '\0';
	for (size_t i = 0; i < slen; i++) {
		esc[2 * i] = '\\';
		esc[2 * i + 1] = str[i];
	}
	esc[2 * slen] = '\0';

	if (fnmatch_bytes(pat + 1, str) == 0 && fnmatch_bytes(pat, str) != 0)
		abort();
	if (fnmatch_bytes(esc, str) != 0)
		abort();
	str[slen] = 'x';
	str[slen + 1] = '\0';
	if (fnmatch_bytes(esc, str) == 0)
		abort();
	free(pat);
	free(str);
	free(esc);
	return 0;
}
