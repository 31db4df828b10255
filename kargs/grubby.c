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
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "backend.h"

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

/* A new entry at the end of @es, from its "index=N" line; NULL on -ENOMEM. */
static struct entry *new_entry(struct entries *es, const char *index)
{
	struct entry *n = realloc(es->v, (es->n + 1) * sizeof(*n)), *e;

	if (!n)
		return NULL;
	es->v = n;
	e = &es->v[es->n++];
	*e = (struct entry){ 0 };
	snprintf(e->index, sizeof(e->index), "%s", index);
	return e;
}

/*
 * grubby --info=ALL's text into @es: an "index=N" line starts each entry
 * (grubby-bls display_info_values), then kernel=, args= (the options
 * without root=), root=, initrd=, title=, id=.  0 or -ENOMEM.
 */
static int parse_entries(char *text, struct entries *es)
{
	char *line, *save = NULL, *v;
	struct entry *e = NULL;
	int r = 0;

	for (line = strtok_r(text, "\n", &save); line && r == 0;
	     line = strtok_r(NULL, "\n", &save)) {
		if (strncmp(line, "index=", 6) == 0) {
			e = new_entry(es, line + 6);
			r = e ? 0 : -ENOMEM;
		} else if (e && (v = quoted_value(line, "args"))) {
			r = kargs_split(&e->args, v);
			free(v);
		} else if (e && (v = quoted_value(line, "id"))) {
			free(e->id);
			e->id = v;
		}
	}
	return r;
}

/* The boot entries, as grubby --info=ALL lists them.  0, or -errno after saying why. */
static int read_entries(struct backend_ctx *c, struct entries *es)
{
	char *argv[] = { "grubby", "--info=ALL", NULL };
	char *out = NULL;
	int r;

	*es = (struct entries){ 0 };
	r = backend_run(c, argv, true, NULL, &out);
	if (r < 0)
		return r;
	r = parse_entries(out ? out : (char[]){ "" }, es);
	free(out);
	for (size_t i = 0; r == 0 && i < es->n; i++)
		if (!es->v[i].id || !es->v[i].index[0])
			r = backend_error(c, -EBADMSG, "grubby --info=ALL: entry %zu has no index "
					  "or id; run it to see what it prints", i);
	if (r == -ENOMEM)
		backend_error(c, r, "grubby --info=ALL: %s", strerror(-r));
	if (r < 0)
		entries_free(es);
	return r;
}

static int grubby_read(struct backend_ctx *c, struct kargs *current)
{
	struct entries es;
	int r = read_entries(c, &es);

	if (r < 0)
		return r;
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
	return r < 0 ? backend_error(c, r, "grubby: %s", strerror(-r)) : 0;
}

/* The tokens of ROOT/etc/kernel/cmdline (none when it is missing).  0 or -errno, said. */
static int kernel_cmdline(struct backend_ctx *c, struct kargs *out)
{
	char *text;
	int r = backend_read_file(c, "/etc/kernel/cmdline", 1u << 20, &text);

	if (r == -ENOENT)
		return 0;
	if (r == 0)
		r = kargs_split(out, text);
	free(text);
	return r < 0 ? backend_file_error(c, "/etc/kernel/cmdline", r, "cannot read", NULL) : 0;
}

