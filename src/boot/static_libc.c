// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * Two libc functions that the static boot binary defines itself, so that
 * the linker takes these instead of musl's.  Linked only into the static
 * build; the dynamic one uses the system's libc.
 *
 * fnmatch: libkmod calls it only with flags 0, on module names and alias
 * patterns (libkmod-index.c, libkmod.c, libkmod-module.c); musl's decodes
 * multibyte characters and brings wide-character tables (about 16 KB) into
 * a binary with a 128 KiB budget.
 *
 * system: libkmod runs modprobe.d "install" commands through it, and only
 * when told to insert; earlybind asks for a dry-run plan and inserts each
 * module itself (modload.c), so a shell is never started at boot.  Should
 * a later libkmod call it anyway, the command fails instead of running.
 */
#include "fnmatch_bytes.h"

#include <errno.h>
#include <fnmatch.h>
#include <stdlib.h>

int fnmatch(const char *pattern, const char *string, int flags)
{
	if (flags != 0)
		return -1;
	return fnmatch_bytes(pattern, string);
}

int system(const char *command)
{
	/* system(NULL) asks whether a shell exists: there is none here. */
	if (!command)
		return 0;
	errno = ENOSYS;
	return -1;
}
