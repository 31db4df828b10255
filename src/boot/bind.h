/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Applying a manifest to the running kernel: each listed function, found by
 * address and checked by id, is handed to its driver through driver_override.
 */
#ifndef EARLYBIND_BIND_H
#define EARLYBIND_BIND_H

#include "kmsg.h"
#include "manifest.h"

#include <stdio.h>

struct bind_stats {
	unsigned bound;    /* now on their driver, by this run */
	unsigned already;  /* were on their driver already: nothing written */
	unsigned optional; /* optional entries whose function is absent */
	unsigned failed;   /* absent, id mismatch, or not on the driver at the end */
	unsigned modules;  /* kernel modules inserted */
};

struct bind_opts {
	const char *root;        /* "/" or a fake root */
	const char *config_name; /* the manifest's name, for messages */
	FILE *dry_run;           /* non-NULL: print each write here, change nothing */
};

/*
 * Binds every function of @m.  Logs one line per function to @log; never
 * stops at a failed function.  Returns 0 when @stats was filled in (see
 * stats->failed), or -errno when ROOT/sys/bus/pci cannot be opened.
 */
int bind_manifest(const struct manifest *m, const struct bind_opts *opts, struct kmsg *log,
		  struct bind_stats *stats);

#endif
