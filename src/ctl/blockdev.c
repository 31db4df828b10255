// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * The block devices behind a PCI function, found as lsblk finds them: every
 * link in ROOT/sys/dev/block whose target lies below the function's sysfs
 * directory.  Mounts and swaps name their devices by number (MAJ:MIN) or by
 * path; a path is matched by the device node's number when it is one, else
 * by name, because fake roots hold regular files in ROOT/dev.
 *
 * All of them are read once (blockdev_set_read()), mounts and swaps too,
 * and kept by sysfs path: the devices below one directory are then one run
 * of that order, found by a binary search, whatever the number of functions.
 */
#include "blockdev.h"
#include "rootpath.h"
#include "strcopy.h"
#include "uevent.h"

#include <blkid.h>

#include <dirent.h>
#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>
#include <unistd.h>

/* Deeper than real stacks (dm on md on a partition is three); a bound on loops. */
#define HOLDER_DEPTH 8

/* A device stacked on one of ours, directly or not. */
struct holder {
	unsigned major, minor;
	char name[64];
};

struct dev {
	struct blockdev bd;
	char *syspath;
	struct holder *holders;
	size_t n_holders;
	unsigned disk_major, disk_minor; /* its disk's number, or its own: the sort key */
	int err; /* 0, or why it could not be read whole: what is behind it cannot be known */
};

struct devs {
	const char *root;
	struct dev *v;
	size_t n, cap;
};

/* Every block device of a root, by syspath (strcmp() order). */
struct blockdev_set {
	struct devs s;
	char *root;
	int err;       /* ROOT/sys/dev/block could not be read: nothing can be known */
	int mount_err; /* mountinfo or swaps could not be read: nor what is mounted */
};

/* A path from mountinfo or swaps, for matching against our devices. */
struct source {
	bool has_devnum;
	unsigned major, minor;
	const char *path; /* "/dev/nvme0n1p2", without ROOT */
	char name[64];    /* "nvme0n1p2": what the path resolves to under ROOT */
};

/* "259:2", nothing before or after. */
static bool parse_devnum(const char *s, unsigned *major, unsigned *minor)
{
	char *end;
	unsigned long a, b;

	if (*s < '0' || *s > '9')
		return false;
	errno = 0;
	a = strtoul(s, &end, 10);
	if (errno || *end != ':' || a > UINT_MAX || end[1] < '0' || end[1] > '9')
		return false;
	b = strtoul(end + 1, &end, 10);
	if (errno || *end || b > UINT_MAX)
		return false;
	*major = (unsigned)a;
	*minor = (unsigned)b;
	return true;
}

/* Undoes the kernel's octal escapes (\040 for a space) in place. */
static void unescape(char *s)
{
	char *d = s;

	while (*s) {
		if (s[0] == '\\' && s[1] >= '0' && s[1] <= '3' && s[2] >= '0' && s[2] <= '7' &&
		    s[3] >= '0' && s[3] <= '7') {
			*d++ = (char)((s[1] - '0') << 6 | (s[2] - '0') << 3 | (s[3] - '0'));
			s += 4;
		} else {
			*d++ = *s++;
		}
	}
	*d = '\0';
}

static const char *base_name(const char *path)
{
	const char *s = strrchr(path, '/');

	return s ? s + 1 : path;
}

/* Appends @word to the space-separated @list, once; as many as fit. */
static void list_add(char *list, size_t size, const char *word)
{
	size_t len = strlen(list), wlen = strlen(word);

	if (!wlen)
		return;
	for (const char *p = list; (p = strstr(p, word)); p += wlen)
		if ((p == list || p[-1] == ' ') && (p[wlen] == ' ' || p[wlen] == '\0'))
			return;
	if (len + !!len + wlen >= size)
		return;
	if (len)
		list[len++] = ' ';
	memcpy(list + len, word, wlen + 1);
}

