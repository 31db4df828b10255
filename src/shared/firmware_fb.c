// SPDX-License-Identifier: GPL-2.0-or-later
#include <glob.h>
#include <limits.h>
#include <stdlib.h>
#include <string.h>

#include "firmware_fb.h"
#include "rootpath.h"

bool firmware_fb_released_by(const char *release)
{
	char *end;
	unsigned long major, minor;

	major = strtoul(release, &end, 10);
	if (end == release || *end != '.')
		return false;
	release = end + 1;
	minor = strtoul(release, &end, 10);
	if (end == release)
		return false;
	(void)minor;
	return major >= 6;
}

bool firmware_fb_kept_by_a_kernel(const char *root)
{
	char pattern[PATH_MAX], release[256];
	bool kept = false;
	glob_t g;

	if (root_path(pattern, sizeof(pattern), root, "/lib/modules/*/") == 0 &&
	    glob(pattern, GLOB_ONLYDIR, NULL, &g) == 0) {
		for (size_t i = 0; i < g.gl_pathc && !kept; i++) {
			char *p = g.gl_pathv[i], *slash;

			p[strlen(p) - 1] = '\0';
			slash = strrchr(p, '/');
			kept = !firmware_fb_released_by(slash ? slash + 1 : p);
		}
		globfree(&g);
		return kept;
	}
	if (root_read_line(root, "/proc/sys/kernel/osrelease", release, sizeof(release)) > 0)
		return !firmware_fb_released_by(release);
	return true;
}
