// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * /etc/kernel/cmdline, which kernel-install (systemd-boot, UKIs) reads when
 * it adds a boot entry (REFERENCE.md section 4).  Edited in place: our
 * tokens are appended to, or cut from, the text; every other byte stays.
 */
#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "backend.h"
#include "rootpath.h"

#define KERNEL_CMDLINE_DIR "/etc/kernel"
#define KERNEL_CMDLINE KERNEL_CMDLINE_DIR "/cmdline"
#define VENDOR_CMDLINE "/usr/lib/kernel/cmdline"

/*
 * The whole of @path under @root into *@text (free it).  0, or -errno
 * (-ENOENT when it does not exist).
 */
static int read_file(const char *root, const char *path, char **text)
{
	char full[PATH_MAX];
	size_t size = 0;
	FILE *f;
	int r;

	*text = NULL;
	r = root_path(full, sizeof(full), root, path);
	if (r < 0)
		return r;
	f = fopen(full, "re");
	if (!f)
		return -errno;
	errno = 0;
	if (getdelim(text, &size, '\0', f) < 0) {
		free(*text);
		*text = NULL;
		if (!feof(f) || ferror(f))
			r = errno ? -errno : -EIO;
		else if (!(*text = strdup("")))
			r = -ENOMEM;
	}
	fclose(f);
	return r;
}

/* "cannot read PATH[ under ROOT]: REASON[HINT]"; returns -1. */
static int read_error(const struct backend_ctx *c, const char *path, int err, const char *hint)
{
	bool fake = c->root && *c->root && strcmp(c->root, "/") != 0;

	return backend_error("cannot read %s%s%s: %s%s", path, fake ? " under " : "",
			     fake ? c->root : "", strerror(-err), hint);
}

/*
 * The file, into *@out (free it); when there is none, what kernel-install
 * would use instead (REFERENCE.md section 4): /usr/lib/kernel/cmdline,
 * else the running kernel's command line without BOOT_IMAGE= and initrd=,
 * with the blanks collapsed to single spaces as kernel-install collapses
 * them.  *@from names the file used.  0, or -1 after saying why: an
 * unreadable fallback is not an empty one.
 */
static int read_text(struct backend_ctx *c, bool *exists, const char **from, char **out)
{
	static const char proc[] = "/proc/cmdline";
	struct kargs k = { 0 }, kept = { 0 };
	char *text;
	int r;

	*exists = false;
	*out = NULL;
	*from = KERNEL_CMDLINE;
	r = read_file(c->root, KERNEL_CMDLINE, &text);
	if (r != -ENOENT) {
		/* Unreadable is not absent: never write over it. */
		*exists = true;
		*out = text;
		return r < 0 ? read_error(c, KERNEL_CMDLINE, r, "") : 0;
	}
	*from = VENDOR_CMDLINE;
	r = read_file(c->root, VENDOR_CMDLINE, &text);
	if (r == -ENOENT) {
		*from = proc;
		r = read_file(c->root, proc, &text);
		if (r < 0)
			return read_error(c, proc, r, "; create " KERNEL_CMDLINE " yourself, with "
					  "the command line new boot entries are to get");
	}
	if (r < 0)
		return read_error(c, *from, r, "");
	r = kargs_split(&k, text);
	for (size_t i = 0; r == 0 && i < k.n; i++)
		if (*from != proc || (strncmp(k.v[i], "BOOT_IMAGE=", 11) != 0 &&
				      strncmp(k.v[i], "initrd=", 7) != 0))
			r = kargs_push(&kept, k.v[i]);
	if (r == 0 && !(*out = kargs_join(&kept)))
		r = -ENOMEM;
	free(text);
	kargs_free(&k);
	kargs_free(&kept);
	return r < 0 ? backend_error("%s: %s", *from, strerror(-r)) : 0;
}

/* Do @a and @b hold the same tokens in the same order? */
static bool same_tokens(const char *a, const char *b)
{
	struct kargs ka = { 0 }, kb = { 0 };
	bool same = kargs_split(&ka, a) == 0 && kargs_split(&kb, b) == 0 && ka.n == kb.n;

	for (size_t i = 0; same && i < ka.n; i++)
		same = strcmp(ka.v[i], kb.v[i]) == 0;
	kargs_free(&ka);
	kargs_free(&kb);
	return same;
}

static int kc_read(struct backend_ctx *c, struct kargs *current)
{
	const char *from;
	bool exists;
	char *text;
	int r;

	if (read_text(c, &exists, &from, &text) < 0)
		return -1;
	r = kargs_split(current, text);
	free(text);
	return r < 0 ? backend_error("%s: %s", from, strerror(-r)) : 0;
}

/*
 * Removes /etc/kernel after the cmdline file apply created in it, if apply
 * created the directory too and nothing else has been put there since.
 */
static void remove_created_dir(struct backend_ctx *c)
{
	char dir[PATH_MAX];

	if (c->dry_run) {
		printf("would remove %s if it is empty\n", KERNEL_CMDLINE_DIR);
		return;
	}
	if (root_path(dir, sizeof(dir), c->root, KERNEL_CMDLINE_DIR) < 0)
		return;
	if (rmdir(dir) == 0) {
		if (!c->quiet)
			printf("removed %s\n", KERNEL_CMDLINE_DIR);
	} else if (errno != ENOTEMPTY && errno != EEXIST && errno != ENOENT) {
		backend_error("cannot remove %s: %m", dir);
	}
}

