// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * Parser for the earlybind manifest.  It works on a buffer, not on a FILE,
 * so that the boot binary reads the file whole without stdio and the fuzzer
 * can feed it arbitrary bytes.  No line is ever half-accepted: a line is either
 * appended whole to the manifest or reported and skipped.
 */
#include "hex.h"
#include "manifest.h"
#include "readfile.h"

#include <errno.h>
#include <fcntl.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#define MAX_COLUMNS 4

struct token {
	const char *s;
	size_t len;
};

/* MANIFEST_BLANKS, spelled out: this is the parser's innermost loop. */
bool manifest_is_blank(char c)
{
	return c == ' ' || c == '\t' || c == '\r' || c == '\v' || c == '\f';
}

/* Exactly @digits hex digits at @s; the value or -1. */
static long hex_fixed(const char *s, size_t digits)
{
	unsigned v;

	return hex_parse(s, digits, digits, &v) ? (long)v : -1;
}

static bool token_is(const struct token *t, const char *word)
{
	return t->len == strlen(word) && memcmp(t->s, word, t->len) == 0;
}

/* Parses "[dddd:]bb:dd.f" of exactly @len bytes. */
static int pci_addr_parse_n(const char *s, size_t len, struct pci_addr *out)
{
	size_t dom_len = 0;
	long bus, dev, fn;
	unsigned domain = 0;

	/* The tail "bb:dd.f" is always 7 bytes; anything before is "domain:". */
	if (len < 7)
		return -EINVAL;
	if (len > 7) {
		dom_len = len - 8;
		/* The kernel prints at least 4 domain digits; VMD uses 5. */
		if (dom_len < 4 || dom_len > 8 || s[dom_len] != ':')
			return -EINVAL;
		if (!hex_parse(s, dom_len, 8, &domain))
			return -EINVAL;
		s += dom_len + 1;
	}
	if (s[2] != ':' || s[5] != '.')
		return -EINVAL;
	bus = hex_fixed(s, 2);
	dev = hex_fixed(s + 3, 2);
	fn = hex_fixed(s + 6, 1);
	if (bus < 0 || dev < 0 || dev > 0x1f || fn < 0 || fn > 7)
		return -EINVAL;
	out->domain = domain;
	out->bus = (uint8_t)bus;
	out->dev = (uint8_t)dev;
	out->fn = (uint8_t)fn;
	return 0;
}

int pci_addr_parse(const char *s, struct pci_addr *out)
{
	return pci_addr_parse_n(s, strlen(s), out);
}

/*
 * @v as at least @digits lowercase hex digits at @p, as "%0*x" prints it
 * (more digits when @v needs them); returns the end.  The formatters below
 * run for every function at boot: by hand, they cost a tenth of snprintf.
 */
static char *put_hex(char *p, uint32_t v, int digits)
{
	static const char hex[] = "0123456789abcdef";
	int n = 1;

	while (n < 8 && v >> (4 * n))
		n++;
	if (n < digits)
		n = digits;
	for (int i = n - 1; i >= 0; i--)
		*p++ = hex[(v >> (4 * i)) & 0xf];
	return p;
}

void pci_addr_format(const struct pci_addr *a, char buf[PCI_ADDR_STRLEN])
{
	char *p = put_hex(buf, a->domain, 4);

	*p++ = ':';
	p = put_hex(p, a->bus, 2);
	*p++ = ':';
	p = put_hex(p, a->dev, 2);
	*p++ = '.';
	p = put_hex(p, a->fn, 1);
	*p = '\0';
}

bool pci_addr_equal(const struct pci_addr *a, const struct pci_addr *b)
{
	return a->domain == b->domain && a->bus == b->bus &&
	       a->dev == b->dev && a->fn == b->fn;
}

static int pci_id_parse_n(const char *s, size_t len, struct pci_id *out)
{
	long v[4];
	size_t n;

	if (len == 9)
		n = 2;
	else if (len == 19)
		n = 4;
	else
		return -EINVAL;
	for (size_t i = 0; i < n; i++) {
		if (i > 0 && s[i * 5 - 1] != ':')
			return -EINVAL;
		v[i] = hex_fixed(s + i * 5, 4);
		if (v[i] < 0)
			return -EINVAL;
	}
	memset(out, 0, sizeof(*out));
	out->vendor = (uint16_t)v[0];
	out->device = (uint16_t)v[1];
	if (n == 4) {
		out->has_subsys = true;
		out->subvendor = (uint16_t)v[2];
		out->subdevice = (uint16_t)v[3];
	}
	return 0;
}

int pci_id_parse(const char *s, struct pci_id *out)
{
	return pci_id_parse_n(s, strlen(s), out);
}

