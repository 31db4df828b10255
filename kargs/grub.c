// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * GRUB on Debian and Ubuntu: a drop-in /etc/default/grub.d/99-earlybind.cfg
 * that appends to GRUB_CMDLINE_LINUX, never an edit of the admin's
 * /etc/default/grub; then update-grub.  grub-mkconfig sources
 * /etc/default/grub and then the grub.d .cfg files in glob order, later
 * assignments winning (a Debian patch, debian/patches/default-grub-d.patch;
 * Fedora does not read grub.d): docs/boot-configuration.md, "GRUB".
 */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "backend.h"
#include "rootpath.h"
#include "program.h"

#define GRUB_DROPIN_DIR "/etc/default/grub.d"
#define GRUB_DROPIN_NAME "99-earlybind.cfg"
#define GRUB_DROPIN GRUB_DROPIN_DIR "/" GRUB_DROPIN_NAME

struct grub_vars {
	char linux_[4096];   /* GRUB_CMDLINE_LINUX */
	char dflt[4096];     /* GRUB_CMDLINE_LINUX_DEFAULT */
};

/*
 * The value of one assignment as the shell would see it for the simple
 * forms these files use: "...", '...' or a bare word, with $NAME and
 * ${NAME} of the variable itself replaced by its value so far.
 */
static void assign(char *var, size_t size, const char *name, const char *v)
{
	char out[4096], ref1[64], ref2[64];
	size_t len = 0;
	char q = 0;

	snprintf(ref1, sizeof(ref1), "$%s", name);
	snprintf(ref2, sizeof(ref2), "${%s}", name);
	if (*v == '"' || *v == '\'')
		q = *v++;
	while (*v && len + 1 < sizeof(out)) {
		if (q ? *v == q : (*v == ' ' || *v == '\t' || *v == '#' || *v == '\n'))
			break;
		if (q != '\'' && strncmp(v, ref2, strlen(ref2)) == 0) {
			len += (size_t)snprintf(out + len, sizeof(out) - len, "%s", var);
			v += strlen(ref2);
		} else if (q != '\'' && strncmp(v, ref1, strlen(ref1)) == 0 &&
			   !(v[strlen(ref1)] == '_' ||
			     (v[strlen(ref1)] >= 'A' && v[strlen(ref1)] <= 'Z'))) {
			len += (size_t)snprintf(out + len, sizeof(out) - len, "%s", var);
			v += strlen(ref1);
		} else {
			out[len++] = *v++;
		}
		if (len >= sizeof(out))
			len = sizeof(out) - 1;
	}
	out[len] = '\0';
	snprintf(var, size, "%s", out);
}

/* The assignments of one file's text, in order. */
static void source_text(const char *text, struct grub_vars *g)
{
	while (*text) {
		size_t l = strcspn(text, "\n");
		char line[4096];
		const char *p = line;

		snprintf(line, sizeof(line), "%.*s",
			 (int)(l < sizeof(line) ? l : sizeof(line) - 1), text);
		text += l + (text[l] == '\n');
		p += strspn(p, " \t");
		if (strncmp(p, "export ", 7) == 0)
			p += 7;
		if (strncmp(p, "GRUB_CMDLINE_LINUX_DEFAULT=", 27) == 0)
			assign(g->dflt, sizeof(g->dflt), "GRUB_CMDLINE_LINUX_DEFAULT", p + 27);
		else if (strncmp(p, "GRUB_CMDLINE_LINUX=", 19) == 0)
			assign(g->linux_, sizeof(g->linux_), "GRUB_CMDLINE_LINUX", p + 19);
	}
}

/* @path under the root, sourced as update-grub does; missing or unreadable: no assignment. */
static void source_file(const struct backend_ctx *c, const char *path, struct grub_vars *g)
{
	char *text;

	if (backend_read_file(c, path, 1u << 20, &text) == 0)
		source_text(text, g);
	free(text);
}

