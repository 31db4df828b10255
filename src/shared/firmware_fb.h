/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Whether the kernels a boot configuration serves take the firmware
 * framebuffer (efifb, simpledrm) off a boot GPU when vfio-pci binds it,
 * which decides whether kargs needs video=efifb:off.
 */
#ifndef EARLYBIND_FIRMWARE_FB_H
#define EARLYBIND_FIRMWARE_FB_H

#include <stdbool.h>

/*
 * Does kernel @release ("6.12.117+deb13-amd64") have vfio-pci remove a
 * firmware framebuffer that overlaps a VGA function it binds?  From 6.0 on
 * (torvalds/linux d17378062079, "vfio/pci: Remove console drivers").
 * False for a release it cannot read.
 */
bool firmware_fb_released_by(const char *release);

/*
 * Is there a kernel under @root that keeps the framebuffer on the claimed
 * GPU: one of the installed ones (ROOT/lib/modules/RELEASE, every one
 * since the arguments go to all), or the running one
 * (ROOT/proc/sys/kernel/osrelease) when none is installed, or true when
 * neither can be told.
 */
bool firmware_fb_kept_by_a_kernel(const char *root);

#endif
