// SPDX-License-Identifier: GPL-2.0-or-later
#include <errno.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>

#include "cpu_topology.h"
#include "rootpath.h"

/* CPU numbers stay below the kernel's NR_CPUS limit (8192 on x86_64). */
#define CPU_MAX 65536u

int cpu_list_count(const char *list, unsigned *first)
{
	const char *p = list;
	unsigned n = 0;
	bool any = false;

	while (*p) {
		char *end;
		unsigned long a = strtoul(p, &end, 10), b = a;

		if (end == p || a >= CPU_MAX)
			return -EINVAL;
		p = end;
		if (*p == '-') {
			b = strtoul(p + 1, &end, 10);
			if (end == p + 1 || b < a || b >= CPU_MAX)
				return -EINVAL;
			p = end;
		}
		if (!any && first)
			*first = (unsigned)a;
		any = true;
		n += (unsigned)(b - a + 1);
		if (*p == ',')
			p++;
		else if (*p)
			return -EINVAL;
	}
	return any ? (int)n : -EINVAL;
}

int cpu_topology_read(const char *root, struct cpu_topology *t)
{
	char buf[4096], path[128];
	unsigned first = 0;
	int r, n;

	r = root_read_line(root, "/sys/devices/system/cpu/online", buf, sizeof(buf));
	if (r < 0)
		return r;
	n = cpu_list_count(buf, &first);
	if (n < 0)
		return n;
	t->logical = (unsigned)n;
	/* core_cpus_list since 5.5; thread_siblings_list before, and still there. */
	snprintf(path, sizeof(path), "/sys/devices/system/cpu/cpu%u/topology/core_cpus_list",
		 first);
	r = root_read_line(root, path, buf, sizeof(buf));
	if (r == -ENOENT) {
		snprintf(path, sizeof(path),
			 "/sys/devices/system/cpu/cpu%u/topology/thread_siblings_list", first);
		r = root_read_line(root, path, buf, sizeof(buf));
	}
	if (r < 0)
		return r;
	n = cpu_list_count(buf, NULL);
	if (n < 0)
		return n;
	t->threads_per_core = (unsigned)n;
	return 0;
}
