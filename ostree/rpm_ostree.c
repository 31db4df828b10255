// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * rpm-ostree (Fedora Silverblue, Kinoite, CoreOS; bootc hosts).  What each
 * step relies on, with its source in coreos/rpm-ostree, is in
 * docs/boot-configuration.md ("rpm-ostree"):
 *  - kargs: one transaction, one whole token per --append-if-missing= and
 *    --delete-if-present= (they compare whole tokens, and a value with a
 *    blank would never match), --unchanged-exit-77 to learn "no change";
 *  - initramfs: the earlybind module must be in it, so regeneration is
 *    turned on with "rpm-ostree initramfs --enable --arg=-a
 *    --arg=earlybind" (dracut's --add), keeping any --arg the admin had:
 *    each --enable replaces the stored list.  Every later deployment then
 *    reruns dracut with the host's /etc, so a kargs change that stages a
 *    deployment also brings the new manifest.  When the manifest changed
 *    and nothing else deploys, the same --enable is run again: with a
 *    non-empty argument list it always redeploys.  initramfs-etc is not
 *    used: it cannot add kernel modules, and it excludes --enable, so
 *    apply refuses, before staging anything, while it tracks files.
 *    --undo takes out only its "-a earlybind" pair from the --arg list
 *    as rpm-ostree status --json has it then: --enable with what
 *    remains, or --disable when earlybind turned regeneration on and
 *    nothing remains.
 * The state is read from the deployment the next transaction builds on
 * (rpm_ostree_status.c): the staged one when there is one.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "backend.h"
#include "rpm_ostree_status.h"

static int ro_read(struct backend_ctx *c, struct kargs *current)
{
	char *argv[] = { "rpm-ostree", "kargs", NULL };
	char *out = NULL;
	int r;

	r = backend_run(c, argv, true, NULL, &out);
	if (r < 0)
		return r;
	r = kargs_split(current, out ? out : "");
	free(out);
	return r < 0 ? backend_error(c, r, "rpm-ostree kargs: %s", strerror(-r)) : 0;
}

/* Frees the @n strings of @argv that were made, and @argv. */
static void free_argv(char **argv, size_t from, size_t n)
{
	for (size_t i = from; i < n; i++)
		free(argv[i]);
	free(argv);
}

/* Appends "@prefix@tok" for each of @k to @argv at *@n.  0 or -ENOMEM. */
static int push_flags(char **argv, size_t *n, const char *prefix, const struct kargs *k)
{
	for (size_t i = 0; i < k->n; i++) {
		if (asprintf(&argv[*n], "%s%s", prefix, k->v[i]) < 0)
			return -ENOMEM;
		(*n)++;
	}
	return 0;
}

static int ro_write(struct backend_ctx *c, const struct kargs *add, const struct kargs *del,
		    const struct kargs *ours)
{
	static const int ok[] = { 0, 77, -1 };
	char **argv;
	size_t n = 0;
	int r;

	(void)ours;
	/* Nothing to patch (a stopped run finished by hand): no flag is a query. */
	if (!add->n && !del->n)
		return 0;
	argv = calloc(add->n + del->n + 4, sizeof(*argv));
	if (!argv)
		return backend_error(c, -ENOMEM, "%s", strerror(ENOMEM));
	argv[n++] = "rpm-ostree";
	argv[n++] = "kargs";
	r = push_flags(argv, &n, "--append-if-missing=", add);
	if (r == 0)
		r = push_flags(argv, &n, "--delete-if-present=", del);
	if (r < 0) {
		free_argv(argv, 2, n);
		return backend_error(c, r, "%s", strerror(-r));
	}
	argv[n] = "--unchanged-exit-77";
	r = backend_run(c, argv, false, ok, NULL);
	if (r == 0 && !c->dry_run)
		c->deployed = true;
	free_argv(argv, 2, n);
	return r < 0 ? r : 0;
}

/* Is the pair at @i of @args "-a earlybind"? */
static bool ours_at(const struct kargs *args, size_t i)
{
	return i + 1 < args->n && strcmp(args->v[i], "-a") == 0 &&
	       strcmp(args->v[i + 1], "earlybind") == 0;
}

/* Is "-a earlybind" among @args? */
static bool has_ours(const struct kargs *args)
{
	for (size_t i = 0; i < args->n; i++)
		if (ours_at(args, i))
			return true;
	return false;
}

/*
 * @args less its first "-a earlybind" pair when @drop_ours, plus that
 * pair when @add_ours, into @out.  0 or -ENOMEM.
 */
static int enable_args(const struct kargs *args, bool drop_ours, bool add_ours, struct kargs *out)
{
	int r = 0;

	for (size_t i = 0; r == 0 && i < args->n; i++) {
		if (drop_ours && ours_at(args, i)) {
			drop_ours = false;
			i++;
			continue;
		}
		r = kargs_push(out, args->v[i]);
	}
	if (r == 0 && add_ours)
		r = kargs_push(out, "-a");
	if (r == 0 && add_ours)
		r = kargs_push(out, "earlybind");
	return r;
}

/*
 * rpm-ostree initramfs --enable with @args as the --arg list, less the
 * first "-a earlybind" pair when @drop_ours, plus that pair when @add_ours.
 * Each --enable replaces the stored list, so it is always given in full.
 */
