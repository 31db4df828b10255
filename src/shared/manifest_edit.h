/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Editing the manifest as a text file, the way an admin would: comments,
 * blank lines, bad lines and the order of the others stay as they are; a
 * change touches only its own line.  Saving is atomic (a temporary file in
 * the same directory, fsync, rename), and the file is locked from open to
 * close, so two earlybindctl runs cannot interleave their edits.
 */
#ifndef EARLYBIND_MANIFEST_EDIT_H
#define EARLYBIND_MANIFEST_EDIT_H

#include <stdbool.h>
#include <stddef.h>
#include <sys/types.h>

#include "manifest.h"

struct manifest_doc {
	int dir_fd;   /* the directory that holds the manifest, resolved in the root */
	char name[256]; /* the manifest's name in it */
	char **lines; /* without their newlines */
	size_t n, alloc;
	mode_t mode;  /* the existing file's, or 0644 */
	bool exists;
	int lock_fd;
	unsigned nul_line; /* after -EBADMSG from manifest_doc_open(): the line */
};

/*
 * Locks (waiting for another earlybindctl) and reads @path (absolute) under
 * @root (NULL or "/" for the running system); a missing file is an empty
 * document.  The directory is resolved once, without leaving @root
 * (root_open_parent(), a symlinked manifest followed within it; -EXDEV when
 * a link leads out), and the lock, the read and the save all go through it.  The lock is the file ".NAME.lock" beside it, as
 * vipw locks /etc/.pwd.lock, since the manifest itself is replaced on save.
 * 0 or -errno: a manifest that is not a regular file is refused (-EISDIR,
 * -EINVAL, as manifest_parse_file() does), and so is a lock file that is
 * not one (-ENOLCK); neither is waited on.  A manifest with a NUL byte is
 * refused too (-EBADMSG, its line in d->nul_line, the rest of @d unset):
 * a line is a C string here, and saving would cut it at the NUL.
 */
int manifest_doc_open(struct manifest_doc *d, const char *root, const char *path);
void manifest_doc_close(struct manifest_doc *d);

/* Parses the current text; entries' line numbers index the document. */
int manifest_doc_parse(const struct manifest_doc *d, struct manifest *m,
		       manifest_error_fn err, void *userdata);

/* Longest line manifest_doc_append_entry() writes. */
#define MANIFEST_LINE_MAX 512

/*
 * Appends the line manifest_format_line() makes of @e and @comment.
 * 0, or its -errno, or -ENOMEM.
 */
int manifest_doc_append_entry(struct manifest_doc *d, const struct manifest_entry *e,
			      const char *comment);
/* @line is 1-based.  0, or -ERANGE. */
int manifest_doc_remove_line(struct manifest_doc *d, unsigned line);
/*
 * Replaces the first column of entry line @line with @driver, keeping the
 * rest as typed.  0; -ERANGE (no line @line), -EINVAL (@driver is not a
 * driver name, or line @line is not one entry), or -ENOMEM.
 */
int manifest_doc_set_driver(struct manifest_doc *d, unsigned line, const char *driver);

/*
 * Writes the document atomically: a crash leaves either the old file or the
 * new one, never a mix.  0 or -errno (the old file is then untouched).
 */
int manifest_doc_save(struct manifest_doc *d);

/*
 * @e as an entry line in the columns of the example manifest, with @comment
 * (may be NULL) after a '#', its control bytes written as spaces.  The line
 * is parsed back before it is handed out: 0 when the parser reads exactly
 * @e from it, -EINVAL when it would not (a driver name that
 * manifest_driver_valid() refuses, '*' in both columns, an unknown option),
 * -ENAMETOOLONG when @size is too small.
 */
int manifest_format_line(char *buf, size_t size, const struct manifest_entry *e,
			 const char *comment);

#endif
