// SPDX-License-Identifier: GPL-2.0-or-later
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/types.h>

#include "cmdline.h"
#include "json.h"
#include "kargs.h"
#include "modname.h"
#include "strv.h"

int kargs_push(struct kargs *k, const char *tok)
{
	return strv_append(&k->v, &k->n, &k->alloc, tok, strlen(tok));
}

void kargs_free(struct kargs *k)
{
	for (size_t i = 0; i < k->n; i++)
		free(k->v[i]);
	free(k->v);
	*k = (struct kargs){ 0 };
}

void kargs_truncate(struct kargs *k, size_t n)
{
	while (k->n > n)
		free(k->v[--k->n]);
}

bool kargs_remove(struct kargs *k, const char *tok)
{
	for (size_t i = 0; i < k->n; i++)
		if (strcmp(k->v[i], tok) == 0) {
			free(k->v[i]);
			memmove(&k->v[i], &k->v[i + 1], (k->n - i - 1) * sizeof(*k->v));
			k->n--;
			return true;
		}
	return false;
}

bool kargs_has(const struct kargs *k, const char *tok)
{
	for (size_t i = 0; i < k->n; i++)
		if (strcmp(k->v[i], tok) == 0)
			return true;
	return false;
}

int kargs_split(struct kargs *k, const char *cmdline)
{
	struct cmdline_token t;
	size_t pos = 0, len = strlen(cmdline);
	int r = 0;

	while (r == 0 && cmdline_next(cmdline, len, &pos, &t))
		r = strv_append(&k->v, &k->n, &k->alloc, cmdline + t.start, t.len);
	return r;
}

char *kargs_join(const struct kargs *k)
{
	size_t len = 1, at = 0;
	char *s;

	for (size_t i = 0; i < k->n; i++)
		len += strlen(k->v[i]) + 1;
	s = malloc(len);
	if (!s)
		return NULL;
	s[0] = '\0';
	for (size_t i = 0; i < k->n; i++) {
		size_t l = strlen(k->v[i]);

		if (i)
			s[at++] = ' ';
		memcpy(s + at, k->v[i], l + 1);
		at += l;
	}
	return s;
}

bool kargs_is_token(const char *tok)
{
	struct cmdline_token t;
	size_t pos = 0;

	return cmdline_next(tok, strlen(tok), &pos, &t) && t.start == 0 && !tok[t.len] &&
	       !t.open;
}

/* The tokens of a text being edited, and what happens to each. */
struct edit {
	const char *text;
	size_t len;               /* strlen(text) */
	struct cmdline_token *t;  /* every token, in order */
	size_t n;
	bool *gone;               /* gone[i]: token i is taken out */
	bool *drop_gap;           /* the blanks before token i (i == n: after the last) go */
	ssize_t last;             /* the last token kept, or -1 */
};

static void edit_free(struct edit *e)
{
	free(e->t);
	free(e->gone);
	free(e->drop_gap);
}

/* e->t from e->text.  0 or -ENOMEM. */
static int edit_split(struct edit *e)
{
	struct cmdline_token one;
	size_t alloc = 0, pos = 0;

	while (cmdline_next(e->text, e->len, &pos, &one)) {
		if (e->n == alloc) {
			struct cmdline_token *nt;

			alloc = alloc ? alloc * 2 : 32;
			nt = realloc(e->t, alloc * sizeof(*e->t));
			if (!nt)
				return -ENOMEM;
			e->t = nt;
		}
		e->t[e->n++] = one;
	}
	e->gone = calloc(e->n + 1, sizeof(*e->gone));
	e->drop_gap = calloc(e->n + 1, sizeof(*e->drop_gap));
	return e->gone && e->drop_gap ? 0 : -ENOMEM;
}

/*
 * Marks the last whole-token occurrence of each of @del gone, with the
 * blanks before it (after it, when nothing is kept before it).
 */
static void edit_delete(struct edit *e, const struct kargs *del)
{
	bool kept = false;

	for (size_t d = 0; d < del->n; d++) {
		size_t dl = strlen(del->v[d]);

		for (size_t i = e->n; i-- > 0;)
			if (!e->gone[i] && e->t[i].len == dl &&
			    memcmp(e->text + e->t[i].start, del->v[d], dl) == 0) {
				e->gone[i] = true;
				break;
			}
	}
	e->last = -1;
	for (size_t i = 0; i < e->n; i++) {
		if (!e->gone[i]) {
			kept = true;
			e->last = (ssize_t)i;
		} else if (kept) {
			e->drop_gap[i] = true;
		} else if (i + 1 < e->n) {
			e->drop_gap[i + 1] = true;
		}
	}
}

/* Appends @n bytes of @s to the buffer @b of @len bytes (room was made). */
static void put(char *b, size_t *len, const char *s, size_t n)
{
	memcpy(b + *len, s, n);
	*len += n;
}

