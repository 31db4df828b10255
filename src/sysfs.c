// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * Each call opens the one attribute it needs relative to a directory fd
 * opened once, so a function costs open + read/write + close and no path
 * walks from the root: that is what keeps thousands of SR-IOV functions
 * cheap at boot.
 */
#include "sysfs.h"
#include "rootpath.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

static int open_dir_at(int dirfd, const char *path)
{
	int fd = openat(dirfd, path, O_RDONLY | O_DIRECTORY | O_CLOEXEC);

	return fd < 0 ? -errno : fd;
}

int sysfs_open(struct sysfs *s, const char *root)
{
	char path[4096];
	int r;

	s->bus_fd = s->devices_fd = s->drivers_fd = -1;
	r = root_path(path, sizeof(path), root, "/sys/bus/pci");
	if (r < 0)
		return r;
	r = open_dir_at(AT_FDCWD, path);
	if (r < 0)
		return r;
	s->bus_fd = r;
	r = open_dir_at(s->bus_fd, "devices");
	if (r < 0)
		goto fail;
	s->devices_fd = r;
	r = open_dir_at(s->bus_fd, "drivers");
	if (r < 0)
		goto fail;
	s->drivers_fd = r;
	return 0;
fail:
	sysfs_close(s);
	return r;
}

void sysfs_close(struct sysfs *s)
{
	if (s->drivers_fd >= 0)
		close(s->drivers_fd);
	if (s->devices_fd >= 0)
		close(s->devices_fd);
	if (s->bus_fd >= 0)
		close(s->bus_fd);
	s->bus_fd = s->devices_fd = s->drivers_fd = -1;
}

/* "ADDR/ATTR" into @buf. */
static int attr_path(char *buf, size_t size, const char *addr, const char *attr)
{
	int n = snprintf(buf, size, "%s/%s", addr, attr);

	return n < 0 || (size_t)n >= size ? -ENAMETOOLONG : 0;
}

static int read_attr(int dirfd, const char *path, char *buf, size_t size)
{
	ssize_t n;
	int fd, r = 0;

	/* O_NONBLOCK: a FIFO in a fake tree is not waited on (sysfs ignores it). */
	fd = openat(dirfd, path, O_RDONLY | O_CLOEXEC | O_NOCTTY | O_NONBLOCK);
	if (fd < 0)
		return -errno;
	do
		n = read(fd, buf, size - 1);
	while (n < 0 && errno == EINTR);
	if (n < 0)
		r = -errno;
	else
		buf[n] = '\0';
	close(fd);
	return r;
}

/*
 * sysfs stores are one write() each; the kernel returns the store's error
 * from write(), which is the error we report.
 */
static int write_attr(int dirfd, const char *path, const char *value)
{
	size_t len = strlen(value);
	ssize_t n;
	int fd, r = 0;

	fd = openat(dirfd, path, O_WRONLY | O_TRUNC | O_CLOEXEC | O_NOCTTY | O_NONBLOCK);
	if (fd < 0)
		return -errno;
	do
		n = write(fd, value, len);
	while (n < 0 && errno == EINTR);
	if (n < 0)
		r = -errno;
	else if ((size_t)n != len)
		r = -EIO;
	if (close(fd) < 0 && r == 0 && errno != EINTR)
		r = -errno;
	return r;
}

/* A "0x10d3\n" attribute. */
static int read_hex16(const struct sysfs *s, const char *addr, const char *attr, uint16_t *out)
{
	char path[256], buf[32], *end;
	unsigned long v;
	int r;

	r = attr_path(path, sizeof(path), addr, attr);
	if (r < 0)
		return r;
	r = read_attr(s->devices_fd, path, buf, sizeof(buf));
	if (r < 0)
		return r;
	errno = 0;
	v = strtoul(buf, &end, 16);
	if (errno || end == buf || v > 0xffff || (*end && *end != '\n'))
		return -EINVAL;
	*out = (uint16_t)v;
	return 0;
}

int sysfs_read_id(const struct sysfs *s, const char *addr, bool subsys, struct pci_id *id)
{
	int r;

	memset(id, 0, sizeof(*id));
	r = read_hex16(s, addr, "vendor", &id->vendor);
	if (r == 0)
		r = read_hex16(s, addr, "device", &id->device);
	if (r == 0 && subsys) {
		r = read_hex16(s, addr, "subsystem_vendor", &id->subvendor);
		if (r == 0)
			r = read_hex16(s, addr, "subsystem_device", &id->subdevice);
		id->has_subsys = r == 0;
	}
	return r;
}

static int read_link_name(int dirfd, const char *path, char *buf, size_t size)
{
	char target[4096];
	const char *base;
	ssize_t n;

	n = readlinkat(dirfd, path, target, sizeof(target) - 1);
	if (n < 0)
		return -errno;
	target[n] = '\0';
	base = strrchr(target, '/');
	base = base ? base + 1 : target;
	if (strlen(base) >= size)
		return -ENAMETOOLONG;
	strcpy(buf, base);
	return 0;
}

int sysfs_read_driver(const struct sysfs *s, const char *addr, char *buf, size_t size)
{
	char path[256];
	int r;

	r = attr_path(path, sizeof(path), addr, "driver");
	if (r < 0)
		return r;
	r = read_link_name(s->devices_fd, path, buf, size);
	if (r == -ENOENT) {
		/* No link: no driver, as long as the function itself exists. */
		if (faccessat(s->devices_fd, addr, F_OK, 0) < 0)
			return -errno;
		buf[0] = '\0';
		return 0;
	}
	return r;
}

int sysfs_read_iommu_group(const struct sysfs *s, const char *addr)
{
	char path[256], name[32], *end;
	long v;
	int r;

	r = attr_path(path, sizeof(path), addr, "iommu_group");
	if (r < 0)
		return r;
	r = read_link_name(s->devices_fd, path, name, sizeof(name));
	if (r < 0)
		return r;
	v = strtol(name, &end, 10);
	if (end == name || *end || v < 0 || v > 0x7fffffff)
		return -EINVAL;
	return (int)v;
}

bool sysfs_driver_registered(const struct sysfs *s, const char *driver)
{
	return faccessat(s->drivers_fd, driver, F_OK, 0) == 0;
}

int sysfs_write_override(const struct sysfs *s, const char *addr, const char *driver)
{
	char path[256];
	int r;

	r = attr_path(path, sizeof(path), addr, "driver_override");
	if (r < 0)
		return r;
	/* An empty write would be a zero-length store; "\n" clears it. */
	return write_attr(s->devices_fd, path, driver[0] ? driver : "\n");
}

int sysfs_unbind(const struct sysfs *s, const char *addr, const char *driver)
{
	char path[256];
	int r;

	r = attr_path(path, sizeof(path), driver, "unbind");
	if (r < 0)
		return r;
	return write_attr(s->drivers_fd, path, addr);
}

int sysfs_probe(const struct sysfs *s, const char *addr)
{
	return write_attr(s->bus_fd, "drivers_probe", addr);
}

int sysfs_for_each_function(const struct sysfs *s,
			    int (*fn)(void *userdata, const char *addr), void *userdata)
{
	struct dirent *de;
	DIR *d;
	int fd, r = 0;

	fd = openat(s->devices_fd, ".", O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (fd < 0)
		return -errno;
	d = fdopendir(fd);
	if (!d) {
		r = -errno;
		close(fd);
		return r;
	}
	while ((de = readdir(d))) {
		if (de->d_name[0] == '.')
			continue;
		r = fn(userdata, de->d_name);
		if (r)
			break;
	}
	closedir(d);
	return r;
}
