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
#include "rootpath.h"

#define KERNEL_CMDLINE_DIR "/etc/kernel"
#define KERNEL_CMDLINE KERNEL_CMDLINE_DIR "/cmdline"
#define VENDOR_CMDLINE "/usr/lib/kernel/cmdline"
/* Far above any command line: the kernel takes a few KiB. */
#define CMDLINE_FILE_MAX (1u << 20)

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

/* What kc_read and kc_write start from. */
struct kc_text {
	char *text;       /* the file's, or the fallback's tokens (free it) */
	const char *from; /* the file it came from */
	bool exists;      /* /etc/kernel/cmdline is there (@text is its own) */
};

/*
 * The fallback's tokens (kernel-install's, 90-loaderentry.install), from
 * @t->from: without the switches for this boot only when it is
 * /proc/cmdline (one_boot_switch; into @dropped, when not NULL), with the
 * blanks collapsed to single spaces as kernel-install collapses them.
 */
static int fallback_tokens(struct kc_text *t, struct kargs *dropped)
{
	bool proc = strcmp(t->from, "/proc/cmdline") == 0;
	struct kargs k = { 0 }, kept = { 0 };
	int r = kargs_split(&k, t->text);

	for (size_t i = 0; r == 0 && i < k.n; i++) {
		if (!proc || !one_boot_switch(k.v[i]))
			r = kargs_push(&kept, k.v[i]);
		/* BOOT_IMAGE= and initrd= are no switch, and go without a word. */
		else if (dropped && strncmp(k.v[i], "BOOT_IMAGE=", 11) != 0 &&
			 strncmp(k.v[i], "initrd=", 7) != 0)
			r = kargs_push(dropped, k.v[i]);
	}
	free(t->text);
	t->text = r == 0 ? kargs_join(&kept) : NULL;
	if (r == 0 && !t->text)
		r = -ENOMEM;
	kargs_free(&k);
	kargs_free(&kept);
	return r;
}

/*
 * The file, into @t; when there is none, what kernel-install would use
 * instead (90-loaderentry.install): /usr/lib/kernel/cmdline, else the
 * running kernel's command line (fallback_tokens).  0, or -errno after
 * saying why: an unreadable fallback is not an empty one.
 */
static int read_text(struct backend_ctx *c, struct kc_text *t, struct kargs *dropped)
{
	static const char proc[] = "/proc/cmdline";
	int r;

	*t = (struct kc_text){ .from = KERNEL_CMDLINE };
	r = backend_read_file(c, KERNEL_CMDLINE, CMDLINE_FILE_MAX, &t->text);
	if (r != -ENOENT) {
		/* Unreadable is not absent: never write over it. */
		t->exists = true;
		return r < 0 ? backend_file_error(c, KERNEL_CMDLINE, r, "cannot read", NULL) : 0;
	}
	t->from = VENDOR_CMDLINE;
	r = backend_read_file(c, VENDOR_CMDLINE, CMDLINE_FILE_MAX, &t->text);
	if (r == -ENOENT) {
		t->from = proc;
		r = backend_read_file(c, proc, CMDLINE_FILE_MAX, &t->text);
		if (r < 0)
			return backend_file_error(c, proc, r, "cannot read", "; create "
						  KERNEL_CMDLINE " yourself, with the command "
						  "line new boot entries are to get");
	}
	if (r < 0)
		return backend_file_error(c, t->from, r, "cannot read", NULL);
	r = fallback_tokens(t, dropped);
	return r < 0 ? backend_error(c, r, "%s: %s", t->from, strerror(-r)) : 0;
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
	struct kc_text t;
	int r = read_text(c, &t, NULL);

	if (r == 0)
		r = kargs_split(current, t.text);
	if (r == -ENOMEM)
		backend_error(c, r, "%s: %s", t.from, strerror(-r));
	free(t.text);
	return r;
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
		report(c->rep, REPORT_RESULT, "would remove %s if it is empty",
		       KERNEL_CMDLINE_DIR);
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
	if (r == 0)
		backend_info(c, "removed %s", KERNEL_CMDLINE_DIR);
	else if (r != -ENOTEMPTY && r != -EEXIST && r != -ENOENT)
		backend_file_error(c, KERNEL_CMDLINE_DIR, r, "cannot remove", NULL);
}

static void forget_created(struct applied *a)
{
	free(a->created_from);
	a->created_from = NULL;
	a->created_dir = false;
}

/*
 * Nothing of ours is to stay, and the file is not there: creating it now
 * would only pin today's fallback over the vendor's.  An apply killed
 * after it made /etc/kernel, before the file, leaves the directory to
 * remove.
 */
static int nothing_to_create(struct backend_ctx *c)
{
	struct applied *a = c->applied;

	if (a && a->created_from && a->created_dir)
		remove_created_dir(c);
	if (a && !c->dry_run)
		forget_created(a);
	return 0;
}

/*
 * apply created the file; @text is what is left of it without ours.  If
 * that is what it was created from, it goes, and /usr/lib/kernel/cmdline
 * or /proc/cmdline count again.  Edited since: it is the admin's now, and
 * stays.
 */
