// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * grubby (Fedora, RHEL): the BLS wrapper grubby-bls (Fedora dist-git;
 * read at fedora-riscv/grubby@68f872a:grubby-bls).  Each boot entry has
 * its own options line, so what apply adds and what --undo takes out is
 * decided per entry, from that entry's own options (grubby --info=ALL):
 *
 *  - An argument no entry has goes to all of them in one
 *    "grubby --update-kernel=ALL --args=...": only ALL also writes where
 *    kernels installed later take their options from (grubby-bls
 *    update_bls_fragment: /etc/kernel/cmdline, which Fedora's
 *    20-grub.install and kernel-install read, GRUB_CMDLINE_LINUX in
 *    /etc/default/grub when it is not empty, which grub2-mkconfig writes
 *    into every entry, and grubenv's kernelopts).  The record notes it as
 *    added to all, and --undo takes it out of all with ALL again: every
 *    entry that has it then got it from earlybind, directly or through
 *    /etc/kernel/cmdline.  Not when /etc/kernel/cmdline has it already
 *    (the admin's there): --remove-args would take that out too.
 *  - An argument some entries have already (the admin's) goes only to the
 *    entries that lack it, one "grubby --update-kernel=INDEX" each, and the
 *    record notes those entries by id; --undo takes it out of those alone.
 *    A kernel installed later does not inherit it from earlybind (ALL
 *    would rewrite the admin's entries, and --undo would take the admin's
 *    argument out of them); the next apply adds it to the new entry.
 *
 * --remove-args is applied before --args.  --args=K=V replaces every K, so
 * apply never passes a key that the admin set to another value in any
 * entry (src/ctl/cmd_apply.c admins_same_key).
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "backend.h"
#include "rootpath.h"

struct entry {
	char index[16]; /* grubby's index, for --update-kernel (this run's) */
	char *id;       /* the BLS id, which stays from one run to the next */
	struct kargs args;
};

struct entries {
	struct entry *v;
	size_t n;
};

static void entries_free(struct entries *es)
{
	for (size_t i = 0; i < es->n; i++) {
		free(es->v[i].id);
		kargs_free(&es->v[i].args);
	}
	free(es->v);
	*es = (struct entries){ 0 };
}

/* The value of KEY="VALUE": from the first quote to the last. */
static char *quoted_value(const char *line, const char *key)
{
	size_t kl = strlen(key);
	const char *v, *end;

	if (strncmp(line, key, kl) != 0 || line[kl] != '=')
		return NULL;
	v = line + kl + 1;
	end = v + strlen(v);
	if (*v == '"' && end > v + 1 && end[-1] == '"')
		return strndup(v + 1, (size_t)(end - v - 2));
	return strdup(v);
}

/*
 * grubby --info=ALL: an "index=N" line starts each entry (grubby-bls
 * display_info_values), then kernel=, args= (the options without root=),
 * root=, initrd=, title=, id=.  0, or -1 after saying why.
 */
static int read_entries(struct backend_ctx *c, struct entries *es)
{
	char *argv[] = { "grubby", "--info=ALL", NULL };
	char *out = NULL, *line, *save = NULL;
	struct entry *e = NULL;
	int r = 0;

	*es = (struct entries){ 0 };
	if (backend_run(c, argv, true, NULL, &out) < 0)
		return -1;
	for (line = strtok_r(out ? out : (char[]){ "" }, "\n", &save); line && r == 0;
	     line = strtok_r(NULL, "\n", &save)) {
		char *v;

		if (strncmp(line, "index=", 6) == 0) {
			struct entry *n = realloc(es->v, (es->n + 1) * sizeof(*n));

			if (!n) {
				r = -ENOMEM;
				break;
			}
			es->v = n;
			e = &es->v[es->n++];
			*e = (struct entry){ 0 };
			snprintf(e->index, sizeof(e->index), "%s", line + 6);
		} else if (e && (v = quoted_value(line, "args"))) {
			r = kargs_split(&e->args, v);
			free(v);
		} else if (e && (v = quoted_value(line, "id"))) {
			free(e->id);
			e->id = v;
		}
	}
	free(out);
	for (size_t i = 0; r == 0 && i < es->n; i++)
		if (!es->v[i].id || !es->v[i].index[0]) {
			entries_free(es);
			return backend_error("grubby --info=ALL: entry %zu has no index or id; run it "
					     "to see what it prints", i);
		}
	if (r < 0) {
		entries_free(es);
		return backend_error("grubby --info=ALL: %s", strerror(-r));
	}
	return 0;
}

static int grubby_read(struct backend_ctx *c, struct kargs *current)
{
	struct entries es;
	int r = 0;

	if (read_entries(c, &es) < 0)
		return -1;
	/* What every entry has, and (for the plan) what some entry has. */
	for (size_t t = 0; es.n && r == 0 && t < es.v[0].args.n; t++) {
		const char *tok = es.v[0].args.v[t];
		bool all = true;

		for (size_t i = 1; all && i < es.n; i++)
			all = kargs_has(&es.v[i].args, tok);
		if (all && !kargs_has(current, tok))
			r = kargs_push(current, tok);
	}
	for (size_t i = 0; c->anywhere && r == 0 && i < es.n; i++)
		for (size_t t = 0; r == 0 && t < es.v[i].args.n; t++)
			if (!kargs_has(c->anywhere, es.v[i].args.v[t]))
				r = kargs_push(c->anywhere, es.v[i].args.v[t]);
	entries_free(&es);
	return r < 0 ? backend_error("grubby: %s", strerror(-r)) : 0;
}

/* The tokens of ROOT/etc/kernel/cmdline (none when it is missing). */
static int kernel_cmdline(struct backend_ctx *c, struct kargs *out)
{
	char buf[8192];
	ssize_t n;
	int fd, r = root_open(c->root, "/etc/kernel/cmdline", O_RDONLY | O_NONBLOCK, &fd);

	if (r < 0)
		return r == -ENOENT ? 0 : r;
	n = read(fd, buf, sizeof(buf) - 1);
	r = n < 0 ? -errno : 0;
	close(fd);
	if (r == 0) {
		buf[n] = '\0';
		r = kargs_split(out, buf);
	}
	return r;
}

/* grubby --update-kernel=@target [--remove-args=@del] [--args=@add]. */
static int update(struct backend_ctx *c, const char *target, const struct kargs *add,
		  const struct kargs *del)
{
	char *argv[5] = { "grubby" }, *t = NULL, *a = NULL, *d = NULL, *aj, *dj;
	size_t n = 1;
	int r = -1;

	if (!add->n && !del->n)
		return 0;
	aj = kargs_join(add);
	dj = kargs_join(del);
	if (!aj || !dj || asprintf(&t, "--update-kernel=%s", target) < 0 ||
	    (del->n && asprintf(&d, "--remove-args=%s", dj) < 0) ||
	    (add->n && asprintf(&a, "--args=%s", aj) < 0)) {
		backend_error("%s", strerror(ENOMEM));
		goto out;
	}
	argv[n++] = t;
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
out:
	free(t);
	free(a);
	free(d);
	free(aj);
	free(dj);
	return r;
}

struct entry_plan {
	struct kargs add, del;
};

static int grubby_write(struct backend_ctx *c, const struct kargs *add, const struct kargs *del,
			const struct kargs *ours)
{
	struct applied none = { 0 }, *a = c->applied ? c->applied : &none;
	struct kargs stale = { 0 }, future = { 0 }, all_add = { 0 }, all_del = { 0 };
	struct entry_plan *ep = NULL;
	struct entries es = { 0 };
	int r = -1, err = 0;

	/*
	 * After a run that stopped half-way, some entries may have our
	 * arguments and some not: every entry is looked at again for all of
	 * ours, and every recorded one no longer wanted is taken out.
	 */
	if (c->redo) {
		add = ours;
		for (size_t i = 0; err == 0 && i < a->kargs.n; i++)
			if (!kargs_has(ours, a->kargs.v[i]))
				err = kargs_push(&stale, a->kargs.v[i]);
		del = &stale;
	}
	if (!add->n && !del->n) {
		r = 0;
		goto out;
	}
	if (err < 0)
		goto nomem;
	if (read_entries(c, &es) < 0)
		goto fail;
	err = kernel_cmdline(c, &future);
	if (err < 0) {
		backend_error("cannot read /etc/kernel/cmdline under %s: %s", c->root,
			      root_strerror(err));
		goto out;
	}
	ep = calloc(es.n + 1, sizeof(*ep));
	if (!ep)
		goto nomem;
	for (size_t t = 0; t < add->n; t++) {
		const char *tok = add->v[t];
		bool anywhere = kargs_has(&future, tok);

		for (size_t i = 0; !anywhere && i < es.n; i++)
			anywhere = kargs_has(&es.v[i].args, tok);
		/* Added with ALL before: ALL again finishes what a kill cut short. */
		if (!anywhere || (c->redo && kargs_has(&a->all, tok))) {
			if (kargs_push(&all_add, tok) < 0)
				goto nomem;
			continue;
		}
		for (size_t i = 0; i < es.n; i++)
			if (!kargs_has(&es.v[i].args, tok) && kargs_push(&ep[i].add, tok) < 0)
				goto nomem;
		if (!c->quiet)
			printf("grubby: %s is in some boot entries already (not from earlybind): "
			       "added to the others alone; kernels installed later do not get it "
			       "from earlybind, the next apply adds it to theirs\n", tok);
	}
	for (size_t t = 0; t < del->n; t++) {
		const char *tok = del->v[t];

		if (kargs_has(&a->all, tok)) {
			if (kargs_push(&all_del, tok) < 0)
				goto nomem;
			continue;
		}
		for (size_t i = 0; i < es.n; i++)
			if (kargs_has(&es.v[i].args, tok) && applied_entry_has(a, es.v[i].id, tok) &&
			    kargs_push(&ep[i].del, tok) < 0)
				goto nomem;
	}
	/*
	 * Write-ahead: every entry about to get one of ours is in the record
	 * before grubby runs, so that a kill half-way leaves nothing of ours
	 * that the record does not name.
	 */
	if (!c->dry_run && c->applied) {
		for (size_t t = 0; t < all_add.n; t++)
			if (!kargs_has(&a->all, all_add.v[t]) && kargs_push(&a->all, all_add.v[t]) < 0)
				goto nomem;
		for (size_t i = 0; i < es.n; i++)
			for (size_t t = 0; t < ep[i].add.n; t++)
				if (applied_entry_add(a, es.v[i].id, ep[i].add.v[t]) < 0)
					goto nomem;
		if (backend_save_record(c) < 0)
			goto out;
	}
	if (update(c, "ALL", &all_add, &all_del) < 0)
		goto out;
	for (size_t i = 0; i < es.n; i++)
		if (update(c, es.v[i].index, &ep[i].add, &ep[i].del) < 0)
			goto out;
	/* Taken out: no longer ours anywhere it was taken from. */
	if (!c->dry_run && c->applied) {
		for (size_t t = 0; t < all_del.n; t++) {
			for (size_t k = 0; k < a->all.n; k++)
				if (strcmp(a->all.v[k], all_del.v[t]) == 0) {
					free(a->all.v[k]);
					a->all.v[k] = a->all.v[--a->all.n];
					break;
				}
			for (size_t i = 0; i < a->n_entries; i++)
				applied_entry_del(a, a->entries[i].id, all_del.v[t]);
		}
		for (size_t i = 0; i < es.n; i++)
			for (size_t t = 0; t < ep[i].del.n; t++)
				applied_entry_del(a, es.v[i].id, ep[i].del.v[t]);
	}
	r = 0;
	goto out;
nomem:
	backend_error("%s", strerror(ENOMEM));
fail:
	r = -1;
out:
	for (size_t i = 0; ep && i < es.n; i++) {
		kargs_free(&ep[i].add);
		kargs_free(&ep[i].del);
	}
	free(ep);
	entries_free(&es);
	kargs_free(&stale);
	kargs_free(&future);
	kargs_free(&all_add);
	kargs_free(&all_del);
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
	.per_entry = true,
};
