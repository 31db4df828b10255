// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * libkmod decides what to load (aliases, dependencies, softdeps, options
 * from modprobe.d and the kernel command line); we insert.  libkmod before
 * version 31 always decompresses in user space, while newer kernels can
 * take a compressed file through finit_module(MODULE_INIT_COMPRESSED_FILE),
 * which is also the only way to load a format libkmod was built without.
 * So we ask libkmod for the plan with KMOD_PROBE_DRY_RUN and carry it out.
 */
#include "modload.h"
#include "rootpath.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <libkmod.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/utsname.h>
#include <syslog.h>
#include <unistd.h>

#ifndef MODULE_INIT_COMPRESSED_FILE
#define MODULE_INIT_COMPRESSED_FILE 4
#endif

enum compression { COMP_NONE, COMP_XZ, COMP_ZSTD, COMP_GZIP };

struct modload {
	struct kmod_ctx *ctx;
	enum compression kernel_comp; /* what finit_module can decompress */
	modload_log_fn log;
	void *userdata;
};

struct plan_step {
	struct kmod_module *mod;
	char *options;
	bool install_cmd;
};

struct plan {
	struct plan_step *steps;
	size_t n, alloc;
	int error;
};

static void kmod_log_to_caller(void *data, int priority, const char *file, int line,
			       const char *fn, const char *format, va_list args)
{
	struct modload *ml = data;
	char msg[512];
	size_t len;

	(void)file, (void)line, (void)fn;
	vsnprintf(msg, sizeof(msg), format, args);
	len = strlen(msg);
	while (len > 0 && msg[len - 1] == '\n')
		msg[--len] = '\0';
	if (ml->log)
		ml->log(ml->userdata, priority, msg);
}

static enum compression compression_from_name(const char *s)
{
	if (strcmp(s, "xz") == 0)
		return COMP_XZ;
	if (strcmp(s, "zstd") == 0)
		return COMP_ZSTD;
	if (strcmp(s, "gzip") == 0)
		return COMP_GZIP;
	return COMP_NONE;
}

/*
 * libkmod opens its index files, modules.softdep, modules.builtin.modinfo
 * and the modprobe.d files with a plain open() (libkmod-index.c
 * index_mm_open, libkmod-config.c kmod_config_new): a FIFO among them would
 * make the boot wait for a writer.  So each is looked at first, without
 * opening it, and a file that is not regular stops module loading.  0, or
 * -EINVAL with its path in @bad.
 */
static int check_dir_files(const char *dir, bool modprobe_d, char *bad, size_t badsize)
{
	struct dirent *de;
	struct stat st;
	DIR *d;
	int r = 0;

	if (stat(dir, &st) < 0)
		return 0; /* absent: libkmod skips it */
	if (!S_ISDIR(st.st_mode)) {
		if (S_ISREG(st.st_mode) || !modprobe_d)
			return 0;
		snprintf(bad, badsize, "%s", dir);
		return -EINVAL;
	}
	d = opendir(dir);
	if (!d)
		return 0;
	while (r == 0 && (de = readdir(d))) {
		const char *n = de->d_name;
		size_t len = strlen(n);
		bool read_by_kmod = modprobe_d ? n[0] != '.' &&
			((len > 5 && strcmp(n + len - 5, ".conf") == 0) ||
			 (len > 6 && strcmp(n + len - 6, ".alias") == 0)) :
			strncmp(n, "modules.", 8) == 0;

		if (!read_by_kmod || fstatat(dirfd(d), n, &st, 0) < 0)
			continue;
		/* libkmod skips directories among the modprobe.d files. */
		if (S_ISREG(st.st_mode) || (modprobe_d && S_ISDIR(st.st_mode)))
			continue;
		snprintf(bad, badsize, "%s/%s", dir, n);
		r = -EINVAL;
	}
	closedir(d);
	return r;
}

