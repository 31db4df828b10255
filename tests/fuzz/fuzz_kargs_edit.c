// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * libFuzzer target for the command-line splitter every back end shares
 * (cmdline_next, kargs_split) and for kargs_edit, which rebuilds a command
 * line token by token.  The input is a text, a NUL, then tokens to add,
 * and its first byte picks tokens of the text to delete.  What must hold:
 *  - split, join, split gives the same tokens (when no token leaves a
 *    quote open, which only the last can);
 *  - the edited text splits into exactly the old tokens, less the one
 *    instance taken out per deleted token, plus the added ones at the end:
 *    no other token changes;
 *  - deleting the tokens just added gives back the text byte for byte.
 */
#include "../../kargs/kargs.h"
#include "../../src/shared/cmdline.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

static void same_tokens(const struct kargs *a, const struct kargs *b)
{
	if (a->n != b->n)
		abort();
	for (size_t i = 0; i < a->n; i++)
		if (strcmp(a->v[i], b->v[i]) != 0)
			abort();
}

/* Whether any token but the last is open: impossible, by the rules. */
static void check_split(const char *text, struct kargs *tokens)
{
	struct cmdline_token t;
	size_t pos = 0, n = 0, len = strlen(text);
	bool open = false;

	while (cmdline_next(text, len, &pos, &t)) {
		if (open || t.len == 0)
			abort();
		open = t.open;
		n++;
	}
	if (kargs_split(tokens, text) != 0 || tokens->n != n)
		abort();
	for (size_t i = 0; i < tokens->n; i++)
		if ((i + 1 < tokens->n || !open) && !kargs_is_token(tokens->v[i]))
			abort();
	if (!open) {
		struct kargs again = { 0 };
		char *joined = kargs_join(tokens);

		if (!joined || kargs_split(&again, joined) != 0)
			abort();
		same_tokens(tokens, &again);
		kargs_free(&again);
		free(joined);
	}
}

int LLVMFuzzerTestOneInput(const unsigned char *data, size_t size)
{
	struct kargs old = { 0 }, addsrc = { 0 }, add = { 0 }, del = { 0 }, expect = { 0 };
	struct kargs got = { 0 }, none = { 0 };
	char *buf, *text, *edited = NULL, *back = NULL;
	unsigned char pick;
	bool open_end;
	size_t tl;
	int r;

	if (size < 1)
		return 0;
	pick = data[0];
	buf = malloc(size + 1);
	if (!buf)
		return 0;
	memcpy(buf, data + 1, size - 1);
	buf[size - 1] = '\0';
	buf[size] = '\0';
	text = buf;
	tl = strlen(text);
	check_split(text, &old);
	if (tl + 1 < size)
		check_split(text + tl + 1, &addsrc);
	for (size_t i = 0; i < addsrc.n; i++)
		if (kargs_is_token(addsrc.v[i]) && kargs_push(&add, addsrc.v[i]) < 0)
			abort();
	/* Deleted: the tokens whose index has its bit set in the first byte. */
	for (size_t i = 0; i < old.n && i < 8; i++)
		if ((pick >> i & 1) && kargs_push(&del, old.v[i]) < 0)
			abort();
	/* What must be left: one instance of each deleted token out, the last. */
	{
		bool *gone = calloc(old.n + 1, sizeof(*gone));

		if (!gone)
			abort();
		for (size_t d = 0; d < del.n; d++)
			for (size_t i = old.n; i-- > 0;)
				if (!gone[i] && strcmp(old.v[i], del.v[d]) == 0) {
					gone[i] = true;
					break;
				}
		for (size_t i = 0; i < old.n; i++)
			if (!gone[i] && kargs_push(&expect, old.v[i]) < 0)
				abort();
		free(gone);
	}
	open_end = expect.n && !kargs_is_token(expect.v[expect.n - 1]);
	r = kargs_edit(text, &del, &add, &edited);
	if (add.n && open_end) {
		/* What is added would land inside the open quote: refused. */
		if (r != -EINVAL)
			abort();
	} else {
		if (r != 0)
			abort();
		for (size_t i = 0; i < add.n; i++)
			if (kargs_push(&expect, add.v[i]) < 0)
				abort();
		if (kargs_split(&got, edited) != 0)
			abort();
		same_tokens(&expect, &got);
	}
	/* Adding, then taking out what was added, gives the text back exactly. */
	free(edited);
	edited = NULL;
	if (kargs_edit(text, &none, &add, &edited) == 0) {
		if (kargs_edit(edited, &add, &none, &back) != 0 || strcmp(back, text) != 0)
			abort();
	} else if (!add.n || !old.n || kargs_is_token(old.v[old.n - 1])) {
		abort();
	}
	free(edited);
	free(back);
	kargs_free(&old);
	kargs_free(&addsrc);
	kargs_free(&add);
	kargs_free(&del);
	kargs_free(&expect);
	kargs_free(&got);
	free(buf);
	return 0;
}
