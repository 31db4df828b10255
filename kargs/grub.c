// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * GRUB on Debian and Ubuntu: a drop-in /etc/default/grub.d/99-earlybind.cfg
 * that appends to GRUB_CMDLINE_LINUX, never an edit of the admin's
 * /etc/default/grub; then update-grub.  grub-mkconfig sources
 * /etc/default/grub and then the grub.d .cfg files in glob order, later assignments
 * winning (a Debian patch; Fedora does not read grub.d: REFERENCE.md §3).
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
#define GRUB_DROPIN GRUB_DROPIN_DIR "/99-earlybind.cfg"

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

static void source_file(const char *root, const char *path, struct grub_vars *g)
{
	char line[4096];
	FILE *f;
	int fd;

	if (root_open(root, path, O_RDONLY | O_NONBLOCK, &fd) < 0)
		return;
	f = fdopen(fd, "re");
	if (!f) {
		close(fd);
		return;
	}
	while (fgets(line, sizeof(line), f)) {
		char *p = line + strspn(line, " \t");

		if (strncmp(p, "export ", 7) == 0)
			p += 7;
		if (strncmp(p, "GRUB_CMDLINE_LINUX_DEFAULT=", 27) == 0)
			assign(g->dflt, sizeof(g->dflt), "GRUB_CMDLINE_LINUX_DEFAULT", p + 27);
		else if (strncmp(p, "GRUB_CMDLINE_LINUX=", 19) == 0)
			assign(g->linux_, sizeof(g->linux_), "GRUB_CMDLINE_LINUX", p + 19);
	}
	fclose(f);
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

static int grub_read(struct backend_ctx *c, struct kargs *current)
{
	struct grub_vars g = { "", "" };
	struct kargs names = { 0 };
	char path[PATH_MAX];
	int r;

	source_file(c->root, "/etc/default/grub", &g);
	r = dropins(c->root, &names);
	if (r < 0)
		return backend_error("cannot read %s under %s: %s", GRUB_DROPIN_DIR, c->root,
				     root_strerror(r));
	for (size_t i = 0; i < names.n; i++) {
		snprintf(path, sizeof(path), "%s/%s", GRUB_DROPIN_DIR, names.v[i]);
		source_file(c->root, path, &g);
	}
	kargs_free(&names);
	r = kargs_split(current, g.linux_);
	if (r == 0)
		r = kargs_split(current, g.dflt);
	return r < 0 ? backend_error("GRUB_CMDLINE_LINUX: %s", strerror(-r)) : 0;
}

static int grub_write(struct backend_ctx *c, const struct kargs *add, const struct kargs *del,
		      const struct kargs *ours)
{
	char *joined = kargs_join(ours), *text = NULL;
	char *update[] = { "update-grub", NULL };
	char *mkconfig[] = { "grub-mkconfig", "-o", "/boot/grub/grub.cfg", NULL };
	int r;

	(void)add;
	(void)del;
	if (!joined)
		return backend_error("%s", strerror(ENOMEM));
	if (ours->n &&
	    asprintf(&text, "# Written by earlybindctl apply: the kernel arguments of "
			    "/etc/earlybind.conf.\n# earlybindctl apply --undo removes this "
			    "file.\nGRUB_CMDLINE_LINUX=\"$GRUB_CMDLINE_LINUX %s\"\n",
		     joined) < 0) {
		free(joined);
		return backend_error("%s", strerror(ENOMEM));
	}
	free(joined);
	r = backend_write_file(c, GRUB_DROPIN, ours->n ? text : NULL);
	free(text);
	if (r < 0)
		return r;
	/*
	 * From here a failure leaves the drop-in and grub.cfg disagreeing:
	 * apply must record the drop-in and run update-grub again next time.
	 */
	c->partial = true;
	/* update-grub is Debian's grub-mkconfig -o /boot/grub/grub.cfg. */
	return backend_run(c, program_exists_in(c->root, "update-grub") ? update : mkconfig, false,
			   NULL, NULL) < 0 ? -1 : 0;
}

const struct backend backend_grub = {
	.name = "grub",
	.read = grub_read,
	.write = grub_write,
	.initramfs = backend_dracut,
	.after = "reboot to use them",
	.after_undo = "reboot to boot without them",
};