int modload_new(struct modload **out, const char *root, modload_log_fn log, void *userdata,
		char *dir, size_t dirsize)
{
	char release[256], rel[300], comp[32];
	char etc[4096], run[4096], lib[4096], bad[4096 + 256];
	const char *configs[4] = { etc, run, lib, NULL };
	struct modload *ml;
	struct utsname u;
	int r;

	*out = NULL;
	/* The release under ROOT, so a fake root can name its own kernel. */
	r = root_read_line(root, "/proc/sys/kernel/osrelease", release, sizeof(release));
	if (r <= 0) {
		if (uname(&u) < 0)
			return -errno;
		snprintf(release, sizeof(release), "%s", u.release);
	}
	snprintf(rel, sizeof(rel), "/lib/modules/%s", release);
	r = root_path(dir, dirsize, root, rel);
	if (r == 0)
		r = root_path(etc, sizeof(etc), root, "/etc/modprobe.d");
	if (r == 0)
		r = root_path(run, sizeof(run), root, "/run/modprobe.d");
	if (r == 0)
		r = root_path(lib, sizeof(lib), root, "/lib/modprobe.d");
	if (r < 0)
		return r;
	if (access(dir, F_OK) < 0)
		return -errno;
	r = check_dir_files(dir, false, bad, sizeof(bad));
	for (size_t i = 0; r == 0 && configs[i]; i++)
		r = check_dir_files(configs[i], true, bad, sizeof(bad));
	if (r < 0) {
		snprintf(dir, dirsize, "%s", bad);
		if (log)
			log(userdata, LOG_ERR, "a file it would read is not a regular file "
			    "(a FIFO, a device or a socket): no module is loaded");
		return r;
	}

	ml = calloc(1, sizeof(*ml));
	if (!ml)
		return -ENOMEM;
	ml->log = log;
	ml->userdata = userdata;
	ml->ctx = kmod_new(dir, configs);
	if (!ml->ctx) {
		free(ml);
		return -ENOMEM;
	}
	kmod_set_log_fn(ml->ctx, kmod_log_to_caller, ml);
	if (root_read_line(root, "/sys/module/compression", comp, sizeof(comp)) > 0)
		ml->kernel_comp = compression_from_name(comp);
	/* Loads the indexes once instead of at every lookup. */
	kmod_load_resources(ml->ctx);
	*out = ml;
	return 0;
}

void modload_free(struct modload *ml)
{
	if (!ml)
		return;
	kmod_unref(ml->ctx);
	free(ml);
}

/*
 * libkmod's print_action callback carries no user data, so the plan being
 * collected is reached through this pointer, set only for the duration of
 * one kmod_module_probe_insert_module() call.
 */
static struct plan *collecting;

static void plan_add(struct kmod_module *m, bool install, const char *options)
{
	struct plan *p = collecting;
	struct plan_step *s;

	if (!p || p->error)
		return;
	if (p->n == p->alloc) {
		size_t alloc = p->alloc ? p->alloc * 2 : 8;
		struct plan_step *n = realloc(p->steps, alloc * sizeof(*n));

		if (!n) {
			p->error = -ENOMEM;
			return;
		}
		p->steps = n;
		p->alloc = alloc;
	}
	s = &p->steps[p->n];
	s->options = strdup(options ? options : "");
	if (!s->options) {
		p->error = -ENOMEM;
		return;
	}
	s->mod = kmod_module_ref(m);
	s->install_cmd = install;
	p->n++;
}

static void plan_free(struct plan *p)
{
	for (size_t i = 0; i < p->n; i++) {
		kmod_module_unref(p->steps[i].mod);
		free(p->steps[i].options);
	}
	free(p->steps);
}

static enum compression file_compression(int fd)
{
	unsigned char m[6];

	if (pread(fd, m, sizeof(m), 0) != (ssize_t)sizeof(m))
		return COMP_NONE;
	if (memcmp(m, "\xfd" "7zXZ\0", 6) == 0)
		return COMP_XZ;
	if (memcmp(m, "\x28\xb5\x2f\xfd", 4) == 0)
		return COMP_ZSTD;
	if (m[0] == 0x1f && m[1] == 0x8b)
		return COMP_GZIP;
	return COMP_NONE;
}

