// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * Resolving paths beneath a fake root (src/shared/rootpath.c), on real trees in a
 * scratch directory.  Built twice: as is (openat2, where the kernel has
 * it) and with -DROOTPATH_TEST_WALK, the component walk used where it
 * does not; both must give the same answers.
 */
#include "../check.h"
#include "../../src/shared/rootpath.h"

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

static char root[PATH_MAX], outside[PATH_MAX];

static void mk(const char *rel)
{
	char p[PATH_MAX * 2];

	snprintf(p, sizeof(p), "%s%s", root, rel);
	CHECK(mkdir(p, 0755) == 0 || errno == EEXIST);
}

static void ln(const char *target, const char *rel)
{
	char p[PATH_MAX * 2];

	snprintf(p, sizeof(p), "%s%s", root, rel);
	CHECK(symlink(target, p) == 0);
}

static void put(const char *rel, const char *text)
{
	char p[PATH_MAX * 2];
	FILE *f;

	snprintf(p, sizeof(p), "%s%s", root, rel);
	f = fopen(p, "w");
	CHECK(f != NULL);
	if (f) {
		fputs(text, f);
		fclose(f);
	}
}

/* What @path under the root reads as, or "" with *@err. */
static const char *read_in(const char *path, int *err)
{
	static char buf[256];
	ssize_t n;
	int fd;

	buf[0] = '\0';
	*err = root_open(root, path, O_RDONLY, &fd);
	if (*err < 0)
		return buf;
	n = read(fd, buf, sizeof(buf) - 1);
	buf[n > 0 ? n : 0] = '\0';
	close(fd);
	return buf;
}

static void test_plain_paths_resolve(void)
{
	int err;

	CHECK_STR(read_in("/etc/hosts", &err), "in\n");
	CHECK_INT(err, 0);
}

static void test_relative_links_inside_are_followed(void)
{
	int err;

	CHECK_STR(read_in("/etc/kernel/cmdline", &err), "vendor\n");
	CHECK_INT(err, 0);
	/* A directory link, and ".." that stays inside. */
	CHECK_STR(read_in("/etc/linked/hosts", &err), "in\n");
	CHECK_STR(read_in("/etc/kernel/../hosts", &err), "in\n");
}

static void test_absolute_link_is_refused(void)
{
	int err, fd = -1;

	read_in("/etc/default/grub.d/x.cfg", &err);
	CHECK_INT(err, -EXDEV);
	CHECK_INT(root_open_dir(root, "/etc/default/grub.d", ROOT_MKDIR, &fd), -EXDEV);
	CHECK_INT(fd, -1);
}

static void test_climbing_out_is_refused(void)
{
	int err;

	read_in("/etc/up/escape", &err);
	CHECK_INT(err, -EXDEV);
	read_in("/../escape", &err);
	CHECK_INT(err, -EXDEV);
}

static void test_mkdir_creates_inside_only(void)
{
	char p[PATH_MAX * 2];
	struct stat st;
	int fd = -1;

	CHECK_INT(root_open_dir(root, "/var/lib/new", ROOT_MKDIR, &fd), 0);
	if (fd >= 0)
		close(fd);
	snprintf(p, sizeof(p), "%s/var/lib/new", root);
	CHECK(stat(p, &st) == 0 && S_ISDIR(st.st_mode));
	/* Through the link to outside: nothing is made there. */
	fd = -1;
	CHECK_INT(root_open_dir(root, "/etc/default/grub.d/sub", ROOT_MKDIR, &fd), -EXDEV);
	snprintf(p, sizeof(p), "%s/sub", outside);
	CHECK(stat(p, &st) < 0 && errno == ENOENT);
}

static void test_parent_follows_a_file_link(void)
{
	char name[256];
	int dirfd = -1;
	struct stat st;

	CHECK_INT(root_open_parent(root, "/etc/kernel/cmdline", ROOT_FOLLOW, &dirfd, name), 0);
	CHECK_STR(name, "cmdline");
	/* The directory of the link's target: usr/share/kernel holds the file. */
	CHECK(dirfd >= 0 && fstatat(dirfd, "cmdline", &st, AT_SYMLINK_NOFOLLOW) == 0 &&
	      S_ISREG(st.st_mode));
	if (dirfd >= 0)
		close(dirfd);
	dirfd = -1;
	CHECK_INT(root_open_parent(root, "/etc/out.conf", ROOT_FOLLOW, &dirfd, name), -EXDEV);
	/* Without ROOT_FOLLOW the link itself is the name. */
	CHECK_INT(root_open_parent(root, "/etc/out.conf", 0, &dirfd, name), 0);
	CHECK_STR(name, "out.conf");
	if (dirfd >= 0)
		close(dirfd);
}

static void test_plain_root_follows_everything(void)
{
	char p[PATH_MAX * 2];
	struct stat st;

	snprintf(p, sizeof(p), "%s/etc/default/grub.d", root);
	CHECK_INT(root_stat("/", p, &st), 0);
	CHECK(S_ISDIR(st.st_mode));
}

static void test_a_loop_ends(void)
{
	int err;

	read_in("/etc/loop/x", &err);
	CHECK_INT(err, -ELOOP);
}

int main(void)
{
	char tmpl[] = "/tmp/test_rootpath.XXXXXX", cmd[PATH_MAX * 3];

	if (!mkdtemp(tmpl))
		return 1;
	snprintf(root, sizeof(root), "%s/root", tmpl);
	snprintf(outside, sizeof(outside), "%s/outside", tmpl);
	mkdir(root, 0755);
	mkdir(outside, 0755);
	mk("/etc");
	mk("/etc/default");
	mk("/etc/kernel");
	mk("/usr");
	mk("/usr/share");
	mk("/usr/share/kernel");
	mk("/var");
	mk("/var/lib");
	put("/etc/hosts", "in\n");
	put("/usr/share/kernel/cmdline", "vendor\n");
	ln("../../usr/share/kernel/cmdline", "/etc/kernel/cmdline");
	ln(".", "/etc/linked");
	ln(outside, "/etc/default/grub.d");
	ln("../..", "/etc/up");
	ln(outside, "/etc/out.conf");
	ln("loop", "/etc/loop");
	RUN(test_plain_paths_resolve);
	RUN(test_relative_links_inside_are_followed);
	RUN(test_absolute_link_is_refused);
	RUN(test_climbing_out_is_refused);
	RUN(test_mkdir_creates_inside_only);
	RUN(test_parent_follows_a_file_link);
	RUN(test_plain_root_follows_everything);
	RUN(test_a_loop_ends);
	snprintf(cmd, sizeof(cmd), "rm -rf '%s'", tmpl);
	if (system(cmd) != 0)
		return 1;
	return CHECK_EXIT();
}