static int remove_created(struct backend_ctx *c, const char *text)
{
	struct applied *a = c->applied;
	bool same = same_tokens(text, a->created_from);
	int r;

	if (!same)
		backend_info(c, "%s: kept, although earlybind created it: it was edited since",
			     KERNEL_CMDLINE);
	r = backend_write_file(c, KERNEL_CMDLINE, same ? NULL : text);
	if (r == 0 && same && a->created_dir)
		remove_created_dir(c);
	if (r == 0 && !c->dry_run)
		forget_created(a);
	return r;
}

/*
 * Write-ahead, before the file (and maybe /etc/kernel) is created from
 * @base: only the record lets --undo tell it from the admin's, should
 * apply be killed before it saves again.  Takes @base.
 */
static int record_created(struct backend_ctx *c, char *base)
{
	struct applied *a = c->applied;
	/* An apply killed between making /etc/kernel and the file made it. */
	bool made_dir = a->created_from && a->created_dir;
	struct stat st;
	int r;

	free(a->created_from);
	a->created_from = base;
	a->created_dir = made_dir || root_stat(c->root, KERNEL_CMDLINE_DIR, &st) == -ENOENT;
	r = backend_save_record(c);
	if (r < 0)
		forget_created(a);
	return r;
}

/* @text with @add after its last token.  0, or -errno after saying why. */
static int add_tokens(struct backend_ctx *c, const struct kc_text *t, const char *text,
		      const struct kargs *add, char **out)
{
	int r;

	if (!t->exists && !text[strspn(text, " \t\n")])
		/*
		 * kernel-install would give new entries only earlybind's
		 * arguments: no root=, nothing the admin boots with.
		 */
		return backend_error(c, -ENODATA, "%s: no arguments (not even root=) to "
				     "create %s from; create %s yourself, with the command line "
				     "new boot entries are to get", t->from, KERNEL_CMDLINE,
				     KERNEL_CMDLINE);
	r = kargs_edit(text, &(struct kargs){ 0 }, add, out);
	if (r == -EINVAL)
		return backend_error(c, r, "%s: ends inside a double quote: an argument added "
				     "after it would become part of that value; close the quote, "
				     "then run apply again", t->exists ? KERNEL_CMDLINE : t->from);
	return r < 0 ? backend_error(c, r, "%s", strerror(-r)) : 0;
}

/*
 * Writes @text, created from @base when the file does not exist yet (the
 * record names it first).  Takes @base.
 */
static int write_text(struct backend_ctx *c, bool exists, char *base, const char *text)
{
	struct applied *a = c->applied;
	int r = 0;

	if (!exists && a && !c->dry_run)
		r = record_created(c, base);
	else
		free(base);
	if (r < 0)
		return r;
	r = backend_write_file(c, KERNEL_CMDLINE, text);
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

/*
 * Reads the file (or its fallback) and says which of the fallback's
 * tokens stay out of a file made from it.
 */
static int load_for_write(struct backend_ctx *c, struct kc_text *t, bool ours)
{
	struct kargs dropped = { 0 };
	int r = read_text(c, t, &dropped);

	if (r == 0 && !t->exists && ours)
		for (size_t i = 0; i < dropped.n; i++)
			backend_info(c, "%s: %s is left out: %s has it for this boot only",
				     KERNEL_CMDLINE, dropped.v[i], t->from);
	kargs_free(&dropped);
	return r;
}

static int kc_write(struct backend_ctx *c, const struct kargs *add, const struct kargs *del,
		    const struct kargs *ours)
{
	struct kc_text t;
	char *kept = NULL, *edited = NULL, *base = NULL;
	int r = load_for_write(c, &t, ours->n);

	if (r == 0 && !t.exists && !ours->n) {
		free(t.text);
		return nothing_to_create(c);
	}
	/* A file created from the fallback's tokens ends in a newline. */
	if (r == 0 && !t.exists) {
		base = t.text;
		if (asprintf(&t.text, "%s\n", base) < 0) {
			t.text = NULL;
			r = backend_error(c, -ENOMEM, "%s", strerror(ENOMEM));
		}
	}
	/* Whole tokens only: a match inside the admin's quoted value is no match. */
	if (r == 0 && (r = kargs_edit(t.text, del, &(struct kargs){ 0 }, &kept)) < 0)
		backend_error(c, r, "%s", strerror(-r));
	if (r == 0 && t.exists && !ours->n && c->applied && c->applied->created_from)
		r = remove_created(c, kept);
	else if (r == 0)
		r = add_tokens(c, &t, kept, add, &edited);
	if (r == 0 && edited) {
		r = write_text(c, t.exists, base, edited);
		base = NULL;
	}
	free(base);
	free(t.text);
	free(kept);
	free(edited);
	return r;
}

const struct backend backend_kernel_cmdline = {
	.name = "kernel-cmdline",
	.read = kc_read,
	.write = kc_write,
	.initramfs = backend_dracut,
	.after = "boot entries added from now on (kernel-install add, at the next kernel "
		 "update) get these arguments; existing entries keep theirs",
	/*
	 * kernel-install reads the file only when it adds an entry
	 * (systemd src/kernel-install/90-loaderentry.install.in).
	 */
	.after_undo = "boot entries added from now on (kernel-install add, at the next "
		      "kernel update) get the command line without them; existing entries "
		      "keep them until they are added again",
};