/* @add, each after one space (none before the first when @first_bare). */
static void put_added(char *b, size_t *len, const struct kargs *add, bool first_bare)
{
	for (size_t a = 0; a < add->n; a++) {
		if (a || !first_bare)
			put(b, len, " ", 1);
		put(b, len, add->v[a], strlen(add->v[a]));
	}
}

/* The text as @e says, with @add after the last token kept, into @b. */
static void edit_join(const struct edit *e, const struct kargs *add, char *b)
{
	size_t len = 0;

	for (size_t i = 0; i <= e->n; i++) {
		size_t from = i ? e->t[i - 1].start + e->t[i - 1].len : 0;
		size_t to = i < e->n ? e->t[i].start : e->len;

		if (i == e->n && e->last < 0)
			put_added(b, &len, add, true);
		if (!e->drop_gap[i])
			put(b, &len, e->text + from, to - from);
		if (i == e->n)
			break;
		if (!e->gone[i])
			put(b, &len, e->text + e->t[i].start, e->t[i].len);
		if ((ssize_t)i == e->last)
			put_added(b, &len, add, false);
	}
	b[len] = '\0';
}

int kargs_edit(const char *text, const struct kargs *del, const struct kargs *add, char **out)
{
	struct edit e = { .text = text, .len = strlen(text) };
	size_t size = e.len + 1;
	int r = edit_split(&e);

	*out = NULL;
	if (r == 0)
		edit_delete(&e, del);
	if (r == 0 && add->n && e.last >= 0 && e.t[e.last].open)
		r = -EINVAL;
	for (size_t i = 0; r == 0 && i < add->n; i++)
		size += strlen(add->v[i]) + 1;
	if (r == 0 && !(*out = malloc(size)))
		r = -ENOMEM;
	if (r == 0)
		edit_join(&e, add, *out);
	edit_free(&e);
	return r;
}

size_t kargs_key_len(const char *tok)
{
	return strcspn(tok, "=");
}

/* An id list token being built: "vfio-pci.ids=1002:73bf,1002:ab28". */
struct idlist {
	char buf[1024]; /* the kernel's own limit for ids= is 1024 bytes */
	size_t len;
	bool any;
};

static int idlist_add(struct idlist *l, const struct pci_id *id)
{
	char one[24], *hit;
	size_t ol;

	if (id->has_subsys)
		snprintf(one, sizeof(one), "%04x:%04x:%04x:%04x", id->vendor, id->device,
			 id->subvendor, id->subdevice);
	else
		snprintf(one, sizeof(one), "%04x:%04x", id->vendor, id->device);
	ol = strlen(one);
	/* Each id once: look for it between separators. */
	for (hit = strstr(l->buf, one); hit; hit = strstr(hit + 1, one))
		if ((hit[-1] == '=' || hit[-1] == ',') && (hit[ol] == ',' || !hit[ol]))
			return 0;
	if (l->len + ol + 2 > sizeof(l->buf))
		return -E2BIG;
	l->len += (size_t)sprintf(l->buf + l->len, "%s%s", l->any ? "," : "", one);
	l->any = true;
	return 0;
}

static bool claimed(const struct manifest *m, const struct pci_addr *a)
{
	return manifest_find_addr(m, a) != NULL;
}

/* Functions not listed by address that an id list built from @m would take. */
static int find_conflicts(const struct manifest *m, const struct kargs_machine *mach,
			  struct kargs_result *out)
{
	for (size_t f = 0; f < mach->n_functions; f++) {
		bool hit = false;

		if (claimed(m, &mach->addrs[f]))
			continue;
		for (size_t i = 0; i < m->n_entries && !hit; i++) {
			const struct manifest_entry *e = &m->entries[i];

			/* A '*' address entry asks for every function with the id. */
			hit = !e->any_addr && manifest_entry_id_matches(e, &mach->ids[f]);
		}
		if (hit) {
			struct pci_addr *n = realloc(out->conflicts,
						     (out->n_conflicts + 1) * sizeof(*n));

			if (!n)
				return -ENOMEM;
			out->conflicts = n;
			out->conflicts[out->n_conflicts++] = mach->addrs[f];
		}
	}
	return 0;
}

static int ids_args(const struct manifest *m, const struct kargs_machine *mach,
		    struct kargs_result *out)
{
	struct idlist vfio = { .buf = "vfio-pci.ids=" }, stub = { .buf = "pci-stub.ids=" };
	int r = 0;

