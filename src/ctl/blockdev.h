/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * What is stored behind a PCI function: the block devices whose sysfs
 * directories lie below the function's, what libblkid finds on them, and
 * whether the running system lives there (so that the admin tool can refuse
 * to hand the disk the root file system is on to vfio-pci).
 */
#ifndef EARLYBIND_BLOCKDEV_H
#define EARLYBIND_BLOCKDEV_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

struct blockdev {
	char name[64];        /* "nvme0n1p2", as in ROOT/sys/class/block */
	char devpath[128];    /* "/dev/nvme0n1p2" (uevent's DEVNAME), without ROOT */
	char disk[64];        /* for a partition, its disk ("nvme0n1"); "" for a disk */
	unsigned major, minor;
	uint64_t size;        /* bytes, from the size attribute; 0 when absent */
	/* libblkid's superblock probe of ROOT/DEVPATH; "" when unknown, cut to fit. */
	char fstype[32], label[64], uuid[64];
	int probe_err;        /* 0, or -errno when it could not be probed (-ENOENT, -EACCES) */
	/*
	 * Where it is mounted, from ROOT/proc/self/mountinfo, space-separated
	 * and escaped as there (a space in a mount point is \040); "[SWAP]"
	 * when it is active swap in ROOT/proc/swaps.  As many as fit.
	 */
	char mountpoints[256];
	char holders[128];    /* devices stacked on it (dm, md), space-separated */
	/*
	 * It, or a device stacked on it, backs /, /boot, /boot/efi, /usr, /var
	 * or /sysroot, or is active swap; a disk is when one of its partitions is.
	 */
	bool system;
};

/*
 * Every block device whose sysfs directory lies below @pcidev_syspath (a
 * struct pcidev's syspath: a realpath that includes ROOT): the disks by
 * device number, each followed by its partitions.  *@out is malloc'ed
 * (NULL when *@n is 0); free() it.  No ROOT/sys/dev/block, no mountinfo or
 * swaps, no ROOT/dev/NAME: none of these is an error.  Returns 0 or -errno.
 * It reads every block device of ROOT: for many functions, read them once
 * (blockdev_set_read()) and ask the set.
 */
int blockdev_behind(const char *root, const char *pcidev_syspath, struct blockdev **out,
		    size_t *n);

/*
 * Every block device of ROOT (ROOT/sys/dev/block), with what mountinfo
 * and swaps say of each, read once.  0, or -ENOMEM; what cannot be read
 * is the answer of blockdev_set_behind() for the functions it concerns.
 */
struct blockdev_set;
int blockdev_set_read(const char *root, struct blockdev_set **out);
void blockdev_set_free(struct blockdev_set *set);
/*
 * blockdev_behind()'s answer from @set, found by a binary search; with
 * @probe, libblkid's (fstype, label, uuid, probe_err), else those are
 * left empty and no device node is opened.
 */
int blockdev_set_behind(const struct blockdev_set *set, const char *pcidev_syspath, bool probe,
			struct blockdev **out, size_t *n);

#endif
