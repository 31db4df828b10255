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
/*
 * Written by apply --undo, removed by apply: while it exists, dracut
 * (dracut-module/90-earlybind.conf, module-setup.sh's check()) leaves the
 * earlybind module out unless asked for it by name.
 */
#define UNDONE_PATH "/etc/earlybind.d/undone"

/* grubby: what apply added to one boot entry alone. */
struct applied_entry {
	char *id;            /* the BLS entry's id: its file name without .conf */
	struct kargs kargs;
};

struct applied {
	char backend[32];        /* "" when apply never ran */
	struct kargs kargs;      /* the arguments earlybind added */
	/*
	 * The back end is changing, or changed and then failed or was killed
	 * (update-grub after the drop-in was written): the next apply or
	 * --undo writes again in full, even when the arguments already look
	 * right.  Saved before the back end writes, with every argument it is
	 * about to add already in @kargs, so that a kill leaves nothing of
	 * earlybind's that the record does not name.
	 */
	bool unfinished;
	bool initramfs_enabled;  /* rpm-ostree initramfs --enable was ours */
	/* rpm-ostree: "-a earlybind" was appended to the admin's --arg list */
	bool initramfs_args_added;
	char manifest_sum[17];   /* of the manifest the last initramfs got; "" none */
	/* the one kernel the last initramfs was built for (--kver); "" all */
	char initramfs_kver[256];
	/*
	 * kernel-cmdline: apply created /etc/kernel/cmdline from these tokens
	 * (joined by spaces; from /usr/lib/kernel/cmdline or /proc/cmdline),
	 * so --undo deletes it again.  NULL: the file was the admin's.
	 */
	char *created_from;
	/* kernel-cmdline: /etc/kernel did not exist either; --undo removes it if empty */
	bool created_dir;
	/*
	 * Files apply wrote whole (grub: the grub.d drop-in), named before
	 * they are written: --undo removes each, whatever the command line
	 * looks like then.
	 */
	struct kargs wrote;
	/*
	 * grubby: of @kargs, those added with --update-kernel=ALL (no entry
	 * had them), which grubby also wrote where kernels installed later
	 * take their arguments from; and those added to some entries alone,
	 * per entry.  --undo takes each out only where apply put it.
	 */
	struct kargs all;
	struct applied_entry *entries;
	size_t n_entries;
};

/* grubby: @tok was added to the entry @id.  0 or -ENOMEM. */
int applied_entry_add(struct applied *a, const char *id, const char *tok);
bool applied_entry_has(const struct applied *a, const char *id, const char *tok);
void applied_entry_del(struct applied *a, const char *id, const char *tok);

/* A missing file is an empty record.  0 or -errno. */
int applied_load(const char *root, struct applied *a);
/* Atomically; removes the file when the record is empty.  0 or -errno. */
int applied_save(const char *root, const struct applied *a);
void applied_free(struct applied *a);

/* A checksum of ROOT/etc/earlybind.conf ("" when it does not exist). */
int applied_manifest_sum(const char *root, char sum[17]);

#endif
