// SPDX-License-Identifier: GPL-2.0-or-later
#include "rootpath.h"

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <unistd.h>

int root_path(char *buf, size_t size, const char *root, const char *path)
{
	int n;

	if (root_is_plain(root))
		root = "";
	n = snprintf(buf, size, "%s%s", root, path);
	if (n < 0 || (size_t)n >= size)
		return -ENAMETOOLONG;
	return 0;
}

int root_read_line(const char *root, const char *path, char *buf, size_t size)
{
	struct stat st;
	char p[4096];
	ssize_t n;
	int fd, r;

	if (size == 0)
		return -EINVAL;
	r = root_path(p, sizeof(p), root, path);
	if (r < 0)
		return r;
	/* /proc and /sys files are regular: anything else is refused, not waited on. */
	fd = open(p, O_RDONLY | O_CLOEXEC | O_NOCTTY | O_NONBLOCK);
	if (fd < 0)
		return -errno;
	if (fstat(fd, &st) < 0)
		r = -errno;
	else if (!S_ISREG(st.st_mode))
		r = S_ISDIR(st.st_mode) ? -EISDIR : -EINVAL;
	if (r < 0) {
		close(fd);
		return r;
	}
	do
		n = read(fd, buf, size - 1);
	while (n < 0 && errno == EINTR);
	r = n < 0 ? -errno : 0;
	close(fd);
	if (r < 0)
		return r;
	while (n > 0 && buf[n - 1] == '\n')
		n--;
	buf[n] = '\0';
	return (int)n;
}

/* ---- resolving beneath a root -------------------------------------------- */

#define ROOT_MAX_LINKS 40 /* the kernel's own limit (MAXSYMLINKS) */

bool root_is_plain(const char *root)
{
	return !root || !root[0] || (root[0] == '/' && !root[1]);
}

/* @path without its leading slashes; "." for the root itself. */
static const char *relative(const char *path)
{
	path += strspn(path, "/");
	return *path ? path : ".";
}

/* The directories the walk went through, the root first, and what is left of it. */
struct walk {
	int *stack;
	size_t n, alloc;
	char *todo;   /* the path still to walk (from a pointer into it) */
	size_t links; /* symlinks followed so far */
};

/* @fd on top of the stack: 0, or -ENOMEM (@fd closed). */
static int walk_push(struct walk *w, int fd)
{
	if (w->n == w->alloc) {
		int *ns = realloc(w->stack, w->alloc * 2 * sizeof(*w->stack));

		if (!ns) {
			close(fd);
			return -ENOMEM;
		}
		w->stack = ns;
		w->alloc *= 2;
	}
	w->stack[w->n++] = fd;
	return 0;
}

/*
 * Component @c of directory @cur: the last one opened with @oflags, the
 * others O_PATH as directories to go through; never through a symlink.
 * The descriptor, or -errno (-ELOOP or -ENOTDIR for a symlink).
 */
