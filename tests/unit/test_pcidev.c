// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * pcidev and blockdev on fake roots: test_pcidev MKFAKESYS.  Each test
 * builds its root with mkfakesys; names are checked against lspci run on
 * the same tree, and file systems are real ones made with mkfs.ext4 and
 * mkswap, so that libpci and libblkid read what they would read on a
 * machine.
 */
#include "../check.h"
#include "../../src/ctl/blockdev.h"
#include "../../src/ctl/pcidev.h"

#include <errno.h>
#include <fcntl.h>
#include <ftw.h>
#include <limits.h>
#include <stdarg.h>
#include <stdlib.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

static const char *mkfakesys;
static char base[PATH_MAX]; /* the temporary directory every root is made in */

__attribute__((format(printf, 3, 4)))
static void path_fmt(char *buf, size_t size, const char *fmt, ...)
{
	va_list ap;
	int n;

	va_start(ap, fmt);
	n = vsnprintf(buf, size, fmt, ap);
	va_end(ap);
	if (n < 0 || (size_t)n >= size) {
		fprintf(stderr, "test_pcidev: path too long: %s\n", buf);
		exit(2);
	}
}

/* Runs @argv, looked up in PATH and then in the sbin directories; its exit status. */
static int run(const char *const argv[])
{
	static const char *const sbin[] = { "/usr/sbin", "/sbin" };
	pid_t pid;
	int st;

	fflush(NULL);
	pid = fork();
	if (pid < 0)
		return -1;
	if (pid == 0) {
		char path[PATH_MAX];
		int fd = open("/dev/null", O_WRONLY);

		/* mkfs and mkswap chat; mkfakesys complains on stderr, which we keep. */
		if (fd >= 0)
			dup2(fd, STDOUT_FILENO);
		execvp(argv[0], (char *const *)argv);
		for (size_t i = 0; i < sizeof(sbin) / sizeof(sbin[0]); i++) {
			snprintf(path, sizeof(path), "%s/%s", sbin[i], argv[0]);
			execv(path, (char *const *)argv);
		}
		fprintf(stderr, "  cannot run %s: %s\n", argv[0], strerror(errno));
		_exit(127);
	}
	while (waitpid(pid, &st, 0) < 0)
		if (errno != EINTR)
			return -1;
	return WIFEXITED(st) ? WEXITSTATUS(st) : -1;
}

/* mkdir -p of the directory @path is in. */
static void make_parents(const char *path)
{
	char p[PATH_MAX];

	path_fmt(p, sizeof(p), "%s", path);
	for (char *s = p + 1; *s; s++)
		if (*s == '/') {
			*s = '\0';
			mkdir(p, 0755);
			*s = '/';
		}
}

