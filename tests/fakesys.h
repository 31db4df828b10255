/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * A fake root for the tests: ROOT/sys laid out as Linux lays out the PCI
 * bus (Documentation/ABI/testing/sysfs-bus-pci), plus the few files of
 * ROOT/proc and ROOT/dev that earlybind reads or writes.  The kernel's
 * write-only files (driver_override, unbind, new_id, drivers_probe, ...)
 * are plain files here, so a test reads back what was written to them.
 *
 * Every call only adds: a file that already exists is left as it is, so a
 * second run on the same root keeps what a test changed in between.  The
 * exceptions say so: proc/cmdline, proc/cpuinfo and proc/sys/kernel/osrelease
 * are replaced, proc/self/mountinfo and proc/swaps are appended to.
 * Each returns 0 or -errno; on failure it has printed the path that failed
 * on stderr, as "fakesys: PATH: reason".
 */
#ifndef EARLYBIND_FAKESYS_H
#define EARLYBIND_FAKESYS_H

#include <stdbool.h>
#include <stdint.h>

struct fakesys_fn {
	uint32_t domain;
	uint8_t bus;
	uint8_t dev; /* 0..0x1f */
	uint8_t fn;  /* 0..7 */
	uint16_t vendor;
	uint16_t device;
	uint16_t subvendor;
	uint16_t subdevice;
	uint32_t class; /* 24 bits: base class, subclass, prog-if */
	uint8_t revision;
	const char *driver; /* bound driver, or NULL */
	int iommu_group;    /* or -1 */
	bool pcie;          /* has a PCI Express capability (4096-byte config) */
	/*
	 * The firmware's boot display: boot_vga reads 1.  The kernel has the
	 * attribute on VGA-class functions (class 0300xx) only, so every one
	 * of them gets it ("0" without @boot_vga) and @boot_vga elsewhere is
	 * -EINVAL.
	 */
	bool boot_vga;
	/*
	 * reset_method: the kernel's names, space-separated ("flr bus"); NULL
	 * for none, and then the attribute is absent, as in the kernel.
	 */
	const char *reset_method;
	/*
	 * A PCI-to-PCI bridge (class 0604xx or 0609xx): a type 1 header with
	 * primary bus @bus, @secondary and @subordinate (0x18, 0x19, 0x1a).
	 * With @pcie its port type is root port without @parent, downstream
	 * port behind an upstream port, upstream port behind anything else.
	 */
	bool bridge;
	uint8_t secondary;
	uint8_t subordinate;
	/*
	 * "DDDD:BB:DD.F" of the bridge the function sits behind, already in
	 * ROOT, or NULL.  Its directory goes inside the parent's, as the kernel
	 * nests it (sys/devices/pci0000:00/0000:00:01.1/0000:01:00.0); without
	 * a parent, under sys/devices/pciDDDD:BB.  -EINVAL unless the parent is
	 * a bridge whose secondary bus is @bus (and, for a bridge, whose bus
	 * range holds this one's).
	 */
	const char *parent;
};

/*
 * Creates ROOT (whose parent must exist) and the skeleton: sys/bus/pci,
 * sys/devices, sys/kernel/iommu_groups, proc/cmdline,
 * proc/sys/kernel/{printk_devkmsg,osrelease}, dev/kmsg, etc/.
 * Idempotent.  No lib/modules: fakesys_set_modules() or the tests that
 * load modules make it.
 */
int fakesys_init(const char *root);

/*
 * Adds a function under its host bridge, sys/devices/pciDDDD:BB/, or under
 * its parent bridge's directory, with its attributes, config space and
 * links; registers its driver and iommu group when it has them.  Every
 * link is relative, with as many ../ as the directory is deep.  -EEXIST if
 * the function already exists, -ENOENT if its parent does not, -EINVAL if
 * @fn is out of range or inconsistent (see above).  Limits by design of
 * the config space: BARs are zero, a bridge's windows closed, and the only
 * capabilities are PCI Express (at 0x40) and a bridge's subsystem id (at
 * 0xc0, when it has one).
 */