static int open_component(int cur, const char *c, bool last, int oflags)
{
	struct stat st;
	int fd;

	if (!last)
		fd = openat(cur, c, O_PATH | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
	else
		fd = openat(cur, c, oflags | O_NOFOLLOW | O_CLOEXEC);
	if (fd < 0)
		return -errno;
	/* O_PATH | O_NOFOLLOW opens a symlink itself: follow it below. */
	if (last && (oflags & O_PATH) && !(oflags & O_NOFOLLOW) && fstat(fd, &st) == 0 &&
	    S_ISLNK(st.st_mode)) {
		close(fd);
		return -ELOOP;
	}
	return fd;
}

/*
 * Component @c of @cur could not be opened (@err): when it is a symlink
 * the walk may follow, what is left becomes its target and then @rest.
 * 0 to go on, or -errno: @err for what is no symlink, -EXDEV for a link
 * that leads out of the root (an absolute one), -ELOOP past the kernel's
 * limit of links.
 */
static int follow_link(struct walk *w, int cur, const char *c, const char *rest, bool last,
		       int oflags, int err)
{
	char link[PATH_MAX], *next;
	ssize_t l;

	if (err != -ELOOP && err != -ENOTDIR)
		return err;
	/* A symlink, or no directory (readlinkat says which: EINVAL). */
	l = readlinkat(cur, c, link, sizeof(link));
	if (l < 0)
		return errno != EINVAL ? -errno : err;
	if (last && (oflags & O_NOFOLLOW))
		return -ELOOP;
	if ((size_t)l >= sizeof(link))
		return -ENAMETOOLONG;
	if (++w->links > ROOT_MAX_LINKS)
		return -ELOOP;
	link[l] = '\0';
	if (link[0] == '/')
		return -EXDEV;
	if (asprintf(&next, "%s/%s", link, rest) < 0)
		return -ENOMEM;
	free(w->todo);
	w->todo = next;
	return 0;
}

/*
 * The walk: @rel resolved from @rootfd one component at a time, with
 * openat2's RESOLVE_BENEATH rules.  Directories on the way are opened
 * O_PATH | O_NOFOLLOW, so a component swapped for a symlink meanwhile is
 * seen, not followed; ".." goes back to the directory the walk came from
 * (the stack), never above @rootfd.
 */
static int walk(int rootfd, const char *rel, int oflags, int *out)
{
	struct walk w = { .alloc = 8 };
	char *p;
	int fd, r;

	w.stack = malloc(w.alloc * sizeof(*w.stack));
	w.todo = strdup(rel);
	fd = w.stack && w.todo ? fcntl(rootfd, F_DUPFD_CLOEXEC, 0) : -1;
	r = !w.stack || !w.todo ? -ENOMEM : fd < 0 ? -errno : walk_push(&w, fd);
	for (p = w.todo; r == 0;) {
		int cur = w.stack[w.n - 1];
		char *c, *rest;
		bool last;

		p += strspn(p, "/");
		if (!*p) {
			/* Only "." was left: the directory the walk is in. */
			fd = openat(cur, ".", oflags | O_CLOEXEC);
			r = fd < 0 ? -errno : 0;
			if (fd >= 0)
				*out = fd;
			break;
		}
		c = p;
		rest = c + strcspn(c, "/");
		last = !rest[strspn(rest, "/")];
		if (*rest)
			*rest++ = '\0';
		p = rest;
		if (strcmp(c, ".") == 0)
			continue;
		if (strcmp(c, "..") == 0) {
			if (w.n == 1)
				r = -EXDEV;
			else
				close(w.stack[--w.n]);
			continue;
		}
		fd = open_component(cur, c, last, oflags);
		if (fd >= 0 && last) {
			*out = fd;
			break;
		}
		if (fd >= 0) {
			r = walk_push(&w, fd);
		} else {
			r = follow_link(&w, cur, c, p, last, oflags, fd);
			p = w.todo;
		}
	}
	while (w.n > 0)
		close(w.stack[--w.n]);
	free(w.stack);
	free(w.todo);
	return r;
}

/* openat2 where the kernel has it, else the walk.  0 or -errno. */
static int open_beneath(int rootfd, const char *rel, int oflags, int *out)
{
#ifndef ROOTPATH_TEST_WALK
	/* struct open_how (linux/openat2.h), spelled out for the musl build. */
	struct {
		uint64_t flags, mode, resolve;
	} how = { .flags = (uint64_t)(oflags | O_CLOEXEC),
		  .resolve = 0x08 /* RESOLVE_BENEATH */ | 0x02 /* RESOLVE_NO_MAGICLINKS */ };
	long fd = syscall(437 /* openat2, the same on every architecture */, rootfd, rel, &how,
			  sizeof(how));

	if (fd >= 0) {
		*out = (int)fd;
		return 0;
	}
	/* Not there, or filtered out (seccomp answers EPERM in some containers). */
	if (errno != ENOSYS && errno != EPERM)
		return -errno;
#endif
	return walk(rootfd, rel, oflags, out);
}

static int open_in(const char *root, const char *path, int oflags, int *out)
{
	int rootfd, r;

	if (root_is_plain(root)) {
		int fd = open(path, oflags | O_CLOEXEC);

		if (fd < 0)
			return -errno;
		*out = fd;
		return 0;
	}
	rootfd = open(root, O_PATH | O_DIRECTORY | O_CLOEXEC);
	if (rootfd < 0)
		return -errno;
	r = open_beneath(rootfd, relative(path), oflags, out);
	close(rootfd);
	return r;
}

/* @path's directory part into @dir ("/" for "/x") and its last component into @name. */
static int split_path(const char *path, char *dir, size_t size, char name[256])
{
	size_t len = strlen(path), end, start;

	while (len > 1 && path[len - 1] == '/')
		len--;
	end = len;
	start = end;
	while (start > 0 && path[start - 1] != '/')
		start--;
	if (end - start == 0 || end - start > 255)
		return end - start ? -ENAMETOOLONG : -EINVAL;
	memcpy(name, path + start, end - start);
	name[end - start] = '\0';
	if (strcmp(name, ".") == 0 || strcmp(name, "..") == 0)
		return -EINVAL;
	if (start >= size)
		return -ENAMETOOLONG;
	memcpy(dir, path, start);
	dir[start] = '\0';
	if (!start)
		snprintf(dir, size, "%s", path[0] == '/' ? "/" : ".");
	return 0;
}

int root_open_dir(const char *root, const char *dir, int flags, int *fd)
{
	char parent[PATH_MAX], name[256];
	int r, pfd;

	r = open_in(root, dir, O_RDONLY | O_DIRECTORY, fd);
	if (r != -ENOENT || !(flags & ROOT_MKDIR))
		return r;
	/* Missing: its parent first (the same way), then the directory in it. */
	r = split_path(dir, parent, sizeof(parent), name);
	if (r < 0)
		return r == -EINVAL ? -ENOENT : r;
	r = root_open_dir(root, parent, flags, &pfd);
	if (r < 0)
		return r;
	r = mkdirat(pfd, name, 0755) < 0 && errno != EEXIST ? -errno : 0;
	close(pfd);
	return r < 0 ? r : open_in(root, dir, O_RDONLY | O_DIRECTORY, fd);
}

int root_open_parent(const char *root, const char *path, int flags, int *dirfd,
		     char name[256])
{
	char cur[PATH_MAX], dir[PATH_MAX], link[PATH_MAX];
	size_t links = 0;
	int r;

	if (snprintf(cur, sizeof(cur), "%s", path) >= (int)sizeof(cur))
		return -ENAMETOOLONG;
	for (;;) {
		ssize_t l;

		r = split_path(cur, dir, sizeof(dir), name);
		if (r < 0)
			return r;
		r = root_open_dir(root, dir, flags & ROOT_MKDIR, dirfd);
		if (r < 0 || !(flags & ROOT_FOLLOW))
			return r;
		l = readlinkat(*dirfd, name, link, sizeof(link));
		if (l < 0)
			return 0; /* no symlink (EINVAL), or nothing there yet (ENOENT) */
		close(*dirfd);
		*dirfd = -1;
		if ((size_t)l >= sizeof(link) || ++links > ROOT_MAX_LINKS)
			return (size_t)l >= sizeof(link) ? -ENAMETOOLONG : -ELOOP;
		link[l] = '\0';
		if (link[0] == '/' && !root_is_plain(root))
			return -EXDEV;
		/* Directories are made only for @path itself, never for a link's target. */
		flags &= ~ROOT_MKDIR;
		if (link[0] == '/')
			r = snprintf(cur, sizeof(cur), "%s", link);
		else
			r = snprintf(cur, sizeof(cur), "%s/%s", dir, link);
		if (r >= (int)sizeof(cur))
			return -ENAMETOOLONG;
	}
}

int root_open(const char *root, const char *path, int oflags, int *fd)
{
	return open_in(root, path, oflags, fd);
}

int root_stat(const char *root, const char *path, struct stat *st)
{
	int fd, r = open_in(root, path, O_PATH, &fd);

	if (r < 0)
		return r;
	r = fstat(fd, st) < 0 ? -errno : 0;
	close(fd);
	return r;
}

const char *root_strerror(int err)
{
	if (err == -EXDEV)
		return "a symbolic link on the way leads out of the root (an absolute "
		       "link, or one that climbs above it): make it relative, pointing "
		       "inside the root, or replace it";
	return strerror(-err);
}
