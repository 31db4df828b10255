// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * earlybindctl apply: makes the boot configuration match the manifest.
 * Which back end owns the command line is decided here; how each one
 * changes it is in kargs/ and ostree/.
 */
#include <dirent.h>
#include <errno.h>
#include <limits.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "applied.h"
#include "backend.h"
#include "ctl.h"
#include "rootpath.h"
#include "program.h"

/* The root as a file's path starts with it in a message: nothing for "/". */
#define ROOT_SHOWN(root) (strcmp((root), "/") == 0 ? "" : (root))

static const char apply_usage[] =
	"Usage: earlybindctl apply [--dry-run] [--bootloader auto|rpm-ostree|grubby|grub|\n"
	"                          kernel-cmdline] [--no-initramfs] [--kver RELEASE]\n"
	"                          [--mode address|ids] [--force]\n"
	"       earlybindctl apply --undo [--dry-run] [--bootloader ...] [--kver RELEASE]\n\n"
	"Makes the boot configuration match /etc/earlybind.conf: the kernel arguments\n"
	"'earlybindctl kargs' prints, through the tool that owns the command line, and\n"
	"an initramfs that carries the manifest.  Only arguments earlybind added are\n"
	"ever removed.  --dry-run prints the commands and files instead.  --undo\n"
	"removes what apply added, and leaves earlybind out of later initramfs builds\n"
	"until the next apply.  --kver rebuilds only kernel RELEASE's initramfs\n"
	"(dracut --kver; not with rpm-ostree) instead of every installed kernel's.\n"
	"--force takes --mode ids even where an id would also take a function the\n"
	"manifest does not claim.\n"
	"Exit 0 done or nothing to do, 1 failed, 2 usage error.\n";

static bool root_exists(const char *root, const char *path)
{
	struct stat st;

	return root_stat(root, path, &st) == 0;
}

static bool has_bls_entries(const char *root)
{
	struct dirent *e;
	bool any = false;
	DIR *d;
	int fd;

	if (root_open_dir(root, "/boot/loader/entries", 0, &fd) < 0)
		return false;
	d = fdopendir(fd);
	if (!d) {
		close(fd);
		return false;
	}
	while (!any && (e = readdir(d))) {
		size_t l = strlen(e->d_name);

		any = l > 5 && strcmp(e->d_name + l - 5, ".conf") == 0;
	}
	closedir(d);
	return any;
}

/* REFERENCE.md gotcha 11: the order in which the owners are recognised. */
static const struct backend *detect(const char *root, const char **why)
{
	if (root_exists(root, "/run/ostree-booted")) {
		*why = "/run/ostree-booted exists: an ostree system (Silverblue, Kinoite, bootc)";
		return &backend_rpm_ostree;
	}
	if (program_exists_in(root, "grubby") && has_bls_entries(root)) {
		*why = "grubby is installed and /boot/loader/entries has boot entries";
		return &backend_grubby;
	}
	if (root_exists(root, "/etc/default/grub")) {
		if (root_exists(root, "/etc/default/grub.d") ||
		    program_exists_in(root, "update-grub")) {
			*why = "/etc/default/grub with grub.d drop-ins (Debian, Ubuntu)";
			return &backend_grub;
		}
		*why = "/etc/default/grub, but this GRUB does not read grub.d and grubby is "
		       "missing; install grubby, or use --bootloader kernel-cmdline";
		return NULL;
	}
	*why = "no ostree, grubby or GRUB: /etc/kernel/cmdline, for kernel-install";
	return &backend_kernel_cmdline;
}

/*
 * The reporter apply hands the back ends: errors through ctl_error,
 * warnings through ctl_warn and what was done through ctl_info (so -q
 * leaves errors alone); a dry run's commands and files on stdout, -q or
 * not.  A message's first line gets the prefix; its further lines (a
 * command's stderr, a file's text) follow as they are, each shown as
 * ctl_text() shows text from outside.
 */
