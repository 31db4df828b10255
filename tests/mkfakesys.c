// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * mkfakesys ROOT SPEC: builds a fake sysfs under ROOT from SPEC (a file, or
 * "-" for stdin), one line each:
 *
 *     fn DDDD:BB:DD.F VVVV:DDDD [sub=SVVV:SDDD] [class=CCCCCC] [rev=NN]
 *        [driver=NAME] [group=N] [pcie]
 *     driver NAME        a registered PCI driver with no devices
 *     cmdline TEXT...    the rest of the line becomes ROOT/proc/cmdline
 *
 * Blank lines and lines starting with '#' are ignored; in fn and driver
 * lines a word starting with '#' starts a comment.  The whole spec is read
 * and checked before ROOT is touched, so a bad line leaves ROOT as it was.
 * Running it again on the same ROOT adds to it and keeps every file that
 * exists; a function that is already there is an error.
 * Prints nothing on success; exit status 0, 1 on any error, 2 on misuse.
 */
#include "fakesys.h"

#include <errno.h>
#include <limits.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define WS " \t\r\n\v\f"
/* More words than the longest valid fn line has. */
#define MAX_WORDS 16

enum kind { FN, DRIVER, CMDLINE };

struct entry {
	enum kind kind;
	unsigned line;
	struct fakesys_fn fn;
	char *text; /* driver name of fn and driver lines, or the command line */
};

struct spec {
	const char *name; /* for messages */
	struct entry *entries;
	size_t n, cap;
};

__attribute__((format(printf, 3, 4)))
static int bad_line(const struct spec *s, unsigned line, const char *fmt, ...)
{
	va_list ap;

	fprintf(stderr, "mkfakesys: %s:%u: ", s->name, line);
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fputc('\n', stderr);
	return -EINVAL;
}

/* Exactly @width hex digits and nothing more. */
static bool hex_exact(const char *s, size_t width, uint32_t *out)
{
	uint32_t v = 0;

	if (strlen(s) != width)
		return false;
	for (size_t i = 0; i < width; i++) {
		char c = s[i];
		unsigned d;

		if (c >= '0' && c <= '9')
			d = (unsigned)(c - '0');
		else if (c >= 'a' && c <= 'f')
			d = (unsigned)(c - 'a' + 10);
		else if (c >= 'A' && c <= 'F')
			d = (unsigned)(c - 'A' + 10);
		else
			return false;
		v = v * 16 + d;
	}
	*out = v;
	return true;
}

/* @s[0..@len) as @width hex digits. */
static bool hex_field(const char *s, size_t len, size_t width, uint32_t *out)
{
	char buf[16];

	if (len != width || len >= sizeof(buf))
		return false;
	memcpy(buf, s, len);
	buf[len] = '\0';
	return hex_exact(buf, width, out);
}

/* "VVVV:DDDD" */
static bool parse_id(const char *s, uint16_t *a, uint16_t *b)
{
	uint32_t x, y;

	if (strlen(s) != 9 || s[4] != ':' || !hex_field(s, 4, 4, &x) || !hex_field(s + 5, 4, 4, &y))
		return false;
	*a = (uint16_t)x;
	*b = (uint16_t)y;
	return true;
}

/* "DDDD:BB:DD.F"; the domain has 4 to 8 digits, as the kernel prints it. */
static int parse_addr(const struct spec *s, unsigned line, const char *a, struct fakesys_fn *fn)
{
	size_t len = strlen(a), dom_len;
	uint32_t dom, bus, dev, func;
	const char *t;

	if (len < 12 || len > 16)
		goto bad;
	dom_len = len - 8;
	t = a + dom_len + 1;
	if (a[dom_len] != ':' || t[2] != ':' || t[5] != '.' ||
	    !hex_field(a, dom_len, dom_len, &dom) || !hex_field(t, 2, 2, &bus) ||
	    !hex_field(t + 3, 2, 2, &dev) || !hex_field(t + 6, 1, 1, &func))
		goto bad;
	if (dev > 0x1f)
		return bad_line(s, line, "address '%s': device %02x > 1f", a, dev);
	if (func > 7)
		return bad_line(s, line, "address '%s': function %x > 7", a, func);
	fn->domain = dom;
	fn->bus = (uint8_t)bus;
	fn->dev = (uint8_t)dev;
	fn->fn = (uint8_t)func;
	return 0;
bad:
	return bad_line(s, line, "invalid address '%s' (expected DDDD:BB:DD.F)", a);
}

/* One path component and one uevent word. */
static bool driver_name_ok(const char *name)
{
	if (!name[0] || strcmp(name, ".") == 0 || strcmp(name, "..") == 0 || strlen(name) > 255)
		return false;
	for (const char *p = name; *p; p++)
		if (*p <= ' ' || *p == '/' || *p == 0x7f)
			return false;
	return true;
}

