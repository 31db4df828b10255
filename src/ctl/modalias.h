/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The running kernel's modules under a root, through libkmod: which module
 * would claim a device (its modalias), which driver is built in, where a
 * module's file is.  One context for a whole run, opened once and shared
 * by every lookup (show, doctor, vm).
 */
#ifndef EARLYBIND_MODALIAS_H
#define EARLYBIND_MODALIAS_H

#include <stddef.h>

struct modalias;

/*
 * ROOT/lib/modules/RELEASE, RELEASE from ROOT/proc/sys/kernel/osrelease,
 * with no configuration (the module files and their aliases, not the
 * admin's aliases and blacklists).  Never fails but for memory (NULL): a
 * tree that cannot be read makes the lookups that need it fail, saying why.
 */
struct modalias *modalias_open(const char *root);
void modalias_close(struct modalias *ma);

/*
 * Writes the modules whose aliases match @modalias into @buf, as
 * "amdgpu (module)" or "xhci_pci (built in)", comma-separated, "" when
 * none.  0 or -errno (-ENOENT: no module index).
 */
int modalias_lookup(struct modalias *ma, const char *modalias, char *buf, size_t size);

/* Is @driver ("vfio-pci") built into the kernel (modules.builtin)?  1, 0, -errno. */
int modalias_builtin(struct modalias *ma, const char *driver);

/*
 * The file of module @name, as modules.dep has it, into @buf: under the
 * root as the running system names it ("/lib/modules/6.8.0/kernel/...").
 * 1 when it is there, 0 when not, -errno.
 */
int modalias_module_file(struct modalias *ma, const char *name, char *buf, size_t size);

#endif
