/* SPDX-License-Identifier: GPL-2.0-or-later */
/* Which kernel module would claim a device, from its modalias (libkmod). */
#ifndef EARLYBIND_MODALIAS_H
#define EARLYBIND_MODALIAS_H

#include <stddef.h>

/*
 * Writes the modules whose aliases match @modalias into @buf, as
 * "amdgpu (module)" or "xhci_pci (built in)", comma-separated, "" when none,
 * looked up in ROOT/lib/modules/RELEASE (RELEASE from
 * ROOT/proc/sys/kernel/osrelease).  0 or -errno (-ENOENT: no module tree).
 */
int modalias_lookup(const char *root, const char *modalias, char *buf, size_t size);

/* Is @driver ("vfio-pci") built into the kernel (modules.builtin)?  1, 0, -errno. */
int modalias_builtin(const char *root, const char *driver);

#endif
