// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * rpm-ostree (Fedora Silverblue, Kinoite, CoreOS; bootc hosts), as
 * REFERENCE.md §1 reads it:
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
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "backend.h"

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

static int ro_write(struct backend_ctx *c, const struct kargs *add, const struct kargs *del,
		    const struct kargs *ours)
{
	static const int ok[] = { 0, 77, -1 };
	size_t n = 0, max = add->n + del->n + 4;
	char **argv = calloc(max, sizeof(*argv));
	int r = -ENOMEM;

	(void)ours;
	if (!argv)
		return backend_error(c, -ENOMEM, "%s", strerror(ENOMEM));
	/* Nothing to patch (a stopped run finished by hand): no flag is a query. */
	if (!add->n && !del->n) {
		free(argv);
		return 0;
	}
	argv[n++] = strdup("rpm-ostree");
	argv[n++] = strdup("kargs");
	for (size_t i = 0; i < add->n; i++)
		if (asprintf(&argv[n++], "--append-if-missing=%s", add->v[i]) < 0)
			argv[n - 1] = NULL;
	for (size_t i = 0; i < del->n; i++)
		if (asprintf(&argv[n++], "--delete-if-present=%s", del->v[i]) < 0)
			argv[n - 1] = NULL;
	argv[n++] = strdup("--unchanged-exit-77");
	for (size_t i = 0; i < n; i++)
		if (!argv[i]) {
			backend_error(c, -ENOMEM, "%s", strerror(ENOMEM));
			goto out;
		}
	r = backend_run(c, argv, false, ok, NULL);
	if (r == 0 && !c->dry_run)
		c->deployed = true;
	r = r < 0 ? r : 0;
out:
	for (size_t i = 0; i < n; i++)
		free(argv[i]);
	free(argv);
	return r;
}

/* The first deployment's (the pending one's, if staged) "KEY": true/false. */
static bool json_flag(const char *json, const char *key)
{
	const char *p = strstr(json, key);

	if (!p)
		return false;
	p += strlen(key);
	p += strspn(p, "\" \t\n:");
	return strncmp(p, "true", 4) == 0;
}

/* The first deployment's "initramfs-args": [ "...", ... ] strings. */
static int json_strings(const char *json, const char *key, struct kargs *out)
{
	const char *p = strstr(json, key), *end;

	if (!p || !(p = strchr(p, '[')) || !(end = strchr(p, ']')))
		return 0;
	while ((p = strchr(p, '"')) && p < end) {
		const char *q = strchr(p + 1, '"');
		char *s;
		int r;

		if (!q || q > end)
			break;
		s = strndup(p + 1, (size_t)(q - p - 1));
		if (!s)
			return -ENOMEM;
		r = kargs_push(out, s);
		free(s);
		if (r < 0)
			return r;
		p = q + 1;
	}
	return 0;
}

/*
 * rpm-ostree initramfs --enable with @args as the --arg list, less the
 * first "-a earlybind" pair when @drop_ours, plus that pair when @add_ours.
 * Each --enable replaces the stored list, so it is always given in full.
 */
static int ro_enable(struct backend_ctx *c, const struct kargs *args, bool drop_ours,
		     bool add_ours)
{
	char **argv = calloc(args->n + 6, sizeof(*argv));
	size_t n = 0, allocated;
	int r = -ENOMEM;

	if (!argv)
		return backend_error(c, -ENOMEM, "%s", strerror(ENOMEM));
	argv[n++] = "rpm-ostree";
	argv[n++] = "initramfs";
	argv[n++] = "--enable";
	for (size_t i = 0; i < args->n; i++) {
		if (drop_ours && i + 1 < args->n && strcmp(args->v[i], "-a") == 0 &&
		    strcmp(args->v[i + 1], "earlybind") == 0) {
			drop_ours = false;
			i++;
			continue;
		}
		if (asprintf(&argv[n], "--arg=%s", args->v[i]) < 0) {
			argv[n] = NULL;
			backend_error(c, -ENOMEM, "%s", strerror(ENOMEM));
			goto out;
		}
		n++;
	}
	allocated = n;
	if (add_ours) {
		argv[n++] = "--arg=-a";
		argv[n++] = "--arg=earlybind";
	}
	r = backend_run(c, argv, false, NULL, NULL);
	if (r == 0 && !c->dry_run)
		c->deployed = true;
	n = allocated;
out:
	for (size_t i = 3; i < n; i++)
		free(argv[i]);
	free(argv);
	return r;
}

