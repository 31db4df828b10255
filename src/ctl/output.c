// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * How earlybindctl talks to the user: messages, colour, and text from
 * outside (disk labels, driver names, pci.ids names, sysfs contents,
 * manifest lines, paths) made safe for a terminal.  A terminal acts on
 * control bytes: an escape sequence in a disk label could retitle the
 * window, hide a line or forge one, and a carriage return or a newline
 * overwrite or add one.  So on a terminal every such byte is shown
 * written out; into a pipe or a file the text goes as it is, for scripts.
 */
#include <errno.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "ctl.h"
#include "utf8.h"

/* Escaped texts live until this many later ones were made. */
#define TEXT_RING 8

static bool on_terminal(FILE *f)
{
	static signed char tty[3] = { -1, -1, -1 };
	int fd = fileno(f);

	if (fd < 0)
		return false;
	if (fd > 2)
		return isatty(fd) == 1;
	if (tty[fd] < 0)
		tty[fd] = isatty(fd) == 1;
	return tty[fd];
}

/*
 * The length of the character @s starts with when a terminal shows it as
 * it is; 0 when it must be written out: a control character (C0, DEL, C1)
 * or a byte that is not UTF-8, which a terminal in another encoding may
 * take for one (0x9b is CSI in 8-bit terminals).
 */
static size_t shown_as_is(const char *s)
{
	uint32_t cp;
	size_t len = utf8_char(s, &cp);

	if (!len || cp < 0x20 || (cp >= 0x7f && cp <= 0x9f))
		return 0;
	return len;
}

/* @s with its control bytes written out (\x1b, \u009b), malloc'ed; NULL without memory. */
static char *escape(const char *s)
{
	size_t len = strlen(s), n = 0;
	char *out;

	/* At most 4 bytes for 1 (\xHH); a C1 character is 6 for 2 (\u00HH). */
	if (len > (SIZE_MAX - 1) / 4)
		return NULL;
	out = malloc(4 * len + 1);
	if (!out)
		return NULL;
	while (*s) {
		uint32_t cp;
		size_t k = shown_as_is(s);

		if (k) {
			memcpy(out + n, s, k);
			n += k;
			s += k;
		} else if (utf8_char(s, &cp) == 2) {
			n += (size_t)sprintf(out + n, "\\u%04x", (unsigned)cp);
			s += 2;
		} else {
			n += (size_t)sprintf(out + n, "\\x%02x", (unsigned char)*s);
			s++;
		}
	}
	out[n] = '\0';
	return out;
}

const char *ctl_text(FILE *f, const char *s)
{
	static char *ring[TEXT_RING];
	static size_t next;
	const char *p;
	char *e;

	if (!on_terminal(f))
		return s;
	for (p = s; *p; p += shown_as_is(p))
		if (!shown_as_is(p))
			break;
	if (!*p)
		return s;
	e = escape(s);
	if (!e)
		return "?"; /* never the raw bytes */
	free(ring[next]);
	ring[next] = e;
	next = (next + 1) % TEXT_RING;
	return e;
}

void ctl_vprint_text(FILE *f, const char *fmt, va_list ap)
{
	char *text;

	if (vasprintf(&text, fmt, ap) < 0) {
		fputs("(out of memory)", f);
		return;
	}
	fputs(ctl_text(f, text), f);
	free(text);
}

/* Formatted before anything is written, so that %m is the caller's errno. */
__attribute__((format(printf, 3, 0)))
static void message(FILE *f, const char *prefix, const char *fmt, va_list ap)
{
	char *text;

	if (vasprintf(&text, fmt, ap) < 0)
		text = NULL;
	fputs(prefix, f);
	fputs(text ? ctl_text(f, text) : "(out of memory)", f);
	fputc('\n', f);
	free(text);
}

void ctl_error(const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	message(stderr, "earlybindctl: ", fmt, ap);
	va_end(ap);
}

void ctl_warn(const struct ctl *c, const char *fmt, ...)
{
	va_list ap;

	/* -q: errors only (earlybindctl(8)). */
	if (c->quiet)
		return;
	va_start(ap, fmt);
	message(stderr, "earlybindctl: warning: ", fmt, ap);
	va_end(ap);
}

void ctl_info(const struct ctl *c, const char *fmt, ...)
{
	va_list ap;

	if (c->quiet)
		return;
	va_start(ap, fmt);
	message(stdout, "", fmt, ap);
	va_end(ap);
}

void ctl_more(const struct ctl *c, bool warning, const char *fmt, ...)
{
	va_list ap;

	if (warning && c->quiet)
		return;
	va_start(ap, fmt);
	message(stderr, "", fmt, ap);
	va_end(ap);
}

int ctl_usage_error(const char *usage)
{
	fputs(usage, stderr);
	return -EINVAL;
}

const char *ctl_color(const struct ctl *c, enum ctl_color which)
{
	static const char *const esc[] = {
		[CTL_RESET] = "\033[0m", [CTL_BOLD] = "\033[1m",   [CTL_RED] = "\033[31m",
		[CTL_GREEN] = "\033[32m", [CTL_YELLOW] = "\033[33m", [CTL_DIM] = "\033[2m",
	};

	return c->color ? esc[which] : "";
}
