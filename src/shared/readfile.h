/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Reading a whole file into memory: the manifest, /proc/cmdline, the
 * kernel-install cmdline files, the files doctor looks at, an initramfs.
 * One way for all of them: a regular file only, opened without blocking,
 * so that a FIFO or a device in its place is refused, never waited on; read
 * to its end, whatever size fstat() gives (a /proc file says 0).
 */
#ifndef EARLYBIND_READFILE_H
#define EARLYBIND_READFILE_H

#include <stddef.h>

/*
 * All of @fd from where it is into *@out, a malloc()ed copy with a NUL after
 * its *@len bytes (which may hold NULs).  0, or -errno: -EINVAL (-EISDIR)
 * for a file that is not regular, -EFBIG when it holds more than @max bytes.
 */
int file_read_fd(int fd, size_t max, char **out, size_t *len);

/* The same for @path, relative to @dirfd (AT_FDCWD, or a directory). */
int file_read_at(int dirfd, const char *path, size_t max, char **out, size_t *len);

#endif
