/* SPDX-License-Identifier: GPL-2.0-or-later */
/* Reading parameters from a kernel command line (/proc/cmdline). */
#ifndef EARLYBIND_CMDLINE_H
#define EARLYBIND_CMDLINE_H

#include <stdbool.h>
#include <stddef.h>

/*
 * Finds the last "@key=value" (or bare "@key") in @cmdline, as the kernel
 * and dracut's getarg do: the last one wins.  Double quotes group, as the
 * kernel's next_arg() allows.  Returns 1 and copies the value (possibly "")
 * into @val, 0 when @key is absent, -ENAMETOOLONG when @val is too small.
 */
int cmdline_get(const char *cmdline, const char *key, char *val, size_t size);

/*
 * @key as a boolean the way dracut's getargbool reads it: "0", "no", "off"
 * and "false" are false, anything else present is true.  Returns @dflt when
 * @key is absent.
 */
bool cmdline_get_bool(const char *cmdline, const char *key, bool dflt);

#endif