static int add_holder(struct dev *d, const struct holder *h)
{
	struct holder *v;

	for (size_t i = 0; i < d->n_holders; i++)
		if (strcmp(d->holders[i].name, h->name) == 0)
			return 0;
	v = reallocarray(d->holders, d->n_holders + 1, sizeof(*v));
	if (!v)
		return -ENOMEM;
	d->holders = v;
	d->holders[d->n_holders++] = *h;
	return 0;
}

/*
 * The devices in @dir/holders and, recursively, theirs into @d->holders;
 * the direct ones by name into @d->bd.holders.
 */
static int read_holders(struct dev *d, const char *dir, int depth)
{
	char path[PATH_MAX];
	struct dirent *de;
	DIR *hd;
	int r = 0;

	if (depth >= HOLDER_DEPTH)
		return 0;
	if (snprintf(path, sizeof(path), "%s/holders", dir) >= (int)sizeof(path))
		return -ENAMETOOLONG;
	hd = opendir(path);
	if (!hd)
		return errno == ENOENT || errno == ENOTDIR ? 0 : -errno;
	while (r == 0 && (de = readdir(hd))) {
		struct holder h = { 0 };
		char sub[PATH_MAX], attr[PATH_MAX], buf[32];

		if (de->d_name[0] == '.' || str_copy(h.name, sizeof(h.name), de->d_name) < 0)
			continue;
		if (snprintf(sub, sizeof(sub), "%s/%s", path, de->d_name) >= (int)sizeof(sub) ||
		    snprintf(attr, sizeof(attr), "%s/dev", sub) >= (int)sizeof(attr)) {
			r = -ENAMETOOLONG;
			break;
		}
		/* Without a number it can still be matched by name. */
		if (root_read_line(NULL, attr, buf, sizeof(buf)) < 0 ||
		    !parse_devnum(buf, &h.major, &h.minor))
			h.major = h.minor = 0;
		if (depth == 0)
			list_add(d->bd.holders, sizeof(d->bd.holders), h.name);
		r = add_holder(d, &h);
		if (r == 0)
			r = read_holders(d, sub, depth + 1);
	}
	closedir(hd);
	return r;
}

/* Attribute @name of the sysfs directory @dir (a full path); its length or -errno. */
static int read_attr(const char *dir, const char *name, char *buf, size_t size)
{
	char path[PATH_MAX];

	if (snprintf(path, sizeof(path), "%s/%s", dir, name) >= (int)sizeof(path))
		return -ENAMETOOLONG;
	return root_read_line(NULL, path, buf, size);
}

/* uevent's DEVNAME, which is what udev names the node; else the kernel's rule. */
static int read_devpath(struct dev *d)
{
	char buf[4096];
	const char *devname = NULL;
	size_t len = 0;
	int n;

	if (read_attr(d->syspath, "uevent", buf, sizeof(buf)) >= 0)
		devname = uevent_value(buf, "DEVNAME", &len);
	if (devname && len) {
		n = snprintf(d->bd.devpath, sizeof(d->bd.devpath), "/dev/%.*s", (int)len, devname);
		return n < 0 || (size_t)n >= sizeof(d->bd.devpath) ? -ENAMETOOLONG : 0;
	}
	/* "cciss!c0d0" is /dev/cciss/c0d0. */
	n = snprintf(d->bd.devpath, sizeof(d->bd.devpath), "/dev/%s", d->bd.name);
	if (n < 0 || (size_t)n >= sizeof(d->bd.devpath))
		return -ENAMETOOLONG;
	for (char *p = d->bd.devpath; *p; p++)
		if (*p == '!')
			*p = '/';
	return 0;
}

static void devs_free(struct devs *s)
{
	for (size_t i = 0; i < s->n; i++) {
		free(s->v[i].syspath);
		free(s->v[i].holders);
	}
	free(s->v);
	s->v = NULL;
	s->n = s->cap = 0;
}

