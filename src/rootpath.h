/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Every path earlybind and earlybindctl touch is an absolute path under one
 * root directory ("/" on a real system, a fake tree in the tests).  This is
 * the one place where the two are joined.
 */
#ifndef EARLYBIND_ROOTPATH_H
#define EARLYBIND_ROOTPATH_H

#include <stddef.h>

/*
 * Writes @root followed by the absolute @path into @buf.  A @root of NULL,
 * "" or "/" leaves @path as it is.  Returns 0, or -ENAMETOOLONG.
 */
int root_path(char *buf, size_t size, const char *root, const char *path);

/*
 * Reads the small text file @path under @root into @buf (NUL-terminated,
 * trailing newline removed).  Returns its length, or -errno (-EINVAL,
 * -EISDIR: not a regular file, which is refused without waiting on it).
 */
int root_read_line(const char *root, const char *path, char *buf, size_t size);

#endif
