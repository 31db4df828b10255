/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Replacing a file so that a crash leaves either the old file or the new
 * one, never half of it: a temporary file beside it, fsync, rename, and an
 * fsync of the directory so that the rename itself is on disk.
 *
 * The temporary file is ".NAME.earlybind-tmp.XXXXXX" in the same
 * directory, locked (flock) while it is written.  One that a kill left
 * behind is removed by the next write of NAME: a temporary file whose lock
 * can be taken has no writer any more.  A writer that has created its file
 * but not yet locked it may lose it to such a cleaner; it sees that (the
 * name no longer holds its file) and starts again with another.
 */
#ifndef EARLYBIND_ATOMICFILE_H
#define EARLYBIND_ATOMICFILE_H

#include <stddef.h>
#include <sys/types.h>

/*
 * Replaces (or creates) @path with the @len bytes at @data, with @mode and,
 * when @uid is not (uid_t)-1, owned by @uid:@gid.  The directory must
 * exist.  0, or -errno: @path is as it was, unless only the fsync of the
 * directory after the rename failed (then the new file may not survive a
 * crash).
 */
int atomic_file_write(const char *path, const void *data, size_t len, mode_t mode, uid_t uid,
		      gid_t gid);

/*
 * The same for the file @name in the open directory @dirfd (an O_RDONLY
 * directory, as root_open_dir() and root_open_parent() give): what a
 * write under a root uses, so that nothing on the way is looked up again.
 */
int atomic_file_write_at(int dirfd, const char *name, const void *data, size_t len, mode_t mode,
			 uid_t uid, gid_t gid);

/*
 * Removes the temporary files of @name in @dirfd that no writer holds any
 * more (what a killed write left), as every write of @name does first: for
 * a caller that removes @name, or the directory.
 */
void atomic_file_clean_at(int dirfd, const char *name);

#endif
