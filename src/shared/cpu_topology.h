/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The host's processors as sysfs lays them out
 * (torvalds/linux Documentation/ABI/stable/sysfs-devices-system-cpu):
 * how many logical CPUs are online, and how many threads a core has.
 */
#ifndef EARLYBIND_CPU_TOPOLOGY_H
#define EARLYBIND_CPU_TOPOLOGY_H

struct cpu_topology {
	unsigned logical;          /* CPUs in /sys/devices/system/cpu/online */
	unsigned threads_per_core; /* CPUs in the first online CPU's core_cpus_list */
};

/*
 * Reads @root/sys/devices/system/cpu.  0, or -errno: -ENOENT when a file
 * is missing, -EINVAL when one is not a CPU list.
 */
int cpu_topology_read(const char *root, struct cpu_topology *t);

/*
 * Counts the CPUs of a list as the kernel prints it ("0-15,32-47"), and
 * stores the first in *@first (may be NULL).  The count, or -EINVAL.
 */
int cpu_list_count(const char *list, unsigned *first);

#endif
