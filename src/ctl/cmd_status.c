// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * earlybindctl status: the manifest and the kernel arguments, against what
 * runs now.  What is in effect and what waits is worked out first (struct
 * status), then printed as text or JSON.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "applied.h"
#include "ctl.h"
#include "json.h"
#include "kargs.h"
#include "rootpath.h"

static const char status_usage[] =
	"Usage: earlybindctl status [--json] [--mode address|ids]\n\n"
	"For each manifest entry, the driver its function is on now; and whether the\n"
	"running kernel has the arguments 'kargs' wants, and whether what is missing\n"
	"waits for 'earlybindctl apply' or for a reboot.  The mode is the one apply\n"
	"used (ids when it added vfio-pci.ids=), unless --mode.  Exit 0 when all is\n"
	"in effect, 3 when something waits for a reboot or an apply, 1 on error.\n";

static const char wait_apply[] = "waits for 'earlybindctl apply'";
static const char wait_reboot[] = "waits for a reboot";

struct status_opts {
	bool json, mode_given;
	enum kargs_mode mode;
};

/* A manifest entry and its function now. */
struct entry_state {
	const struct manifest_entry *e;
	const struct pcidev *d; /* NULL for a '*' line, or when the function is not there */
	char addr[PCI_ADDR_STRLEN];
	char state[400];
	bool ok;
};

/* A wanted kernel argument and whether the running kernel has it. */
struct karg_state {
	const char *karg;
	bool have;
	const char *waits; /* when not: wait_apply or wait_reboot */
};

struct status {
	enum kargs_mode mode;
	struct applied a;         /* what the last apply did */
	struct kargs running;     /* /proc/cmdline */
	struct kargs_result res;  /* what the manifest wants */
	bool changed;             /* the manifest is not the one the last apply put in */
	bool args_unapplied;      /* an argument is neither running nor applied */
	size_t system;            /* lines that take the system's disk */
	struct entry_state *entries;
	struct karg_state *kargs;
	bool pending;             /* something is not in effect */
};

/* 0, or -EINVAL after saying why. */
static int parse_opts(struct ctl *c, int argc, char **argv, struct status_opts *o)
{
	static const struct option opts[] = {
		CTL_COMMON_LONG,
		{ "json", no_argument, NULL, 'j' },
		{ "mode", required_argument, NULL, 'm' },
		{ NULL, 0, NULL, 0 },
	};
	int opt;

	*o = (struct status_opts){ .mode = KARGS_MODE_ADDRESS };
	while ((opt = getopt_long(argc, argv, CTL_COMMON_SHORT "jm:", opts, NULL)) != -1) {
		if (ctl_common_option(c, opt, optarg, status_usage))
			continue;
		if (opt == 'j') {
			o->json = true;
		} else if (opt == 'm') {
			if (ctl_parse_mode(optarg, &o->mode) < 0) {
				ctl_error(CTL_MODE_ERROR, optarg);
				return -EINVAL;
			}
			o->mode_given = true;
		} else {
			return ctl_usage_error(status_usage);
		}
	}
	return optind == argc ? 0 : ctl_usage_error(status_usage);
}

/* The mode the record's arguments were applied in: only ids mode adds these. */
static enum kargs_mode applied_mode(const struct applied *a)
{
	for (size_t i = 0; i < a->kargs.n; i++) {
		const char *t = a->kargs.v[i];

		if (strncmp(t, "vfio-pci.ids=", 13) == 0 || strncmp(t, "vfio_pci.ids=", 13) == 0 ||
		    strncmp(t, "pci-stub.ids=", 13) == 0 || strncmp(t, "pci_stub.ids=", 13) == 0 ||
		    strcmp(t, "rd.driver.pre=vfio-pci") == 0)
			return KARGS_MODE_IDS;
	}
	return KARGS_MODE_ADDRESS;
}

/*
 * The record of the last apply, the manifest's sum and the running
 * command line into @st.  0, or -errno after saying why.
 */
