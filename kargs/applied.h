/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * What earlybindctl apply changed on this machine, so that it changes only
 * that again: the kernel arguments it added (never one the admin added,
 * even with the same key), whether it turned rpm-ostree's initramfs
 * regeneration on, and which manifest went into the last initramfs.
 * Kept in /etc/earlybind.d/applied, a line-oriented text file.
 */
#ifndef EARLYBIND_APPLIED_H
#define EARLYBIND_APPLIED_H

#include <stdbool.h>

#include "kargs.h"

#define APPLIED_PATH "/etc/earlybind.d/applied"

struct applied {
	char backend[32];        /* "" when apply never ran */
	struct kargs kargs;      /* the arguments earlybind added */
	bool initramfs_enabled;  /* rpm-ostree initramfs --enable was ours */
	char manifest_sum[17];   /* of the manifest the last initramfs got; "" none */
};

/* A missing file is an empty record.  0 or -errno. */
int applied_load(const char *root, struct applied *a);
/* Atomically; removes the file when the record is empty.  0 or -errno. */
int applied_save(const char *root, const struct applied *a);
void applied_free(struct applied *a);

/* A checksum of ROOT/etc/earlybind.conf ("" when it does not exist). */
int applied_manifest_sum(const char *root, char sum[17]);

#endif