static int by_name(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

static bool only_cfg(const char *name)
{
	size_t l = strlen(name);

	return l > 4 && strcmp(name + l - 4, ".cfg") == 0;
}

/*
 * The grub.d drop-ins in the order grub-mkconfig sources them (the glob
 * *.cfg; grub_util_load_config sorts them with strcmp), into @names.  A
 * missing grub.d is no drop-in.  0 or -errno.
 */
static int dropins(const char *root, struct kargs *names)
{
	struct dirent *e;
	DIR *d;
	int fd, r = root_open_dir(root, GRUB_DROPIN_DIR, 0, &fd);

	if (r == -ENOENT)
		return 0;
	if (r < 0)
		return r;
	d = fdopendir(fd);
	if (!d) {
		r = -errno;
		close(fd);
		return r;
	}
	while (r == 0 && (e = readdir(d)))
		if (only_cfg(e->d_name))
			r = kargs_push(names, e->d_name);
	closedir(d);
	if (r == 0 && names->n)
		qsort(names->v, names->n, sizeof(*names->v), by_name);
	return r;
}

/* Does @value hold every token of @ours? */
static bool holds(const char *value, const struct kargs *ours)
{
	struct kargs k = { 0 };
	bool all = kargs_split(&k, value) == 0;

	for (size_t i = 0; all && i < ours->n; i++)
		all = kargs_has(&k, ours->v[i]);
	kargs_free(&k);
	return all;
}

/*
 * What grub-mkconfig makes of /etc/default/grub and the grub.d drop-ins,
 * into @g, with our drop-in's text taken as @ours_text (NULL: as it is on
 * disk; it may not exist yet).  When @ours is given, *@override gets the
 * first drop-in after ours that leaves GRUB_CMDLINE_LINUX without one of
 * @ours (a name to free; NULL when none does).  0, or -1 after saying why.
 */
static int effective(struct backend_ctx *c, const char *ours_text, const struct kargs *ours,
		     struct grub_vars *g, char **override)
{
	struct kargs names = { 0 };
	char path[PATH_MAX];
	bool seen = false;
	int r;

	if (override)
		*override = NULL;
	source_file(c, "/etc/default/grub", g);
	r = dropins(c->root, &names);
	if (r < 0)
		return backend_file_error(c, GRUB_DROPIN_DIR, r, "cannot read", NULL);
	for (size_t i = 0; r == 0 && i <= names.n; i++) {
		const char *name = i < names.n ? names.v[i] : NULL;
		bool is_ours = name && strcmp(name, GRUB_DROPIN_NAME) == 0;

		/* @ours_text in its place in the order, whether the file exists or not. */
		if (ours_text && !seen && (!name || strcmp(name, GRUB_DROPIN_NAME) >= 0)) {
			source_text(ours_text, g);
			seen = true;
		}
		if (!name)
			break;
		if (is_ours && ours_text)
			continue;
		snprintf(path, sizeof(path), "%s/%s", GRUB_DROPIN_DIR, name);
		source_file(c, path, g);
		if (override && seen && !*override && !holds(g->linux_, ours) &&
		    !(*override = strdup(path)))
			r = -ENOMEM;
	}
	kargs_free(&names);
	return r < 0 ? backend_error(c, r, "%s", strerror(-r)) : 0;
}

static int grub_read(struct backend_ctx *c, struct kargs *current)
{
	struct grub_vars g = { "", "" };
	int r = effective(c, NULL, NULL, &g, NULL);

	if (r < 0)
		return r;
	r = kargs_split(current, g.linux_);
	if (r == 0)
		r = kargs_split(current, g.dflt);
	return r < 0 ? backend_error(c, r, "GRUB_CMDLINE_LINUX: %s", strerror(-r)) : 0;
}

/* The drop-in that appends @ours to GRUB_CMDLINE_LINUX; NULL on -ENOMEM. */
static char *dropin_text(const struct kargs *ours)
{
	char *joined = kargs_join(ours), *text = NULL;

	if (joined && asprintf(&text, "# Written by earlybindctl apply: the kernel arguments "
				      "of /etc/earlybind.conf.\n# earlybindctl apply --undo "
				      "removes this file.\nGRUB_CMDLINE_LINUX=\""
				      "$GRUB_CMDLINE_LINUX %s\"\n", joined) < 0)
		text = NULL;
	free(joined);
	return text;
}

/*
 * Refuses, changing nothing, when a drop-in after ours sets the value
 * outright: ours would do nothing.  0 or -errno, said.
 */
static int refuse_override(struct backend_ctx *c, const char *text, const struct kargs *ours)
{
	struct grub_vars g = { "", "" };
	char *override;
	int r = effective(c, text, ours, &g, &override);

	if (r < 0 || !override)
		return r;
	r = backend_error(c, -EBUSY, "%s: sets GRUB_CMDLINE_LINUX after %s (grub-mkconfig reads "
			  "the drop-ins in name order, and the last assignment wins), so the "
			  "arguments earlybind writes there would have no effect.  Make it add to "
			  "the value, as GRUB_CMDLINE_LINUX=\"$GRUB_CMDLINE_LINUX ...\", or "
			  "rename it to sort before %s, then run apply again; nothing was changed",
			  override, GRUB_DROPIN, GRUB_DROPIN);
	free(override);
	return r;
}

/* Write-ahead: the record names the drop-in before it exists. */
static int record_dropin(struct backend_ctx *c)
{
	if (!c->applied || c->dry_run || kargs_has(&c->applied->wrote, GRUB_DROPIN))
		return 0;
	if (kargs_push(&c->applied->wrote, GRUB_DROPIN) < 0)
		return backend_error(c, -ENOMEM, "cannot record %s: %s", GRUB_DROPIN,
				     strerror(ENOMEM));
	return backend_save_record(c);
}

static int grub_write(struct backend_ctx *c, const struct kargs *add, const struct kargs *del,
		      const struct kargs *ours)
{
	char *update[] = { "update-grub", NULL };
	char *mkconfig[] = { "grub-mkconfig", "-o", "/boot/grub/grub.cfg", NULL };
	char *text = NULL;
	int r = 0;

	(void)add;
	(void)del;
	if (ours->n && !(text = dropin_text(ours)))
		return backend_error(c, -ENOMEM, "%s", strerror(ENOMEM));
	if (ours->n)
		r = refuse_override(c, text, ours);
	if (r == 0 && ours->n)
		r = record_dropin(c);
	if (r == 0)
		r = backend_write_file(c, GRUB_DROPIN, text);
	free(text);
	if (r < 0)
		return r;
	/*
	 * From here a failure leaves the drop-in and grub.cfg disagreeing:
	 * apply must record the drop-in and run update-grub again next time.
	 */
	c->partial = true;
	/* update-grub is Debian's grub-mkconfig -o /boot/grub/grub.cfg. */
	r = backend_run(c, program_exists_in(c->root, "update-grub") ? update : mkconfig, false,
			NULL, NULL);
	if (r < 0)
		return r;
	/* Removed, and grub.cfg made without it: nothing of it is left to undo. */
	if (!ours->n && c->applied && !c->dry_run)
		kargs_remove(&c->applied->wrote, GRUB_DROPIN);
	return 0;
}

const struct backend backend_grub = {
	.name = "grub",
	.read = grub_read,
	.write = grub_write,
	.initramfs = backend_dracut,
	.after = "reboot to use them",
	.after_undo = "reboot to boot without them",
};