/* grubby --update-kernel=@target [--remove-args=@del] [--args=@add]. */
static int update(struct backend_ctx *c, const char *target, const struct kargs *add,
		  const struct kargs *del)
{
	char *argv[5] = { "grubby" }, *t = NULL, *a = NULL, *d = NULL, *aj, *dj;
	size_t n = 1;
	int r;

	if (!add->n && !del->n)
		return 0;
	aj = kargs_join(add);
	dj = kargs_join(del);
	if (!aj || !dj || asprintf(&t, "--update-kernel=%s", target) < 0 ||
	    (del->n && asprintf(&d, "--remove-args=%s", dj) < 0) ||
	    (add->n && asprintf(&a, "--args=%s", aj) < 0)) {
		r = backend_error(c, -ENOMEM, "%s", strerror(ENOMEM));
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
	if (r == BACKEND_FAILED)
		c->partial = true;
	r = r < 0 ? r : 0;
out:
	free(t);
	free(a);
	free(d);
	free(aj);
	free(dj);
	return r;
}

/* What one grubby_write does: with ALL, and per entry (ep[i] for es.v[i]). */
struct grubby_plan {
	struct entries es;
	struct entry_plan {
		struct kargs add, del;
	} *ep;
	struct kargs all_add, all_del;
};

static void grubby_plan_free(struct grubby_plan *p)
{
	for (size_t i = 0; p->ep && i < p->es.n; i++) {
		kargs_free(&p->ep[i].add);
		kargs_free(&p->ep[i].del);
	}
	free(p->ep);
	entries_free(&p->es);
	kargs_free(&p->all_add);
	kargs_free(&p->all_del);
}

/*
 * @tok to every entry with ALL when no entry (nor /etc/kernel/cmdline,
 * in @future) has it, else to the entries that lack it alone.
 */
static int plan_add(struct backend_ctx *c, struct grubby_plan *p, const struct applied *a,
		    const struct kargs *future, const char *tok)
{
	bool anywhere = kargs_has(future, tok);

	for (size_t i = 0; !anywhere && i < p->es.n; i++)
		anywhere = kargs_has(&p->es.v[i].args, tok);
	/* Added with ALL before: ALL again finishes what a kill cut short. */
	if (!anywhere || (c->redo && kargs_has(&a->all, tok)))
		return kargs_push(&p->all_add, tok);
	for (size_t i = 0; i < p->es.n; i++)
		if (!kargs_has(&p->es.v[i].args, tok) && kargs_push(&p->ep[i].add, tok) < 0)
			return -ENOMEM;
	backend_info(c, "grubby: %s is in some boot entries already (not from earlybind): added "
		     "to the others alone; kernels installed later do not get it from earlybind, "
		     "the next apply adds it to theirs", tok);
	return 0;
}

/* @tok out of every entry with ALL where apply added it so, else where it added it. */
static int plan_del(struct grubby_plan *p, const struct applied *a, const char *tok)
{
	if (kargs_has(&a->all, tok))
		return kargs_push(&p->all_del, tok);
	for (size_t i = 0; i < p->es.n; i++)
		if (kargs_has(&p->es.v[i].args, tok) && applied_entry_has(a, p->es.v[i].id, tok) &&
		    kargs_push(&p->ep[i].del, tok) < 0)
			return -ENOMEM;
	return 0;
}

static int make_plan(struct backend_ctx *c, struct grubby_plan *p, const struct applied *a,
		     const struct kargs *add, const struct kargs *del)
{
	struct kargs future = { 0 };
	int r = read_entries(c, &p->es);

	if (r == 0)
		r = kernel_cmdline(c, &future);
	if (r < 0) {
		kargs_free(&future);
		return r;
	}
	p->ep = calloc(p->es.n + 1, sizeof(*p->ep));
	r = p->ep ? 0 : -ENOMEM;
	for (size_t t = 0; r == 0 && t < add->n; t++)
		r = plan_add(c, p, a, &future, add->v[t]);
	for (size_t t = 0; r == 0 && t < del->n; t++)
		r = plan_del(p, a, del->v[t]);
	kargs_free(&future);
	return r < 0 ? backend_error(c, r, "%s", strerror(-r)) : 0;
}

/*
 * Write-ahead: every entry about to get one of ours is in the record
 * before grubby runs, so that a kill half-way leaves nothing of ours
 * that the record does not name.
 */
static int record_adds(struct backend_ctx *c, const struct grubby_plan *p, struct applied *a)
{
	int r = 0;

	for (size_t t = 0; r == 0 && t < p->all_add.n; t++)
		if (!kargs_has(&a->all, p->all_add.v[t]))
			r = kargs_push(&a->all, p->all_add.v[t]);
	for (size_t i = 0; r == 0 && i < p->es.n; i++)
		for (size_t t = 0; r == 0 && t < p->ep[i].add.n; t++)
			r = applied_entry_add(a, p->es.v[i].id, p->ep[i].add.v[t]);
	if (r < 0)
		return backend_error(c, r, "%s", strerror(-r));
	return backend_save_record(c);
}

/* Taken out: no longer ours anywhere it was taken from. */
static void forget_dels(const struct grubby_plan *p, struct applied *a)
{
	for (size_t t = 0; t < p->all_del.n; t++) {
		kargs_remove(&a->all, p->all_del.v[t]);
		for (size_t i = 0; i < a->n_entries; i++)
			applied_entry_del(a, a->entries[i].id, p->all_del.v[t]);
	}
	for (size_t i = 0; i < p->es.n; i++)
		for (size_t t = 0; t < p->ep[i].del.n; t++)
			applied_entry_del(a, p->es.v[i].id, p->ep[i].del.v[t]);
}

static int grubby_write(struct backend_ctx *c, const struct kargs *add, const struct kargs *del,
			const struct kargs *ours)
{
	struct applied none = { 0 }, *a = c->applied ? c->applied : &none;
	bool record = !c->dry_run && c->applied;
	struct grubby_plan p = { 0 };
	struct kargs stale = { 0 };
	int r = 0;

	/*
	 * After a run that stopped half-way, some entries may have our
	 * arguments and some not: every entry is looked at again for all of
	 * ours, and every recorded one no longer wanted is taken out.
	 */
	if (c->redo) {
		add = ours;
		for (size_t i = 0; r == 0 && i < a->kargs.n; i++)
			if (!kargs_has(ours, a->kargs.v[i]))
				r = kargs_push(&stale, a->kargs.v[i]);
		del = &stale;
		if (r < 0)
			backend_error(c, r, "%s", strerror(-r));
	}
	if (r == 0 && (add->n || del->n))
		r = make_plan(c, &p, a, add, del);
	if (r == 0 && record && (add->n || del->n))
		r = record_adds(c, &p, a);
	if (r == 0)
		r = update(c, "ALL", &p.all_add, &p.all_del);
	for (size_t i = 0; r == 0 && i < p.es.n; i++)
		r = update(c, p.es.v[i].index, &p.ep[i].add, &p.ep[i].del);
	if (r == 0 && record)
		forget_dels(&p, a);
	grubby_plan_free(&p);
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
	.per_entry = true,
};
