/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Every path earlybind and earlybindctl touch is an absolute path under one
 * root directory ("/" on a real system, a fake tree in the tests).  This is
 * the one place where the two are joined.
 */
#ifndef EARLYBIND_ROOTPATH_H
#define EARLYBIND_ROOTPATH_H

#include <stdbool.h>
#include <stddef.h>
#include <sys/stat.h>

/*
 * Writes @root followed by the absolute @path into @buf.  A @root of NULL,
 * "" or "/" leaves @path as it is.  Returns 0, or -ENAMETOOLONG.
 */
int root_path(char *buf, size_t size, const char *root, const char *path);

/* Is @root the running system itself: NULL, "" or "/"? */
bool root_is_plain(const char *root);

/*
 * Reads the small text file @path under @root into @buf (NUL-terminated,
 * trailing newline removed).  Returns its length, or -errno (-EINVAL,
 * -EISDIR: not a regular file, which is refused without waiting on it).
 */
int root_read_line(const char *root, const char *path, char *buf, size_t size);

/*
 * Opening paths under a root without ever leaving it, for everything
 * earlybindctl writes (and the files apply reads to decide what to write):
 * the join above is text, and a symlinked directory in a fake root
 * (ROOT/etc/default/grub.d -> /tmp/x) would take a write out of it.
 *
 * With a root of NULL, "" or "/", nothing is outside it: paths resolve as
 * they always do.  Under any other root, every component is resolved
 * beneath it: a symlink that stays inside is followed (relative to where
 * it is, as the kernel follows it), and one that leaves it, by ".." or by
 * an absolute target (a path of the running system, not of the root), is
 * refused with -EXDEV.  openat2(RESOLVE_BENEATH | RESOLVE_NO_MAGICLINKS)
 * does the resolving where the kernel has it (Linux 5.6); elsewhere
 * (ENOSYS) a walk one component at a time does the same.
 */

/* root_open_dir, root_open_parent: create the missing directories (0755). */
#define ROOT_MKDIR 0x1
/* root_open_parent: when @path is a symlink, go on to the file it names. */
#define ROOT_FOLLOW 0x2

/*
 * The directory @dir (absolute) under @root, open O_RDONLY | O_DIRECTORY
 * | O_CLOEXEC into *@fd.  0, or -errno (-EXDEV: a symlink leaves @root).
 */
int root_open_dir(const char *root, const char *dir, int flags, int *fd);

/*
 * The directory that holds @path under @root, into *@dirfd (as
 * root_open_dir), and the last component into @name: with ROOT_FOLLOW,
 * the file a symlink at @path names, followed as far as it goes (within
 * @root; -EXDEV otherwise), so that @name is no symlink or does not
 * exist.  0, or -errno.
 */
int root_open_parent(const char *root, const char *path, int flags, int *dirfd,
		     char name[256]);

/* The file @path under @root, open(@oflags | O_CLOEXEC), into *@fd.  0 or -errno. */
int root_open(const char *root, const char *path, int oflags, int *fd);

/* stat(2) of @path under @root (symlinks followed within it).  0 or -errno. */
int root_stat(const char *root, const char *path, struct stat *st);

/* strerror(-@err), but -EXDEV says that a symlink leads out of the root. */
const char *root_strerror(int err);

#endif
