/* SPDX-License-Identifier: GPL-2.0-or-later */
/* Copying a string into a fixed buffer whole, or not at all. */
#ifndef EARLYBIND_STRCOPY_H
#define EARLYBIND_STRCOPY_H

#include <stddef.h>

/*
 * @src into the @size bytes at @dst, with its NUL.  0, or -ENAMETOOLONG
 * when it does not fit (@dst is then unchanged): a name cut short would
 * name something else.
 */
int str_copy(char *dst, size_t size, const char *src);

#endif
