/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * A list of strings that grows as it is filled: the kernel arguments of
 * kargs/ (struct kargs) and the lines of a manifest being edited (struct
 * manifest_doc) are both one.  The list is named by its three fields, so
 * that each keeps the names its users know.
 */
#ifndef EARLYBIND_STRV_H
#define EARLYBIND_STRV_H

#include <stddef.h>

/*
 * Appends a copy of the @len bytes at @s (a NUL after them) to the *@n
 * strings of *@v, which has room for *@alloc, making more room first when
 * it is full.  0 or -ENOMEM (the list is as it was).
 */
int strv_append(char ***v, size_t *n, size_t *alloc, const char *s, size_t len);

#endif