static int parse_driver_name(const struct spec *s, unsigned line, const char *name,
			     char **out)
{
	if (!driver_name_ok(name))
		return bad_line(s, line, "invalid driver name '%s'", name);
	*out = strdup(name);
	return *out ? 0 : -ENOMEM;
}

static int parse_fn(const struct spec *s, unsigned line, char **w, size_t n, struct entry *e)
{
	enum { SUB = 1, CLASS = 2, REV = 4, DRV = 8, GROUP = 16, PCIE = 32 };
	struct fakesys_fn *fn = &e->fn;
	unsigned seen = 0;
	int r;

	if (n < 3)
		return bad_line(s, line, "usage: fn DDDD:BB:DD.F VVVV:DDDD [options]");
	fn->iommu_group = -1;
	r = parse_addr(s, line, w[1], fn);
	if (r < 0)
		return r;
	if (!parse_id(w[2], &fn->vendor, &fn->device))
		return bad_line(s, line, "invalid id '%s' (expected VVVV:DDDD, 4 hex digits each)",
				w[2]);
	for (size_t i = 3; i < n; i++) {
		const char *o = w[i], *eq = strchr(o, '=');
		const char *v = eq ? eq + 1 : "";
		size_t klen = eq ? (size_t)(eq - o) : strlen(o);
		unsigned bit;
		uint32_t x;

		if (!eq && strcmp(o, "pcie") == 0) {
			bit = PCIE;
			fn->pcie = true;
		} else if (klen == 3 && strncmp(o, "sub", 3) == 0) {
			bit = SUB;
			if (!parse_id(v, &fn->subvendor, &fn->subdevice))
				return bad_line(s, line, "invalid sub '%s' (expected SVVV:SDDD)", v);
		} else if (klen == 5 && strncmp(o, "class", 5) == 0) {
			bit = CLASS;
			if (!hex_exact(v, 6, &fn->class))
				return bad_line(s, line, "invalid class '%s' (expected 6 hex digits)", v);
		} else if (klen == 3 && strncmp(o, "rev", 3) == 0) {
			bit = REV;
			if (!hex_exact(v, 2, &x))
				return bad_line(s, line, "invalid rev '%s' (expected 2 hex digits)", v);
			fn->revision = (uint8_t)x;
		} else if (klen == 6 && strncmp(o, "driver", 6) == 0) {
			bit = DRV;
			if (seen & DRV)
				goto twice;
			r = parse_driver_name(s, line, v, &e->text);
			if (r < 0)
				return r;
			fn->driver = e->text;
		} else if (klen == 5 && strncmp(o, "group", 5) == 0) {
			char *end;
			long g;

			bit = GROUP;
			errno = 0;
			g = strtol(v, &end, 10);
			if (v[0] < '0' || v[0] > '9' || *end || errno || g > INT_MAX)
				return bad_line(s, line, "invalid group '%s' (expected 0 to %d)", v,
						INT_MAX);
			fn->iommu_group = (int)g;
		} else {
			return bad_line(s, line,
					"unknown option '%s' (known: sub= class= rev= driver= group= pcie)",
					o);
		}
		if (seen & bit)
			goto twice;
		seen |= bit;
		continue;
twice:
		return bad_line(s, line, "option '%.*s' given twice", (int)klen, o);
	}
	return 0;
}

/* A function is added once: a second line for its address is an error. */
static int check_unique(const struct spec *s, const struct entry *e)
{
	const struct fakesys_fn *a = &e->fn;

	for (const struct entry *o = s->entries; o < e; o++) {
		const struct fakesys_fn *b = &o->fn;

		if (o->kind == FN && a->domain == b->domain && a->bus == b->bus &&
		    a->dev == b->dev && a->fn == b->fn)
			return bad_line(s, e->line, "%04x:%02x:%02x.%x already on line %u",
					(unsigned)a->domain, a->bus, a->dev, a->fn, o->line);
	}
	return 0;
}

/* Splits @p at whitespace; a word starting with '#' ends the line. */
static size_t split(char *p, char **w)
{
	size_t n = 0;

	for (;;) {
		p += strspn(p, WS);
		if (!*p || *p == '#' || n == MAX_WORDS)
			return *p && *p != '#' ? MAX_WORDS + 1 : n;
		w[n++] = p;
		p += strcspn(p, WS);
		if (*p)
			*p++ = '\0';
	}
}

static struct entry *new_entry(struct spec *s)
{
	if (s->n == s->cap) {
		size_t cap = s->cap ? s->cap * 2 : 16;
		struct entry *e = realloc(s->entries, cap * sizeof(*e));

		if (!e)
			return NULL;
		s->entries = e;
		s->cap = cap;
	}
	memset(&s->entries[s->n], 0, sizeof(s->entries[0]));
	return &s->entries[s->n++];
}