/* The block device in sysfs directory @real, numbered @major:@minor. */
static int add_dev(struct devs *s, const char *real, unsigned major, unsigned minor)
{
	char buf[32];
	struct dev *d;
	int r;

	if (s->n == s->cap) {
		size_t cap = s->cap ? s->cap * 2 : 8;
		struct dev *v = reallocarray(s->v, cap, sizeof(*v));

		if (!v)
			return -ENOMEM;
		s->v = v;
		s->cap = cap;
	}
	d = &s->v[s->n];
	memset(d, 0, sizeof(*d));
	d->syspath = strdup(real);
	if (!d->syspath)
		return -ENOMEM;
	s->n++;
	d->bd.major = major;
	d->bd.minor = minor;
	r = str_copy(d->bd.name, sizeof(d->bd.name), base_name(real));
	if (r == 0)
		r = read_devpath(d);
	if (r == 0 && read_attr(real, "size", buf, sizeof(buf)) > 0) {
		char *end;
		unsigned long long sectors;

		errno = 0;
		sectors = strtoull(buf, &end, 10);
		/* Always in 512-byte units, whatever the logical block size. */
		if (!errno && end != buf && !*end && sectors <= UINT64_MAX / 512)
			d->bd.size = (uint64_t)sectors * 512;
	}
	if (r == 0)
		r = read_holders(d, real, 0);
	/* Only what lies above it is left unknown; no memory is the end of all. */
	if (r < 0 && r != -ENOMEM) {
		d->err = r;
		r = 0;
	}
	return r;
}

/* Every device in ROOT/sys/dev/block, its realpath as its syspath.  0 or -errno. */
static int collect(struct devs *s)
{
	char dir[PATH_MAX];
	struct dirent *de;
	DIR *bd;
	int r;

	r = root_path(dir, sizeof(dir), s->root, "/sys/dev/block");
	if (r < 0)
		return r;
	bd = opendir(dir);
	if (!bd)
		return errno == ENOENT ? 0 : -errno;
	while (r == 0 && (de = readdir(bd))) {
		char link[PATH_MAX], real[PATH_MAX];
		unsigned major, minor;

		if (!parse_devnum(de->d_name, &major, &minor))
			continue;
		if (snprintf(link, sizeof(link), "%s/%s", dir, de->d_name) >= (int)sizeof(link)) {
			r = -ENAMETOOLONG;
			break;
		}
		if (!realpath(link, real))
			continue;
		r = add_dev(s, real, major, minor);
	}
	closedir(bd);
	return r;
}

static int syspath_cmp(const void *a, const void *b)
{
	return strcmp(((const struct dev *)a)->syspath, ((const struct dev *)b)->syspath);
}

/* The device whose syspath is @path, or NULL: @s sorted by syspath. */
static struct dev *find_syspath(const struct devs *s, const char *path)
{
	struct dev key = { .syspath = (char *)path };

	if (!s->n)
		return NULL;
	return bsearch(&key, s->v, s->n, sizeof(s->v[0]), syspath_cmp);
}

/* A partition's directory is in its disk's: its parent's.  @s sorted by syspath. */
static void find_disks(struct devs *s)
{
	for (size_t i = 0; i < s->n; i++) {
		struct dev *d = &s->v[i], *disk;
		const char *slash = strrchr(d->syspath, '/');
		char parent[PATH_MAX];

		d->disk_major = d->bd.major;
		d->disk_minor = d->bd.minor;
		if (!slash || (size_t)(slash - d->syspath) >= sizeof(parent))
			continue;
		memcpy(parent, d->syspath, (size_t)(slash - d->syspath));
		parent[slash - d->syspath] = '\0';
		disk = find_syspath(s, parent);
		if (disk) {
			strcpy(d->bd.disk, disk->bd.name);
			d->disk_major = disk->bd.major;
			d->disk_minor = disk->bd.minor;
		}
	}
}