void pci_id_format(const struct pci_id *id, char buf[PCI_ID_STRLEN])
{
	char *p = put_hex(buf, id->vendor, 4);

	*p++ = ':';
	p = put_hex(p, id->device, 4);
	if (id->has_subsys) {
		*p++ = ':';
		p = put_hex(p, id->subvendor, 4);
		*p++ = ':';
		p = put_hex(p, id->subdevice, 4);
	}
	*p = '\0';
}

bool manifest_entry_id_matches(const struct manifest_entry *e, const struct pci_id *have)
{
	if (e->any_id)
		return true;
	if (e->id.vendor != have->vendor || e->id.device != have->device)
		return false;
	if (!e->id.has_subsys)
		return true;
	return have->has_subsys && e->id.subvendor == have->subvendor &&
	       e->id.subdevice == have->subdevice;
}

/* splitmix64's finaliser: spreads neighbouring addresses over the table. */
static uint64_t mix(uint64_t x)
{
	x ^= x >> 30;
	x *= 0xbf58476d1ce4e5b9ull;
	x ^= x >> 27;
	x *= 0x94d049bb133111ebull;
	return x ^ (x >> 31);
}

static uint64_t addr_hash(const struct pci_addr *a)
{
	return mix((uint64_t)a->domain << 16 | (uint64_t)a->bus << 8 | (uint64_t)a->dev << 3 |
		   a->fn);
}

static uint64_t id_hash(const struct pci_id *id)
{
	uint64_t sub = id->has_subsys ? 1ull << 32 | (uint64_t)id->subvendor << 16 |
					id->subdevice : 0;

	return mix(1ull << 63 | (uint64_t)id->vendor << 16 | id->device) ^ mix(sub);
}

static bool id_same(const struct pci_id *a, const struct pci_id *b)
{
	return a->vendor == b->vendor && a->device == b->device &&
	       a->has_subsys == b->has_subsys &&
	       (!a->has_subsys || (a->subvendor == b->subvendor && a->subdevice == b->subdevice));
}

/* The key an entry is filed under: its address, or for a '*' line its id. */
static uint64_t entry_hash(const struct manifest_entry *e)
{
	return e->any_addr ? id_hash(&e->id) : addr_hash(&e->addr);
}

static bool index_usable(const struct manifest *m)
{
	return m->index_cap && m->n_indexed == m->n_entries;
}

/* The first entry filed under @h that @match accepts, or NULL. */
static const struct manifest_entry *index_find(const struct manifest *m, uint64_t h,
					       bool (*match)(const struct manifest_entry *e,
							     const void *key),
					       const void *key)
{
	size_t mask = m->index_cap - 1;

	for (size_t at = (size_t)h & mask; m->index[at]; at = (at + 1) & mask) {
		const struct manifest_entry *e = &m->entries[m->index[at] - 1];

		if (match(e, key))
			return e;
	}
	return NULL;
}

static bool match_addr(const struct manifest_entry *e, const void *key)
{
	return !e->any_addr && pci_addr_equal(&e->addr, key);
}

static bool match_wildcard_id(const struct manifest_entry *e, const void *key)
{
	return e->any_addr && id_same(&e->id, key);
}

static void index_put(size_t *index, size_t cap, uint64_t h, size_t slot_value)
{
	size_t at = (size_t)h & (cap - 1);

	while (index[at])
		at = (at + 1) & (cap - 1);
	index[at] = slot_value;
}

/*
 * Files the entry just appended.  The table doubles before it is half full,
 * and is rebuilt whole if entries were added without it.  0 or -ENOMEM,
 * which fails the parse; the lookups go line by line only for a manifest
 * whose entries were added without the index.
 */
static int index_add_last(struct manifest *m)
{
	size_t n = m->n_entries, cap = m->index_cap ? m->index_cap : 64, *table;

	if (m->n_indexed + 1 == n && n * 2 <= m->index_cap) {
		index_put(m->index, m->index_cap, entry_hash(&m->entries[n - 1]), n);
		m->n_indexed = n;
		return 0;
	}
	while (n * 2 > cap)
		cap *= 2;
	table = calloc(cap, sizeof(*table));
	if (!table)
		return -ENOMEM;
	for (size_t i = 0; i < n; i++)
		index_put(table, cap, entry_hash(&m->entries[i]), i + 1);
	free(m->index);
	m->index = table;
	m->index_cap = cap;
	m->n_indexed = n;
	return 0;
}

const struct manifest_entry *manifest_find_addr(const struct manifest *m,
						const struct pci_addr *a)
{
	if (index_usable(m))
		return index_find(m, addr_hash(a), match_addr, a);
	for (size_t i = 0; i < m->n_entries; i++) {
		const struct manifest_entry *e = &m->entries[i];

		if (match_addr(e, a))
			return e;
	}
	return NULL;
}

