/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Names that the kernel and kmod compare with '-' and '_' alike: module
 * names (kmod-project/kmod shared/util.c, modname_normalize()) and module
 * parameter names on the command line (torvalds/linux kernel/params.c,
 * parameqn()), so "vfio-pci.ids" is "vfio_pci.ids".
 */
#ifndef EARLYBIND_MODNAME_H
#define EARLYBIND_MODNAME_H

#include <stdbool.h>
#include <stddef.h>

/* The @alen bytes at @a and the @blen at @b: the same name? */
bool modname_eq(const char *a, size_t alen, const char *b, size_t blen);

#endif