/* libblkid's value @name into @buf, cut to fit at a character boundary. */
static void probe_value(blkid_probe pr, const char *name, char *buf, size_t size)
{
	const char *v;
	size_t len;

	if (blkid_probe_lookup_value(pr, name, &v, NULL) != 0)
		return;
	len = strnlen(v, size - 1);
	if (v[len])
		while (len > 0 && ((unsigned char)v[len] & 0xc0) == 0x80)
			len--;
	memcpy(buf, v, len);
	buf[len] = '\0';
}

/* What is on ROOT/DEVPATH; failing to look is not an error, but running out of memory is. */
static int probe(const char *root, struct blockdev *bd)
{
	char path[PATH_MAX];
	blkid_probe pr;
	int r;

	r = root_path(path, sizeof(path), root, bd->devpath);
	if (r < 0)
		return r;
	errno = 0;
	pr = blkid_new_probe_from_filename(path);
	if (!pr) {
		r = errno ? -errno : -EIO;
		if (r == -ENOMEM)
			return r;
		bd->probe_err = r;
		return 0;
	}
	blkid_probe_enable_superblocks(pr, 1);
	errno = 0;
	r = blkid_do_safeprobe(pr);
	if (r == 0) {
		probe_value(pr, "TYPE", bd->fstype, sizeof(bd->fstype));
		probe_value(pr, "LABEL", bd->label, sizeof(bd->label));
		probe_value(pr, "UUID", bd->uuid, sizeof(bd->uuid));
	} else if (r == -1) {
		/* 1 is nothing found, -2 more than one: neither is a failure to read. */
		bd->probe_err = errno ? -errno : -EIO;
	}
	blkid_free_probe(pr);
	return 0;
}

/*
 * @path (unescaped, without ROOT) as a source: false when it is no device
 * ("tmpfs", a swap file).  A device node is known by its number; a regular
 * file, as in fake roots, by the name it resolves to.
 */
static bool resolve_source(const char *root, const char *path, struct source *src)
{
	char full[PATH_MAX], real[PATH_MAX];
	struct stat st;

	memset(src, 0, sizeof(*src));
	src->path = path;
	if (strncmp(path, "/dev/", 5) != 0 || root_path(full, sizeof(full), root, path) < 0)
		return false;
	if (stat(full, &st) == 0 && S_ISBLK(st.st_mode)) {
		src->has_devnum = true;
		src->major = major(st.st_rdev);
		src->minor = minor(st.st_rdev);
		return true;
	}
	/* Too long a name is none of ours. */
	if (str_copy(src->name, sizeof(src->name), base_name(realpath(full, real) ? real : path)))
		src->name[0] = '\0';
	return true;
}

static bool source_is(const struct source *src, unsigned major, unsigned minor, const char *name,
		      const char *devpath)
{
	if (src->has_devnum)
		return major && src->major == major && src->minor == minor;
	return (src->name[0] && strcmp(src->name, name) == 0) ||
	       (devpath && strcmp(src->path, devpath) == 0);
}

/* @src is mounted at @word (or is "[SWAP]"): on one of ours, or on a holder of one. */
static void mark(struct devs *s, const struct source *src, const char *word, bool system)
{
	for (size_t i = 0; i < s->n; i++) {
		struct dev *d = &s->v[i];

		if (source_is(src, d->bd.major, d->bd.minor, d->bd.name, d->bd.devpath)) {
			list_add(d->bd.mountpoints, sizeof(d->bd.mountpoints), word);
			d->bd.system |= system;
			continue;
		}
		for (size_t j = 0; system && j < d->n_holders; j++)
			if (source_is(src, d->holders[j].major, d->holders[j].minor,
				      d->holders[j].name, NULL))
				d->bd.system = true;
	}
}

static bool system_mount(const char *mnt)
{
	static const char *const sys[] = { "/", "/boot", "/boot/efi", "/usr", "/var", "/sysroot" };

	for (size_t i = 0; i < sizeof(sys) / sizeof(sys[0]); i++)
		if (strcmp(mnt, sys[i]) == 0)
			return true;
	return false;
}

