// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * grubby (Fedora, RHEL; the BLS grubby-bls wrapper, REFERENCE.md §2):
 * --update-kernel=ALL so that future kernels inherit the arguments;
 * --remove-args is applied before --args.  --args=K=V replaces every K, so
 * apply never passes a key that the admin set to another value.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "backend.h"

static int grubby_read(struct backend_ctx *c, struct kargs *current)
{
	char *argv[] = { "grubby", "--info=DEFAULT", NULL };
	char *out = NULL, *line, *save = NULL;
	int r;

	if (backend_run(c, argv, true, NULL, &out) < 0)
		return -1;
	r = 0;
	for (line = strtok_r(out, "\n", &save); line; line = strtok_r(NULL, "\n", &save)) {
		size_t l;

		if (strncmp(line, "args=", 5) != 0)
			continue;
		line += 5;
		l = strlen(line);
		if (l >= 2 && line[0] == '"' && line[l - 1] == '"') {
			line[l - 1] = '\0';
			line++;
		}
		r = kargs_split(current, line);
		break;
	}
	free(out);
	return r < 0 ? backend_error("grubby --info=DEFAULT: %s", strerror(-r)) : 0;
}

static int grubby_write(struct backend_ctx *c, const struct kargs *add, const struct kargs *del,
			const struct kargs *ours)
{
	char *argv[5] = { "grubby", "--update-kernel=ALL" }, *a = NULL, *d = NULL;
	struct kargs stale = { 0 };
	char *addj = NULL, *delj = NULL;
	size_t n = 2;
	int r = -1;

	/*
	 * After a failed run some entries may have our arguments and some not,
	 * while the default entry, the only one read, looks done: give every
	 * entry all of ours again (--args=K=V replaces K, so nothing doubles).
	 */
	if (c->redo && c->applied) {
		add = ours;
		/* And take every recorded one no longer wanted out of every entry. */
		for (size_t i = 0; i < c->applied->kargs.n; i++)
			if (!kargs_has(ours, c->applied->kargs.v[i]) &&
			    kargs_push(&stale, c->applied->kargs.v[i]) < 0)
				goto nomem;
		del = &stale;
	}
	if (!add->n && !del->n) {
		r = 0;
		goto out;
	}
	addj = kargs_join(add);
	delj = kargs_join(del);
	if (!addj || !delj)
		goto nomem;
	if (del->n && asprintf(&d, "--remove-args=%s", delj) < 0)
		goto nomem;
	if (add->n && asprintf(&a, "--args=%s", addj) < 0)
		goto nomem;
	if (d)
		argv[n++] = d;
	if (a)
		argv[n++] = a;
	argv[n] = NULL;
	r = backend_run(c, argv, false, NULL, NULL);
	/*
	 * grubby-bls edits the entries one by one: when it ran and failed,
	 * some may have changed.  Not started at all, it changed none.
	 */
	if (r < 0 && r != BACKEND_NOT_RUN)
		c->partial = true;
	r = r < 0 ? -1 : 0;
	goto out;
nomem:
	r = backend_error("%s", strerror(ENOMEM));
out:
	free(a);
	free(d);
	free(addj);
	free(delj);
	kargs_free(&stale);
	return r;
}

const struct backend backend_grubby = {
	.name = "grubby",
	.read = grubby_read,
	.write = grubby_write,
	.initramfs = backend_dracut,
	.after = "reboot to use them",
	.after_undo = "reboot to boot without them",
	.replaces_keys = true,
};
