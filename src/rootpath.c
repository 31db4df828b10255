// SPDX-License-Identifier: GPL-2.0-or-later
#include "rootpath.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

int root_path(char *buf, size_t size, const char *root, const char *path)
{
	int n;

	if (!root || !root[0] || (root[0] == '/' && !root[1]))
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
