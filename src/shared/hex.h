/* SPDX-License-Identifier: GPL-2.0-or-later */
/* Hex numbers as the kernel and cpio print them: digits only, no 0x, no sign. */
#ifndef EARLYBIND_HEX_H
#define EARLYBIND_HEX_H

#include <stdbool.h>
#include <stddef.h>

/*
 * The @len bytes at @s as 1 to @max hex digits (either case) and nothing
 * else, into *@out: true; or false, and *@out untouched.  @max is at most 8.
 */
bool hex_parse(const char *s, size_t len, size_t max, unsigned *out);

#endif