static int parse_line(struct spec *s, unsigned line, char *p)
{
	char *w[MAX_WORDS], *kw;
	struct entry *e;
	size_t n, kwlen;

	p += strspn(p, WS);
	if (!*p || *p == '#')
		return 0;
	kw = p;
	kwlen = strcspn(p, WS);
	e = new_entry(s);
	if (!e)
		return -ENOMEM;
	e->line = line;

	if (kwlen == 7 && strncmp(kw, "cmdline", 7) == 0) {
		char *text = p + kwlen, *end;

		text += strspn(text, WS);
		end = text + strlen(text);
		while (end > text && strchr(WS, end[-1]))
			*--end = '\0';
		e->kind = CMDLINE;
		e->text = strdup(text);
		return e->text ? 0 : -ENOMEM;
	}

	n = split(p, w);
	if (n > MAX_WORDS)
		return bad_line(s, line, "too many words");
	if (strcmp(w[0], "fn") == 0) {
		int r;

		e->kind = FN;
		r = parse_fn(s, line, w, n, e);
		return r < 0 ? r : check_unique(s, e);
	}
	if (strcmp(w[0], "driver") == 0) {
		e->kind = DRIVER;
		if (n != 2)
			return bad_line(s, line, "usage: driver NAME");
		return parse_driver_name(s, line, w[1], &e->text);
	}
	return bad_line(s, line, "unknown keyword '%s' (known: fn, driver, cmdline)", w[0]);
}

static int read_spec(struct spec *s, FILE *f)
{
	char *buf = NULL;
	size_t size = 0;
	ssize_t len;
	unsigned line = 0;
	int r = 0;

	while (r == 0 && (len = getline(&buf, &size, f)) >= 0) {
		line++;
		if (memchr(buf, '\0', (size_t)len))
			r = bad_line(s, line, "NUL byte in line");
		else
			r = parse_line(s, line, buf);
	}
	if (r == 0 && ferror(f)) {
		r = -EIO;
		fprintf(stderr, "mkfakesys: %s: read error\n", s->name);
	}
	free(buf);
	return r;
}

static int apply(const struct spec *s, const char *root)
{
	int r;

	r = fakesys_init(root);
	if (r < 0) {
		fprintf(stderr, "mkfakesys: cannot set up %s: %s\n", root, strerror(-r));
		return r;
	}
	for (size_t i = 0; i < s->n; i++) {
		const struct entry *e = &s->entries[i];
		const struct fakesys_fn *fn = &e->fn;

		switch (e->kind) {
		case FN:
			r = fakesys_add_function(root, fn);
			if (r < 0)
				bad_line(s, e->line, "cannot add %04x:%02x:%02x.%x: %s",
					 (unsigned)fn->domain, fn->bus, fn->dev, fn->fn,
					 r == -EEXIST ? "already there" : strerror(-r));
			break;
		case DRIVER:
			r = fakesys_add_driver(root, e->text);
			if (r < 0)
				bad_line(s, e->line, "cannot add driver %s: %s", e->text, strerror(-r));
			break;
		case CMDLINE:
			r = fakesys_set_cmdline(root, e->text);
			if (r < 0)
				bad_line(s, e->line, "cannot write proc/cmdline: %s", strerror(-r));
			break;
		}
		if (r < 0)
			return r;
	}
	return 0;
}

static void usage(FILE *out)
{
	fputs("Usage: mkfakesys ROOT SPEC\n"
	      "Build a fake sysfs under ROOT from SPEC (a file, or - for stdin).\n"
	      "Spec lines:\n"
	      "  fn DDDD:BB:DD.F VVVV:DDDD [sub=SVVV:SDDD] [class=CCCCCC] [rev=NN]\n"
	      "     [driver=NAME] [group=N] [pcie]\n"
	      "  driver NAME\n"
	      "  cmdline TEXT...\n", out);
}

int main(int argc, char **argv)
{
	struct spec s = { 0 };
	FILE *f;
	int r;

	if (argc == 2 && (strcmp(argv[1], "-h") == 0 || strcmp(argv[1], "--help") == 0)) {
		usage(stdout);
		return 0;
	}
	if (argc != 3) {
		usage(stderr);
		return 2;
	}
	if (strcmp(argv[2], "-") == 0) {
		s.name = "<stdin>";
		f = stdin;
	} else {
		s.name = argv[2];
		f = fopen(argv[2], "re");
		if (!f) {
			fprintf(stderr, "mkfakesys: %s: %s\n", argv[2], strerror(errno));
			return 1;
		}
	}
	r = read_spec(&s, f);
	if (f != stdin)
		fclose(f);
	if (r == -ENOMEM)
		fprintf(stderr, "mkfakesys: out of memory\n");
	if (r == 0)
		r = apply(&s, argv[1]);
	for (size_t i = 0; i < s.n; i++)
		free(s.entries[i].text);
	free(s.entries);
	return r < 0 ? 1 : 0;
}
