// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * /etc/kernel/cmdline, which kernel-install (systemd-boot, UKIs) reads when
 * it adds a boot entry (systemd src/kernel-install/90-loaderentry.install).
 * Edited token by token (kargs_edit): ours are appended after the last
 * token, or taken out whole, never found by searching the text, so a
 * quoted value of the admin's that holds the same text stays as it is, and
 * every other byte stays too.
 */
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "atomicfile.h"
#include "backend.h"
#include "readfile.h"
#include "rootpath.h"

#define KERNEL_CMDLINE_DIR "/etc/kernel"
#define KERNEL_CMDLINE KERNEL_CMDLINE_DIR "/cmdline"
#define VENDOR_CMDLINE "/usr/lib/kernel/cmdline"
/* Far above any command line: the kernel takes a few KiB. */
#define CMDLINE_FILE_MAX (1u << 20)

/*
 * The whole of @path under @root into *@text (free it).  0, or -errno
 * (-ENOENT when it does not exist).
 */
static int read_file(const char *root, const char *path, char **text)
{
	size_t len;
	int r, fd;

	*text = NULL;
	r = root_open(root, path, O_RDONLY | O_NONBLOCK | O_NOCTTY, &fd);
	if (r < 0)
		return r;
	/* Handled as a C string from here: whatever follows a NUL is ignored. */
	r = file_read_fd(fd, CMDLINE_FILE_MAX, text, &len);
	close(fd);
	return r;
}

/* "cannot read PATH[ under ROOT]: REASON[HINT]"; returns -1. */
static int read_error(const struct backend_ctx *c, const char *path, int err, const char *hint)
{
	bool fake = c->root && *c->root && strcmp(c->root, "/") != 0;

	return backend_error("cannot read %s%s%s: %s%s", path, fake ? " under " : "",
			     fake ? c->root : "", root_strerror(err), hint);
}

/*
 * Tokens of /proc/cmdline that a file made from it must not keep: it is
 * this boot's command line, and what was typed at the boot menu for this
 * boot only would otherwise boot every later kernel the same way.
 * BOOT_IMAGE= and initrd= are the boot loader's (kernel-install drops
 * them too: 90-loaderentry.install); single, s, S, 1, -b, emergency,
 * rescue and systemd.unit= pick a rescue boot (systemd
 * man/kernel-command-line.xml); rd.break, rd.shell and rd.systemd.unit=
 * stop in the initramfs (dracut man/dracut.cmdline.7.adoc); init= and
 * rdinit= replace the first program (the kernel's
 * Documentation/admin-guide/kernel-parameters.txt); systemd.debug_shell
 * opens a root shell on tty9; rd.earlybind= is earlybind's own switch.
 */
static bool one_boot_switch(const char *tok)
{
	static const char *const words[] = { "single", "s", "S", "1", "-b", "emergency",
					     "rescue", "rd.break", "rd.shell",
					     "systemd.debug_shell", "systemd.debug-shell" };
	static const char *const keys[] = { "BOOT_IMAGE=", "initrd=", "rd.earlybind=",
					    "systemd.unit=", "rd.systemd.unit=", "rd.break=",
					    "init=", "rdinit=", "systemd.debug_shell=",
					    "systemd.debug-shell=" };

	for (size_t i = 0; i < sizeof(words) / sizeof(*words); i++)
		if (strcmp(tok, words[i]) == 0)
			return true;
	for (size_t i = 0; i < sizeof(keys) / sizeof(*keys); i++)
		if (strncmp(tok, keys[i], strlen(keys[i])) == 0)
			return true;
	return false;
}

/*
 * The file, into *@out (free it); when there is none, what kernel-install
 * would use instead (90-loaderentry.install): /usr/lib/kernel/cmdline,
 * else the running kernel's command line without the switches for this
 * boot only (one_boot_switch; into @dropped, when not NULL), with the
 * blanks collapsed to single spaces as kernel-install collapses them.
 * *@from names the file used.  0, or -1 after saying why: an unreadable
 * fallback is not an empty one.
 */
