/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Facts about the host that decide kernel arguments and doctor's checks:
 * its processor (/proc/cpuinfo) and what its kernels were built with.
 */
#ifndef EARLYBIND_HOST_H
#define EARLYBIND_HOST_H

#include <stdbool.h>

enum cpu_vendor { CPU_UNKNOWN, CPU_INTEL, CPU_AMD };

struct host_cpu {
	enum cpu_vendor vendor;
	const char *virt_flag; /* "svm", "vmx", or NULL when the processor shows neither */
};

/* /proc/cpuinfo under @root into @cpu.  0, or -errno when it cannot be read. */
int host_cpu_read(const char *root, struct host_cpu *cpu);

/*
 * Whether initcall_blacklist=sysfb_init can matter on the kernels the
 * boot configuration serves: false only when every kernel config found
 * (/lib/modules/RELEASE/config, /boot/config-RELEASE) says there is no sysfb.
 */
bool host_kernels_have_sysfb(const char *root);

#endif