static void forget_created(struct applied *a)
{
	free(a->created_from);
	a->created_from = NULL;
	a->created_dir = false;
}

/* Cuts the first whole-token occurrence of @tok, with the blank before it. */
static void cut_token(char *text, const char *tok)
{
	size_t tl = strlen(tok);

	for (char *p = strstr(text, tok); p; p = strstr(p + 1, tok)) {
		bool starts = p == text || strchr(" \t\n", p[-1]);
		bool ends = !p[tl] || strchr(" \t\n", p[tl]);
		char *from = p, *to = p + tl;

		if (!starts || !ends)
			continue;
		if (from > text && strchr(" \t", from[-1]))
			from--;
		else if (*to == ' ' || *to == '\t')
			to++;
		memmove(from, to, strlen(to) + 1);
		return;
	}
}

static int kc_write(struct backend_ctx *c, const struct kargs *add, const struct kargs *del,
		    const struct kargs *ours)
{
	struct applied *a = c->applied;
	const char *from;
	bool exists;
	char *text, *n;
	size_t len, tl, nl = 0, extra = 2;
	int r;

	if (read_text(c, &exists, &from, &text) < 0)
		return -1;
	if (!exists && !ours->n) {
		/*
		 * Nothing of ours is to stay, and the file is not there: creating
		 * it now would only pin today's fallback over the vendor's.
		 */
		free(text);
		return 0;
	}
	for (size_t i = 0; i < del->n; i++)
		cut_token(text, del->v[i]);
	if (exists && !ours->n && a && a->created_from) {
		/*
		 * apply created the file; what is left is what it was created
		 * from, so delete it, and /usr/lib/kernel/cmdline or /proc/cmdline
		 * count again.  Edited since: it is the admin's now, keep it.
		 */
		bool same = same_tokens(text, a->created_from);

		if (!same && !c->quiet)
			printf("%s: kept, although earlybind created it: it was edited since\n",
			       KERNEL_CMDLINE);
		r = backend_write_file(c, KERNEL_CMDLINE, same ? NULL : text);
		free(text);
		if (r == 0 && same && a->created_dir)
			remove_created_dir(c);
		if (r == 0 && !c->dry_run)
			forget_created(a);
		return r;
	}
	if (!exists && !text[strspn(text, " \t\n")]) {
		/*
		 * kernel-install would give new entries only earlybind's
		 * arguments: no root=, nothing the admin boots with.
		 */
		free(text);
		return backend_error("%s has no arguments (not even root=) to create %s from; "
				     "create %s yourself, with the command line new boot entries "
				     "are to get", from, KERNEL_CMDLINE, KERNEL_CMDLINE);
	}
	if (!exists && a && !c->dry_run) {
		char dir[PATH_MAX];

		free(a->created_from);
		a->created_from = strdup(text);
		if (!a->created_from) {
			free(text);
			return backend_error("%s", strerror(ENOMEM));
		}
		a->created_dir = root_path(dir, sizeof(dir), c->root, KERNEL_CMDLINE_DIR) == 0 &&
				 access(dir, F_OK) < 0 && errno == ENOENT;
		/*
		 * Write-ahead: the file (and maybe /etc/kernel) is about to be
		 * created, and only the record lets --undo tell it from the
		 * admin's, should apply be killed before it saves again.
		 */
		if (backend_save_record(c) < 0) {
			free(text);
			forget_created(a);
			return -1;
		}
	}
	for (size_t i = 0; i < add->n; i++)
		extra += strlen(add->v[i]) + 1;
	tl = strlen(text);
	/* The file's own ending (its trailing newlines) stays after our tokens. */
	while (nl < tl && text[tl - 1 - nl] == '\n')
		nl++;
	if (!exists)
		nl = 1;
	n = malloc(tl + extra + nl);
	if (!n) {
		free(text);
		if (!exists && a)
			forget_created(a);
		return backend_error("%s", strerror(ENOMEM));
	}
	len = tl - (exists ? nl : 0);
	memcpy(n, text, len);
	for (size_t i = 0; i < add->n; i++) {
		if (len)
			n[len++] = ' ';
		memcpy(n + len, add->v[i], strlen(add->v[i]));
		len += strlen(add->v[i]);
	}
	memset(n + len, '\n', nl);
	n[len + nl] = '\0';
	r = backend_write_file(c, KERNEL_CMDLINE, n);
	free(n);
	free(text);
	/*
	 * Nothing was created but maybe /etc/kernel, which no record would
	 * name now: it goes (if still empty), and the caller saves the record
	 * as it was before.
	 */
	if (r < 0 && !exists && a) {
		if (a->created_dir && !c->dry_run)
			remove_created_dir(c);
		forget_created(a);
	}
	return r;
}

const struct backend backend_kernel_cmdline = {
	.name = "kernel-cmdline",
	.read = kc_read,
	.write = kc_write,
	.initramfs = backend_dracut,
	.after = "boot entries added from now on (kernel-install add, at the next kernel "
		 "update) get these arguments; existing entries keep theirs",
	/* kernel-install reads the file only when it adds an entry (§4). */
	.after_undo = "boot entries added from now on (kernel-install add, at the next "
		      "kernel update) get the command line without them; existing entries "
		      "keep them until they are added again",
};
