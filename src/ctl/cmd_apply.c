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
#include "modname.h"
#include "program.h"
#include "rootpath.h"

/* The root as a file's path starts with it in a message: nothing for "/". */
#define ROOT_SHOWN(root) (strcmp((root), "/") == 0 ? "" : (root))

static const char apply_usage[] =
	"Usage: earlybindctl apply [--dry-run] [--bootloader auto|rpm-ostree|grubby|grub|\n"
	"                          kernel-cmdline] [--no-initramfs | --kver RELEASE]\n"
	"                          [--mode address|ids] [--force]\n"
	"       earlybindctl apply --undo [--dry-run] [--bootloader ...]\n"
	"                                 [--no-initramfs | --kver RELEASE]\n\n"
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

/*
 * The order in which the owners are recognised, and why:
 * docs/boot-configuration.md, "Which tool owns the command line".
 */
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
	/* The kernel and kmod treat '-' and '_' in parameter names alike. */
	return modname_eq(a, kargs_key_len(a), b, kargs_key_len(b));
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

/* What the command line asks for. */
struct apply_opts {
	const char *bootloader; /* "auto", or a back end's name */
	const char *kver;       /* --kver: one kernel's initramfs; NULL: every one's */
	enum kargs_mode mode;
	bool dry_run, no_initramfs, undo, force;
};

/* What the kernel-argument step does. */
enum kargs_step {
	STEP_NOTHING,      /* the command line is as it should be */
	STEP_REMOVE_FILES, /* --undo: none of ours in effect, but files apply wrote remain */
	STEP_WRITE,        /* add and remove (or write again what a stopped run left) */
};

/*
 * What apply is going to do, decided before it changes anything, and the
 * record of what it did as it goes.
 */
struct apply_plan {
	const struct backend *be;
	const char *why;          /* how @be was chosen */
	struct ctl_machine m;
	bool machine_loaded;
	struct applied a;         /* the record: as loaded, then as apply leaves it */
	char sum[17];             /* the manifest's checksum now */
	struct kargs want;        /* what the manifest needs (none for --undo) */
	struct kargs current;     /* what the command line has (per_entry: every entry) */
	struct kargs anywhere;    /* per_entry: what some entry has */
	struct kargs add, del;    /* the change */
	struct kargs ours;        /* earlybind's own arguments once it is made */
	enum kargs_step step;
	bool finishing;           /* this run finishes what a stopped one began */
	bool wrote;               /* the back end wrote */
	/* A failure left the saved record as it was: it is not saved again. */
	bool record_intact;
};

static void plan_free(struct apply_plan *p)
{
	kargs_free(&p->want);
	kargs_free(&p->current);
	kargs_free(&p->anywhere);
	kargs_free(&p->add);
	kargs_free(&p->del);
	kargs_free(&p->ours);
	applied_free(&p->a);
	if (p->machine_loaded)
		ctl_machine_free(&p->m);
}

/* --kver RELEASE: a directory name under /lib/modules, never a path. */
static int check_kver(const char *kver)
{
	if (!*kver || strchr(kver, '/') || strcmp(kver, ".") == 0 || strcmp(kver, "..") == 0) {
		ctl_error("--kver: '%s' is not a kernel release (uname -r prints the running "
			  "one's)", kver);
		return CTL_EXIT_USAGE;
	}
	/* The record keeps it, to know which initramfs was built. */
	if (strlen(kver) >= sizeof(((struct applied *)0)->initramfs_kver)) {
		ctl_error("--kver: %zu bytes is longer than a kernel release can be (%zu at most)",
			  strlen(kver), sizeof(((struct applied *)0)->initramfs_kver) - 1);
		return CTL_EXIT_USAGE;
	}
	return 0;
}

