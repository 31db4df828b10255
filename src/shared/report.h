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

enum report_level {
	REPORT_ERROR,   /* why the call failed */
	REPORT_WARNING, /* done, but something the admin should know */
	REPORT_INFO,    /* what was done */
};

struct reporter {
	/* @msg has no trailing newline and lives only during the call. */
	void (*fn)(void *userdata, enum report_level level, const char *msg);
	void *userdata;
};

/* Formats the message and hands it to @r; nothing when @r or its fn is NULL. */
__attribute__((format(printf, 3, 4)))
void report(const struct reporter *r, enum report_level level, const char *fmt, ...);

#endif