static int read_state(const struct ctl *c, const struct status_opts *o, struct status *st)
{
	char cmdline[4096], sum[17];
	int r;

	r = applied_load(c->root, &st->a);
	if (r < 0) {
		ctl_error("cannot read %s under %s: %s", APPLIED_PATH, c->root, strerror(-r));
		return r;
	}
	r = applied_manifest_sum(c->root, sum);
	if (r < 0) {
		ctl_error("cannot read " CTL_MANIFEST " under %s: %s", c->root, strerror(-r));
		return r;
	}
	/* Judge the arguments apply put in, not the default mode's. */
	st->mode = o->mode_given ? o->mode : applied_mode(&st->a);
	/*
	 * What the last apply put into the initramfs is the manifest it
	 * summed; no record (apply never ran) is a change too, and so is an
	 * apply that did not finish (update-grub failed, or it was killed):
	 * what it wrote may not be what boots, and only apply finishes it.
	 */
	st->changed = strcmp(sum, st->a.manifest_sum) != 0 || st->a.unfinished;
	r = root_read_line(c->root, "/proc/cmdline", cmdline, sizeof(cmdline));
	if (r < 0) {
		ctl_error("cannot read /proc/cmdline under %s: %s", c->root, strerror(-r));
		return r;
	}
	r = kargs_split(&st->running, cmdline);
	if (r < 0)
		ctl_error("%s", strerror(-r));
	return r;
}

/* Where @e's function is now, against the manifest. */
static void entry_state(const struct ctl_machine *m, const struct status *st,
			const struct manifest_entry *e, struct entry_state *es)
{
	const struct pcidev *d = e->any_addr ? NULL : pcidev_find(&m->devs, &e->addr);
	struct pci_id id;

	*es = (struct entry_state){ .e = e, .d = d, .addr = "*" };
	if (e->any_addr) {
		snprintf(es->state, sizeof(es->state), "every function with the id");
		es->ok = true;
		return;
	}
	pci_addr_format(&e->addr, es->addr);
	if (!d) {
		es->ok = e->options & MANIFEST_OPT_OPTIONAL;
		snprintf(es->state, sizeof(es->state), "not present%s",
			 es->ok ? " (optional)" : "");
	} else if (ctl_pci_id(d, &id), !manifest_entry_id_matches(e, &id)) {
		snprintf(es->state, sizeof(es->state), "id is %04x:%04x: earlybind leaves it alone",
			 d->vendor, d->device);
	} else if (strcmp(d->driver, e->driver) == 0) {
		es->ok = true;
		snprintf(es->state, sizeof(es->state), "on %s", d->driver);
	} else {
		/*
		 * Address mode binds from the manifest in the initramfs; ids
		 * mode from the arguments: either must be applied before a
		 * reboot can help.
		 */
		snprintf(es->state, sizeof(es->state), "on %s; %s",
			 d->driver[0] ? d->driver : "no driver",
			 st->changed || st->args_unapplied ? wait_apply : wait_reboot);
	}
}

/* Every entry's state and every argument's, in @st.  0 or -ENOMEM. */
static int judge(const struct ctl_machine *m, struct status *st)
{
	const struct kargs *want = &st->res.args;

	st->entries = calloc(m->manifest.n_entries + 1, sizeof(*st->entries));
	st->kargs = calloc(want->n + 1, sizeof(*st->kargs));
	if (!st->entries || !st->kargs)
		return -ENOMEM;
	for (size_t i = 0; i < want->n; i++)
		if (!kargs_has(&st->running, want->v[i]) && !kargs_has(&st->a.kargs, want->v[i]))
			st->args_unapplied = true;
	for (size_t i = 0; i < m->manifest.n_entries; i++) {
		entry_state(m, st, &m->manifest.entries[i], &st->entries[i]);
		st->pending |= !st->entries[i].ok;
	}
	for (size_t i = 0; i < want->n; i++) {
		struct karg_state *k = &st->kargs[i];

		k->karg = want->v[i];
		k->have = kargs_has(&st->running, k->karg);
		/* Applied: in the record, from the manifest the record was made from. */
		k->waits = !kargs_has(&st->a.kargs, k->karg) || st->changed ? wait_apply :
									     wait_reboot;
		st->pending |= !k->have;
	}
	return 0;
}

