// SPDX-License-Identifier: GPL-2.0-or-later
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <sys/random.h>
#include <sys/stat.h>
#include <unistd.h>

#include "atomicfile.h"

#define TMP_TAG ".earlybind-tmp."

static int write_all(int fd, const char *p, size_t len)
{
	while (len) {
		ssize_t n = write(fd, p, len);

		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0)
			return -errno;
		if (n == 0)
			return -EIO;
		p += n;
		len -= (size_t)n;
	}
	return 0;
}

/*
 * ".NAME.earlybind-tmp." into @buf: the prefix of every temporary file of
 * @name.  A long name is cut, the same way every time, to leave room for
 * the suffix within NAME_MAX.
 */
static void tmp_prefix(char *buf, size_t size, const char *name)
{
	snprintf(buf, size, ".%.*s" TMP_TAG, NAME_MAX - (int)sizeof(TMP_TAG) - 8, name);
}

void atomic_file_clean_at(int dirfd, const char *name)
{
	char prefix[NAME_MAX + 1];
	struct dirent *e;
	size_t pl;
	DIR *d;
	int fd = fcntl(dirfd, F_DUPFD_CLOEXEC, 0);

	if (fd < 0)
		return;
	d = fdopendir(fd);
	if (!d) {
		close(fd);
		return;
	}
	tmp_prefix(prefix, sizeof(prefix), name);
	pl = strlen(prefix);
	while ((e = readdir(d))) {
		struct stat a, b;
		int t;

		if (strncmp(e->d_name, prefix, pl) != 0 || strlen(e->d_name) != pl + 6)
			continue;
		t = openat(dirfd, e->d_name, O_RDONLY | O_NOFOLLOW | O_NONBLOCK | O_CLOEXEC);
		if (t < 0)
			continue;
		/* Taken: a writer is at work on it.  Free: nobody will finish it. */
		if (fstat(t, &a) == 0 && S_ISREG(a.st_mode) && flock(t, LOCK_EX | LOCK_NB) == 0 &&
		    fstatat(dirfd, e->d_name, &b, AT_SYMLINK_NOFOLLOW) == 0 &&
		    a.st_ino == b.st_ino && a.st_dev == b.st_dev)
			unlinkat(dirfd, e->d_name, 0);
		close(t);
	}
	closedir(d);
}

/* A new temporary file of @name, created and locked: its fd, or -errno. */
static int create_tmp(int dirfd, const char *name, char tmp[NAME_MAX + 1])
{
	static const char chars[] = "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789";

	for (int tries = 0; tries < 100; tries++) {
		unsigned char rnd[6];
		struct stat a, b;
		size_t l;
		int fd;

		tmp_prefix(tmp, NAME_MAX + 1, name);
		l = strlen(tmp);
		if (getrandom(rnd, sizeof(rnd), GRND_NONBLOCK) != (ssize_t)sizeof(rnd))
			for (size_t i = 0; i < sizeof(rnd); i++)
				rnd[i] = (unsigned char)(rand() ^ getpid() ^ tries);
		for (size_t i = 0; i < sizeof(rnd); i++)
			tmp[l + i] = chars[rnd[i] % (sizeof(chars) - 1)];
		tmp[l + sizeof(rnd)] = '\0';
		fd = openat(dirfd, tmp, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, 0600);
		if (fd < 0 && errno == EEXIST)
			continue;
		if (fd < 0)
			return -errno;
		/* Another write's remove_stale() may have taken it before the lock. */
		if (flock(fd, LOCK_EX) == 0 && fstat(fd, &a) == 0 &&
		    fstatat(dirfd, tmp, &b, AT_SYMLINK_NOFOLLOW) == 0 && a.st_ino == b.st_ino &&
		    a.st_dev == b.st_dev)
			return fd;
		close(fd);
	}
	return -EEXIST;
}

int atomic_file_write_at(int dirfd, const char *name, const void *data, size_t len, mode_t mode,
			 uid_t uid, gid_t gid)
{
	char tmp[NAME_MAX + 1];
	int fd, r;

	atomic_file_clean_at(dirfd, name);
	fd = create_tmp(dirfd, name, tmp);
	if (fd < 0)
		return fd;
	r = write_all(fd, data, len);
	/* Created 0600 and ours; the file it replaces may be neither. */
	if (r == 0 && fchmod(fd, mode) < 0)
		r = -errno;
	if (r == 0 && uid != (uid_t)-1 && fchown(fd, uid, gid) < 0)
		r = -errno;
	if (r == 0 && fsync(fd) < 0)
		r = -errno;
	if (r == 0 && renameat(dirfd, tmp, dirfd, name) < 0)
		r = -errno;
	if (r < 0)
		unlinkat(dirfd, tmp, 0);
	/* Closed after the rename: the lock is held until the name is gone. */
	if (close(fd) < 0 && r == 0)
		r = -errno;
	if (r < 0)
		return r;
	/* After the rename, so that the new name survives a crash too. */
	return fsync(dirfd) < 0 ? -errno : 0;
}

int atomic_file_write(const char *path, const void *data, size_t len, mode_t mode, uid_t uid,
		      gid_t gid)
{
	char dir[PATH_MAX];
	const char *slash = strrchr(path, '/'), *name = slash ? slash + 1 : path;
	int dirfd, r;

	if (!slash)
		snprintf(dir, sizeof(dir), ".");
	else if (snprintf(dir, sizeof(dir), "%.*s", (int)(slash - path) + 1, path) >=
		 (int)sizeof(dir))
		return -ENAMETOOLONG;
	dirfd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (dirfd < 0)
		return -errno;
	r = atomic_file_write_at(dirfd, name, data, len, mode, uid, gid);
	close(dirfd);
	return r;
}