/* ROOT/@path opened for reading; NULL with errno ENOENT when it is not there. */
static FILE *open_proc(const char *root, const char *path)
{
	char full[PATH_MAX];

	if (root_path(full, sizeof(full), root, path) < 0) {
		errno = ENAMETOOLONG;
		return NULL;
	}
	return fopen(full, "re");
}

/*
 * proc_pid_mountinfo(5): ID PARENT MAJ:MIN ROOT MOUNTPOINT OPTIONS
 * [OPTIONAL...] - FSTYPE SOURCE SUPEROPTIONS.  btrfs and the like show an
 * anonymous 0:N; for them the source names the device.
 */
static void mount_line(struct devs *s, char *line)
{
	char *f[64], *p = line, *mnt, mnt_dec[PATH_MAX];
	size_t n = 0, sep = 0;
	unsigned major, minor;
	struct source src;

	while (n < sizeof(f) / sizeof(f[0]) && (f[n] = strsep(&p, " ")))
		n++;
	for (size_t i = 6; i < n; i++)
		if (strcmp(f[i], "-") == 0) {
			sep = i;
			break;
		}
	if (!sep || sep + 2 >= n || !parse_devnum(f[2], &major, &minor))
		return;
	mnt = f[4];
	snprintf(mnt_dec, sizeof(mnt_dec), "%s", mnt);
	unescape(mnt_dec);
	if (major) {
		memset(&src, 0, sizeof(src));
		src.has_devnum = true;
		src.major = major;
		src.minor = minor;
		src.path = "";
	} else {
		unescape(f[sep + 2]);
		if (!resolve_source(s->root, f[sep + 2], &src))
			return;
	}
	mark(s, &src, mnt, system_mount(mnt_dec));
}

/* proc_swaps(5): a header, then FILENAME TYPE SIZE USED PRIORITY. */
static void swap_line(struct devs *s, char *line)
{
	struct source src;

	line[strcspn(line, " \t")] = '\0';
	unescape(line);
	if (resolve_source(s->root, line, &src))
		mark(s, &src, "[SWAP]", true);
}

static int read_lines(struct devs *s, const char *path, bool header,
		      void (*fn)(struct devs *s, char *line))
{
	char *line = NULL;
	size_t size = 0;
	ssize_t len;
	FILE *f;
	int r = 0;

	f = open_proc(s->root, path);
	if (!f)
		return errno == ENOENT ? 0 : -errno;
	while ((len = getline(&line, &size, f)) >= 0) {
		if (len > 0 && line[len - 1] == '\n')
			line[--len] = '\0';
		if (header)
			header = false;
		else
			fn(s, line);
	}
	if (ferror(f))
		r = -EIO;
	free(line);
	fclose(f);
	return r;
}

static int num_cmp(unsigned a, unsigned b)
{
	return a < b ? -1 : a > b;
}

/* Disks by device number, each followed by its partitions by device number. */
static int dev_cmp(const void *a, const void *b)
{
	const struct dev *x = a, *y = b;
	int c;

	c = num_cmp(x->disk_major, y->disk_major);
	if (!c)
		c = num_cmp(x->disk_minor, y->disk_minor);
	if (!c)
		c = num_cmp(!!x->bd.disk[0], !!y->bd.disk[0]);
	if (!c)
		c = num_cmp(x->bd.major, y->bd.major);
	if (!c)
		c = num_cmp(x->bd.minor, y->bd.minor);
	return c;
}

static int dev_ptr_cmp(const void *a, const void *b)
{
	return dev_cmp(*(const struct dev *const *)a, *(const struct dev *const *)b);
}

