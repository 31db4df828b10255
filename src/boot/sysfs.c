// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * Each call opens the one attribute it needs relative to a directory fd
 * opened once, so no path is walked from the root; a function's identity
 * and driver come from one read of its uevent, and the bus-wide files
 * (drivers_probe, a driver's unbind) are opened once for all functions.
 * That is what keeps thousands of SR-IOV functions cheap at boot: 9 system
 * calls for a function that a host driver holds.  openat() also because
 * musl's open() adds an fcntl(F_SETFD) for O_CLOEXEC.
 */
#include "sysfs.h"
#include "rootpath.h"
#include "uevent.h"

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

	memset(s, 0, sizeof(*s));
	s->bus_fd = s->devices_fd = s->drivers_fd = s->probe_fd = -1;
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
	for (unsigned i = 0; i < s->n_unbind; i++)
		close(s->unbind[i].fd);
	s->n_unbind = 0;
	if (s->probe_fd >= 0)
		close(s->probe_fd);
	if (s->drivers_fd >= 0)
		close(s->drivers_fd);
	if (s->devices_fd >= 0)
		close(s->devices_fd);
	if (s->bus_fd >= 0)
		close(s->bus_fd);
	s->bus_fd = s->devices_fd = s->drivers_fd = s->probe_fd = -1;
}

/* "ADDR/ATTR" into @buf. */
static int attr_path(char *buf, size_t size, const char *addr, const char *attr)
{
	size_t a = strlen(addr), b = strlen(attr);

	/* Joined by hand: three of these a function, at boot. */
	if (a + 1 + b >= size)
		return -ENAMETOOLONG;
	memcpy(buf, addr, a);
	buf[a] = '/';
	memcpy(buf + a + 1, attr, b + 1);
	return 0;
}

int sysfs_read_attr(int dirfd, const char *path, char *buf, size_t size)
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
 * from write(), which is the error we report.  At offset 0, so that a
 * descriptor kept open stores the same bytes each time (sysfs ignores the
 * offset; a fake root's plain file holds the last value, as O_TRUNC did).
 */
static int store(int fd, const char *value)
{
	size_t len = strlen(value);
	ssize_t n;

	do
		n = pwrite(fd, value, len, 0);
	while (n < 0 && errno == EINTR);
	if (n < 0)
		return -errno;
	return (size_t)n == len ? 0 : -EIO;
}

static int open_attr_write(int dirfd, const char *path)
{
	/* O_NONBLOCK: a FIFO in a fake tree is not waited on (sysfs ignores it). */
	int fd = openat(dirfd, path, O_WRONLY | O_TRUNC | O_CLOEXEC | O_NOCTTY | O_NONBLOCK);

	return fd < 0 ? -errno : fd;
}

static int write_attr(int dirfd, const char *path, const char *value)
{
	int fd, r;

	fd = open_attr_write(dirfd, path);
	if (fd < 0)
		return fd;
	r = store(fd, value);
	if (close(fd) < 0 && r == 0 && errno != EINTR)
		r = -errno;
	return r;
}

int sysfs_read_function(const struct sysfs *s, const char *addr, struct pci_id *id,
			char *driver, size_t size)
{
	char path[256], buf[1024];
	const char *v;
	size_t len;
	unsigned a, b;
	int r;

	memset(id, 0, sizeof(*id));
	r = attr_path(path, sizeof(path), addr, "uevent");
	if (r < 0)
		return r;
	r = sysfs_read_attr(s->devices_fd, path, buf, sizeof(buf));
	if (r < 0)
		return r;
	v = uevent_value(buf, "PCI_ID", &len);
	if (!v || !uevent_id_pair(v, len, &a, &b))
		return -EINVAL;
	id->vendor = (uint16_t)a;
	id->device = (uint16_t)b;
	v = uevent_value(buf, "PCI_SUBSYS_ID", &len);
	id->has_subsys = v && uevent_id_pair(v, len, &a, &b);
	if (id->has_subsys) {
		id->subvendor = (uint16_t)a;
		id->subdevice = (uint16_t)b;
	}
	v = uevent_value(buf, "DRIVER", &len);
	if (!v) {
		driver[0] = '\0';
		return 0;
	}
	if (len >= size)
		return -ENAMETOOLONG;
	memcpy(driver, v, len);
	driver[len] = '\0';
	return 0;
}

int sysfs_read_link_name(int dirfd, const char *path, char *buf, size_t size)
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
	r = sysfs_read_link_name(s->devices_fd, path, buf, size);
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
	r = sysfs_read_link_name(s->devices_fd, path, name, sizeof(name));
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

/* The unbind file of @driver, opened at its first use and kept. */
static int unbind_fd(struct sysfs *s, const char *driver)
{
	char path[256];
	unsigned slot;
	int fd, r;

	for (unsigned i = 0; i < s->n_unbind; i++)
		if (strcmp(s->unbind[i].driver, driver) == 0)
			return s->unbind[i].fd;
	if (strlen(driver) >= sizeof(s->unbind[0].driver))
		return -ENAMETOOLONG;
	r = attr_path(path, sizeof(path), driver, "unbind");
	if (r < 0)
		return r;
	fd = open_attr_write(s->drivers_fd, path);
	if (fd < 0)
		return fd;
	if (s->n_unbind < SYSFS_UNBIND_FDS) {
		slot = s->n_unbind++;
	} else {
		/* More drivers than slots: the oldest makes room. */
		slot = s->next_unbind;
		s->next_unbind = (slot + 1) % SYSFS_UNBIND_FDS;
		close(s->unbind[slot].fd);
	}
	strcpy(s->unbind[slot].driver, driver);
	s->unbind[slot].fd = fd;
	return fd;
}

int sysfs_unbind(struct sysfs *s, const char *addr, const char *driver)
{
	int fd = unbind_fd(s, driver);

	return fd < 0 ? fd : store(fd, addr);
}

int sysfs_probe(struct sysfs *s, const char *addr)
{
	if (s->probe_fd < 0) {
		int fd = open_attr_write(s->bus_fd, "drivers_probe");

		if (fd < 0)
			return fd;
		s->probe_fd = fd;
	}
	return store(s->probe_fd, addr);
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
