/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Loading the kernel module that provides a driver, with its dependencies,
 * soft dependencies and modprobe.d options, through libkmod.
 */
#ifndef EARLYBIND_MODLOAD_H
#define EARLYBIND_MODLOAD_H

#include <stddef.h>

struct modload;

/* Receives libkmod's own diagnostics (one line, no newline). */
typedef void (*modload_log_fn)(void *userdata, int priority, const char *msg);

/*
 * Prepares to load modules from ROOT/lib/modules/RELEASE, RELEASE being
 * ROOT/proc/sys/kernel/osrelease (the running kernel's on a real root), with
 * modprobe.d from ROOT/etc, ROOT/run and ROOT/lib.  -ENOENT when that
 * module directory does not exist; @dir gets its path either way.  -EINVAL
 * when a file libkmod would open there (an index, a modprobe.d file) is not
 * a regular file: libkmod would wait on a FIFO; @dir then gets its path.
 */
int modload_new(struct modload **out, const char *root, modload_log_fn log, void *userdata,
		char *dir, size_t dirsize);
void modload_free(struct modload *ml);

struct modload_result {
	char module[64];   /* the module that failed, or "" */
	unsigned inserted; /* modules this call inserted */
	unsigned unpacked; /* of those, decompressed here, not by the kernel */
};

/*
 * Loads what provides @driver ("vfio-pci" finds vfio_pci) and what it needs.
 * Compressed modules go to the kernel as they are when it can decompress
 * that format (/sys/module/compression), else libkmod decompresses them.
 * Returns 0 when the driver is loaded or built in, -ENOENT when no module
 * provides it, or the -errno of the module named in @res that failed.
 */
int modload_load(struct modload *ml, const char *driver, struct modload_result *res);

/*
 * The module (not built in) that udev would load for a function with
 * @modalias, into @buf: 1 when there is one, 0 when none, or -errno.
 * A built-in driver had its chance when the function appeared.
 */
int modload_module_for_alias(struct modload *ml, const char *modalias, char *buf, size_t size);

#endif
