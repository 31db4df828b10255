// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * libFuzzer target for splitting a kernel command line into tokens: what
 * earlybindctl status does to /proc/cmdline.  Splitting the joined tokens
 * again must give the same tokens.
 */
#include "../../kargs/kargs.h"

#include <stdlib.h>
#include <string.h>

int LLVMFuzzerTestOneInput(const unsigned char *data, size_t size)
{
	struct kargs a = { 0 }, b = { 0 };
	char *s = malloc(size + 1), *joined;

	if (!s)
		return 0;
	memcpy(s, data, size);
	s[size] = '\0';
	if (kargs_split(&a, s) == 0 && (joined = kargs_join(&a))) {
		if (kargs_split(&b, joined) != 0)
			abort();
		/* An unbalanced quote may swallow the blank that joins two tokens. */
		if (!memchr(joined, '"', strlen(joined))) {
			if (a.n != b.n)
				abort();
			for (size_t i = 0; i < a.n; i++)
				if (strcmp(a.v[i], b.v[i]) != 0)
					abort();
		}
		free(joined);
	}
	kargs_free(&a);
	kargs_free(&b);
	free(s);
	return 0;
}
