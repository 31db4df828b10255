/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Reading parameters from a kernel command line (/proc/cmdline), for the
 * rescue switch rd.earlybind=0: it must never be missed, so the whole line
 * is read, whatever its length, and it is split as the kernel splits it.
 */
#ifndef EARLYBIND_CMDLINE_H
#define EARLYBIND_CMDLINE_H

#include <stdbool.h>
#include <stddef.h>

/*
 * Longest command line read: far above any kernel's (COMMAND_LINE_SIZE is
 * 2 KiB on x86, at most 1 MiB on s390; bootconfig adds at most 32 KiB).
 */
#define CMDLINE_MAX (4u << 20)

/*
 * Reads all of @path (file_read_at(): a regular file, as /proc/cmdline is,
 * never waited on) into *out, with a NUL after its *len bytes.  0, or
 * -errno: -EINVAL (-EISDIR) for a file that is not regular, -EFBIG beyond
 * CMDLINE_MAX.
 */
int cmdline_read_file(const char *path, char **out, size_t *len);

/*
 * The one splitter of kernel command lines, for the boot binary's reading
 * of rd.earlybind and for every command line earlybindctl handles
 * (kargs/: the file kernel-install reads, GRUB_CMDLINE_LINUX, grubby's
 * args, rpm-ostree's kargs, /proc/cmdline).  The kernel's own rules,
 * torvalds/linux lib/cmdline.c next_arg() and skip_spaces(): a blank
 * (cmdline_isspace) ends a token unless a double quote opened before it in
 * the same token is still open; a double quote anywhere toggles that.  So
 * a quoted value, blanks and all, is one token.  A NUL, which the kernel
 * never prints and a C string cannot hold, ends a token even inside
 * quotes, as the end of the text would.
 */

/* The kernel's isspace() (lib/ctype.c): 9 to 13, 32 and 160 (Latin-1's no-break space). */
bool cmdline_isspace(unsigned char c);

struct cmdline_token {
	size_t start, len; /* the token is text[start, start + len), quotes and all */
	bool open;         /* it ends inside a quote (the text ended first) */
};

/*
 * The next token in @len bytes of @text from *@pos on, into @tok; *@pos
 * moves past it.  false when only blanks (and NULs) are left.
 */
bool cmdline_next(const char *text, size_t len, size_t *pos, struct cmdline_token *tok);

/* A parameter's value: a view into the command line, not a copy. */
struct cmdline_value {
	const char *s;
	size_t len;
	bool has_value; /* "key=..." rather than a bare "key" */
};

/*
 * The last "@key=value" or bare "@key" in @len bytes of @cmdline: the last
 * one wins, as in the kernel (each occurrence overwrites the parameter).
 * Split by cmdline_next() (so a token may start with a quote: "key=v a"),
 * and the quotes around a value or a whole token are not part of it; a NUL
 * ends a token, so nothing after it is missed.  1 and *v, or 0.
 */
int cmdline_find(const char *cmdline, size_t len, const char *key, struct cmdline_value *v);

enum cmdline_switch {
	CMDLINE_ABSENT,  /* no @key at all */
	CMDLINE_ON,      /* 1, yes, on, true */
	CMDLINE_OFF,     /* 0, no, off, false */
	CMDLINE_UNKNOWN, /* anything else, the bare key and an empty value too */
	CMDLINE_UNCLOSED, /* @key is inside a quote that is never closed */
};

/*
 * The last @key as a switch; the words in either case.  A value that is
 * none of them is CMDLINE_UNKNOWN, and @key in the text of a token whose
 * quote is never closed (the kernel sees no @key there, dracut's getarg
 * does) CMDLINE_UNCLOSED, for the caller to fail safe.  *v gets the value
 * found (unset when CMDLINE_ABSENT or CMDLINE_UNCLOSED).
 */
enum cmdline_switch cmdline_get_switch(const char *cmdline, size_t len, const char *key,
				       struct cmdline_value *v);

#endif