/* The '*' line with exactly the id @id, or NULL. */
static const struct manifest_entry *find_wildcard_id(const struct manifest *m,
						     const struct pci_id *id)
{
	if (index_usable(m))
		return index_find(m, id_hash(id), match_wildcard_id, id);
	for (size_t i = 0; i < m->n_entries; i++)
		if (match_wildcard_id(&m->entries[i], id))
			return &m->entries[i];
	return NULL;
}

const struct manifest_entry *manifest_find_wildcard(const struct manifest *m,
						    const struct pci_id *have)
{
	/* The parser keeps one '*' line an id: at most these two take it. */
	struct pci_id vd = { .vendor = have->vendor, .device = have->device };
	const struct manifest_entry *a = find_wildcard_id(m, &vd);
	const struct manifest_entry *b = have->has_subsys ? find_wildcard_id(m, have) : NULL;

	if (!a || (b && b->line < a->line))
		return b;
	return a;
}

/*
 * What the kernel's module names are made of (kbuild's KBUILD_MODNAME is a
 * file name with '-' as '_'; modprobe takes either), and what PCI drivers
 * are named.
 */
bool manifest_driver_valid(const char *s, size_t len)
{
	if (len == 0 || len > MANIFEST_DRIVER_MAX || s[0] == '-')
		return false;
	for (size_t i = 0; i < len; i++) {
		char c = s[i];

		if (!((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
		      (c >= '0' && c <= '9') || c == '_' || c == '-'))
			return false;
	}
	return true;
}

struct line_ctx {
	manifest_error_fn err;
	void *userdata;
	unsigned line;
	int bad;
};

/*
 * Reports the current line as bad.  Tokens are quoted with %.*s and may hold
 * any byte; they are cut to keep a log line readable.
 */
__attribute__((format(printf, 2, 3)))
static void line_error(struct line_ctx *lc, const char *fmt, ...)
{
	char msg[256];
	va_list ap;

	lc->bad++;
	if (!lc->err)
		return;
	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	/* Control characters would garble a console line: show them as '?'. */
	for (char *p = msg; *p; p++)
		if ((unsigned char)*p < 0x20 || *p == 0x7f)
			*p = '?';
	lc->err(lc->userdata, lc->line, msg);
}

/* A token shown in a message: at most 40 bytes of it. */
#define TOK_FMT "'%.*s%s'"
#define TOK_ARG(t) (int)((t)->len > 40 ? 40 : (t)->len), (t)->s, ((t)->len > 40 ? "..." : "")

static int parse_options(struct line_ctx *lc, const struct token *t, unsigned *options)
{
	const char *p = t->s, *end = t->s + t->len;

	*options = 0;
	while (p <= end) {
		const char *comma = memchr(p, ',', (size_t)(end - p));
		struct token word = { p, (size_t)((comma ? comma : end) - p) };

		if (token_is(&word, "optional")) {
			*options |= MANIFEST_OPT_OPTIONAL;
		} else {
			if (word.len == 0)
				line_error(lc, "empty option in " TOK_FMT, TOK_ARG(t));
			else
				line_error(lc, "unknown option " TOK_FMT " (known: optional)",
					   TOK_ARG(&word));
			return -EINVAL;
		}
		if (!comma)
			break;
		p = comma + 1;
	}
	return 0;
}

static int manifest_append(struct manifest *m, const struct manifest_entry *e)
{
	if (m->n_entries == m->alloc) {
		size_t alloc = m->alloc ? m->alloc * 2 : 16;
		struct manifest_entry *n = realloc(m->entries, alloc * sizeof(*n));

		if (!n)
			return -ENOMEM;
		m->entries = n;
		m->alloc = alloc;
	}
	m->entries[m->n_entries++] = *e;
	return index_add_last(m);
}

/*
 * The columns of a line into @col (up to MAX_COLUMNS), up to a '#'; how
 * many in *@n.  0, or 1 when the line is bad (reported).
 */
static int split_columns(struct line_ctx *lc, const char *s, size_t len,
			 struct token col[MAX_COLUMNS], size_t *n)
{
	size_t i = 0;

	*n = 0;
	while (i < len) {
		size_t start;

		while (i < len && manifest_is_blank(s[i]))
			i++;
		if (i == len || s[i] == '#')
			break;
		start = i;
		while (i < len && !manifest_is_blank(s[i]) && s[i] != '#')
			i++;
		if (*n == MAX_COLUMNS) {
			struct token extra = { s + start, i - start };

			line_error(lc, "too many columns at " TOK_FMT
				   " (expected: driver device id [options])", TOK_ARG(&extra));
			return 1;
		}
		col[*n] = (struct token){ s + start, i - start };
		if (memchr(col[*n].s, '\0', col[*n].len)) {
			line_error(lc, "contains a NUL byte");
			return 1;
		}
		(*n)++;
	}
	return 0;
}

/* The @n columns (3 or 4) into @e.  0, or 1 when one is bad (reported). */
static int parse_columns(struct line_ctx *lc, const struct token *col, size_t n,
			 struct manifest_entry *e)
{
	memset(e, 0, sizeof(*e));
	e->line = lc->line;
	if (!manifest_driver_valid(col[0].s, col[0].len)) {
		line_error(lc, "invalid driver name " TOK_FMT
			   " (letters, digits, '_' and '-', not starting with '-', at most %d)",
			   TOK_ARG(&col[0]), MANIFEST_DRIVER_MAX);
		return 1;
	}
	memcpy(e->driver, col[0].s, col[0].len);
	e->driver[col[0].len] = '\0';
	if (token_is(&col[1], "*")) {
		e->any_addr = true;
	} else if (pci_addr_parse_n(col[1].s, col[1].len, &e->addr) < 0) {
		line_error(lc, "invalid PCI address " TOK_FMT
			   " (expected DDDD:BB:DD.F, e.g. 0000:0b:00.0, or '*')", TOK_ARG(&col[1]));
		return 1;
	}
	if (token_is(&col[2], "*")) {
		e->any_id = true;
	} else if (pci_id_parse_n(col[2].s, col[2].len, &e->id) < 0) {
		line_error(lc, "invalid id " TOK_FMT
			   " (expected VVVV:DDDD or VVVV:DDDD:SVVV:SDDD in hex, or '*')",
			   TOK_ARG(&col[2]));
		return 1;
	}
	if (e->any_addr && e->any_id) {
		line_error(lc, "'*' in both device and id columns would claim every PCI function");
		return 1;
	}
	return n == 4 && parse_options(lc, &col[3], &e->options) < 0;
}

/*
 * A line that says again what an earlier one said: the same address, or
 * a second '*' line of an id, which would never claim anything.  1 when
 * @e is one (reported), else 0.
 */
static int is_duplicate(const struct manifest *m, struct line_ctx *lc,
			const struct manifest_entry *e, const struct token *id_col)
{
	const struct manifest_entry *dup;
	char a[PCI_ADDR_STRLEN];

	if (!e->any_addr) {
		dup = manifest_find_addr(m, &e->addr);
		if (dup) {
			pci_addr_format(&e->addr, a);
			line_error(lc, "%s is already listed on line %u", a, dup->line);
		}
	} else {
		dup = find_wildcard_id(m, &e->id);
		if (dup)
			line_error(lc, "device '*' with id " TOK_FMT " is already listed on line %u",
				   TOK_ARG(id_col), dup->line);
	}
	return dup != NULL;
}

/* 0 when the line was appended or was empty, 1 when it was bad, or -ENOMEM. */
static int parse_line(struct manifest *m, struct line_ctx *lc, const char *s, size_t len)
{
	struct token col[MAX_COLUMNS];
	struct manifest_entry e;
	size_t n;

	if (split_columns(lc, s, len, col, &n))
		return 1;
	if (n == 0)
		return 0;
	if (n < 3) {
		line_error(lc, "expected 'driver device id [options]', found %zu column%s",
			   n, n == 1 ? "" : "s");
		return 1;
	}
	if (parse_columns(lc, col, n, &e) || is_duplicate(m, lc, &e, &col[2]))
		return 1;
	return manifest_append(m, &e) < 0 ? -ENOMEM : 0;
}

int manifest_parse_buffer(struct manifest *m, const char *buf, size_t len,
			  manifest_error_fn err, void *userdata)
{
	struct line_ctx lc = { .err = err, .userdata = userdata };
	size_t pos = 0;

	while (pos < len) {
		const char *nl = memchr(buf + pos, '\n', len - pos);
		size_t end = nl ? (size_t)(nl - buf) : len;
		int r;

		lc.line++;
		r = parse_line(m, &lc, buf + pos, end - pos);
		if (r < 0)
			return r;
		pos = end + 1;
	}
	return lc.bad;
}

int manifest_parse_file(struct manifest *m, const char *path,
			manifest_error_fn err, void *userdata)
{
	char *buf;
	size_t len;
	int r;

	r = file_read_at(AT_FDCWD, path, MANIFEST_MAX_SIZE, &buf, &len);
	if (r < 0)
		return r;
	r = manifest_parse_buffer(m, buf, len, err, userdata);
	free(buf);
	return r;
}

const char *manifest_file_strerror(int r)
{
	return r == -EINVAL ? "not a regular file (a FIFO, a device or a socket)" : strerror(-r);
}

void manifest_free(struct manifest *m)
{
	free(m->entries);
	free(m->index);
	*m = (struct manifest){ 0 };
}