static int ro_enable(struct backend_ctx *c, const struct kargs *args, bool drop_ours,
		     bool add_ours)
{
	struct kargs list = { 0 };
	char **argv = NULL;
	size_t n = 0;
	int r = enable_args(args, drop_ours, add_ours, &list);

	if (r == 0 && !(argv = calloc(list.n + 4, sizeof(*argv))))
		r = -ENOMEM;
	if (r == 0) {
		argv[n++] = "rpm-ostree";
		argv[n++] = "initramfs";
		argv[n++] = "--enable";
		r = push_flags(argv, &n, "--arg=", &list);
	}
	kargs_free(&list);
	if (r < 0) {
		if (argv)
			free_argv(argv, 3, n);
		return backend_error(c, r, "%s", strerror(-r));
	}
	r = backend_run(c, argv, false, NULL, NULL);
	if (r == 0 && !c->dry_run)
		c->deployed = true;
	free_argv(argv, 3, n);
	return r;
}

/* The deployment status --json says decides the initramfs.  0 or -errno, said. */
static int ro_status(struct backend_ctx *c, struct rpm_ostree_deployment *d)
{
	char *argv[] = { "rpm-ostree", "status", "--json", NULL };
	char *json = NULL;
	int r;

	*d = (struct rpm_ostree_deployment){ 0 };
	r = backend_run(c, argv, true, NULL, &json);
	if (r < 0)
		return r;
	r = rpm_ostree_status_read(json ? json : "", json ? strlen(json) : 0, d);
	free(json);
	if (r == -ENOMEM)
		return backend_error(c, r, "%s", strerror(-r));
	if (r < 0)
		return backend_error(c, r, "rpm-ostree status --json: %s (run it to see what it "
				     "prints)", r == -ENOENT ? "no deployment is listed" :
				     "this is not the JSON rpm-ostree prints");
	return 0;
}

/*
 * initramfs-etc and initramfs --enable exclude each other (rpm-ostree
 * src/libpriv/rpmostree-sysroot-upgrader.cxx: "initramfs regeneration and
 * /etc overlay not compatible").  Asked before the kargs transaction
 * stages anything, so that a refusal leaves the system as it was, rather
 * than with arguments and no module.
 */
static int ro_prepare(struct backend_ctx *c, bool initramfs)
{
	struct rpm_ostree_deployment d;
	char *list;
	int r;

	if (c->undo || !initramfs)
		return 0;
	r = ro_status(c, &d);
	if (r < 0 || !d.etc.n)
		goto out;
	list = kargs_join(&d.etc);
	r = backend_error(c, -EBUSY, "rpm-ostree initramfs-etc tracks %s: its /etc overlay and "
			  "the\n  initramfs regeneration that puts earlybind in (rpm-ostree "
			  "initramfs --enable)\n  cannot both be on.  Run 'rpm-ostree "
			  "initramfs-etc --untrack-all' first (with\n  dracut's install_items+= "
			  "in /etc/dracut.conf.d for the files still needed),\n  or apply "
			  "--no-initramfs and put earlybind in the initramfs yourself.  "
			  "Nothing\n  was changed.", list ? list : "files");
	free(list);
out:
	rpm_ostree_deployment_free(&d);
	return r;
}

/*
 * --undo: only what earlybind turned on is turned off, judged by the
 * --arg list as it is now, not as apply left it: the admin may have run
 * initramfs --enable with their own --arg values since.  Regeneration goes
 * off only when earlybind turned it on and its "-a earlybind" is all the
 * list holds; any other --arg stays, given back to --enable in full (each
 * --enable replaces the list).
 */
static int ro_undo(struct backend_ctx *c, const struct rpm_ostree_deployment *d,
		   struct applied *a)
{
	char *disable[] = { "rpm-ostree", "initramfs", "--disable", NULL };
	bool ours_there = has_ours(&d->args);
	size_t others = d->args.n - (ours_there ? 2 : 0);
	int r = 0;

	if (d->regenerate && (a->initramfs_enabled || a->initramfs_args_added)) {
		if (!others && a->initramfs_enabled)
			r = backend_run(c, disable, false, NULL, NULL);
		else if (ours_there)
			r = ro_enable(c, &d->args, true, false);
	}
	if (r == 0 && !c->dry_run)
		a->initramfs_enabled = a->initramfs_args_added = false;
	return r;
}

static int ro_initramfs(struct backend_ctx *c, bool undo, struct applied *a)
{
	struct rpm_ostree_deployment d;
	bool ours_there, was_enabled = a->initramfs_enabled, was_added = a->initramfs_args_added;
	int r = ro_status(c, &d);

	if (r < 0 || undo) {
		r = r < 0 ? r : ro_undo(c, &d, a);
		goto out;
	}
	ours_there = has_ours(&d.args);
	if (d.regenerate && ours_there && (c->deployed || !c->manifest_changed)) {
		backend_info(c, "initramfs: %s", c->deployed ? "the new deployment regenerates it "
			     "with this manifest" : "already regenerated with this manifest");
		goto out;
	}
	/*
	 * Write-ahead: recorded before --enable runs, so that --undo turns
	 * off what a killed apply may have turned on; taken back if it fails.
	 */
	if (!d.regenerate)
		a->initramfs_enabled = true;
	else if (!ours_there)
		a->initramfs_args_added = true;
	r = backend_save_record(c);
	if (r == 0)
		r = ro_enable(c, &d.args, false, !ours_there);
	if (r < 0) {
		a->initramfs_enabled = was_enabled;
		a->initramfs_args_added = was_added;
	}
out:
	rpm_ostree_deployment_free(&d);
	return r;
}

const struct backend backend_rpm_ostree = {
	.name = "rpm-ostree",
	.prepare = ro_prepare,
	.read = ro_read,
	.write = ro_write,
	.initramfs = ro_initramfs,
	.after = "the changes are staged in a new deployment; reboot (systemctl reboot) "
		 "to use it",
	.after_undo = "their removal is staged in a new deployment; reboot (systemctl "
		      "reboot) to boot without them",
};
