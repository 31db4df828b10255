// SPDX-License-Identifier: GPL-2.0-or-later
/* earlybindctl status: the manifest and the kernel arguments, against what runs now. */
#include <errno.h>
#include <limits.h>
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

int cmd_status(struct ctl *c, int argc, char **argv)
{
	static const struct option opts[] = {
		CTL_COMMON_LONG,
		{ "json", no_argument, NULL, 'j' },
		{ "mode", required_argument, NULL, 'm' },
		{ NULL, 0, NULL, 0 },
	};
	static const char wait_apply[] = "waits for 'earlybindctl apply'";
	static const char wait_reboot[] = "waits for a reboot";
	enum kargs_mode mode = KARGS_MODE_ADDRESS;
	bool json = false, pending = false, mode_given = false, changed, args_unapplied = false;
	struct kargs running = { 0 };
	struct kargs_result res;
	struct applied a;
	struct ctl_machine m;
	char cmdline[4096], sum[17];
	size_t system;
	struct json j;
	int opt, r;

	while ((opt = getopt_long(argc, argv, CTL_COMMON_SHORT "jm:", opts, NULL)) != -1) {
		if (ctl_common_option(c, opt, optarg, status_usage))
			continue;
		if (opt == 'j') {
			json = true;
		} else if (opt == 'm' && ctl_parse_mode(optarg, &mode) == 0) {
			mode_given = true;
		} else {
			fputs(status_usage, stderr);
			return CTL_EXIT_USAGE;
		}
	}
	if (optind != argc) {
		fputs(status_usage, stderr);
		return CTL_EXIT_USAGE;
	}
	r = ctl_machine_load(c, &m);
	if (r < 0)
		return CTL_EXIT_FAIL;
	r = applied_load(c->root, &a);
	if (r < 0) {
		ctl_error("cannot read %s under %s: %s", APPLIED_PATH, c->root, strerror(-r));
		ctl_machine_free(&m);
		return CTL_EXIT_FAIL;
	}
	r = applied_manifest_sum(c->root, sum);
	if (r < 0) {
		ctl_error("cannot read /etc/earlybind.conf under %s: %s", c->root, strerror(-r));
		goto fail;
	}
	/* Judge the arguments apply put in, not the default mode's. */
	if (!mode_given)
		mode = applied_mode(&a);
	/*
	 * What the last apply put into the initramfs is the manifest it
	 * summed; no record (apply never ran) is a change too, and so is an
	 * apply that did not finish (update-grub failed, or it was killed):
	 * what it wrote may not be what boots, and only apply finishes it.
	 */
	changed = strcmp(sum, a.manifest_sum) != 0 || a.unfinished;
	r = root_read_line(c->root, "/proc/cmdline", cmdline, sizeof(cmdline));
	if (r < 0) {
		ctl_error("cannot read /proc/cmdline under %s: %s", c->root, strerror(-r));
		goto fail;
	}
	r = kargs_split(&running, cmdline);
	if (r < 0) {
		ctl_error("%s", strerror(-r));
		goto fail;
	}
	/* The good lines' arguments: the bad lines are shown below and make it exit 1. */
	r = ctl_machine_kargs(c, &m, mode, &res);
	if (r < 0) {
		ctl_error("cannot work out the kernel arguments: %s", strerror(-r));
		goto fail;
	}
	/* Said first, on stderr; the rest is shown, and it exits 1 as for a bad line. */
	system = ctl_refuse_system_claims(&m, &res);
	for (size_t i = 0; i < res.args.n; i++)
		if (!kargs_has(&running, res.args.v[i]) && !kargs_has(&a.kargs, res.args.v[i]))
			args_unapplied = true;
	m.uses = ctl_vm_uses_load(c);
	if (json) {
		json_init(&j, stdout);
		json_object_begin(&j);
		json_kv_string(&j, "mode", mode == KARGS_MODE_IDS ? "ids" : "address");
		json_kv_bool(&j, "manifest_applied", !changed);
		json_key(&j, "entries");
		json_array_begin(&j);
	}
	for (size_t i = 0; i < m.manifest.n_entries; i++) {
		const struct manifest_entry *e = &m.manifest.entries[i];
		const struct pcidev *d = e->any_addr ? NULL : pcidev_find(&m.devs, &e->addr);
		char a_str[PCI_ADDR_STRLEN] = "*", state[400];
		struct pci_id id;
		bool ok = false;

		if (!e->any_addr)
			pci_addr_format(&e->addr, a_str);
		if (e->any_addr) {
			snprintf(state, sizeof(state), "every function with the id");
			ok = true;
		} else if (!d) {
			ok = e->options & MANIFEST_OPT_OPTIONAL;
			snprintf(state, sizeof(state), "not present%s", ok ? " (optional)" : "");
		} else if (ctl_pci_id(d, &id), !manifest_entry_id_matches(e, &id)) {
			snprintf(state, sizeof(state), "id is %04x:%04x: earlybind leaves it alone",
				 d->vendor, d->device);
		} else if (strcmp(d->driver, e->driver) == 0) {
			ok = true;
			snprintf(state, sizeof(state), "on %s", d->driver);
		} else {
			/*
			 * Address mode binds from the manifest in the initramfs;
			 * ids mode from the arguments: either must be applied
			 * before a reboot can help.
			 */
			snprintf(state, sizeof(state), "on %s; %s",
				 d->driver[0] ? d->driver : "no driver",
				 changed || args_unapplied ? wait_apply : wait_reboot);
		}
		pending |= !ok;
		if (json) {
			json_object_begin(&j);
			json_kv_int(&j, "line", e->line);
			json_kv_string(&j, "address", a_str);
			json_key(&j, "name");
			if (d)
				json_string(&j, d->desc);
			else
				json_null(&j);
			json_kv_string(&j, "driver", e->driver);
			json_key(&j, "current_driver");
			if (d && d->driver[0])
				json_string(&j, d->driver);
			else
				json_null(&j);
			json_kv_bool(&j, "in_effect", ok);
			json_kv_string(&j, "state", state);
			ctl_vm_uses_json(m.uses, &j, d ? &d->addr : NULL);
			json_object_end(&j);
		} else {
			printf("%s%-6s%s %-14s %-10s %s\n", ctl_color(c, ok ? CTL_GREEN : CTL_YELLOW),
			       ok ? "ok" : "wait", ctl_color(c, CTL_RESET), a_str,
			       ctl_text(stdout, e->driver), ctl_text(stdout, state));
			/* The name as lspci -nn has it, under the address. */
			if (d)
				printf("%-6s %s\n", "", ctl_text(stdout, d->lspci_nn));
			if (d)
				ctl_vm_uses_print(m.uses, &d->addr, "       ");
		}
	}
	ctl_vm_uses_free(m.uses);
	m.uses = NULL;
	if (json) {
		json_array_end(&j);
		json_key(&j, "kargs");
		json_array_begin(&j);
	}
	for (size_t i = 0; i < res.args.n; i++) {
		bool have = kargs_has(&running, res.args.v[i]);
		/* Applied: in the record, from the manifest the record was made from. */
		const char *waits = !kargs_has(&a.kargs, res.args.v[i]) || changed ? wait_apply :
										      wait_reboot;

		pending |= !have;
		if (json) {
			json_object_begin(&j);
			json_kv_string(&j, "karg", res.args.v[i]);
			json_kv_bool(&j, "in_effect", have);
			json_key(&j, "state");
			if (have)
				json_null(&j);
			else
				json_string(&j, waits);
			json_object_end(&j);
		} else if (have) {
			printf("%s%-6s%s %s is on the running kernel's command line\n",
			       ctl_color(c, CTL_GREEN), "ok", ctl_color(c, CTL_RESET),
			       ctl_text(stdout, res.args.v[i]));
		} else {
			printf("%s%-6s%s %s is not on the running kernel's command line; %s\n",
			       ctl_color(c, CTL_YELLOW), "wait", ctl_color(c, CTL_RESET),
			       ctl_text(stdout, res.args.v[i]), waits);
		}
	}
	if (json) {
		json_array_end(&j);
		json_kv_bool(&j, "pending", pending);
		json_object_end(&j);
		json_finish(&j);
	} else {
		if (system)
			printf("%zu line%s in /etc/earlybind.conf would take the system's disk "
			       "(see above)\n", system, system == 1 ? "" : "s");
		if (m.manifest_bad)
			printf("%d bad line%s in /etc/earlybind.conf (see above)\n",
			       m.manifest_bad, m.manifest_bad == 1 ? "" : "s");
	}
	kargs_result_free(&res);
	kargs_free(&running);
	applied_free(&a);
	r = m.manifest_bad || system ? CTL_EXIT_FAIL : pending ? CTL_EXIT_PENDING : CTL_EXIT_OK;
	ctl_machine_free(&m);
	return r;
fail:
	kargs_free(&running);
	applied_free(&a);
	ctl_machine_free(&m);
	return CTL_EXIT_FAIL;
}