static void apply_report(void *userdata, enum report_level level, const char *msg)
{
	const struct ctl *c = userdata;
	FILE *f = level == REPORT_ERROR || level == REPORT_WARNING ? stderr : stdout;
	char *copy, *line, *next;

	if (c->quiet && (level == REPORT_WARNING || level == REPORT_INFO))
		return;
	copy = strdup(msg);
	if (!copy) {
		ctl_error("%s", msg);
		return;
	}
	next = strchr(copy, '\n');
	if (next)
		*next++ = '\0';
	if (level == REPORT_ERROR)
		ctl_error("%s", copy);
	else if (level == REPORT_WARNING)
		ctl_warn(c, "%s", copy);
	else if (level == REPORT_INFO)
		ctl_info(c, "%s", copy);
	else
		fprintf(f, "%s\n", ctl_text(f, copy));
	for (line = next; line; line = next) {
		next = strchr(line, '\n');
		if (next)
			*next++ = '\0';
		else if (!*line)
			break;
		fprintf(f, "%s\n", ctl_text(f, line));
	}
	free(copy);
	fflush(f);
}

static const struct backend *by_name(const char *name)
{
	static const struct backend *const all[] = { &backend_rpm_ostree, &backend_grubby,
						     &backend_grub, &backend_kernel_cmdline };

	for (size_t i = 0; i < sizeof(all) / sizeof(*all); i++)
		if (strcmp(all[i]->name, name) == 0)
			return all[i];
	return NULL;
}

static bool key_equal(const char *a, const char *b)
{
	size_t la = kargs_key_len(a), lb = kargs_key_len(b);
	/* The kernel and kmod treat '-' and '_' in parameter names alike. */
	for (size_t i = 0; la == lb && i < la; i++)
		if (a[i] != b[i] && !(strchr("-_", a[i]) && strchr("-_", b[i])))
			return false;
	return la == lb;
}

/*
 * A token of @current with @tok's key that earlybind did not add, or NULL.
 * dracut's rd.driver.* may repeat (getargs gathers them all); for any other
 * key the last one wins, so adding ours would override the admin's.
 */
static const char *admins_same_key(const struct backend *be, const struct kargs *current,
				   const struct applied *a, const char *tok)
{
	if (strncmp(tok, "rd.driver.", 10) == 0 && !be->replaces_keys)
		return NULL;
	for (size_t i = 0; i < current->n; i++)
		if (key_equal(current->v[i], tok) && strcmp(current->v[i], tok) != 0 &&
		    !kargs_has(&a->kargs, current->v[i]))
			return current->v[i];
	return NULL;
}

struct plan {
	struct kargs add, del, ours;
};

/*
 * @current: what the command line has (per_entry: what every entry has);
 * @anywhere: per_entry, what some entry has (else @current).
 */
static int make_plan(const struct reporter *rep, const struct backend *be, const struct kargs *want,
		     const struct kargs *current, const struct kargs *anywhere,
		     const struct applied *a, struct plan *p)
{
	int r = 0;

	/* Ours that are no longer wanted, or that the admin already took out. */
	for (size_t i = 0; r == 0 && i < a->kargs.n; i++) {
		const char *t = a->kargs.v[i];

		if (!kargs_has(anywhere, t))
			continue;
		if (kargs_has(want, t))
			r = kargs_push(&p->ours, t);
		else
			r = kargs_push(&p->del, t);
	}
	for (size_t i = 0; r == 0 && i < want->n; i++) {
		const char *t = want->v[i], *other;

		if (kargs_has(current, t))
			continue; /* there already: ours only if we added it */
		other = admins_same_key(be, anywhere, a, t);
		if (other) {
			report(rep, REPORT_WARNING, "the command line has %s, which earlybind did "
			       "not add; it is left as it is, and %s is not added%s%s%s", other, t,
			       be->replaces_keys ? " (through\n  " : "",
			       be->replaces_keys ? be->name : "", be->replaces_keys ? ", adding "
			       "it would remove yours; merge the two values by hand)" : "");
			continue;
		}
		r = kargs_push(&p->add, t);
		/* per_entry: ours already, where some entries have it from us. */
		if (r == 0 && !kargs_has(&p->ours, t))
			r = kargs_push(&p->ours, t);
	}
	return r;
}