/* 0, or CTL_EXIT_USAGE after saying why. */
static int parse_options(struct ctl *c, int argc, char **argv, struct apply_opts *o)
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
	int opt;

	*o = (struct apply_opts){ .bootloader = "auto", .mode = KARGS_MODE_ADDRESS };
	while ((opt = getopt_long(argc, argv, CTL_COMMON_SHORT "nb:Im:ufk:", opts, NULL)) != -1) {
		if (ctl_common_option(c, opt, optarg, apply_usage))
			continue;
		switch (opt) {
		case 'n':
			o->dry_run = true;
			break;
		case 'b':
			o->bootloader = optarg;
			break;
		case 'I':
			o->no_initramfs = true;
			break;
		case 'm':
			/* The last --mode wins, as with every other option. */
			if (ctl_parse_mode(optarg, &o->mode) < 0) {
				ctl_error(CTL_MODE_ERROR, optarg);
				return CTL_EXIT_USAGE;
			}
			break;
		case 'u':
			o->undo = true;
			break;
		case 'f':
			o->force = true;
			break;
		case 'k':
			o->kver = optarg;
			if (check_kver(optarg))
				return CTL_EXIT_USAGE;
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
	if (o->kver && o->no_initramfs) {
		ctl_error("--kver names the kernel whose initramfs is rebuilt; with "
			  "--no-initramfs none is: drop one of them");
		return CTL_EXIT_USAGE;
	}
	return 0;
}

/* The back end, detected or named.  0, or an exit code after saying why. */
static int choose_backend(const struct ctl *c, const struct apply_opts *o, struct apply_plan *p)
{
	p->why = "chosen with --bootloader";
	if (strcmp(o->bootloader, "auto") == 0) {
		p->be = detect(c->root, &p->why);
		if (!p->be) {
			ctl_error("%s", p->why);
			return CTL_EXIT_FAIL;
		}
	} else if (!(p->be = by_name(o->bootloader))) {
		ctl_error("--bootloader: '%s' is not auto, rpm-ostree, grubby, grub or "
			  "kernel-cmdline", o->bootloader);
		return CTL_EXIT_USAGE;
	}
	if (o->kver && p->be == &backend_rpm_ostree) {
		ctl_error("--kver: rpm-ostree builds each new deployment's initramfs for its own "
			  "kernel; run apply without --kver");
		return CTL_EXIT_USAGE;
	}
	return 0;
}

/*
 * The machine, the record and the manifest's checksum; a record made
 * through another back end stops apply.  0, or an exit code after saying why.
 */
static int load_state(const struct ctl *c, struct apply_plan *p)
{
	int r = ctl_machine_load(c, &p->m);

	/* It said why: the exit code is ours to give. */
	if (r < 0)
		return CTL_EXIT_FAIL;
	p->machine_loaded = true;
	r = applied_load(c->root, &p->a);
	if (r < 0) {
		ctl_error("%s%s: cannot read: %s", ROOT_SHOWN(c->root), APPLIED_PATH,
			  root_strerror(r));
		return CTL_EXIT_FAIL;
	}
	r = applied_manifest_sum(c->root, p->sum);
	if (r < 0) {
		ctl_error("%s/etc/earlybind.conf: cannot read: %s", ROOT_SHOWN(c->root),
			  root_strerror(r));
		return CTL_EXIT_FAIL;
	}
	if (p->a.backend[0] && strcmp(p->a.backend, p->be->name) != 0) {
		ctl_error("earlybind's arguments were applied through %s; run 'earlybindctl apply "
			  "--undo --bootloader %s' first", p->a.backend, p->a.backend);
		return CTL_EXIT_FAIL;
	}
	return 0;
}

/* What the manifest needs on this machine, into p->want.  0, or an exit code after saying why. */
static int wanted(const struct ctl *c, const struct apply_opts *o, struct apply_plan *p)
{
	struct kargs_result res;

	if (ctl_wanted_kargs(c, &p->m, o->mode, &res) < 0)
		return CTL_EXIT_FAIL;
	if (res.inexpressible_line || (res.n_conflicts && !o->force)) {
		ctl_error("the manifest cannot be applied with --mode ids; 'earlybindctl kargs "
			  "--mode ids' says why");
		kargs_result_free(&res);
		return CTL_EXIT_FAIL;
	}
	p->want = res.args;
	res.args = (struct kargs){ 0 };
	kargs_result_free(&res);
	return 0;
}

/*
 * p->add, p->del and p->ours from p->want, p->current and the record.
 * per_entry: p->current is what every entry has, p->anywhere what some
 * entry has (else p->current serves for both).  0 or -ENOMEM.
 */
static int plan_kargs(const struct reporter *rep, bool undo, struct apply_plan *p)
{
	const struct kargs *anywhere = p->be->per_entry ? &p->anywhere : &p->current;
	int r = 0;

	/* Ours that are no longer wanted, or that the admin already took out. */
	for (size_t i = 0; r == 0 && i < p->a.kargs.n; i++) {
		const char *t = p->a.kargs.v[i];

		if (kargs_has(anywhere, t))
			r = kargs_push(kargs_has(&p->want, t) ? &p->ours : &p->del, t);
	}
	for (size_t i = 0; r == 0 && i < p->want.n; i++) {
		const char *t = p->want.v[i], *other;

		if (kargs_has(&p->current, t))
			continue; /* there already: ours only if we added it */
		other = admins_same_key(p->be, anywhere, &p->a, t);
		if (other) {
			report(rep, REPORT_WARNING, "the command line has %s, which earlybind did "
			       "not add; it is left as it is, and %s is not added%s%s%s", other, t,
			       p->be->replaces_keys ? " (through\n  " : "",
			       p->be->replaces_keys ? p->be->name : "",
			       p->be->replaces_keys ? ", adding it would remove yours; merge the "
			       "two values by hand)" : "");
			continue;
		}
		r = kargs_push(&p->add, t);
		/* per_entry: ours already, where some entries have it from us. */
		if (r == 0 && !kargs_has(&p->ours, t))
			r = kargs_push(&p->ours, t);
	}
	if (r < 0)
		ctl_error("%s", strerror(-r));
	/*
	 * --undo removes the files apply wrote whatever the command line looks
	 * like now: another drop-in may hide the arguments one of them holds.
	 */
	if (p->add.n || p->del.n || p->a.unfinished)
		p->step = STEP_WRITE;
	else if (undo && p->a.wrote.n)
		p->step = STEP_REMOVE_FILES;
	return r;
}

/*
 * Everything apply decides before it changes anything: what the manifest
 * needs, what the command line has, the change, and whether the back end
 * can finish it.  0, or an exit code after saying why.
 */
static int make_plan(const struct ctl *c, const struct apply_opts *o, struct backend_ctx *bc,
		     struct apply_plan *p)
{
	int r = load_state(c, p);

	if (r)
		return r;
	ctl_info(c, "boot configuration: %s (%s)", p->be->name, p->why);
	if (!o->undo && (r = wanted(c, o, p)))
		return r;
	if (p->be->per_entry)
		bc->anywhere = &p->anywhere;
	/* Each step below says itself what it could not do. */
	if (p->be->read(bc, &p->current) < 0 || plan_kargs(bc->rep, o->undo, p) < 0)
		return CTL_EXIT_FAIL;
	if (p->be->prepare && p->be->prepare(bc, !o->no_initramfs) < 0)
		return CTL_EXIT_FAIL;
	return 0;
}

static void print_plan(const struct ctl *c, const struct apply_plan *p)
{
	char *add, *del;

	if (p->step == STEP_REMOVE_FILES) {
		ctl_info(c, "kernel arguments: none of earlybind's in effect; removing the files "
			 "apply wrote");
		return;
	}
	if (p->step == STEP_NOTHING) {
		ctl_info(c, "kernel arguments: nothing to change");
		return;
	}
	if (!p->add.n && !p->del.n) {
		ctl_info(c, "kernel arguments: the last apply stopped half-way; writing them "
			 "again");
		return;
	}
	add = kargs_join(&p->add);
	del = kargs_join(&p->del);
	ctl_info(c, "kernel arguments: add [%s], remove [%s]", add ? add : "", del ? del : "");
	free(add);
	free(del);
}

/*
 * The back end's write, with the record written ahead: it names every
 * argument that may be ours once the back end has run, before it runs.
 * Killed in the middle (Ctrl-C during update-grub or dracut), apply leaves
 * a record from which the next apply finishes and --undo removes them;
 * without it they would pass for the admin's for good.  0 or -errno.
 */
static int write_kargs(struct backend_ctx *bc, struct apply_plan *p)
{
	struct applied *a = &p->a;
	size_t had = a->kargs.n;
	bool was_unfinished = a->unfinished;
	int r = 0;

	if (p->step == STEP_NOTHING)
		return 0;
	p->finishing = p->step == STEP_REMOVE_FILES || a->unfinished;
	bc->redo = p->step == STEP_WRITE && a->unfinished;
	if (p->step == STEP_WRITE) {
		for (size_t i = 0; r == 0 && i < p->ours.n; i++)
			if (!kargs_has(&a->kargs, p->ours.v[i]))
				r = kargs_push(&a->kargs, p->ours.v[i]);
		if (r < 0)
			ctl_error("%s", strerror(-r));
		a->unfinished = true;
		if (r == 0)
			r = backend_save_record(bc);
		/* Nothing changed, and the old record is intact. */
		p->record_intact = r < 0;
	}
	if (r == 0)
		r = p->be->write(bc, &p->add, &p->del, &p->ours);
	/*
	 * Something was written (the GRUB drop-in) and a later step failed:
	 * the record stays as saved above, so that the next apply finishes the
	 * job and --undo removes it.  Nothing was: the record goes back to
	 * what it was.
	 */
	if (r < 0 && !p->record_intact && p->step == STEP_WRITE && !bc->partial) {
		kargs_truncate(&a->kargs, had);
		a->unfinished = was_unfinished;
	}
	if (r == 0) {
		a->unfinished = false;
		p->wrote = true;
	}
	return r;
}

/*
 * After the kernel-argument step: ours are what the command line has of
 * them now, whether the back end wrote or not; the initramfs is known to
 * need building or not; the record says so before dracut runs.  0 or -errno.
 */
static int settle_record(struct backend_ctx *bc, const struct apply_opts *o, struct apply_plan *p)
{
	struct applied *a = &p->a;
	int r;

	/*
	 * One the admin took out by hand is forgotten, so that --undo is not
	 * stuck on it and never removes the same token typed again later
	 * (only arguments earlybind added are ever removed).
	 */
	kargs_free(&a->kargs);
	a->kargs = p->ours;
	p->ours = (struct kargs){ 0 };
	/* Built for one kernel (--kver) is not built for the others. */
	bc->manifest_changed = o->undo || strcmp(p->sum, a->manifest_sum) != 0 ||
			       (a->initramfs_kver[0] &&
				strcmp(a->initramfs_kver, o->kver ? o->kver : "") != 0);
	if (o->undo) {
		/*
		 * With the undo marker, dracut leaves earlybind out of the images
		 * it builds from now on (a kernel update's too), so no initramfs
		 * is known to carry the manifest: the next apply must build, even
		 * when this --undo's dracut fails, is killed or is skipped
		 * (--no-initramfs).
		 */
		a->manifest_sum[0] = '\0';
		a->initramfs_kver[0] = '\0';
	}
	/* What the back end wrote, and the checksum gone, before dracut runs. */
	r = p->wrote || o->undo ? backend_save_record(bc) : 0;
	p->record_intact = r < 0;
	return r;
}

/*
 * The dracut.conf.d drop-in and module-setup.sh's check() leave earlybind
 * out while the undo marker exists, so that --undo outlasts the next
 * kernel update's dracut run, with the manifest still in place.
 */
static int mark_undone(const struct ctl *c, struct backend_ctx *bc, bool undo)
{
	static const char marker[] =
		"# Written by earlybindctl apply --undo: dracut leaves the earlybind module\n"
		"# out of the initramfs while this file exists.  earlybindctl apply removes it.\n";

	if (undo)
		return backend_write_file(bc, UNDONE_PATH, marker);
	if (root_exists(c->root, UNDONE_PATH))
		return backend_write_file(bc, UNDONE_PATH, NULL);
	return 0;
}

/* The back end's initramfs step, and the record of what it built.  0 or -errno. */
static int build_initramfs(struct backend_ctx *bc, const struct apply_opts *o,
			   struct apply_plan *p)
{
	int r;

	if (o->no_initramfs)
		return 0;
	r = p->be->initramfs(bc, o->undo, &p->a);
	if (r == 0 && bc->manifest_changed && !o->undo) {
		snprintf(p->a.manifest_sum, sizeof(p->a.manifest_sum), "%s", p->sum);
		snprintf(p->a.initramfs_kver, sizeof(p->a.initramfs_kver), "%s",
			 o->kver ? o->kver : "");
	}
	return r;
}

/*
 * Carries the plan out: the kernel arguments, the record, the undo marker,
 * the initramfs, each step after the one before succeeded; the record is
 * saved at the end of it, failed or not, unless a failure left it as it
 * was.  0 or -errno, after saying why.
 */
static int execute(const struct ctl *c, const struct apply_opts *o, struct backend_ctx *bc,
		   struct apply_plan *p)
{
	int r;

	snprintf(p->a.backend, sizeof(p->a.backend), "%s", p->be->name);
	r = write_kargs(bc, p);
	if (r == 0)
		r = settle_record(bc, o, p);
	if (r == 0)
		r = mark_undone(c, bc, o->undo);
	if (r == 0)
		r = build_initramfs(bc, o, p);
	if (r == 0 && o->undo) {
		/*
		 * The arguments are gone and so is the /etc/kernel/cmdline apply
		 * created.  The back end's name stays in the record: after --undo
		 * --no-initramfs, rpm-ostree's initramfs regeneration that apply
		 * turned on is still on, and a later --undo must still run
		 * through rpm-ostree to turn it off.  A record with nothing left
		 * in it is removed, name and all.
		 */
		free(p->a.created_from);
		p->a.created_from = NULL;
		p->a.created_dir = false;
	}
	if (!p->record_intact) {
		int saved = backend_save_record(bc);

		r = r < 0 ? r : saved;
	}
	return r;
}

/* What the admin does next, when apply changed anything. */
static void print_outcome(const struct ctl *c, const struct apply_opts *o,
			  const struct backend_ctx *bc, const struct apply_plan *p)
{
	if (!p->add.n && !p->del.n && !p->finishing && !bc->deployed)
		return;
	ctl_info(c, "%s%s%s", o->dry_run ? "(dry run) " : "",
		 o->undo ? "earlybind's kernel arguments are removed; " : "",
		 o->undo ? p->be->after_undo : p->be->after);
}

int cmd_apply(struct ctl *c, int argc, char **argv)
{
	const struct reporter rep = { apply_report, c };
	struct backend_ctx bc = { .root = c->root, .rep = &rep };
	struct apply_plan p = { 0 };
	struct apply_opts o;
	int r = parse_options(c, argc, argv, &o);

	if (r)
		return r;
	bc.dry_run = o.dry_run;
	bc.undo = o.undo;
	bc.kver = o.kver;
	bc.applied = &p.a;
	r = choose_backend(c, &o, &p);
	if (r == 0)
		r = make_plan(c, &o, &bc, &p);
	if (r == 0) {
		print_plan(c, &p);
		r = execute(c, &o, &bc, &p) < 0 ? CTL_EXIT_FAIL : CTL_EXIT_OK;
	}
	if (r == CTL_EXIT_OK)
		print_outcome(c, &o, &bc, &p);
	plan_free(&p);
	return r;
}
