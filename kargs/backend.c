// SPDX-License-Identifier: GPL-2.0-or-later
/* What the back ends share: saying what happened, running commands, writing files, dracut. */
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
#include "readfile.h"

int backend_error(const struct backend_ctx *c, int err, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vreport(c->rep, REPORT_ERROR, fmt, ap);
	va_end(ap);
	return err;
}

int backend_file_error(const struct backend_ctx *c, const char *path, int err, const char *what,
		       const char *hint)
{
	char full[PATH_MAX];

	if (root_path(full, sizeof(full), c->root, path) < 0)
		snprintf(full, sizeof(full), "%s", path);
	return backend_error(c, err, "%s: %s: %s%s", full, what, root_strerror(err),
			     hint ? hint : "");
}

void backend_info(const struct backend_ctx *c, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vreport(c->rep, REPORT_INFO, fmt, ap);
	va_end(ap);
}

int backend_read_file(const struct backend_ctx *c, const char *path, size_t max, char **text)
{
	size_t len;
	int r, fd;

	*text = NULL;
	r = root_open(c->root, path, O_RDONLY | O_NONBLOCK | O_NOCTTY, &fd);
	if (r < 0)
		return r;
	/* Handled as a C string from here: whatever follows a NUL is ignored. */
	r = file_read_fd(fd, max, text, &len);
	close(fd);
	return r;
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
	if (root_is_plain(c->root))
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

static bool status_ok(int status, const int *ok_status)
{
	if (!ok_status)
		return status == 0;
	for (const int *s = ok_status; *s >= 0; s++)
		if (status == *s)
			return true;
	return false;
}

/* "this failed with exit status N ...", the command and what it wrote on stderr. */
static int report_failure(const struct backend_ctx *c, const char *cmd,
			  const struct program_result *res)
{
	const char *err = res->err ? res->err : "";
	size_t len = strlen(err);

	/* The command's own last newline: the message ends without one. */
	if (len && err[len - 1] == '\n')
		len--;
	return backend_error(c, BACKEND_FAILED, "this failed with exit status %d; nothing "
			     "after it was done:\n  %s%s%.*s", res->status, cmd, len ? "\n" : "",
			     (int)len, err);
}

/* backend_run, with @argv as it is run. */
static int run(struct backend_ctx *c, char *const argv[], bool query, const int *ok_status,
	       char **out)
{
	struct program_result res;
	char *cmd = program_format(argv);
	int r;

	if (!cmd)
		return backend_error(c, -ENOMEM, "%s", strerror(ENOMEM));
	if (c->dry_run && !query) {
		report(c->rep, REPORT_RESULT, "would run: %s", cmd);
		free(cmd);
		return 0;
	}
	if (!query)
		backend_info(c, "running: %s", cmd);
	r = program_run(argv, &res);
	if (r < 0) {
		backend_error(c, r, "cannot run %s: %s; nothing after it was done", argv[0],
			      strerror(-r));
	} else if (!status_ok(res.status, ok_status)) {
		r = report_failure(c, cmd, &res);
	} else {
		r = res.status;
		if (out) {
			*out = res.out;
			res.out = NULL;
		}
	}
	program_result_free(&res);
	free(cmd);
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
		return backend_error(c, -ENOMEM, "%s", strerror(ENOMEM));
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
		return backend_file_error(c, APPLIED_PATH, r, "cannot write", NULL);
	return 0;
}

int backend_dracut(struct backend_ctx *c, bool undo, struct applied *a)
{
	char *argv[7] = { "dracut", "-f" };
	size_t n = 2;
	int r;

	(void)a;
	if (!undo && !c->manifest_changed) {
		backend_info(c, "initramfs: already built with this manifest");
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
	r = backend_run(c, argv, false, NULL, NULL);
	return r < 0 ? r : 0;
}

/* Removes ROOT/@path itself (a symlink included, never what it points to). */
static int remove_file(struct backend_ctx *c, const char *path)
{
	char name[256];
	int dirfd, r;

	r = root_open_parent(c->root, path, 0, &dirfd, name);
	if (r == -ENOENT)
		return 0;
	if (r < 0)
		return backend_file_error(c, path, r, "cannot remove", NULL);
	/* And what a killed write of it left. */
	atomic_file_clean_at(dirfd, name);
	r = unlinkat(dirfd, name, 0) < 0 ? -errno : 0;
	close(dirfd);
	if (r == -ENOENT)
		return 0;
	if (r < 0)
		return backend_file_error(c, path, r, "cannot remove", NULL);
	backend_info(c, "removed %s", path);
	return 0;
}

int backend_write_file(struct backend_ctx *c, const char *path, const char *text)
{
	char name[256];
	mode_t mode = 0644;
	struct stat st;
	bool exists;
	int dirfd, r;

	if (c->dry_run) {
		size_t len = text ? strlen(text) : 0;

		/* The file's own last newline: the message ends without one. */
		if (text)
			report(c->rep, REPORT_RESULT, "would write %s:\n%.*s", path,
			       (int)(len && text[len - 1] == '\n' ? len - 1 : len), text);
		else if (root_stat(c->root, path, &st) == 0)
			report(c->rep, REPORT_RESULT, "would remove %s", path);
		return 0;
	}
	if (!text)
		return remove_file(c, path);
	/*
	 * A symlink stays, and the file it points to is written: rename()
	 * onto the link would put a regular file in its place, and the admin's
	 * link would silently stop meaning anything.  Only within the root.
	 */
	r = root_open_parent(c->root, path, ROOT_MKDIR | ROOT_FOLLOW, &dirfd, name);
	if (r < 0)
		return backend_file_error(c, path, r, "cannot write", NULL);
	exists = fstatat(dirfd, name, &st, AT_SYMLINK_NOFOLLOW) == 0;
	/* The admin may have made it private (or group-writable): keep that. */
	if (exists)
		mode = st.st_mode & 07777;
	r = atomic_file_write_at(dirfd, name, text, strlen(text), mode,
				 exists ? st.st_uid : (uid_t)-1, exists ? st.st_gid : (gid_t)-1);
	close(dirfd);
	if (r < 0)
		return backend_file_error(c, path, r, "cannot write", NULL);
	backend_info(c, "wrote %s", path);
	return 0;
}