static void print_json(const struct ctl_machine *m, const struct status *st)
{
	struct json j;

	json_init(&j, stdout);
	json_object_begin(&j);
	json_kv_string(&j, "mode", st->mode == KARGS_MODE_IDS ? "ids" : "address");
	json_kv_bool(&j, "manifest_applied", !st->changed);
	json_key(&j, "entries");
	json_array_begin(&j);
	for (size_t i = 0; i < m->manifest.n_entries; i++) {
		const struct entry_state *es = &st->entries[i];

		json_object_begin(&j);
		json_kv_int(&j, "line", es->e->line);
		json_kv_string(&j, "address", es->addr);
		json_key(&j, "name");
		if (es->d)
			json_string(&j, es->d->desc);
		else
			json_null(&j);
		json_kv_string(&j, "driver", es->e->driver);
		json_kv_string_or_null(&j, "current_driver", es->d ? es->d->driver : NULL);
		json_kv_bool(&j, "in_effect", es->ok);
		json_kv_string(&j, "state", es->state);
		ctl_vm_uses_json(m->uses, &j, es->d ? &es->d->addr : NULL);
		json_object_end(&j);
	}
	json_array_end(&j);
	json_key(&j, "kargs");
	json_array_begin(&j);
	for (size_t i = 0; i < st->res.args.n; i++) {
		json_object_begin(&j);
		json_kv_string(&j, "karg", st->kargs[i].karg);
		json_kv_bool(&j, "in_effect", st->kargs[i].have);
		json_kv_string_or_null(&j, "state", st->kargs[i].have ? NULL : st->kargs[i].waits);
		json_object_end(&j);
	}
	json_array_end(&j);
	json_kv_bool(&j, "pending", st->pending);
	json_object_end(&j);
	json_finish(&j);
}

static void print_text(const struct ctl *c, const struct ctl_machine *m,
		       const struct status *st)
{
	for (size_t i = 0; i < m->manifest.n_entries; i++) {
		const struct entry_state *es = &st->entries[i];

		printf("%s%-6s%s %-14s %-10s %s\n", ctl_color(c, es->ok ? CTL_GREEN : CTL_YELLOW),
		       es->ok ? "ok" : "wait", ctl_color(c, CTL_RESET), es->addr,
		       ctl_text(stdout, es->e->driver), ctl_text(stdout, es->state));
		/* The name as lspci -nn has it, under the address. */
		if (es->d) {
			printf("%-6s %s\n", "", ctl_text(stdout, es->d->lspci_nn));
			ctl_vm_uses_print(m->uses, &es->d->addr, "       ");
		}
	}
	for (size_t i = 0; i < st->res.args.n; i++) {
		const struct karg_state *k = &st->kargs[i];

		printf("%s%-6s%s %s is %son the running kernel's command line%s%s\n",
		       ctl_color(c, k->have ? CTL_GREEN : CTL_YELLOW), k->have ? "ok" : "wait",
		       ctl_color(c, CTL_RESET), ctl_text(stdout, k->karg), k->have ? "" : "not ",
		       k->have ? "" : "; ", k->have ? "" : k->waits);
	}
	if (st->system)
		printf("%zu line%s in " CTL_MANIFEST " would take the system's disk (see above)\n",
		       st->system, st->system == 1 ? "" : "s");
	if (m->manifest_bad)
		printf("%d bad line%s in " CTL_MANIFEST " (see above)\n", m->manifest_bad,
		       m->manifest_bad == 1 ? "" : "s");
}

static void status_free(struct status *st)
{
	free(st->entries);
	free(st->kargs);
	kargs_result_free(&st->res);
	kargs_free(&st->running);
	applied_free(&st->a);
}

int cmd_status(struct ctl *c, int argc, char **argv)
{
	struct status_opts o;
	struct status st = { 0 };
	struct ctl_machine m;
	int r;

	if (parse_opts(c, argc, argv, &o) < 0)
		return CTL_EXIT_USAGE;
	if (ctl_machine_load(c, &m) < 0)
		return CTL_EXIT_FAIL;
	r = read_state(c, &o, &st);
	/* The good lines' arguments: the bad lines are shown below and make it exit 1. */
	if (r == 0 && (r = ctl_machine_kargs(c, &m, st.mode, &st.res)) < 0)
		ctl_error("cannot work out the kernel arguments: %s", strerror(-r));
	if (r == 0 && (r = judge(&m, &st)) < 0)
		ctl_error("%s", strerror(-r));
	if (r < 0) {
		status_free(&st);
		ctl_machine_free(&m);
		return CTL_EXIT_FAIL;
	}
	/* Said first, on stderr; the rest is shown, and it exits 1 as for a bad line. */
	st.system = ctl_refuse_system_claims(&m, &st.res);
	m.uses = ctl_vm_uses_load(c);
	if (o.json)
		print_json(&m, &st);
	else
		print_text(c, &m, &st);
	r = m.manifest_bad || st.system ? CTL_EXIT_FAIL :
	    st.pending ? CTL_EXIT_PENDING : CTL_EXIT_OK;
	ctl_vm_uses_free(m.uses);
	m.uses = NULL;
	status_free(&st);
	ctl_machine_free(&m);
	return r;
}