int fakesys_add_function(const char *root, const struct fakesys_fn *fn);

/* Registers PCI driver @name (sys/bus/pci/drivers/NAME); 0 if it already is. */
int fakesys_add_driver(const char *root, const char *name);

/* Replaces ROOT/proc/cmdline with @text and a newline. */
int fakesys_set_cmdline(const char *root, const char *text);

/*
 * Replaces ROOT/proc/cpuinfo with two processors as x86 Linux prints them:
 * @vendor_id "AuthenticAMD" (flags with svm) or "GenuineIntel" (flags with
 * vmx), any other is -EINVAL; cpu family @family, model @model, model name
 * @name.
 */
int fakesys_set_cpu(const char *root, const char *vendor_id, unsigned family,
		    unsigned model, const char *name);

enum fakesys_disk_bus {
	FAKESYS_NVME, /* ADDR/nvme/nvmeC/NAME, NAME "nvmeCnN"; class 0108xx */
	FAKESYS_SATA, /* ADDR/ataP/hostH/targetH:0:0/H:0:0:0/block/NAME, NAME "sdX"; 0106xx */
};

/*
 * A whole disk behind function @pci_addr (already in ROOT, of the class
 * above, else -ENOENT or -EINVAL): its directory with dev, size (@sectors
 * of 512 bytes), removable, ro, uevent, queue/, the device link, and the
 * links sys/dev/block/MAJ:MIN, sys/class/block/NAME and sys/block/NAME.
 * For SATA, sdX is on port X (sda: ata1, host0); for NVMe the controller
 * nvmeC also gets sys/class/nvme/nvmeC.  -EEXIST if a link is taken.
 */
int fakesys_add_disk(const char *root, enum fakesys_disk_bus bus, const char *pci_addr,
		     const char *name, unsigned major, unsigned minor, uint64_t sectors);

/* 0 if @name is a name @bus gives its disks (nvme0n1, sda), else -EINVAL. */
int fakesys_check_disk_name(enum fakesys_disk_bus bus, const char *name);

/* N if @name is partition N of disk @disk as the kernel names it, else -EINVAL. */
int fakesys_partition_number(const char *disk, const char *name);

/*
 * Partition @name of disk @disk (in ROOT: sys/class/block/DISK), named as
 * the kernel names them (nvme0n1p2, sda2, else -EINVAL): a directory in
 * the disk's with partition, start (after the disk's last partition, from
 * sector 2048), size, dev, ro, uevent, and its sys/dev/block and
 * sys/class/block links.
 */
int fakesys_add_partition(const char *root, const char *disk, const char *name,
			  unsigned major, unsigned minor, uint64_t sectors);

/*
 * Appends to ROOT/proc/self/mountinfo (proc/self a directory) the line the
 * kernel would print for @source (a block device, or a name like "tmpfs")
 * of type @fstype, dev @major:@minor, mounted at @mountpoint (absolute) as
 * a whole:
 *   36 1 259:3 / / rw,relatime shared:1 - ext4 /dev/nvme0n1p3 rw
 * Mount ids count up from 36; the parent is the latest mount at or above
 * @mountpoint, or 1; peer groups count up from 1.  Space, tab, newline and
 * backslash are escaped as \ooo, as the kernel does.
 */
int fakesys_add_mount(const char *root, unsigned major, unsigned minor,
		      const char *mountpoint, const char *fstype, const char *source);

/*
 * Appends to ROOT/proc/swaps (starting it with the kernel's header line)
 * @path, of @kib KiB, none used, as a partition if @path is under /dev/,
 * else as a file, with priority -2 for the first swap, -3 for the next...
 */
int fakesys_add_swap(const char *root, const char *path, unsigned long long kib);

/*
 * Replaces ROOT/proc/sys/kernel/osrelease with @release and makes
 * ROOT/lib/modules/RELEASE/ with empty modules.builtin, modules.order and
 * modules.alias (kept if they exist).
 */
int fakesys_set_modules(const char *root, const char *release);

#endif