static int read_text(struct backend_ctx *c, bool *exists, const char **from, char **out,
		     struct kargs *dropped)
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
	for (size_t i = 0; r == 0 && i < k.n; i++) {
		bool drop = *from == proc && one_boot_switch(k.v[i]);

		if (!drop)
			r = kargs_push(&kept, k.v[i]);
		/* BOOT_IMAGE= and initrd= are no switch, and go without a word. */
		else if (dropped && strncmp(k.v[i], "BOOT_IMAGE=", 11) != 0 &&
			 strncmp(k.v[i], "initrd=", 7) != 0)
			r = kargs_push(dropped, k.v[i]);
	}
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

	if (read_text(c, &exists, &from, &text, NULL) < 0)
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
	char name[256];
	int dirfd, r;

	if (c->dry_run) {
		printf("would remove %s if it is empty\n", KERNEL_CMDLINE_DIR);
		return;
	}
	/* What a write of the file killed half-way left is no content of its own. */
	if (root_open_dir(c->root, KERNEL_CMDLINE_DIR, 0, &dirfd) == 0) {
		atomic_file_clean_at(dirfd, "cmdline");
		close(dirfd);
	}
	r = root_open_parent(c->root, KERNEL_CMDLINE_DIR, 0, &dirfd, name);
	if (r == 0) {
		r = unlinkat(dirfd, name, AT_REMOVEDIR) < 0 ? -errno : 0;
		close(dirfd);
	}
	if (r == 0) {
		if (!c->quiet)
			printf("removed %s\n", KERNEL_CMDLINE_DIR);
	} else if (r != -ENOTEMPTY && r != -EEXIST && r != -ENOENT) {
		backend_error("cannot remove %s under %s: %s", KERNEL_CMDLINE_DIR, c->root,
			      root_strerror(r));
	}
}

static void forget_created(struct applied *a)
{
	free(a->created_from);
	a->created_from = NULL;
	a->created_dir = false;
}

static int kc_write(struct backend_ctx *c, const struct kargs *add, const struct kargs *del,
		    const struct kargs *ours)
{
	struct applied *a = c->applied;
	const char *from;
	bool exists;
	struct kargs dropped = { 0 };
	char *text, *n, *base = NULL;
	int r;

	r = read_text(c, &exists, &from, &text, &dropped);
	if (r == 0 && !exists && ours->n && !c->quiet)
		for (size_t i = 0; i < dropped.n; i++)
			printf("%s: %s is left out: %s has it for this boot only\n", KERNEL_CMDLINE,
			       dropped.v[i], from);
	kargs_free(&dropped);
	if (r < 0)
		return -1;
	if (!exists && !ours->n) {
		/*
		 * Nothing of ours is to stay, and the file is not there: creating
		 * it now would only pin today's fallback over the vendor's.  An
		 * apply killed after it made /etc/kernel, before the file, leaves
		 * the directory to remove.
		 */
		free(text);
		if (a && a->created_from && a->created_dir)
			remove_created_dir(c);
		if (a && !c->dry_run)
			forget_created(a);
		return 0;
	}
	if (!exists) {
		/* A file created from the fallback's tokens ends in a newline. */
		base = text;
		if (asprintf(&text, "%s\n", base) < 0) {
			free(base);
			return backend_error("%s", strerror(ENOMEM));
		}
	}
	/* Whole tokens only: a match inside the admin's quoted value is no match. */
	{
		struct kargs none = { 0 };

		r = kargs_edit(text, del, &none, &n);
		free(text);
		if (r < 0) {
			free(base);
			return backend_error("%s", strerror(-r));
		}
		text = n;
	}
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
		free(base);
		return backend_error("%s has no arguments (not even root=) to create %s from; "
				     "create %s yourself, with the command line new boot entries "
				     "are to get", from, KERNEL_CMDLINE, KERNEL_CMDLINE);
	}
	r = kargs_edit(text, &(struct kargs){ 0 }, add, &n);
	if (r == -EINVAL) {
		free(text);
		free(base);
		return backend_error("%s ends inside a double quote: an argument added after it "
				     "would become part of that value; close the quote, then run "
				     "apply again", exists ? KERNEL_CMDLINE : from);
	}
	if (r < 0) {
		free(text);
		free(base);
		return backend_error("%s", strerror(-r));
	}
	if (!exists && a && !c->dry_run) {
		/* An apply killed between making /etc/kernel and the file made it. */
		bool made_dir = a->created_from && a->created_dir;
		struct stat st;

		free(a->created_from);
		a->created_from = base;
		base = NULL;
		a->created_dir = made_dir || root_stat(c->root, KERNEL_CMDLINE_DIR, &st) == -ENOENT;
		/*
		 * Write-ahead: the file (and maybe /etc/kernel) is about to be
		 * created, and only the record lets --undo tell it from the
		 * admin's, should apply be killed before it saves again.
		 */
		if (backend_save_record(c) < 0) {
			free(n);
			free(text);
			forget_created(a);
			return -1;
		}
	}
	free(base);
	free(text);
	r = backend_write_file(c, KERNEL_CMDLINE, n);
	free(n);
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
