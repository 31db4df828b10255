/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The owners of the kernel command line that earlybindctl apply knows, each
 * behind one small table of functions, as pciutils puts its access methods
 * behind struct pci_methods: apply knows only the table.
 */
#ifndef EARLYBIND_BACKEND_H
#define EARLYBIND_BACKEND_H

#include <errno.h>
#include <stdbool.h>
#include <stddef.h>

#include "applied.h"
#include "kargs.h"
#include "report.h"

struct backend_ctx {
	const char *root;
	/*
	 * Where the back end's words go: errors, what it did (REPORT_INFO:
	 * -q silences it) and a dry run's commands and files (REPORT_RESULT).
	 */
	const struct reporter *rep;
	bool dry_run;     /* report the commands and files, change nothing */
	bool undo;        /* apply --undo */
	bool deployed;    /* rpm-ostree: this run staged a new deployment */
	bool manifest_changed; /* since the last initramfs apply built */
	/*
	 * The last run's write changed something and then failed: write
	 * everything again (@ours in full), not only the difference.
	 */
	bool redo;
	/* Set by write when it fails after changing something. */
	bool partial;
	const char *kver; /* dracut --kver: one kernel; NULL: --regenerate-all */
	/* What apply changed so far; back ends note in it what only they know. */
	struct applied *applied;
	/*
	 * For a per_entry back end, read also puts here the arguments that
	 * some entry has (read's own list is of those every entry has).
	 */
	struct kargs *anywhere;
};

/*
 * Every hook returns 0, or -errno after it has said through c->rep what
 * failed (the file or command, and why) and what to do: the back end is
 * the one that knows which file or command it was, so apply adds nothing
 * to the message.
 */
struct backend {
	const char *name;
	/*
	 * Optional: refuses, before anything is changed, a system that this
	 * back end cannot finish on (@initramfs: the initramfs is to be
	 * handled too).
	 */
	int (*prepare)(struct backend_ctx *c, bool initramfs);
	/* The arguments the next boot gets, or the ones the back end controls. */
	int (*read)(struct backend_ctx *c, struct kargs *current);
	/*
	 * Removes @del and adds @add.  @ours is what earlybind's own arguments
	 * are afterwards, for back ends that keep them in a file of their own.
	 * On failure c->partial is set when something was changed before it.
	 */
	int (*write)(struct backend_ctx *c, const struct kargs *add, const struct kargs *del,
		     const struct kargs *ours);
	/*
	 * Makes the initramfs carry the current manifest (@undo: carry none).
	 * @a is updated with what was turned on.
	 */
	int (*initramfs)(struct backend_ctx *c, bool undo, struct applied *a);
	/* What the admin must do after a successful apply. */
	const char *after;
	/* The same after a successful --undo: what boots without earlybind, when. */
	const char *after_undo;
	/* Adding K=V removes every other K (grubby --args): repeatable keys too. */
	bool replaces_keys;
	/*
	 * The command line is one per boot entry (grubby): read gives the
	 * arguments every entry has, and c->anywhere those some entry has;
	 * write decides per entry.
	 */
	bool per_entry;
};

extern const struct backend backend_rpm_ostree;
extern const struct backend backend_grubby;
extern const struct backend backend_grub;
extern const struct backend backend_kernel_cmdline;

/* Reports an error through c->rep; returns @err (a -errno), for the hooks. */
int backend_error(const struct backend_ctx *c, int err, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));
/*
 * Reports "PATH: WHAT: REASON[HINT]" as an error, with PATH as the admin
 * finds it (the root in front) and REASON root_strerror(@err); returns @err.
 */
int backend_file_error(const struct backend_ctx *c, const char *path, int err, const char *what,
		       const char *hint);
/* Says what the back end did (REPORT_INFO). */
void backend_info(const struct backend_ctx *c, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));

/* backend_run: the command ran and failed, so it may have changed something. */
#define BACKEND_FAILED (-EPROTO)

/*
 * Runs @argv, or in a dry run reports it; under a root other than "/",
 * inside it (chroot ROOT ...), so that it acts on that root's system.
 * Queries (@query) run even in a dry run, since they change nothing.
 * Statuses in @ok_status (terminated by -1; NULL: only 0) are success;
 * any other stops apply: the command, its status and its stderr are
 * reported, and BACKEND_FAILED is returned.  When it cannot be started,
 * that is reported and the -errno returned (it changed nothing).
 * Otherwise the status.  @out, when not NULL, gets the command's stdout
 * (free it).
 */
int backend_run(struct backend_ctx *c, char *const argv[], bool query, const int *ok_status,
		char **out);

/*
 * dracut -f --regenerate-all (or --kver c->kver) [--omit earlybind]: the
 * non-ostree initramfs.
 */
int backend_dracut(struct backend_ctx *c, bool undo, struct applied *a);

/*
 * Saves c->applied now (a dry run saves nothing).  Called before a step
 * that changes the system, with the record already naming what the step
 * may leave behind: a kill in the middle of dracut or update-grub then
 * leaves a record that apply and --undo can finish from.  0, or -errno
 * after saying why.
 */
int backend_save_record(struct backend_ctx *c);

/*
 * The whole of ROOT/@path (a regular file, never waited on; at most @max
 * bytes) into *@text, a C string (free it).  0, or -errno (-ENOENT when it
 * does not exist), said to no one: the caller knows what a missing or
 * unreadable file means.
 */
int backend_read_file(const struct backend_ctx *c, const char *path, size_t max, char **text);

/*
 * Writes @text to ROOT/@path atomically (or, in a dry run, reports it),
 * keeping the mode and owner of the file it replaces (0644 for a new one);
 * a symlink stays, and the file it points to (under ROOT) is written.
 * @text NULL removes the file.  0, or -errno after saying why.
 */
int backend_write_file(struct backend_ctx *c, const char *path, const char *text);

#endif
