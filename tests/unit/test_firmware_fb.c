// SPDX-License-Identifier: GPL-2.0-or-later
/* Which kernels take the firmware framebuffer off a GPU vfio-pci binds. */
#include "../check.h"
#include "../../src/shared/firmware_fb.h"

#include <stdlib.h>
#include <sys/stat.h>
#include <unistd.h>

static void test_kernels_from_6_0_release_the_framebuffer(void)
{
	/* Seen under OVMF: bookworm's 6.1, trixie's 6.12, sid's 7.2. */
	CHECK(firmware_fb_released_by("6.0.0"));
	CHECK(firmware_fb_released_by("6.1.0-57-amd64"));
	CHECK(firmware_fb_released_by("6.12.117+deb13-amd64"));
	CHECK(firmware_fb_released_by("6.17.1-300.fc43.x86_64"));
	CHECK(firmware_fb_released_by("7.2.13+deb14-amd64"));
}

static void test_older_kernels_keep_it(void)
{
	CHECK(!firmware_fb_released_by("5.19.17"));
	CHECK(!firmware_fb_released_by("5.15.0-91-generic"));
	CHECK(!firmware_fb_released_by("4.18.0-513.el8.x86_64"));
}

static void test_an_unreadable_release_keeps_it(void)
{
	CHECK(!firmware_fb_released_by(""));
	CHECK(!firmware_fb_released_by("linux"));
	CHECK(!firmware_fb_released_by("6"));
	CHECK(!firmware_fb_released_by("6.x"));
}

static char root[] = "/tmp/test_firmware_fb.XXXXXX";

static void put(const char *rel, const char *text)
{
	char path[512];
	FILE *f;

	snprintf(path, sizeof(path), "%s%s", root, rel);
	f = fopen(path, "w");
	CHECK(f != NULL);
	if (f) {
		fputs(text, f);
		fclose(f);
	}
}

static void dir(const char *rel)
{
	char path[512];

	snprintf(path, sizeof(path), "%s%s", root, rel);
	CHECK(mkdir(path, 0755) == 0);
}

static void test_one_old_installed_kernel_is_enough_to_keep_it(void)
{
	/* The running kernel is old, the installed one new: the installed decide. */
	put("/proc/sys/kernel/osrelease", "5.15.0-91-generic\n");
	dir("/lib/modules/6.12.117+deb13-amd64");
	CHECK(!firmware_fb_kept_by_a_kernel(root));
	dir("/lib/modules/5.14.0-427.el9.x86_64");
	CHECK(firmware_fb_kept_by_a_kernel(root));
}

static void test_without_installed_kernels_the_running_one_decides(void)
{
	char path[512];

	snprintf(path, sizeof(path), "%s/lib/modules/6.12.117+deb13-amd64", root);
	rmdir(path);
	snprintf(path, sizeof(path), "%s/lib/modules/5.14.0-427.el9.x86_64", root);
	rmdir(path);
	put("/proc/sys/kernel/osrelease", "6.1.0-57-amd64\n");
	CHECK(!firmware_fb_kept_by_a_kernel(root));
	put("/proc/sys/kernel/osrelease", "5.10.0-30-amd64\n");
	CHECK(firmware_fb_kept_by_a_kernel(root));
}

static void test_nothing_to_tell_keeps_it(void)
{
	char path[512];

	snprintf(path, sizeof(path), "%s/proc/sys/kernel/osrelease", root);
	unlink(path);
	CHECK(firmware_fb_kept_by_a_kernel(root));
}

static void undir(const char *rel)
{
	char path[512];

	snprintf(path, sizeof(path), "%s%s", root, rel);
	rmdir(path);
}

int main(void)
{
	if (!mkdtemp(root))
		return 1;
	dir("/proc");
	dir("/proc/sys");
	dir("/proc/sys/kernel");
	dir("/lib");
	dir("/lib/modules");
	RUN(test_kernels_from_6_0_release_the_framebuffer);
	RUN(test_older_kernels_keep_it);
	RUN(test_an_unreadable_release_keeps_it);
	RUN(test_one_old_installed_kernel_is_enough_to_keep_it);
	RUN(test_without_installed_kernels_the_running_one_decides);
	RUN(test_nothing_to_tell_keeps_it);
	undir("/lib/modules");
	undir("/lib");
	undir("/proc/sys/kernel");
	undir("/proc/sys");
	undir("/proc");
	undir("");
	return CHECK_EXIT();
}
