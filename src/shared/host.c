// SPDX-License-Identifier: GPL-2.0-or-later
/* The host's processor and kernel configs, read under a root. */
#include <errno.h>
#include <glob.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "host.h"
#include "rootpath.h"

/* @word stands alone in @list (words separated by blanks). */
static bool has_word(const char *list, const char *word)
{
	size_t n = strlen(word);

	for (const char *p = list; (p = strstr(p, word)); p += n)
		if ((p == list || strchr(" \t", p[-1])) && strchr(" \t\n", p[n]))
			return true;
	return false;
}

int host_cpu_read(const char *root, struct host_cpu *cpu)
{
	char path[PATH_MAX], *line = NULL;
	bool vendor = false, flags = false;
	size_t size = 0;
	FILE *f;
	int r;

	*cpu = (struct host_cpu){ .vendor = CPU_UNKNOWN };
	r = root_path(path, sizeof(path), root, "/proc/cpuinfo");
	if (r < 0)
		return r;
	f = fopen(path, "re");
	if (!f)
		return -errno;
	/* Every processor repeats the same lines: the first of each is enough. */
	while ((!vendor || !flags) && getline(&line, &size, f) >= 0) {
		const char *colon = strchr(line, ':');
		size_t key = strcspn(line, " \t:");

		if (!colon)
			continue;
		if (!vendor && key == 9 && strncmp(line, "vendor_id", 9) == 0) {
			vendor = true;
			if (strstr(colon, "GenuineIntel"))
				cpu->vendor = CPU_INTEL;
			else if (strstr(colon, "AuthenticAMD") || strstr(colon, "HygonGenuine"))
				cpu->vendor = CPU_AMD;
		} else if (!flags && key == 5 && strncmp(line, "flags", 5) == 0) {
			flags = true;
			if (has_word(colon + 1, "svm"))
				cpu->virt_flag = "svm";
			else if (has_word(colon + 1, "vmx"))
				cpu->virt_flag = "vmx";
		}
	}
	free(line);
	fclose(f);
	return 0;
}

/*
 * 1 when the config at @path has sysfb_init, 0 when it has not, -errno
 * when it cannot be read.  Kernels before 5.15 have no CONFIG_SYSFB, but
 * x86 built sysfb_init unconditionally (arch/x86/kernel/sysfb.c): a config
 * without the symbol but with CONFIG_X86=y has it too.
 */
static int config_has_sysfb(const char *path)
{
	bool seen = false, sysfb = false, x86 = false;
	char *line = NULL;
	size_t size = 0;
	FILE *f = fopen(path, "re");

	if (!f)
		return -errno;
	while (getline(&line, &size, f) >= 0) {
		line[strcspn(line, "\n")] = '\0';
		if (strncmp(line, "CONFIG_SYSFB=", 13) == 0 ||
		    strcmp(line, "# CONFIG_SYSFB is not set") == 0) {
			seen = true;
			sysfb = strcmp(line, "CONFIG_SYSFB=y") == 0;
		} else if (strcmp(line, "CONFIG_X86=y") == 0) {
			x86 = true;
		}
	}
	free(line);
	fclose(f);
	return seen ? sysfb : x86;
}

/*
 * The arguments go to every kernel (grubby --update-kernel=ALL, GRUB, the
 * next rpm-ostree deployment), so one kernel with sysfb is enough.  With
 * no config to read the answer is yes: initcall_blacklist= naming an
 * initcall the kernel lacks is ignored, while a missing one leaves the
 * firmware framebuffer on the claimed GPU's BARs.
 */
bool host_kernels_have_sysfb(const char *root)
{
	static const char *const patterns[] = { "/lib/modules/*/config", "/boot/config-*" };
	bool any_read = false, sysfb = false;

	for (size_t i = 0; !sysfb && i < sizeof(patterns) / sizeof(*patterns); i++) {
		char pattern[PATH_MAX];
		glob_t g;

		if (root_path(pattern, sizeof(pattern), root, patterns[i]) < 0)
			continue;
		if (glob(pattern, 0, NULL, &g) != 0)
			continue;
		for (size_t k = 0; !sysfb && k < g.gl_pathc; k++) {
			int r = config_has_sysfb(g.gl_pathv[k]);

			any_read |= r >= 0;
			sysfb = r > 0;
		}
		globfree(&g);
	}
	return sysfb || !any_read;
}
