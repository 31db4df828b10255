// SPDX-License-Identifier: GPL-2.0-or-later
/* What the back ends share: running commands, writing files, dracut. */
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "backend.h"
#include "rootpath.h"
#include "program.h"

int backend_run(struct backend_ctx *c, char *const argv[], bool query, const int *ok_status,
		char **out)
{
	struct program_result res;
	bool ok = false;
	int r;

	if (out)
		*out = NULL;
	if (c->dry_run && !query) {
		fputs("would run: ", stdout);
		program_print(stdout, argv);
		return 0;
	}
	if (!c->quiet && !query) {
		fputs("running: ", stdout);
		program_print(stdout, argv);
		fflush(stdout);
	}
	r = program_run(argv, &res);
	if (r < 0) {
		fprintf(stderr, "earlybindctl: cannot run %s: %s; nothing after it was done\n",
			argv[0], strerror(-r));
		return -1;
	}
	if (res.status == 0 && !ok_status)
		ok = true;
	for (const int *s = ok_status; s && *s >= 0 && !ok; s++)
		ok = res.status == *s;
	if (!ok) {
		fputs("earlybindctl: this failed with exit status ", stderr);
		fprintf(stderr, "%d; nothing after it was done:\n  ", res.status);
		program_print(stderr, argv);
		if (res.err && res.err[0])
			fprintf(stderr, "%s%s", res.err, res.err[strlen(res.err) - 1] == '\n' ? "" : "\n");
		program_result_free(&res);
		return -1;
	}
	if (out) {
		*out = res.out;
		res.out = NULL;
	}
	r = res.status;
	program_result_free(&res);
	return r;
}

int backend_save_record(struct backend_ctx *c)
{
	int r;

	if (c->dry_run || !c->applied)
		return 0;
	r = applied_save(c->root, c->applied);
	if (r < 0) {
		fprintf(stderr, "earlybindctl: cannot write %s under %s: %s\n", APPLIED_PATH,
			c->root, strerror(-r));
		return -1;
	}
	return 0;
}

int backend_dracut(struct backend_ctx *c, bool undo, struct applied *a)
{
	char *argv[7] = { "dracut", "-f" };
	size_t n = 2;

	(void)a;
	if (!undo && !c->manifest_changed) {
		if (!c->quiet)
			printf("initramfs: already built with this manifest\n");
		return 0;
	}
	if (c->kver) {
		argv[n++] = "--kver";
		argv[n++] = (char *)c->kver;
	} else {
		argv[n++] = "--regenerate-all";
	}
	if (undo) {
		argv[n++] = "--omit";
		argv[n++] = "earlybind";
	}
	argv[n] = NULL;
	return backend_run(c, argv, false, NULL, NULL) < 0 ? -1 : 0;
}

int backend_write_file(struct backend_ctx *c, const char *path, const char *text)
{
	char full[PATH_MAX], tmp[PATH_MAX + 8], dir[PATH_MAX];
	mode_t mode = 0644;
	struct stat st;
	size_t len;
	int fd, r = 0;

	if (root_path(full, sizeof(full), c->root, path) < 0) {
		fprintf(stderr, "earlybindctl: %s: path too long\n", path);
		return -1;
	}
	if (c->dry_run) {
		if (text)
			printf("would write %s:\n%s", path, text);
		else if (access(full, F_OK) == 0)
			printf("would remove %s\n", path);
		return 0;
	}
	if (!text) {
		if (unlink(full) < 0) {
			if (errno == ENOENT)
				return 0;
			fprintf(stderr, "earlybindctl: cannot remove %s: %m\n", full);
			return -1;
		}
		if (!c->quiet)
			printf("removed %s\n", path);
		return 0;
	}
	snprintf(dir, sizeof(dir), "%s", full);
	*strrchr(dir, '/') = '\0';
	if (mkdir(dir, 0755) < 0 && errno != EEXIST) {
		fprintf(stderr, "earlybindctl: cannot create %s: %m\n", dir);
		return -1;
	}
	/* The admin may have made it private (or group-writable): keep that. */
	if (stat(full, &st) == 0)
		mode = st.st_mode & 07777;
	snprintf(tmp, sizeof(tmp), "%s.XXXXXX", full);
	fd = mkostemp(tmp, O_CLOEXEC);
	if (fd < 0) {
		fprintf(stderr, "earlybindctl: cannot write in %s: %m\n", dir);
		return -1;
	}
	len = strlen(text);
	if (write(fd, text, len) != (ssize_t)len || fchmod(fd, mode) < 0 || fsync(fd) < 0)
		r = errno ? -errno : -EIO;
	if (close(fd) < 0 && r == 0)
		r = -errno;
	if (r == 0 && rename(tmp, full) < 0)
		r = -errno;
	if (r < 0) {
		unlink(tmp);
		fprintf(stderr, "earlybindctl: cannot write %s: %s\n", full, strerror(-r));
		return -1;
	}
	if (!c->quiet)
		printf("wrote %s\n", path);
	return 0;
}