static void plan_free(struct plan *p)
{
	kargs_free(&p->add);
	kargs_free(&p->del);
	kargs_free(&p->ours);
}

int cmd_apply(struct ctl *c, int argc, char **argv)
{
	static const struct option opts[] = {
		CTL_COMMON_LONG,
		{ "dry-run", no_argument, NULL, 'n' },
		{ "bootloader", required_argument, NULL, 'b' },
		{ "no-initramfs", no_argument, NULL, 'I' },
		{ "mode", required_argument, NULL, 'm' },
		{ "undo", no_argument, NULL, 'u' },
		{ "force", no_argument, NULL, 'f' },
		{ "kver", required_argument, NULL, 'k' },
		{ NULL, 0, NULL, 0 },
	};
	const char *bootloader = "auto", *why = "chosen with --bootloader", *kver = NULL;
	bool no_initramfs = false, undo = false, force = false, finishing = false, wrote = false;
	enum kargs_mode mode = KARGS_MODE_ADDRESS;
	const struct reporter rep = { apply_report, c };
	struct backend_ctx bc = { .root = c->root, .rep = &rep };
	struct kargs current = { 0 }, want = { 0 }, anywhere = { 0 };
	struct applied a = { 0 };
	struct plan p = { 0 };
	const struct backend *be;
	struct ctl_machine m;
	char sum[17];
	int opt, r, err;

	while ((opt = getopt_long(argc, argv, CTL_COMMON_SHORT "nb:Im:ufk:", opts, NULL)) != -1) {
		if (ctl_common_option(c, opt, optarg, apply_usage))
			continue;
		switch (opt) {
		case 'n':
			bc.dry_run = true;
			break;
		case 'b':
			bootloader = optarg;
			break;
		case 'I':
			no_initramfs = true;
			break;
		case 'm':
			/* The last --mode wins, as with every other option. */
			if (strcmp(optarg, "ids") == 0)
				mode = KARGS_MODE_IDS;
			else if (strcmp(optarg, "address") == 0)
				mode = KARGS_MODE_ADDRESS;
			else {
				ctl_error("--mode: '%s' is not address or ids", optarg);
				return CTL_EXIT_USAGE;
			}
			break;
		case 'u':
			undo = true;
			break;
		case 'f':
			force = true;
			break;
		case 'k':
			kver = optarg;
			/* A directory name under /lib/modules, never a path. */
			if (!*kver || strchr(kver, '/') || strcmp(kver, ".") == 0 ||
			    strcmp(kver, "..") == 0) {
				ctl_error("--kver: '%s' is not a kernel release (uname -r prints "
					  "the running one's)", kver);
				return CTL_EXIT_USAGE;
			}
			/* The record keeps it, to know which initramfs was built. */
			if (strlen(kver) >= sizeof(a.initramfs_kver)) {
				ctl_error("--kver: %zu bytes is longer than a kernel release "
					  "can be (%zu at most)", strlen(kver),
					  sizeof(a.initramfs_kver) - 1);
				return CTL_EXIT_USAGE;
			}
			break;
		default:
			fputs(apply_usage, stderr);
			return CTL_EXIT_USAGE;
		}
	}
	if (optind != argc) {
		fputs(apply_usage, stderr);
		return CTL_EXIT_USAGE;
	}
	if (kver && no_initramfs) {
		ctl_error("--kver names the kernel whose initramfs is rebuilt; with "
			  "--no-initramfs none is: drop one of them");
		return CTL_EXIT_USAGE;
	}
	bc.undo = undo;
	bc.kver = kver;
	bc.applied = &a;
	if (strcmp(bootloader, "auto") == 0) {
		be = detect(c->root, &why);
		if (!be) {
			ctl_error("%s", why);
			return CTL_EXIT_FAIL;
		}
	} else if (!(be = by_name(bootloader))) {
		ctl_error("--bootloader: '%s' is not auto, rpm-ostree, grubby, grub or "
			  "kernel-cmdline", bootloader);
		return CTL_EXIT_USAGE;
	}
	if (kver && be == &backend_rpm_ostree) {
		ctl_error("--kver: rpm-ostree builds each new deployment's initramfs for its "
			  "own kernel; run apply without --kver");
		return CTL_EXIT_USAGE;
	}
	r = ctl_machine_load(c, &m);
	if (r)
		return r;
	r = CTL_EXIT_FAIL;
	err = applied_load(c->root, &a);
	if (err < 0) {
		ctl_error("%s%s: cannot read: %s", ROOT_SHOWN(c->root), APPLIED_PATH,
			  root_strerror(err));
		goto out;
	}
	err = applied_manifest_sum(c->root, sum);
	if (err < 0) {
		ctl_error("%s/etc/earlybind.conf: cannot read: %s", ROOT_SHOWN(c->root),
			  root_strerror(err));
		goto out;
	}
	if (a.backend[0] && strcmp(a.backend, be->name) != 0) {
		ctl_error("earlybind's arguments were applied through %s; run 'earlybindctl "
			  "apply --undo --bootloader %s' first", a.backend, a.backend);
		goto out;
	}
	ctl_info(c, "boot configuration: %s (%s)", be->name, why);
	if (!undo) {
		struct kargs_result res;

		if (ctl_wanted_kargs(c, &m, mode, &res) < 0)
			goto out;
		if (res.inexpressible_line || (res.n_conflicts && !force)) {
			ctl_error("the manifest cannot be applied with --mode ids; 'earlybindctl "
				  "kargs --mode ids' says why");
			kargs_result_free(&res);
			goto out;
		}
		want = res.args;
		res.args = (struct kargs){ 0 };
		kargs_result_free(&res);
	}
	if (be->per_entry)
		bc.anywhere = &anywhere;
	if (be->read(&bc, &current) < 0)
		goto out; /* the back end said what it could not read */
	if (make_plan(&rep, be, &want, &current, be->per_entry ? &anywhere : &current, &a, &p) < 0)
		goto out;
	if (be->prepare && be->prepare(&bc, !no_initramfs) < 0)
		goto out;
	snprintf(a.backend, sizeof(a.backend), "%s", be->name);
	/*
	 * --undo removes the files apply wrote whatever the command line looks
	 * like now: another drop-in may hide the arguments one of them holds.
	 */
	if (undo && a.wrote.n && !p.add.n && !p.del.n && !a.unfinished) {
		ctl_info(c, "kernel arguments: none of earlybind's in effect; removing the "
			 "files apply wrote");
		finishing = true;
		if (be->write(&bc, &p.add, &p.del, &p.ours) < 0)
			goto save;
		wrote = true;
	} else if (!p.add.n && !p.del.n && !a.unfinished) {
		ctl_info(c, "kernel arguments: nothing to change");
	} else {
		char *add = kargs_join(&p.add), *del = kargs_join(&p.del);
		size_t had = a.kargs.n;
		bool was_unfinished = a.unfinished;

		if (p.add.n || p.del.n)
			ctl_info(c, "kernel arguments: add [%s], remove [%s]", add ? add : "",
				 del ? del : "");
		else
			ctl_info(c, "kernel arguments: the last apply stopped half-way; writing "
				 "them again");
		free(add);
		free(del);
		bc.redo = finishing = a.unfinished;
		/*
		 * Write-ahead: the record names every argument that may be ours
		 * once the back end has run, before it runs.  Killed in the middle
		 * (Ctrl-C during update-grub or dracut), apply leaves a record
		 * from which the next apply finishes and --undo removes them;
		 * without it they would pass for the admin's for good.
		 */
		for (size_t i = 0; i < p.ours.n; i++)
			if (!kargs_has(&a.kargs, p.ours.v[i]) &&
			    kargs_push(&a.kargs, p.ours.v[i]) < 0) {
				ctl_error("%s", strerror(ENOMEM));
				goto out;
			}
		a.unfinished = true;
		if (backend_save_record(&bc) < 0)
			goto out; /* nothing changed, and the old record is intact */
		if (be->write(&bc, &p.add, &p.del, &p.ours) < 0) {
			/*
			 * Something was written (the GRUB drop-in) and a later step
			 * failed: the record stays as saved above, so that the next
			 * apply finishes the job and --undo removes it.  Nothing was:
			 * the record goes back to what it was.
			 */
			if (!bc.partial) {
				kargs_truncate(&a.kargs, had);
				a.unfinished = was_unfinished;
			}
			goto save;
		}
		a.unfinished = false;
		wrote = true;
	}
	/*
	 * Ours are now what the command line has of them, whether the back end
	 * wrote or not: one the admin took out by hand is forgotten, so that
	 * --undo is not stuck on it and never removes the same token typed
	 * again later (only arguments earlybind added are ever removed).
	 */
	kargs_free(&a.kargs);
	a.kargs = p.ours;
	p.ours = (struct kargs){ 0 };
	/* Built for one kernel (--kver) is not built for the others. */
	bc.manifest_changed = undo || strcmp(sum, a.manifest_sum) != 0 ||
			      (a.initramfs_kver[0] && strcmp(a.initramfs_kver, kver ? kver : ""));
	if (undo) {
		/*
		 * With the undo marker, dracut leaves earlybind out of the images
		 * it builds from now on (a kernel update's too), so no initramfs
		 * is known to carry the manifest: the next apply must build, even
		 * when this --undo's dracut fails, is killed or is skipped
		 * (--no-initramfs).
		 */
		a.manifest_sum[0] = '\0';
		a.initramfs_kver[0] = '\0';
	}
	/* What the back end wrote, and the checksum gone, before dracut runs. */
	if ((wrote || undo) && backend_save_record(&bc) < 0)
		goto out;
	/*
	 * The dracut.conf.d drop-in and module-setup.sh's check() leave
	 * earlybind out while the marker exists, so that --undo outlasts the
	 * next kernel update's dracut run, with the manifest still in place.
	 */
	if (undo) {
		if (backend_write_file(&bc, UNDONE_PATH,
				       "# Written by earlybindctl apply --undo: dracut leaves the "
				       "earlybind module\n# out of the initramfs while this file "
				       "exists.  earlybindctl apply removes it.\n") < 0)
			goto save;
	} else if (root_exists(c->root, UNDONE_PATH) &&
		   backend_write_file(&bc, UNDONE_PATH, NULL) < 0) {
		goto save;
	}
	if (!no_initramfs) {
		if (be->initramfs(&bc, undo, &a) < 0)
			goto save; /* keep the record of what did change */
		if (bc.manifest_changed && !undo) {
			snprintf(a.manifest_sum, sizeof(a.manifest_sum), "%s", sum);
			snprintf(a.initramfs_kver, sizeof(a.initramfs_kver), "%s", kver ? kver : "");
		}
	}
	if (undo) {
		/*
		 * The arguments are gone and so is the /etc/kernel/cmdline apply
		 * created.  The back end's name stays in the record: after --undo
		 * --no-initramfs, rpm-ostree's initramfs regeneration that apply
		 * turned on is still on, and a later --undo must still run
		 * through rpm-ostree to turn it off.  A record with nothing left
		 * in it is removed, name and all.
		 */
		free(a.created_from);
		a.created_from = NULL;
		a.created_dir = false;
	}
	r = CTL_EXIT_OK;
save:
	if (backend_save_record(&bc) < 0)
		r = CTL_EXIT_FAIL;
	if (r == CTL_EXIT_OK && (p.add.n || p.del.n || finishing || bc.deployed))
		ctl_info(c, "%s%s%s", bc.dry_run ? "(dry run) " : "",
			 undo ? "earlybind's kernel arguments are removed; " : "",
			 undo ? be->after_undo : be->after);
out:
	plan_free(&p);
	kargs_free(&current);
	kargs_free(&anywhere);
	kargs_free(&want);
	applied_free(&a);
	ctl_machine_free(&m);
	return r;
}
