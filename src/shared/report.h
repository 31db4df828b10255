/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * How code below the commands says what went wrong or what it did: the
 * caller passes a reporter, as libkmod takes a log function
 * (kmod_set_log_fn) and libpci calls a->warning, and decides where the
 * words go and whether -q silences them.  The code itself still returns 0
 * or -errno; a reporter only carries the words.
 */
#ifndef EARLYBIND_REPORT_H
#define EARLYBIND_REPORT_H

#include <stdarg.h>

enum report_level {
	REPORT_ERROR,   /* why the call failed */
	REPORT_WARNING, /* done, but something the admin should know */
	REPORT_INFO,    /* what was done */
	/*
	 * What the command was asked for, not a remark on it: the commands
	 * and files of a dry run.  -q keeps it, as it keeps errors.
	 */
	REPORT_RESULT,
};

struct reporter {
	/*
	 * @msg has no trailing newline and lives only during the call; it may
	 * hold more lines (a command's stderr, a file's text), each ending in
	 * a newline but the last.
	 */
	void (*fn)(void *userdata, enum report_level level, const char *msg);
	void *userdata;
};

/*
 * Formats the message, whatever its length, and hands it to @r; nothing
 * when @r or its fn is NULL.  errno is as it was, for a %m.
 */
__attribute__((format(printf, 3, 4)))
void report(const struct reporter *r, enum report_level level, const char *fmt, ...);
__attribute__((format(printf, 3, 0)))
void vreport(const struct reporter *r, enum report_level level, const char *fmt, va_list ap);

#endif