/*
 * initramfs-etc and initramfs --enable exclude each other (REFERENCE.md
 * §1: "initramfs regeneration and /etc overlay not compatible").  Asked
 * before the kargs transaction stages anything, so that a refusal leaves
 * the system as it was, rather than with arguments and no module.
 */
static int ro_prepare(struct backend_ctx *c, bool initramfs)
{
	char *status[] = { "rpm-ostree", "status", "--json", NULL };
	struct kargs etc = { 0 };
	char *json = NULL, *list = NULL;
	int r;

	if (c->undo || !initramfs)
		return 0;
	r = backend_run(c, status, true, NULL, &json);
	if (r < 0)
		return r;
	r = json_strings(json ? json : "", "\"initramfs-etc\"", &etc);
	if (r < 0) {
		backend_error(c, r, "%s", strerror(-r));
		goto out;
	}
	if (etc.n) {
		list = kargs_join(&etc);
		r = backend_error(c, -EBUSY,
				  "rpm-ostree initramfs-etc tracks %s: its /etc overlay and the\n"
				  "  initramfs regeneration that puts earlybind in (rpm-ostree "
				  "initramfs --enable)\n  cannot both be on.  Run 'rpm-ostree "
				  "initramfs-etc --untrack-all' first (with\n  dracut's install_items+= "
				  "in /etc/dracut.conf.d for the files still needed),\n  or apply "
				  "--no-initramfs and put earlybind in the initramfs yourself.  "
				  "Nothing\n  was changed.", list ? list : "files");
	}
out:
	free(list);
	kargs_free(&etc);
	free(json);
	return r;
}

static int ro_initramfs(struct backend_ctx *c, bool undo, struct applied *a)
{
	char *status[] = { "rpm-ostree", "status", "--json", NULL };
	char *disable[] = { "rpm-ostree", "initramfs", "--disable", NULL };
	struct kargs args = { 0 };
	char *json = NULL;
	bool enabled, ours_there = false, was_enabled, was_added;
	int r;

	r = backend_run(c, status, true, NULL, &json);
	if (r < 0)
		return r;
	enabled = json_flag(json ? json : "", "\"regenerate-initramfs\"");
	r = json_strings(json ? json : "", "\"initramfs-args\"", &args);
	if (r < 0) {
		backend_error(c, r, "%s", strerror(-r));
		goto out;
	}
	for (size_t i = 0; i + 1 < args.n; i++)
		ours_there |= strcmp(args.v[i], "-a") == 0 && strcmp(args.v[i + 1], "earlybind") == 0;
	if (undo) {
		/*
		 * Only what earlybind turned on is turned off, judged by the
		 * --arg list as it is now, not as apply left it: the admin may
		 * have run initramfs --enable with their own --arg values since.
		 * Regeneration goes off only when earlybind turned it on and its
		 * "-a earlybind" is all the list holds; any other --arg stays,
		 * given back to --enable in full (each --enable replaces the list).
		 */
		size_t others = args.n - (ours_there ? 2 : 0);

		r = 0;
		if (enabled && (a->initramfs_enabled || a->initramfs_args_added)) {
			if (!others && a->initramfs_enabled)
				r = backend_run(c, disable, false, NULL, NULL);
			else if (ours_there)
				r = ro_enable(c, &args, true, false);
		}
		if (r == 0 && !c->dry_run)
			a->initramfs_enabled = a->initramfs_args_added = false;
		goto out;
	}
	if (enabled && ours_there && (c->deployed || !c->manifest_changed)) {
		backend_info(c, "initramfs: %s", c->deployed ? "the new deployment regenerates it "
			     "with this manifest" : "already regenerated with this manifest");
		r = 0;
		goto out;
	}
	/*
	 * Write-ahead: recorded before --enable runs, so that --undo turns
	 * off what a killed apply may have turned on; taken back if it fails.
	 */
	was_enabled = a->initramfs_enabled;
	was_added = a->initramfs_args_added;
	if (!enabled)
		a->initramfs_enabled = true;
	else if (!ours_there)
		a->initramfs_args_added = true;
	r = backend_save_record(c);
	if (r == 0)
		r = ro_enable(c, &args, false, !ours_there);
	if (r < 0) {
		a->initramfs_enabled = was_enabled;
		a->initramfs_args_added = was_added;
	}
out:
	kargs_free(&args);
	free(json);
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