int blockdev_set_read(const char *root, struct blockdev_set **out)
{
	struct blockdev_set *set = calloc(1, sizeof(*set));
	struct devs *s;
	int r;

	*out = NULL;
	if (!set)
		return -ENOMEM;
	set->root = strdup(root ? root : "");
	if (!set->root) {
		free(set);
		return -ENOMEM;
	}
	s = &set->s;
	s->root = set->root;
	r = collect(s);
	if (r == -ENOMEM)
		goto fail;
	if (r < 0) {
		/* Every answer is then this error, as every look below a function would be. */
		devs_free(s);
		set->err = r;
		*out = set;
		return 0;
	}
	if (s->n) {
		qsort(s->v, s->n, sizeof(s->v[0]), syspath_cmp);
		find_disks(s);
		r = read_lines(s, "/proc/self/mountinfo", false, mount_line);
		if (r == 0)
			r = read_lines(s, "/proc/swaps", true, swap_line);
		set->mount_err = r;
	}
	/* A disk serves the system when one of its partitions does. */
	for (size_t i = 0; i < s->n; i++)
		for (size_t j = 0; s->v[i].bd.system && j < s->n; j++)
			if (strcmp(s->v[j].bd.name, s->v[i].bd.disk) == 0)
				s->v[j].bd.system = true;
	*out = set;
	return 0;
fail:
	blockdev_set_free(set);
	return r;
}

void blockdev_set_free(struct blockdev_set *set)
{
	if (!set)
		return;
	devs_free(&set->s);
	free(set->root);
	free(set);
}

/* The first device of @s whose syspath is @prefix or after it. */
static size_t lower_bound(const struct devs *s, const char *prefix)
{
	size_t lo = 0, hi = s->n;

	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;

		if (strcmp(s->v[mid].syspath, prefix) < 0)
			lo = mid + 1;
		else
			hi = mid;
	}
	return lo;
}

int blockdev_set_behind(const struct blockdev_set *set, const char *pcidev_syspath,
			bool probe_them, struct blockdev **out, size_t *n)
{
	const struct devs *s = &set->s;
	const struct dev **order;
	char under[PATH_MAX];
	struct blockdev *v;
	size_t ulen, lo, hi;
	int r;

	*out = NULL;
	*n = 0;
	r = str_copy(under, sizeof(under), pcidev_syspath);
	if (r < 0)
		return r;
	ulen = strlen(under);
	while (ulen > 1 && under[ulen - 1] == '/')
		under[--ulen] = '\0';
	if (!base_name(under)[0])
		return -EINVAL;
	if (set->err < 0)
		return set->err;
	/* Those below it, "UNDER/...", are one run of strcmp() order from "UNDER/". */
	if (ulen + 1 >= sizeof(under))
		return -ENAMETOOLONG;
	under[ulen++] = '/';
	under[ulen] = '\0';
	lo = lower_bound(s, under);
	for (hi = lo; hi < s->n && strncmp(s->v[hi].syspath, under, ulen) == 0; hi++)
		if (s->v[hi].err < 0)
			return s->v[hi].err;
	if (hi == lo)
		return 0;

	v = calloc(hi - lo, sizeof(*v));
	order = calloc(hi - lo, sizeof(*order));
	if (!v || !order) {
		free(v);
		free(order);
		return -ENOMEM;
	}
	for (size_t i = lo; i < hi; i++)
		order[i - lo] = &s->v[i];
	qsort(order, hi - lo, sizeof(*order), dev_ptr_cmp);
	for (size_t i = 0; i < hi - lo; i++)
		v[i] = order[i]->bd;
	free(order);
	for (size_t i = 0; probe_them && i < hi - lo && r == 0; i++)
		r = probe(set->root, &v[i]);
	/* The errors in the order they always came: the devices, their contents, the mounts. */
	if (r == 0)
		r = set->mount_err;
	if (r < 0) {
		free(v);
		return r;
	}
	*out = v;
	*n = hi - lo;
	return 0;
}

int blockdev_behind(const char *root, const char *pcidev_syspath, struct blockdev **out,
		    size_t *n)
{
	struct blockdev_set *set;
	int r;

	*out = NULL;
	*n = 0;
	r = blockdev_set_read(root, &set);
	if (r < 0)
		return r;
	r = blockdev_set_behind(set, pcidev_syspath, true, out, n);
	blockdev_set_free(set);
	return r;
}
