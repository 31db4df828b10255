// SPDX-License-Identifier: GPL-2.0-or-later
/* What the back ends share: running commands, writing files, dracut. */
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "atomicfile.h"
#include "backend.h"
#include "rootpath.h"
#include "program.h"

int backend_error(const char *fmt, ...)
{
	int saved = errno; /* for a %m in @fmt */
	va_list ap;

	fputs("earlybindctl: ", stderr);
	errno = saved;
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fputc('\n', stderr);
	return -1;
}

/*
 * @argv as it is run for @c->root: as it is for "/", else inside the root,
 * "chroot ROOT argv...", so that the program changes the files of the
 * system under the root (its boot entries, its initramfs), never those of
 * the system earlybindctl runs on.  *@buf is what to free; NULL: -ENOMEM.
 */
static char *const *in_root(const struct backend_ctx *c, char *const argv[], char ***buf)
{
	size_t n = 0, argc = 0;

	*buf = NULL;
	if (!c->root || !c->root[0] || strcmp(c->root, "/") == 0)
		return argv;
	while (argv[argc])
		argc++;
	*buf = calloc(argc + 3, sizeof(**buf));
	if (!*buf)
		return NULL;
	(*buf)[n++] = "chroot";
	(*buf)[n++] = (char *)c->root;
	for (size_t i = 0; i < argc; i++)
		(*buf)[n++] = argv[i];
	return *buf;
}

/* backend_run, with @argv as it is run. */
static int run(struct backend_ctx *c, char *const argv[], bool query, const int *ok_status,
	       char **out)
{
	struct program_result res;
	bool ok = false;
	int r;

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
		backend_error("cannot run %s: %s; nothing after it was done", argv[0],
			      strerror(-r));
		return BACKEND_NOT_RUN;
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

int backend_run(struct backend_ctx *c, char *const argv[], bool query, const int *ok_status,
		char **out)
{
	char **buf, *const *run_argv = in_root(c, argv, &buf);
	int r;

	if (out)
		*out = NULL;
	if (!run_argv)
		return backend_error("%s", strerror(ENOMEM));
	r = run(c, run_argv, query, ok_status, out);
	free(buf);
	return r;
}

int backend_save_record(struct backend_ctx *c)
{
	int r;

	if (c->dry_run || !c->applied)
		return 0;
	r = applied_save(c->root, c->applied);
	if (r < 0)
		return backend_error("cannot write %s under %s: %s", APPLIED_PATH, c->root,
				     root_strerror(r));
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
	char name[256], full[PATH_MAX];
	mode_t mode = 0644;
	struct stat st;
	bool exists;
	int dirfd, r;

	/* For the messages: the path as the admin sees it, the root in front. */
	if (root_path(full, sizeof(full), c->root, path) < 0)
		return backend_error("%s: path too long", path);
	if (c->dry_run) {
		if (text)
			printf("would write %s:\n%s", path, text);
		else if (root_stat(c->root, path, &st) == 0)
			printf("would remove %s\n", path);
		return 0;
	}
	if (!text) {
		/* The name itself goes, a symlink included, never what it points to. */
		r = root_open_parent(c->root, path, 0, &dirfd, name);
		if (r == -ENOENT)
			return 0;
		if (r < 0)
			return backend_error("cannot remove %s: %s", full, root_strerror(r));
		/* And what a killed write of it left. */
		atomic_file_clean_at(dirfd, name);
		r = unlinkat(dirfd, name, 0) < 0 ? -errno : 0;
		close(dirfd);
		if (r == -ENOENT)
			return 0;
		if (r < 0)
			return backend_error("cannot remove %s: %s", full, strerror(-r));
		if (!c->quiet)
			printf("removed %s\n", path);
		return 0;
	}
	/*
	 * A symlink stays, and the file it points to is written: rename()
	 * onto the link would put a regular file in its place, and the admin's
	 * link would silently stop meaning anything.  Only within the root.
	 */
	r = root_open_parent(c->root, path, ROOT_MKDIR | ROOT_FOLLOW, &dirfd, name);
	if (r < 0)
		return backend_error("cannot write %s: %s", full, root_strerror(r));
	exists = fstatat(dirfd, name, &st, AT_SYMLINK_NOFOLLOW) == 0;
	/* The admin may have made it private (or group-writable): keep that. */
	if (exists)
		mode = st.st_mode & 07777;
	r = atomic_file_write_at(dirfd, name, text, strlen(text), mode,
				 exists ? st.st_uid : (uid_t)-1, exists ? st.st_gid : (gid_t)-1);
	close(dirfd);
	if (r < 0)
		return backend_error("cannot write %s: %s", full, strerror(-r));
	if (!c->quiet)
		printf("wrote %s\n", path);
	return 0;
}
