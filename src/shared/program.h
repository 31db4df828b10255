/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Running another program the safe way: an argument vector and
 * posix_spawnp(), never a shell, so nothing in a kernel argument or a path
 * is ever interpreted.
 */
#ifndef EARLYBIND_PROGRAM_H
#define EARLYBIND_PROGRAM_H

#include <stddef.h>

struct program_result {
	int status;     /* exit status, or 128 + signal */
	char *out;      /* what it wrote on stdout (NUL-terminated), or NULL */
	char *err;      /* what it wrote on stderr, or NULL */
};

/*
 * Runs @argv (argv[0] looked up in PATH), waits, and collects its stdout
 * and stderr (up to 1 MiB each).  0 when it ran (whatever its status), or
 * -errno when it could not be started (-ENOENT: no such program).
 */
int program_run(char *const argv[], struct program_result *res);
void program_result_free(struct program_result *res);

/*
 * @argv as one line a person can paste into a shell (quoted where needed),
 * without a newline; NULL without memory.  Free it.
 */
char *program_format(char *const argv[]);

/* Is @name an executable in PATH? */
int program_exists(const char *name);
/*
 * Is @name an executable in PATH as seen inside @root (where chroot(8)
 * would look for it)?  @root NULL, "" or "/": program_exists().
 */
int program_exists_in(const char *root, const char *name);

#endif