	vfio.len = strlen(vfio.buf);
	stub.len = strlen(stub.buf);
	for (size_t i = 0; i < m->n_entries && r == 0; i++) {
		const struct manifest_entry *e = &m->entries[i];
		size_t len = strlen(e->driver);
		struct idlist *l = NULL;

		if (modname_eq(e->driver, len, "vfio-pci", 8))
			l = &vfio;
		else if (modname_eq(e->driver, len, "pci-stub", 8))
			l = &stub;
		if (!l || e->any_id) {
			if (!out->inexpressible_line)
				out->inexpressible_line = e->line;
			continue;
		}
		r = idlist_add(l, &e->id);
	}
	if (r == 0 && vfio.any)
		r = kargs_push(&out->args, "rd.driver.pre=vfio-pci");
	if (r == 0 && vfio.any)
		r = kargs_push(&out->args, vfio.buf);
	if (r == 0 && stub.any)
		r = kargs_push(&out->args, stub.buf);
	if (r == 0)
		r = find_conflicts(m, mach, out);
	return r;
}

int kargs_wanted(const struct manifest *m, const struct kargs_machine *mach,
		 enum kargs_mode mode, struct kargs_result *out)
{
	int r = 0;

	*out = (struct kargs_result){ 0 };
	/* amd_iommu has no "on": the AMD IOMMU is on when the firmware has it. */
	if (mach->cpu == CPU_INTEL)
		r = kargs_push(&out->args, "intel_iommu=on");
	/* Host devices keep an identity map: no DMA translation cost for them. */
	if (r == 0)
		r = kargs_push(&out->args, "iommu=pt");
	if (r == 0 && mach->boot_vga_claimed) {
		r = kargs_push(&out->args, "video=efifb:off");
		/* Without sysfb the initcall does not exist: an argument that does nothing. */
		if (r == 0 && mach->sysfb)
			r = kargs_push(&out->args, "initcall_blacklist=sysfb_init");
	}
	if (r == 0 && mode == KARGS_MODE_IDS)
		r = ids_args(m, mach, out);
	if (r < 0)
		kargs_result_free(out);
	return r;
}

void kargs_result_free(struct kargs_result *r)
{
	kargs_free(&r->args);
	free(r->conflicts);
	*r = (struct kargs_result){ 0 };
}

int kargs_format_parse(const char *s, enum kargs_format *out)
{
	static const char *const names[] = {
		[KARGS_FORMAT_PLAIN] = "plain",		  [KARGS_FORMAT_JSON] = "json",
		[KARGS_FORMAT_RPM_OSTREE] = "rpm-ostree", [KARGS_FORMAT_GRUBBY] = "grubby",
		[KARGS_FORMAT_GRUB] = "grub",		  [KARGS_FORMAT_BOOTC] = "bootc",
	};

	for (size_t i = 0; i < sizeof(names) / sizeof(*names); i++)
		if (strcmp(s, names[i]) == 0) {
			*out = (enum kargs_format)i;
			return 0;
		}
	return -EINVAL;
}

void kargs_print(FILE *out, const struct kargs *k, enum kargs_format f, enum kargs_mode mode)
{
	char *joined = kargs_join(k);
	struct json j;

	if (!joined)
		return;
	switch (f) {
	case KARGS_FORMAT_PLAIN:
		fprintf(out, "%s\n", joined);
		break;
	case KARGS_FORMAT_JSON:
		json_init(&j, out);
		json_object_begin(&j);
		json_kv_string(&j, "mode", mode == KARGS_MODE_IDS ? "ids" : "address");
		json_key(&j, "kargs");
		json_array_begin(&j);
		for (size_t i = 0; i < k->n; i++)
			json_string(&j, k->v[i]);
		json_array_end(&j);
		json_object_end(&j);
		json_finish(&j);
		break;
	case KARGS_FORMAT_RPM_OSTREE:
		/* One token per flag: the flag's value is compared whole. */
		fputs("rpm-ostree kargs", out);
		for (size_t i = 0; i < k->n; i++)
			fprintf(out, " --append-if-missing=%s", k->v[i]);
		fputc('\n', out);
		break;
	case KARGS_FORMAT_GRUBBY:
		fprintf(out, "grubby --update-kernel=ALL --args=\"%s\"\n", joined);
		break;
	case KARGS_FORMAT_GRUB:
		fprintf(out, "# /etc/default/grub.d/99-earlybind.cfg\n"
			"GRUB_CMDLINE_LINUX=\"$GRUB_CMDLINE_LINUX %s\"\n", joined);
		break;
	case KARGS_FORMAT_BOOTC:
		fputs("# /usr/lib/bootc/kargs.d/90-earlybind.toml\nkargs = [", out);
		for (size_t i = 0; i < k->n; i++)
			fprintf(out, "%s\"%s\"", i ? ", " : "", k->v[i]);
		fputs("]\nmatch-architectures = [\"x86_64\"]\n", out);
		break;
	}
	free(joined);
}