/* 0 or -errno; *unpacked tells whether libkmod decompressed the file. */
static int insert_one(struct modload *ml, struct kmod_module *mod, const char *options,
		      bool *unpacked)
{
	const char *path = kmod_module_get_path(mod);
	enum compression comp;
	struct stat st;
	int fd, r;

	*unpacked = false;
	if (!path)
		return -ENOENT;
	/* Not a FIFO: neither finit_module nor libkmod's own open() may wait. */
	fd = open(path, O_RDONLY | O_CLOEXEC | O_NOCTTY | O_NONBLOCK);
	if (fd < 0)
		return -errno;
	if (fstat(fd, &st) < 0 || !S_ISREG(st.st_mode)) {
		close(fd);
		return -EINVAL;
	}
	comp = file_compression(fd);
	if (comp == COMP_NONE || comp == ml->kernel_comp) {
		r = (int)syscall(SYS_finit_module, fd, options,
				 comp == COMP_NONE ? 0 : MODULE_INIT_COMPRESSED_FILE);
		r = r < 0 ? -errno : 0;
		close(fd);
		/* Kernels without finit_module: let libkmod use init_module. */
		if (r != -ENOSYS)
			return r;
	} else {
		close(fd);
	}
	/* libkmod reads the file, decompresses it in memory, and inserts it. */
	*unpacked = comp != COMP_NONE;
	return kmod_module_insert_module(mod, 0, options);
}

static int load_module(struct modload *ml, struct kmod_module *mod, struct modload_result *res)
{
	const char *name = kmod_module_get_name(mod);
	struct plan plan = { 0 };
	int r, first_error = 0, target_error = 0;

	collecting = &plan;
	r = kmod_module_probe_insert_module(mod, KMOD_PROBE_DRY_RUN, NULL, NULL, NULL, plan_add);
	collecting = NULL;
	if (r == 0)
		r = plan.error;
	if (r < 0) {
		snprintf(res->module, sizeof(res->module), "%s", name);
		goto out;
	}
	for (size_t i = 0; i < plan.n; i++) {
		struct plan_step *s = &plan.steps[i];
		const char *sname = kmod_module_get_name(s->mod);
		int state = kmod_module_get_initstate(s->mod);
		bool unpacked;

		/* Loaded since the plan was made, e.g. as a softdep of another. */
		if (state == KMOD_MODULE_LIVE || state == KMOD_MODULE_COMING ||
		    state == KMOD_MODULE_BUILTIN)
			continue;
		/* We never run a shell at boot; the module itself still loads. */
		if (s->install_cmd && ml->log)
			ml->log(ml->userdata, LOG_WARNING, "ignoring the modprobe.d 'install' "
				"command for this module; inserting it directly");
		r = insert_one(ml, s->mod, s->options, &unpacked);
		if (r == 0) {
			res->inserted++;
			res->unpacked += unpacked;
		}
		else if (r != -EEXIST && !first_error) {
			/* The first failure is the cause; later ones follow from it. */
			first_error = r;
			snprintf(res->module, sizeof(res->module), "%s", sname);
		}
		if (r < 0 && r != -EEXIST && strcmp(sname, name) == 0)
			target_error = r;
	}
	/* A soft dependency may fail while the driver itself loads. */
	r = target_error ? first_error : 0;
	if (r == 0 && first_error && ml->log) {
		char msg[160];

		snprintf(msg, sizeof(msg), "%s loaded, but its soft dependency %s failed: %s",
			 name, res->module, strerror(-first_error));
		ml->log(ml->userdata, LOG_WARNING, msg);
	}
	if (r == 0)
		res->module[0] = '\0';
out:
	plan_free(&plan);
	return r;
}

int modload_load(struct modload *ml, const char *driver, struct modload_result *res)
{
	struct kmod_list *list = NULL, *l;
	int r;

	memset(res, 0, sizeof(*res));
	r = kmod_module_new_from_lookup(ml->ctx, driver, &list);
	if (r < 0)
		return r;
	if (!list)
		return -ENOENT;
	r = -ENOENT;
	kmod_list_foreach(l, list) {
		struct kmod_module *mod = kmod_module_get_module(l);

		r = load_module(ml, mod, res);
		kmod_module_unref(mod);
		if (r == 0)
			break;
	}
	kmod_module_unref_list(list);
	return r;
}

int modload_module_for_alias(struct modload *ml, const char *modalias, char *buf, size_t size)
{
	struct kmod_list *list = NULL, *l;
	int r, found = 0;

	r = kmod_module_new_from_lookup(ml->ctx, modalias, &list);
	if (r < 0)
		return r;
	kmod_list_foreach(l, list) {
		struct kmod_module *mod = kmod_module_get_module(l);
		const char *name = kmod_module_get_name(mod);

		/* A module has a file; a built-in one only its name. */
		if (!found && kmod_module_get_path(mod) && strlen(name) < size) {
			strcpy(buf, name);
			found = 1;
		}
		kmod_module_unref(mod);
	}
	kmod_module_unref_list(list);
	return found;
}
