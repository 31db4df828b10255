/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The boot binary's log: lines "earlybind: ..." written to /dev/kmsg, where
 * dmesg and journalctl -b -t earlybind find them, and optionally to stderr.
 */
#ifndef EARLYBIND_KMSG_H
#define EARLYBIND_KMSG_H

#include <stdbool.h>
#include <stdio.h>

/*
 * The kernel drops lines beyond a burst of 10 per opened /dev/kmsg in 5 s
 * (printk.devkmsg=ratelimit, the default), and says only "N output lines
 * suppressed" when the file is closed.  We count lines instead, keep the
 * last slot for the summary, and say in it how many lines were held back.
 */
#define KMSG_RATELIMIT_BURST 10

struct kmsg {
	int fd;            /* /dev/kmsg, or -1 when it could not be opened */
	FILE *echo;        /* stderr with -v, else NULL */
	unsigned budget;   /* lines the kernel will still take; UINT_MAX: no limit */
	unsigned held;     /* lines not written to /dev/kmsg because of the budget */
	int open_error;    /* -errno of opening /dev/kmsg, or 0 */
};

/*
 * Opens ROOT/dev/kmsg for writing (a regular file in a fake root is
 * appended to).  Never fails: without /dev/kmsg, lines go to stderr.
 * With @write_kmsg false (a dry run), only @echo gets the lines.
 */
void kmsg_open(struct kmsg *k, const char *root, bool write_kmsg, FILE *echo);
void kmsg_close(struct kmsg *k);

/* @level is a syslog level, LOG_ERR .. LOG_DEBUG. */
__attribute__((format(printf, 3, 4)))
void kmsg_log(struct kmsg *k, int level, const char *fmt, ...);

/* As kmsg_log(), but uses the slot kept for the summary. */
__attribute__((format(printf, 3, 4)))
void kmsg_summary(struct kmsg *k, int level, const char *fmt, ...);

#endif