/* ROOT/@rel holding @text (created, or replaced). */
static bool put_file(const char *root, const char *rel, const char *text)
{
	char p[PATH_MAX];
	size_t len = strlen(text);
	int fd;
	bool ok;

	path_fmt(p, sizeof(p), "%s/%s", root, rel);
	make_parents(p);
	fd = open(p, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
	if (fd < 0)
		return false;
	ok = write(fd, text, len) == (ssize_t)len;
	return close(fd) == 0 && ok;
}

static bool append_file(const char *root, const char *rel, const char *text)
{
	char p[PATH_MAX];
	size_t len = strlen(text);
	int fd;
	bool ok;

	path_fmt(p, sizeof(p), "%s/%s", root, rel);
	make_parents(p);
	fd = open(p, O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0644);
	if (fd < 0)
		return false;
	ok = write(fd, text, len) == (ssize_t)len;
	return close(fd) == 0 && ok;
}

/* A fresh fake root BASE/@name built from @spec. */
static bool fake_root(char *root, size_t size, const char *name, const char *spec)
{
	char spec_path[PATH_MAX];
	const char *argv[] = { mkfakesys, root, spec_path, NULL };

	path_fmt(root, size, "%s/%s", base, name);
	path_fmt(spec_path, sizeof(spec_path), "%s/%s.spec", base, name);
	if (!put_file("", spec_path, spec))
		return false;
	return run(argv) == 0;
}

static int rm_one(const char *path, const struct stat *st, int flag, struct FTW *ftw)
{
	(void)st;
	(void)ftw;
	return flag == FTW_DP ? rmdir(path) : unlink(path);
}

static void rm_tree(const char *path)
{
	nftw(path, rm_one, 16, FTW_DEPTH | FTW_PHYS);
}

/* lspci's whole output on ROOT with @opts, or NULL; free() it. */
static char *lspci(const char *root, const char *opts)
{
	char cmd[PATH_MAX + 256], *buf = NULL;
	size_t len = 0, cap = 0, n;
	FILE *p;

	path_fmt(cmd, sizeof(cmd),
		 "lspci -A linux-sysfs -O sysfs.path='%s/sys/bus/pci' -D %s 2>/dev/null", root,
		 opts);
	fflush(NULL);
	p = popen(cmd, "r");
	if (!p)
		return NULL;
	do {
		if (cap - len < 4096) {
			char *b = realloc(buf, cap + 65536);

			if (!b)
				break;
			buf = b;
			cap += 65536;
		}
		n = fread(buf + len, 1, cap - len - 1, p);
		len += n;
	} while (n > 0);
	if (pclose(p) != 0 || !buf || !len) {
		fprintf(stderr, "  lspci %s failed on %s (is pciutils installed?)\n", opts, root);
		free(buf);
		return NULL;
	}
	buf[len] = '\0';
	return buf;
}

/* The line of @out that starts with @addr and a space, cut at its end into @line. */
static bool find_line(const char *out, const char *addr, char *line, size_t size)
{
	size_t alen = strlen(addr);

	for (const char *p = out; p && *p; p = strchr(p, '\n'), p = p ? p + 1 : NULL)
		if (strncmp(p, addr, alen) == 0 && p[alen] == ' ') {
			size_t len = strcspn(p, "\n");

			if (len >= size)
				return false;
			memcpy(line, p, len);
			line[len] = '\0';
			return true;
		}
	return false;
}

/* The @idx'th (0-based) "quoted" field of an lspci -mm line, unescaped. */
static bool mm_field(const char *line, int idx, char *buf, size_t size)
{
	const char *p = line;

	for (int i = 0; (p = strchr(p, '"')); i++) {
		size_t n = 0;

		for (p++; *p && *p != '"'; p++) {
			if (*p == '\\' && p[1])
				p++;
			if (i == idx && n + 1 < size)
				buf[n++] = *p;
		}
		if (!*p)
			return false;
		p++;
		if (i == idx) {
			buf[n] = '\0';
			return true;
		}
	}
	return false;
}

/* lspci -v's "\tKEY: value" for the function at @addr into @buf, "" when it has none. */
static bool verbose_value(const char *out, const char *addr, const char *key, char *buf,
			  size_t size)
{
	char line[1024];
	const char *p;
	size_t klen = strlen(key);

	buf[0] = '\0';
	if (!find_line(out, addr, line, sizeof(line)))
		return false;
	p = strstr(out, line);
	for (p = strchr(p, '\n'); p && p[1] == '\t'; p = strchr(p + 1, '\n'))
		if (strncmp(p + 2, key, klen) == 0 && p[2 + klen] == ':' && p[3 + klen] == ' ') {
			size_t len = strcspn(p + 4 + klen, "\n");

			if (len >= size)
				return false;
			memcpy(buf, p + 4 + klen, len);
			buf[len] = '\0';
			break;
		}
	return true;
}

static const struct pcidev *find(const struct pcidev_list *l, const char *addr)
{
	struct pci_addr a;

	if (pci_addr_parse(addr, &a) < 0)
		return NULL;
	return pcidev_find(l, &a);
}

/* ---- pcidev --------------------------------------------------------------- */

static const char desktop[] =
	"# A root port with an NVMe drive behind it, a GPU and its audio, a USB host\n"
	"fn 0000:00:01.1 1022:1483 class=060400 driver=pcieport group=1 pcie bridge secondary=01\n"
	"fn 0000:01:00.0 144d:a808 sub=144d:a801 class=010802 driver=nvme group=2 pcie "
	"parent=0000:00:01.1\n"
	"fn 0000:0b:00.0 1002:73bf sub=1458:2323 class=030000 rev=c1 driver=amdgpu group=14 "
	"pcie boot_vga=1 reset=flr,bus\n"
	"fn 0000:0b:00.1 1002:ab28 sub=1458:2323 class=040300 driver=snd_hda_intel group=14 pcie\n"
	"fn 0000:00:00.0 1022:1480 class=060000\n"
	"fn 0000:00:14.0 1022:790b sub=1458:5001 class=0c0500 rev=61 driver=piix4_smbus\n"
	"fn 0000:00:14.3 1022:790e sub=1458:5001 class=060100 rev=51\n";

static void test_scan_reads_ids_class_driver_group_and_attributes(void)
{
	char root[PATH_MAX], want[PATH_MAX], real[PATH_MAX];
	struct pcidev_list l;
	const struct pcidev *d;

	if (!fake_root(root, sizeof(root), "desktop", desktop)) {
		CHECK(!"mkfakesys failed");
		return;
	}
	CHECK_INT(pcidev_scan(root, &l), 0);
	CHECK_INT(l.n, 7);

	d = find(&l, "0000:0b:00.0");
	CHECK(d != NULL);
	if (d) {
		CHECK_INT(d->vendor, 0x1002);
		CHECK_INT(d->device, 0x73bf);
		CHECK_INT(d->subvendor, 0x1458);
		CHECK_INT(d->subdevice, 0x2323);
		CHECK_INT(d->class, 0x030000);
		CHECK_INT(d->revision, 0xc1);
		CHECK_INT(d->header_type, 0);
		CHECK_INT(d->iommu_group, 14);
		CHECK_INT(d->boot_vga, 1);
		CHECK_STR(d->driver, "amdgpu");
		CHECK_STR(d->reset_method, "flr bus");
		CHECK_STR(d->modalias, "pci:v00001002d000073BFsv00001458sd00002323bc03sc00i00");
		CHECK_STR(d->class_name, "VGA compatible controller");
		CHECK_STR(d->desc, "Advanced Micro Devices, Inc. [AMD/ATI] "
				   "Navi 21 [Radeon RX 6800/6800 XT / 6900 XT]");
		CHECK(!pcidev_is_bridge(d));
		path_fmt(want, sizeof(want), "%s/sys/bus/pci/devices/0000:0b:00.0", root);
		CHECK(realpath(want, real) != NULL);
		CHECK_STR(d->syspath, real);
		CHECK(strstr(d->syspath, "/sys/devices/pci0000:0b/0000:0b:00.0") != NULL);
	}
	d = find(&l, "0000:0b:00.1");
	CHECK(d != NULL);
	if (d) {
		CHECK_INT(d->boot_vga, -1); /* not a VGA function: no attribute */
		CHECK_STR(d->reset_method, "");
		CHECK_STR(d->driver, "snd_hda_intel");
	}
	/* Behind the root port: its directory is in the port's. */
	d = find(&l, "0000:01:00.0");
	CHECK(d != NULL);
	if (d) {
		CHECK(strstr(d->syspath, "/pci0000:00/0000:00:01.1/0000:01:00.0") != NULL);
		CHECK_INT(d->iommu_group, 2);
		CHECK_INT(d->class, 0x010802);
	}
	d = find(&l, "0000:00:00.0");
	CHECK(d != NULL);
	if (d) {
		CHECK_INT(d->subvendor, 0); /* none */
		CHECK_INT(d->subdevice, 0);
		CHECK_STR(d->subsys_desc, "");
		CHECK_INT(d->iommu_group, -1);
		CHECK_STR(d->driver, "");
	}
	pcidev_list_free(&l);
	CHECK(l.devs == NULL && l.n == 0);
}

static void test_bridges_by_header_type_or_class(void)
{
	char root[PATH_MAX];
	struct pcidev_list l;
	const struct pcidev *d;

	if (!fake_root(root, sizeof(root), "bridges", desktop)) {
		CHECK(!"mkfakesys failed");
		return;
	}
	CHECK_INT(pcidev_scan(root, &l), 0);
	d = find(&l, "0000:00:01.1"); /* root port: type 1 header */
	CHECK(d && d->header_type == 1 && pcidev_is_bridge(d));
	d = find(&l, "0000:00:00.0"); /* host bridge: type 0 header, class 0600 */
	CHECK(d && d->header_type == 0 && pcidev_is_bridge(d));
	d = find(&l, "0000:00:14.3"); /* ISA bridge */
	CHECK(d && pcidev_is_bridge(d));
	d = find(&l, "0000:00:14.0"); /* SMBus */
	CHECK(d && !pcidev_is_bridge(d));
	d = find(&l, "0000:01:00.0");
	CHECK(d && !pcidev_is_bridge(d));
	pcidev_list_free(&l);
}

/* Bytes @len of @bytes at @off in the config space of function @addr of ROOT. */
static bool poke_config(const char *root, const char *addr, off_t off, const void *bytes,
			size_t len)
{
	char p[PATH_MAX];
	int fd;
	bool ok;

	path_fmt(p, sizeof(p), "%s/sys/bus/pci/devices/%s/config", root, addr);
	fd = open(p, O_WRONLY | O_CLOEXEC);
	if (fd < 0)
		return false;
	ok = pwrite(fd, bytes, len, off) == (ssize_t)len;
	return close(fd) == 0 && ok;
}

static bool remove_attr(const char *root, const char *addr, const char *name)
{
	char p[PATH_MAX];

	path_fmt(p, sizeof(p), "%s/sys/bus/pci/devices/%s/%s", root, addr, name);
	return unlink(p) == 0;
}

/*
 * The kernel's uevent gives the ids, class and modalias in one read; the
 * attributes that say the same are not needed, and config space, where a
 * virtual function reads ffff for its ids, is not read for them.
 */
static void test_ids_class_and_modalias_come_from_uevent(void)
{
	static const char *const gone[] = {
		"vendor", "device", "subsystem_vendor", "subsystem_device", "class", "modalias",
	};
	static const uint8_t vf_ids[4] = { 0xff, 0xff, 0xff, 0xff };
	char root[PATH_MAX];
	struct pcidev_list l;
	const struct pcidev *d;

	if (!fake_root(root, sizeof(root), "uevent",
		       "fn 0000:00:01.1 1022:1483 sub=1458:1000 class=060400 driver=pcieport "
		       "group=1 pcie bridge secondary=03\n"
		       "fn 0000:03:10.0 8086:10ca sub=8086:0000 class=020000 rev=01 driver=igbvf "
		       "group=20 pcie parent=0000:00:01.1\n")) {
		CHECK(!"mkfakesys failed");
		return;
	}
	for (size_t i = 0; i < sizeof(gone) / sizeof(gone[0]); i++) {
		CHECK(remove_attr(root, "0000:03:10.0", gone[i]));
		CHECK(remove_attr(root, "0000:00:01.1", gone[i]));
	}
	CHECK(poke_config(root, "0000:03:10.0", 0, vf_ids, sizeof(vf_ids)));
	CHECK_INT(pcidev_scan(root, &l), 0);
	CHECK_INT(l.n, 2);
	d = find(&l, "0000:03:10.0");
	CHECK(d != NULL);
	if (d) {
		CHECK_INT(d->vendor, 0x8086);
		CHECK_INT(d->device, 0x10ca);
		CHECK_INT(d->subvendor, 0x8086);
		CHECK_INT(d->subdevice, 0x0000);
		CHECK_INT(d->class, 0x020000);
		CHECK_INT(d->revision, 0x01);
		CHECK_INT(d->header_type, 0);
		CHECK_STR(d->modalias, "pci:v00008086d000010CAsv00008086sd00000000bc02sc00i00");
		CHECK_STR(d->class_name, "Ethernet controller");
		CHECK(strstr(d->desc, "82576 Virtual Function") != NULL);
		CHECK(!pcidev_is_bridge(d));
	}
	/* A bridge: its subsystem is the kernel's (from its SSVID capability). */
	d = find(&l, "0000:00:01.1");
	CHECK(d != NULL);
	if (d) {
		CHECK_INT(d->subvendor, 0x1458);
		CHECK_INT(d->subdevice, 0x1000);
		CHECK_INT(d->class, 0x060400);
		CHECK_INT(d->header_type, 1);
		CHECK(pcidev_is_bridge(d));
	}
	pcidev_list_free(&l);
}

/*
 * A uevent that is not the kernel's (no PCI_ID) or none at all: libpci
 * reads the attributes, as lspci does; a revision without its attribute
 * comes from config space, as libpci takes it.
 */
static void test_function_without_a_kernel_uevent_is_read_from_its_attributes(void)
{
	char root[PATH_MAX], want[PATH_MAX];
	struct pcidev_list l;
	const struct pcidev *d;

	if (!fake_root(root, sizeof(root), "nouevent", desktop)) {
		CHECK(!"mkfakesys failed");
		return;
	}
	path_fmt(want, sizeof(want), "sys/bus/pci/devices/0000:0b:00.0/uevent");
	CHECK(put_file(root, want, "DRIVER=amdgpu\nPCI_SLOT_NAME=0000:0b:00.0\n"));
	CHECK(remove_attr(root, "0000:0b:00.1", "uevent"));
	CHECK(remove_attr(root, "0000:0b:00.0", "revision"));
	CHECK_INT(pcidev_scan(root, &l), 0);
	CHECK_INT(l.n, 7);
	d = find(&l, "0000:0b:00.0");
	CHECK(d != NULL);
	if (d) {
		CHECK_INT(d->vendor, 0x1002);
		CHECK_INT(d->device, 0x73bf);
		CHECK_INT(d->subvendor, 0x1458);
		CHECK_INT(d->subdevice, 0x2323);
		CHECK_INT(d->class, 0x030000);
		CHECK_INT(d->revision, 0xc1);
		CHECK_STR(d->modalias, "pci:v00001002d000073BFsv00001458sd00002323bc03sc00i00");
		CHECK_STR(d->driver, "amdgpu");
	}
	d = find(&l, "0000:0b:00.1");
	CHECK(d != NULL);
	if (d) {
		CHECK_INT(d->vendor, 0x1002);
		CHECK_INT(d->device, 0xab28);
		CHECK_INT(d->class, 0x040300);
		CHECK_STR(d->modalias, "pci:v00001002d0000AB28sv00001458sd00002323bc04sc03i00");
	}
	pcidev_list_free(&l);
}

/* Every function's syspath is realpath()'s answer for ROOT/sys/bus/pci/devices/ADDR. */
static void check_syspaths(const char *root, const struct pcidev_list *l)
{
	char p[PATH_MAX], real[PATH_MAX], a[PCI_ADDR_STRLEN];

	for (size_t i = 0; i < l->n; i++) {
		pci_addr_format(&l->devs[i].addr, a);
		path_fmt(p, sizeof(p), "%s/sys/bus/pci/devices/%s", root, a);
		CHECK(realpath(p, real) != NULL);
		CHECK_STR(l->devs[i].syspath, real);
	}
}

/*
 * The device's directory is taken from the text of the kernel's link,
 * "../../../devices/...", joined to ROOT/sys's real path; other links,
 * and a root whose bus directory is elsewhere, go through realpath().
 */
static void test_device_path_from_the_link_is_realpaths(void)
{
	char root[PATH_MAX], link[PATH_MAX], p[PATH_MAX], target[PATH_MAX], moved[PATH_MAX];
	struct pcidev_list l;

	if (!fake_root(root, sizeof(root), "links", desktop)) {
		CHECK(!"mkfakesys failed");
		return;
	}
	CHECK_INT(pcidev_scan(root, &l), 0);
	CHECK_INT(l.n, 7);
	check_syspaths(root, &l);
	pcidev_list_free(&l);

	/* The root named through a link of its own. */
	path_fmt(link, sizeof(link), "%s/links-link", base);
	CHECK(symlink("links", link) == 0);
	CHECK_INT(pcidev_scan(link, &l), 0);
	check_syspaths(link, &l);
	CHECK(l.n && strstr(l.devs[0].syspath, "/links-link/") == NULL);
	pcidev_list_free(&l);

	/* A link that is not the kernel's: absolute, and through ".." and ".". */
	path_fmt(p, sizeof(p), "%s/sys/bus/pci/devices/0000:0b:00.0", root);
	path_fmt(target, sizeof(target), "%s/sys/devices/pci0000:0b/0000:0b:00.0", root);
	CHECK(unlink(p) == 0 && symlink(target, p) == 0);
	path_fmt(p, sizeof(p), "%s/sys/bus/pci/devices/0000:0b:00.1", root);
	CHECK(unlink(p) == 0 &&
	      symlink("../../../devices/pci0000:0b/../pci0000:0b/./0000:0b:00.1", p) == 0);
	CHECK_INT(pcidev_scan(root, &l), 0);
	CHECK_INT(l.n, 7);
	check_syspaths(root, &l);
	pcidev_list_free(&l);

	/* ROOT/sys/bus elsewhere: ../../../devices from it is not ROOT/sys/devices. */
	path_fmt(p, sizeof(p), "%s/sys/bus", root);
	path_fmt(moved, sizeof(moved), "%s/elsewhere/bus", base);
	make_parents(moved);
	CHECK(rename(p, moved) == 0 && symlink(moved, p) == 0);
	path_fmt(p, sizeof(p), "%s/elsewhere/devices", base);
	path_fmt(target, sizeof(target), "%s/sys/devices", root);
	CHECK(symlink(target, p) == 0);
	CHECK_INT(pcidev_scan(root, &l), 0);
	CHECK_INT(l.n, 7);
	check_syspaths(root, &l);
	pcidev_list_free(&l);
}

static void test_scan_sorts_by_address_across_domains(void)
{
	static const char *const order[] = {
		"0000:00:00.0", "0000:00:1f.7", "0000:03:00.0", "0000:03:00.1", "0000:10:00.0",
		"0001:00:02.0", "10000:00:00.0", "10000:01:00.0",
	};
	char root[PATH_MAX];
	struct pcidev_list l;

	if (!fake_root(root, sizeof(root), "order",
		       "fn 10000:01:00.0 8086:0001 class=ff0000\n"
		       "fn 0000:03:00.1 8086:0002 class=ff0000\n"
		       "fn 0001:00:02.0 8086:0003 class=ff0000\n"
		       "fn 0000:10:00.0 8086:0004 class=ff0000\n"
		       "fn 0000:00:1f.7 8086:0005 class=ff0000\n"
		       "fn 10000:00:00.0 8086:0006 class=ff0000\n"
		       "fn 0000:03:00.0 8086:0007 class=ff0000\n"
		       "fn 0000:00:00.0 8086:0008 class=ff0000\n")) {
		CHECK(!"mkfakesys failed");
		return;
	}
	CHECK_INT(pcidev_scan(root, &l), 0);
	CHECK_INT(l.n, sizeof(order) / sizeof(order[0]));
	for (size_t i = 0; i < l.n && i < sizeof(order) / sizeof(order[0]); i++) {
		char a[PCI_ADDR_STRLEN];

		pci_addr_format(&l.devs[i].addr, a);
		CHECK_STR(a, order[i]);
		CHECK(pcidev_find(&l, &l.devs[i].addr) == &l.devs[i]);
	}
	pcidev_list_free(&l);
}

/* Known and unknown ids, names longer than lspci's buffers, quotes in names. */
static const char names_spec[] =
	"fn 0000:00:01.0 144d:a808 sub=144d:a801 class=010802 driver=nvme group=3\n"
	"fn 0000:00:02.0 1234:5678 class=ff0000\n"
	"fn 0000:00:03.0 8086:5678 sub=8086:0001 class=0c0330\n"
	"fn 0000:00:04.0 15b3:673c class=020000\n"
	"fn 0000:00:05.0 17df:1901 sub=17df:1901 class=ff0000\n"
	"fn 0000:00:06.0 1092:9999 class=040100\n"
	"fn 0000:00:07.0 1002:4966 sub=148c:2039 class=030000\n"
	"fn 0000:00:08.0 1af4:1041 sub=1af4:1100 class=020000 rev=01 driver=virtio-pci\n"
	"fn 0000:00:09.0 8086:1234 class=0d9900\n"
	"fn 0000:00:0a.0 abcd:ef01 sub=abcd:0001 class=123456\n"
	"fn 0000:00:0b.0 8086:1234 sub=ffff:ffff class=ff0000\n"
	"fn 0000:0b:00.0 1002:73bf sub=1458:2323 class=030000 rev=c1 driver=amdgpu group=14\n";

static void test_names_are_what_lspci_prints(void)
{
	char root[PATH_MAX], line[1024], field[512], want[1024];
	char *terse, *mm, *verbose, *vmm;
	struct pcidev_list l;

	if (!fake_root(root, sizeof(root), "names", names_spec)) {
		CHECK(!"mkfakesys failed");
		return;
	}
	CHECK_INT(pcidev_scan(root, &l), 0);
	CHECK_INT(l.n, 12);
	terse = lspci(root, "");
	mm = lspci(root, "-mm");
	verbose = lspci(root, "-v");
	vmm = lspci(root, "-vmm");
	CHECK(terse && mm && verbose && vmm);
	for (size_t i = 0; terse && mm && verbose && vmm && i < l.n; i++) {
		const struct pcidev *d = &l.devs[i];
		char a[PCI_ADDR_STRLEN];

		pci_addr_format(&d->addr, a);
		/* "ADDR CLASS: VENDOR DEVICE (rev NN)" */
		if (d->revision)
			path_fmt(want, sizeof(want), "%s %s: %s (rev %02x)", a, d->class_name,
				 d->desc, d->revision);
		else
			path_fmt(want, sizeof(want), "%s %s: %s", a, d->class_name, d->desc);
		CHECK(find_line(terse, a, line, sizeof(line)));
		CHECK_STR(want, line);

		CHECK(find_line(mm, a, line, sizeof(line)));
		CHECK(mm_field(line, 0, field, sizeof(field)));
		CHECK_STR(d->class_name, field);
		CHECK(mm_field(line, 1, field, sizeof(field)));
		CHECK_STR(d->vendor_name, field);
		CHECK(mm_field(line, 2, field, sizeof(field)));
		CHECK_STR(d->device_name, field);

		CHECK(verbose_value(verbose, a, "Subsystem", field, sizeof(field)));
		CHECK_STR(d->subsys_desc, field);
		CHECK(verbose_value(verbose, a, "Kernel driver in use", field, sizeof(field)));
		CHECK_STR(d->driver, field);
		/* -vmm's records are "Slot:\tADDR" and then "Key:\tvalue" lines. */
		path_fmt(want, sizeof(want), "Slot:\t%s\n", a);
		{
			const char *rec = strstr(vmm, want), *g;
			const char *end = rec ? strstr(rec, "\n\n") : NULL;

			CHECK(rec != NULL);
			g = rec ? strstr(rec, "IOMMUGroup:\t") : NULL;
			if (g && end && g > end)
				g = NULL;
			if (d->iommu_group >= 0)
				CHECK(g && atoi(g + 12) == d->iommu_group);
			else
				CHECK(g == NULL);
		}
	}
	/* The cases that matter, spelled out. */
	{
		const struct pcidev *d = find(&l, "0000:00:02.0");

		CHECK(d && strcmp(d->desc, "Device 1234:5678") == 0);
		CHECK(d && strcmp(d->vendor_name, "Vendor 1234") == 0);
		d = find(&l, "0000:00:04.0");
		CHECK(d && strlen(d->desc) == PCIDEV_NAME_MAX - 1);
		CHECK(d && strcmp(d->desc + PCIDEV_NAME_MAX - 4, "...") == 0);
		d = find(&l, "0000:00:06.0");
		CHECK(d && strstr(d->device_name, "\"Monster sound\"") != NULL);
		d = find(&l, "0000:00:07.0");
		CHECK(d && strstr(d->subsys_desc, "\"Evil Commando\"") != NULL);
		d = find(&l, "0000:00:0b.0"); /* ffff: no subsystem */
		CHECK(d && d->subvendor == 0 && d->subdevice == 0 && !d->subsys_desc[0]);
	}
	free(terse);
	free(mm);
	free(verbose);
	free(vmm);
	pcidev_list_free(&l);
}

static void test_find_and_find_id_with_identical_ids(void)
{
	char root[PATH_MAX], a[PCI_ADDR_STRLEN];
	struct pcidev_list l;
	const struct pcidev *hits[4], *one[1];
	struct pci_id id = { .vendor = 0x8086, .device = 0x10ca };
	struct pci_addr addr;

	if (!fake_root(root, sizeof(root), "ids",
		       "fn 0000:03:10.2 8086:10ca sub=8086:0000 class=020000 driver=igbvf\n"
		       "fn 0000:03:10.0 8086:10ca sub=8086:0000 class=020000 driver=igbvf\n"
		       "fn 0000:04:00.0 8086:10ca sub=15d9:10ca class=020000\n"
		       "fn 0000:00:1f.0 8086:10cb class=020000\n")) {
		CHECK(!"mkfakesys failed");
		return;
	}
	CHECK_INT(pcidev_scan(root, &l), 0);
	CHECK_INT(pcidev_find_id(&l, &id, hits, 4), 3);
	pci_addr_format(&hits[0]->addr, a);
	CHECK_STR(a, "0000:03:10.0");
	pci_addr_format(&hits[1]->addr, a);
	CHECK_STR(a, "0000:03:10.2");
	pci_addr_format(&hits[2]->addr, a);
	CHECK_STR(a, "0000:04:00.0");
	/* More than fit: the count, and the first ones. */
	CHECK_INT(pcidev_find_id(&l, &id, one, 1), 3);
	CHECK(one[0] == hits[0]);
	CHECK_INT(pcidev_find_id(&l, &id, NULL, 0), 3);

	id.has_subsys = true;
	id.subvendor = 0x8086;
	id.subdevice = 0x0000;
	CHECK_INT(pcidev_find_id(&l, &id, hits, 4), 2);
	id.subvendor = 0x15d9;
	id.subdevice = 0x10ca;
	CHECK_INT(pcidev_find_id(&l, &id, hits, 4), 1);
	CHECK(hits[0] == find(&l, "0000:04:00.0"));
	id = (struct pci_id){ .vendor = 0x8086, .device = 0x1234 };
	CHECK_INT(pcidev_find_id(&l, &id, hits, 4), 0);

	CHECK(find(&l, "0000:03:10.1") == NULL);
	CHECK(find(&l, "0001:03:10.0") == NULL);
	CHECK(find(&l, "0000:00:1f.0") == &l.devs[0]);
	CHECK(find(&l, "0000:04:00.0") == &l.devs[3]);
	pcidev_list_free(&l);
	CHECK(pci_addr_parse("0000:00:1f.0", &addr) == 0);
	CHECK(pcidev_find(&l, &addr) == NULL); /* an empty list */
}

static void test_missing_bus_is_enoent(void)
{
	char root[PATH_MAX], msg[256];
	struct pcidev_list l = { .n = 99 };

	path_fmt(root, sizeof(root), "%s/empty", base);
	CHECK(mkdir(root, 0755) == 0);
	CHECK_INT(pcidev_scan_msg(root, &l, msg, sizeof(msg)), -ENOENT);
	CHECK(l.devs == NULL && l.n == 0);
	CHECK(strstr(msg, "sys/bus/pci") != NULL);
	path_fmt(root, sizeof(root), "%s/does-not-exist", base);
	CHECK_INT(pcidev_scan(root, &l), -ENOENT);
}

/*
 * libpci's error handler would print and exit; ours returns.  libpci reads
 * the attributes only for a function without a kernel's uevent: this one
 * has none, and no vendor attribute either.
 */
static void test_libpci_error_comes_back_as_errno(void)
{
	char root[PATH_MAX], p[PATH_MAX], msg[1024];
	struct pcidev_list l;

	if (!fake_root(root, sizeof(root), "novendor", desktop)) {
		CHECK(!"mkfakesys failed");
		return;
	}
	path_fmt(p, sizeof(p), "%s/sys/bus/pci/devices/0000:0b:00.1/uevent", root);
	CHECK(unlink(p) == 0);
	path_fmt(p, sizeof(p), "%s/sys/bus/pci/devices/0000:0b:00.1/vendor", root);
	CHECK(unlink(p) == 0);
	CHECK_INT(pcidev_scan_msg(root, &l, msg, sizeof(msg)), -ENOENT);
	CHECK(l.devs == NULL && l.n == 0);
	CHECK(strstr(msg, "0000:0b:00.1/vendor") != NULL);
	/* A second scan starts afresh. */
	CHECK(put_file(root, "sys/bus/pci/devices/0000:0b:00.1/vendor", "0x1002\n"));
	CHECK_INT(pcidev_scan_msg(root, &l, msg, sizeof(msg)), 0);
	CHECK_STR(msg, "");
	CHECK_INT(l.n, 7);
	pcidev_list_free(&l);
}

static void test_entry_that_is_no_address_is_einval(void)
{
	char root[PATH_MAX], msg[1024];
	struct pcidev_list l;

	if (!fake_root(root, sizeof(root), "junk", desktop)) {
		CHECK(!"mkfakesys failed");
		return;
	}
	CHECK(put_file(root, "sys/bus/pci/devices/junk", ""));
	CHECK_INT(pcidev_scan_msg(root, &l, msg, sizeof(msg)), -EINVAL);
	CHECK(strstr(msg, "junk") != NULL);
	CHECK(l.n == 0);
}

/* Unplugged between readdir and read: the directory goes first, here. */
static void test_function_that_went_away_is_left_out(void)
{
	char root[PATH_MAX], p[PATH_MAX];
	struct pcidev_list l;

	if (!fake_root(root, sizeof(root), "unplug", desktop)) {
		CHECK(!"mkfakesys failed");
		return;
	}
	path_fmt(p, sizeof(p), "%s/sys/devices/pci0000:0b/0000:0b:00.1", root);
	rm_tree(p);
	CHECK_INT(pcidev_scan(root, &l), 0);
	CHECK_INT(l.n, 6);
	CHECK(find(&l, "0000:0b:00.1") == NULL);
	CHECK(find(&l, "0000:0b:00.0") != NULL);
	pcidev_list_free(&l);
}

/*
 * ROOT/sys/bus/pci/devices/ADDR/@name replaced by a link of @len bytes or
 * more to the same place ("./" repeated before the old target).
 */
static bool lengthen_link(const char *root, const char *addr, const char *name, size_t len)
{
	char p[PATH_MAX], target[PATH_MAX], longer[PATH_MAX];
	ssize_t n;
	size_t at = 0;

	path_fmt(p, sizeof(p), "%s/sys/bus/pci/devices/%s/%s", root, addr, name);
	n = readlink(p, target, sizeof(target) - 1);
	if (n < 0 || len + (size_t)n >= sizeof(longer))
		return false;
	target[n] = '\0';
	while (at < len) {
		memcpy(longer + at, "./", 2);
		at += 2;
	}
	memcpy(longer + at, target, (size_t)n + 1);
	return unlink(p) == 0 && symlink(longer, p) == 0;
}

/* libpci 3.9 overflows a buffer on a link of 1 KiB or more (lspci -k aborts). */
static void test_driver_and_group_links_of_any_length_are_read(void)
{
	char root[PATH_MAX];
	struct pcidev_list l;
	const struct pcidev *d;

	if (!fake_root(root, sizeof(root), "longlinks", desktop)) {
		CHECK(!"mkfakesys failed");
		return;
	}
	CHECK(lengthen_link(root, "0000:0b:00.0", "driver", 2048));
	CHECK(lengthen_link(root, "0000:0b:00.0", "iommu_group", 2048));
	/* The longest a symlink can be: PATH_MAX - 1 bytes. */
	CHECK(lengthen_link(root, "0000:0b:00.1", "driver", PATH_MAX - 64));
	CHECK_INT(pcidev_scan(root, &l), 0);
	CHECK_INT(l.n, 7);
	d = find(&l, "0000:0b:00.0");
	CHECK(d != NULL);
	if (d) {
		CHECK_STR(d->driver, "amdgpu");
		CHECK_INT(d->iommu_group, 14);
	}
	d = find(&l, "0000:0b:00.1");
	CHECK(d != NULL);
	if (d)
		CHECK_STR(d->driver, "snd_hda_intel");
	pcidev_list_free(&l);
}

/* ---- blockdev ------------------------------------------------------------- */

#define UUID_BOOT "0e5f6a7b-0000-4000-8000-000000000001"
#define UUID_ROOT "0e5f6a7b-0000-4000-8000-000000000002"
#define UUID_SWAP "0e5f6a7b-0000-4000-8000-000000000003"

static const char disks_spec[] =
	"fn 0000:00:01.1 1022:1483 class=060400 driver=pcieport group=1 pcie bridge secondary=01\n"
	"fn 0000:01:00.0 144d:a808 sub=144d:a801 class=010802 driver=nvme group=2 pcie "
	"parent=0000:00:01.1\n"
	"fn 0000:02:00.0 1987:5012 class=010802 driver=nvme group=3 pcie\n"
	"nvme 0000:01:00.0 nvme0n1 259:0\n"
	"part nvme0n1 nvme0n1p1 259:1 size=2048\n"
	"part nvme0n1 nvme0n1p2 259:2 size=2048\n"
	"part nvme0n1 nvme0n1p3 259:3 size=128\n"
	"nvme 0000:02:00.0 nvme1n1 259:4\n"
	"part nvme1n1 nvme1n1p1 259:5\n"
	"mount 259:2 / ext4 /dev/nvme0n1p2\n"
	"mount 259:1 /boot ext4 /dev/nvme0n1p1\n"
	"mount 259:5 /data xfs /dev/nvme1n1p1\n"
	"swap /dev/nvme0n1p3 64\n";

/* Real file systems where libblkid looks: ROOT/dev/NAME. */
static bool make_filesystems(const char *root)
{
	char p1[PATH_MAX], p2[PATH_MAX], p3[PATH_MAX];
	/* 1 MiB is too small for a journal, and mkfs would say so. */
	const char *boot[] = { "mkfs.ext4", "-q", "-F", "-O", "^has_journal", "-L", "boot",
			       "-U", UUID_BOOT, p1, "1M", NULL };
	const char *rootfs[] = { "mkfs.ext4", "-q", "-F", "-O", "^has_journal", "-L", "root",
				 "-U", UUID_ROOT, p2, "1M", NULL };
	const char *swap[] = { "mkswap", "-q", "-L", "swap", "-U", UUID_SWAP, p3, NULL };

	path_fmt(p1, sizeof(p1), "%s/dev/nvme0n1p1", root);
	path_fmt(p2, sizeof(p2), "%s/dev/nvme0n1p2", root);
	path_fmt(p3, sizeof(p3), "%s/dev/nvme0n1p3", root);
	if (!put_file("", p3, "") || truncate(p3, 64 << 10) < 0)
		return false;
	return run(boot) == 0 && run(rootfs) == 0 && run(swap) == 0;
}

static void test_block_devices_behind_a_function(void)
{
	char root[PATH_MAX];
	struct pcidev_list l;
	struct blockdev *b = NULL;
	const struct blockdev *x;
	const struct pcidev *d;
	size_t n = 0;

	if (!fake_root(root, sizeof(root), "disks", disks_spec) || !make_filesystems(root)) {
		CHECK(!"mkfakesys or mkfs failed");
		return;
	}
	/* A second mount of the root file system, at a path with a space. */
	CHECK(append_file(root, "proc/self/mountinfo",
			  "90 36 259:2 /home /mnt/my\\040disk rw - ext4 /dev/nvme0n1p2 rw\n"
			  "91 36 0:22 / /tmp rw - tmpfs tmpfs rw\n"));
	CHECK_INT(pcidev_scan(root, &l), 0);
	d = find(&l, "0000:01:00.0");
	CHECK(d != NULL);
	if (!d)
		goto out;
	CHECK_INT(blockdev_behind(root, d->syspath, &b, &n), 0);
	CHECK_INT(n, 4);
	if (n != 4)
		goto out;
	/* The disk, then its partitions. */
	CHECK_STR(b[0].name, "nvme0n1");
	CHECK_STR(b[1].name, "nvme0n1p1");
	CHECK_STR(b[2].name, "nvme0n1p2");
	CHECK_STR(b[3].name, "nvme0n1p3");

	x = &b[0];
	CHECK_STR(x->devpath, "/dev/nvme0n1");
	CHECK_STR(x->disk, "");
	CHECK_INT(x->major, 259);
	CHECK_INT(x->minor, 0);
	CHECK_INT(x->size, 1953525168ull * 512);
	CHECK_STR(x->fstype, "");
	CHECK_INT(x->probe_err, -ENOENT); /* no ROOT/dev/nvme0n1: not an error */
	CHECK_STR(x->mountpoints, "");
	CHECK(x->system); /* through its partitions */

	x = &b[1];
	CHECK_STR(x->devpath, "/dev/nvme0n1p1");
	CHECK_STR(x->disk, "nvme0n1");
	CHECK_INT(x->minor, 1);
	CHECK_INT(x->size, 2048 * 512);
	CHECK_STR(x->fstype, "ext4");
	CHECK_STR(x->label, "boot");
	CHECK_STR(x->uuid, UUID_BOOT);
	CHECK_INT(x->probe_err, 0);
	CHECK_STR(x->mountpoints, "/boot");
	CHECK(x->system);

	x = &b[2];
	CHECK_STR(x->fstype, "ext4");
	CHECK_STR(x->label, "root");
	CHECK_STR(x->uuid, UUID_ROOT);
	CHECK_STR(x->mountpoints, "/ /mnt/my\\040disk");
	CHECK(x->system);

	x = &b[3];
	CHECK_STR(x->fstype, "swap");
	CHECK_STR(x->label, "swap");
	CHECK_STR(x->uuid, UUID_SWAP);
	CHECK_STR(x->mountpoints, "[SWAP]");
	CHECK(x->system);
	free(b);
	b = NULL;

	/* The root port sees what is behind it; the other drive is a data disk. */
	d = find(&l, "0000:00:01.1");
	CHECK(d && blockdev_behind(root, d->syspath, &b, &n) == 0 && n == 4);
	free(b);
	b = NULL;
	d = find(&l, "0000:02:00.0");
	CHECK(d && blockdev_behind(root, d->syspath, &b, &n) == 0 && n == 2);
	if (d && n == 2) {
		CHECK_STR(b[0].name, "nvme1n1");
		CHECK_STR(b[1].name, "nvme1n1p1");
		CHECK_STR(b[1].mountpoints, "/data");
		CHECK(!b[0].system && !b[1].system);
		CHECK_STR(b[1].fstype, "");
	}
out:
	free(b);
	pcidev_list_free(&l);
}

/*
 * LVM's dm-0 on nvme0n1p1 holds the root; a btrfs /var, with an anonymous
 * device number, is known by its source, a link with a space in its name.
 */
static void test_system_through_holders_and_sources(void)
{
	char root[PATH_MAX], target[PATH_MAX], holders[PATH_MAX], link[PATH_MAX];
	struct pcidev_list l;
	struct blockdev *b = NULL;
	const struct pcidev *d;
	size_t n = 0;

	if (!fake_root(root, sizeof(root), "holders",
		       "fn 0000:01:00.0 144d:a808 class=010802 driver=nvme pcie\n"
		       "fn 0000:02:00.0 144d:a808 class=010802 driver=nvme pcie\n"
		       "fn 0000:03:00.0 144d:a808 class=010802 driver=nvme pcie\n"
		       "nvme 0000:01:00.0 nvme0n1 259:0\n"
		       "part nvme0n1 nvme0n1p1 259:1\n"
		       "nvme 0000:02:00.0 nvme1n1 259:2\n"
		       "part nvme1n1 nvme1n1p1 259:3\n"
		       "nvme 0000:03:00.0 nvme2n1 259:4\n"
		       "mount 253:0 / xfs /dev/mapper/vg-root\n")) {
		CHECK(!"mkfakesys failed");
		return;
	}
	CHECK(append_file(root, "proc/self/mountinfo",
			  "40 36 0:45 /@ /var rw - btrfs /dev/disk/by-label/var\\040disk rw\n"));
	CHECK(put_file(root, "dev/nvme1n1p1", ""));
	path_fmt(link, sizeof(link), "%s/dev/disk/by-label/var disk", root);
	make_parents(link);
	CHECK(symlink("../../nvme1n1p1", link) == 0);
	CHECK(put_file(root, "sys/devices/virtual/block/dm-0/dev", "253:0\n"));
	path_fmt(target, sizeof(target), "%s/sys/devices/virtual/block/dm-0", root);
	path_fmt(holders, sizeof(holders), "%s/sys/devices/pci0000:01/0000:01:00.0/%s", root,
		 "nvme/nvme0/nvme0n1/nvme0n1p1/holders");
	mkdir(holders, 0755);
	path_fmt(link, sizeof(link), "%s/dm-0", holders);
	CHECK(symlink(target, link) == 0);
	CHECK_INT(pcidev_scan(root, &l), 0);

	d = find(&l, "0000:01:00.0");
	CHECK(d && blockdev_behind(root, d->syspath, &b, &n) == 0 && n == 2);
	if (d && n == 2) {
		CHECK_STR(b[1].name, "nvme0n1p1");
		CHECK_STR(b[1].holders, "dm-0");
		CHECK_STR(b[1].mountpoints, "");
		CHECK(b[1].system);
		CHECK(b[0].system);
	}
	free(b);
	b = NULL;
	d = find(&l, "0000:02:00.0");
	CHECK(d && blockdev_behind(root, d->syspath, &b, &n) == 0 && n == 2);
	if (d && n == 2) {
		CHECK_STR(b[1].mountpoints, "/var");
		CHECK(b[1].system && b[0].system);
	}
	free(b);
	b = NULL;
	/* A disk without partitions, mounts, swaps or /dev. */
	d = find(&l, "0000:03:00.0");
	CHECK(d && blockdev_behind(root, d->syspath, &b, &n) == 0 && n == 1);
	if (d && n == 1) {
		CHECK_STR(b[0].name, "nvme2n1");
		CHECK(!b[0].system);
		CHECK_STR(b[0].holders, "");
	}
	free(b);
	pcidev_list_free(&l);
}

/*
 * Eight drives behind one root port and one elsewhere, read once: each
 * function gets what blockdev_behind() gives it, its own devices and no
 * neighbour's; a device whose holders cannot be read is its function's
 * error and no other's.
 */
static void test_one_reading_of_block_devices_answers_every_function(void)
{
	char root[PATH_MAX], spec[4096], holders[PATH_MAX];
	struct blockdev_set *set = NULL;
	struct pcidev_list l = { 0 };
	size_t len;

	len = (size_t)snprintf(spec, sizeof(spec), "%s",
			       "fn 0000:00:01.1 1022:1483 class=060400 driver=pcieport group=1 "
			       "pcie bridge secondary=01\n"
			       "fn 0000:02:00.0 1987:5012 class=010802 driver=nvme group=3 pcie\n"
			       "nvme 0000:02:00.0 nvme9n1 259:90\n"
			       "part nvme9n1 nvme9n1p1 259:91\n"
			       "mount 259:91 / ext4 /dev/nvme9n1p1\n"
			       "mount 259:21 /data ext4 /dev/nvme2n1p1\n");
	for (int i = 0; i < 8; i++)
		len += (size_t)snprintf(spec + len, sizeof(spec) - len,
					"fn 0000:01:00.%d 144d:a808 class=010802 driver=nvme "
					"group=%d pcie parent=0000:00:01.1\n"
					"nvme 0000:01:00.%d nvme%dn1 259:%d\n"
					"part nvme%dn1 nvme%dn1p1 259:%d\n",
					i, 10 + i, i, i, 10 * i, i, i, 10 * i + 1);
	if (len >= sizeof(spec) || !fake_root(root, sizeof(root), "oneread", spec)) {
		CHECK(!"mkfakesys failed");
		return;
	}
	/* nvme5n1's holders: a link to itself, which no directory read gets through. */
	path_fmt(holders, sizeof(holders), "%s/sys/devices/pci0000:00/0000:00:01.1/%s", root,
		 "0000:01:00.5/nvme/nvme5/nvme5n1/holders");
	CHECK(symlink("holders", holders) == 0);
	CHECK_INT(pcidev_scan(root, &l), 0);
	CHECK_INT(l.n, 10);
	CHECK_INT(blockdev_set_read(root, &set), 0);
	for (size_t i = 0; set && i < l.n; i++) {
		const struct pcidev *d = &l.devs[i];
		struct blockdev *a = NULL, *b = NULL, *c = NULL;
		size_t na = 99, nb = 99, nc = 99;
		int ra = blockdev_behind(root, d->syspath, &a, &na);
		int rb = blockdev_set_behind(set, d->syspath, true, &b, &nb);
		int rc = blockdev_set_behind(set, d->syspath, false, &c, &nc);
		bool same = ra == rb && ra == rc && na == nb && na == nc;

		for (size_t k = 0; same && k < na; k++)
			same = strcmp(a[k].name, b[k].name) == 0 &&
			       strcmp(a[k].name, c[k].name) == 0 &&
			       strcmp(a[k].disk, c[k].disk) == 0 &&
			       strcmp(a[k].mountpoints, c[k].mountpoints) == 0 &&
			       a[k].system == c[k].system && a[k].size == c[k].size &&
			       a[k].probe_err == b[k].probe_err && !c[k].probe_err;
		if (!same)
			fprintf(stderr, "  %s: %d/%zu, from the set %d/%zu, %d/%zu\n", d->syspath,
				ra, na, rb, nb, rc, nc);
		CHECK(same);
		if (d->addr.bus == 0) {
			CHECK_INT(ra, -ELOOP); /* the port holds nvme5n1 too */
		} else if (d->addr.bus == 2) {
			CHECK(ra == 0 && na == 2 && nb == 2 && b[1].system);
		} else if (d->addr.fn == 5) {
			CHECK_INT(ra, -ELOOP);
		} else {
			const char *mnt = d->addr.fn == 2 ? "/data" : "";
			char name[16];

			snprintf(name, sizeof(name), "nvme%un1", d->addr.fn);

			CHECK(ra == 0 && na == 2 && strcmp(b[0].name, name) == 0);
			CHECK(na != 2 || (strcmp(b[1].mountpoints, mnt) == 0 && !b[1].system));
		}
		free(a);
		free(b);
		free(c);
	}
	blockdev_set_free(set);
	pcidev_list_free(&l);
}

static void test_no_block_devices_is_an_empty_list(void)
{
	char root[PATH_MAX];
	struct pcidev_list l;
	struct blockdev dummy, *b = &dummy;
	size_t n = 99;

	if (!fake_root(root, sizeof(root), "noblock", desktop)) {
		CHECK(!"mkfakesys failed");
		return;
	}
	CHECK_INT(pcidev_scan(root, &l), 0);
	CHECK(l.n > 0);
	if (l.n > 0) {
		/* There is no ROOT/sys/dev/block at all. */
		CHECK_INT(blockdev_behind(root, l.devs[0].syspath, &b, &n), 0);
		CHECK(b == NULL && n == 0);
	}
	pcidev_list_free(&l);
}

int main(int argc, char **argv)
{
	const char *tmp = getenv("TMPDIR");

	if (argc != 2) {
		fprintf(stderr, "usage: test_pcidev MKFAKESYS\n");
		return 2;
	}
	mkfakesys = argv[1];
	path_fmt(base, sizeof(base), "%s/test_pcidev.XXXXXX", tmp && tmp[0] ? tmp : "/tmp");
	if (!mkdtemp(base)) {
		perror("test_pcidev: mkdtemp");
		return 2;
	}

	RUN(test_scan_reads_ids_class_driver_group_and_attributes);
	RUN(test_bridges_by_header_type_or_class);
	RUN(test_ids_class_and_modalias_come_from_uevent);
	RUN(test_function_without_a_kernel_uevent_is_read_from_its_attributes);
	RUN(test_device_path_from_the_link_is_realpaths);
	RUN(test_scan_sorts_by_address_across_domains);
	RUN(test_names_are_what_lspci_prints);
	RUN(test_find_and_find_id_with_identical_ids);
	RUN(test_missing_bus_is_enoent);
	RUN(test_libpci_error_comes_back_as_errno);
	RUN(test_entry_that_is_no_address_is_einval);
	RUN(test_function_that_went_away_is_left_out);
	RUN(test_driver_and_group_links_of_any_length_are_read);
	RUN(test_block_devices_behind_a_function);
	RUN(test_system_through_holders_and_sources);
	RUN(test_one_reading_of_block_devices_answers_every_function);
	RUN(test_no_block_devices_is_an_empty_list);

	rm_tree(base);
	printf("%d passed, %d failed\n", check_state.passed, check_state.failed);
	return CHECK_EXIT();
}
