// SPDX-License-Identifier: GPL-2.0-or-later
#include <errno.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "udiff.h"

#define CONTEXT 3
/* The table is (n+1)*(m+1) entries: a domain's XML has a few hundred lines. */
#define CELLS_MAX (64u << 20)

struct lines {
	const char **v; /* start of each line */
	size_t *len;    /* without its newline */
	size_t n;
};

static int split(const char *s, struct lines *l)
{
	size_t cap = 1;

	for (const char *p = s; *p; p++)
		cap += *p == '\n';
	l->v = malloc(cap * sizeof(*l->v));
	l->len = malloc(cap * sizeof(*l->len));
	l->n = 0;
	if (!l->v || !l->len)
		return -ENOMEM;
	while (*s) {
		const char *nl = strchr(s, '\n');
		size_t len = nl ? (size_t)(nl - s) : strlen(s);

		l->v[l->n] = s;
		l->len[l->n++] = len;
		s += len + (nl != NULL);
	}
	return 0;
}

static bool same(const struct lines *a, size_t i, const struct lines *b, size_t j)
{
	return a->len[i] == b->len[j] && memcmp(a->v[i], b->v[j], a->len[i]) == 0;
}

/* One step of the edit script: ' ' both, '-' only in a, '+' only in b. */
struct op {
	char kind;
	size_t i, j; /* the line in a (for ' ' and '-') and in b (' ' and '+') */
};

static void print_line(FILE *out, char kind, const char *s, size_t len)
{
	fputc(kind, out);
	fwrite(s, 1, len, out);
	fputc('\n', out);
}

/* "@@ -1,3 +1,4 @@": diff -u's numbers, 0-based @start for an empty side. */
static void print_range(FILE *out, size_t start, size_t count)
{
	if (count == 1)
		fprintf(out, "%zu", start + 1);
	else
		fprintf(out, "%zu,%zu", count ? start + 1 : start, count);
}

static void print_hunks(FILE *out, const struct op *ops, size_t nops, const struct lines *a,
			const struct lines *b)
{
	size_t k = 0;

	while (k < nops) {
		size_t first, last, end, na = 0, nb = 0, sa, sb;

		while (k < nops && ops[k].kind == ' ')
			k++;
		if (k == nops)
			break;
		first = k > CONTEXT ? k - CONTEXT : 0;
		/* Extend over changes closer than two contexts apart. */
		last = k;
		for (size_t x = k; x < nops; x++) {
			if (ops[x].kind != ' ')
				last = x;
			else if (x - last > 2 * CONTEXT)
				break;
		}
		end = last + CONTEXT + 1 < nops ? last + CONTEXT + 1 : nops;
		sa = ops[first].i;
		sb = ops[first].j;
		for (size_t x = first; x < end; x++) {
			na += ops[x].kind != '+';
			nb += ops[x].kind != '-';
		}
		fputs("@@ -", out);
		print_range(out, sa, na);
		fputs(" +", out);
		print_range(out, sb, nb);
		fputs(" @@\n", out);
		for (size_t x = first; x < end; x++) {
			if (ops[x].kind == '+')
				print_line(out, '+', b->v[ops[x].j], b->len[ops[x].j]);
			else
				print_line(out, ops[x].kind, a->v[ops[x].i], a->len[ops[x].i]);
		}
		k = end;
	}
}

int udiff(FILE *out, const char *a_text, const char *b_text, const char *label_a,
	  const char *label_b)
{
	struct lines a = { 0 }, b = { 0 };
	uint32_t *t = NULL;
	struct op *ops = NULL;
	size_t nops = 0, i, j, w;
	bool differ = false;
	int r;

	r = split(a_text, &a);
	if (r == 0)
		r = split(b_text, &b);
	if (r < 0)
		goto out;
	if ((a.n + 1) > CELLS_MAX / (b.n + 1)) {
		r = -E2BIG;
		goto out;
	}
	w = b.n + 1;
	t = calloc((a.n + 1) * w, sizeof(*t));
	ops = malloc((a.n + b.n + 1) * sizeof(*ops));
	if (!t || !ops) {
		r = -ENOMEM;
		goto out;
	}
	/* t[i][j]: the longest common subsequence of a[i..] and b[j..]. */
	for (i = a.n; i-- > 0;)
		for (j = b.n; j-- > 0;)
			t[i * w + j] = same(&a, i, &b, j) ? t[(i + 1) * w + j + 1] + 1 :
				       t[(i + 1) * w + j] > t[i * w + j + 1] ? t[(i + 1) * w + j] :
									      t[i * w + j + 1];
	i = j = 0;
	while (i < a.n || j < b.n) {
		if (i < a.n && j < b.n && same(&a, i, &b, j)) {
			ops[nops++] = (struct op){ ' ', i++, j++ };
		} else if (i < a.n && (j == b.n || t[(i + 1) * w + j] >= t[i * w + j + 1])) {
			/* diff -u's order: what goes, then what comes. */
			ops[nops++] = (struct op){ '-', i++, j };
			differ = true;
		} else {
			ops[nops++] = (struct op){ '+', i, j++ };
			differ = true;
		}
	}
	if (differ) {
		fprintf(out, "--- %s\n+++ %s\n", label_a, label_b);
		print_hunks(out, ops, nops, &a, &b);
	}
	r = differ;
out:
	free(ops);
	free(t);
	free(a.v);
	free(a.len);
	free(b.v);
	free(b.len);
	return r;
}
