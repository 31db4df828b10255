// SPDX-License-Identifier: GPL-2.0-or-later
/* earlybindctl kargs and status: the kernel arguments, wanted and in effect. */
#include <errno.h>
#include <limits.h>
#include <stdlib.h>
#include <string.h>

#include "applied.h"
#include "ctl.h"
#include "json.h"
#include "kargs.h"
#include "rootpath.h"

static const char kargs_usage[] =
	"Usage: earlybindctl kargs [--mode address|ids] [--format FORMAT] [--force]\n\n"
	"The kernel arguments the manifest needs on this machine.  FORMAT: plain (one\n"
	"line), json, rpm-ostree, grubby, grub (a grub.d drop-in) or bootc (kargs.d).\n"
	"--mode ids gives the classic vfio-pci.ids= recipe, for systems without the\n"
	"earlybind initramfs module; it is refused when an id would also take a\n"
	"function the manifest does not claim, unless --force.\n";

static const char status_usage[] =
	"Usage: earlybindctl status [--json] [--mode address|ids]\n\n"
	"For each manifest entry, the driver its function is on now; and whether the\n"
	"running kernel has the arguments 'kargs' wants, and whether what is missing\n"
	"waits for 'earlybindctl apply' or for a reboot.  The mode is the one apply\n"
	"used (ids when it added vfio-pci.ids=), unless --mode.  Exit 0 when all is\n"
	"in effect, 3 when something waits for a reboot or an apply, 1 on error.\n";

static enum cpu_vendor cpu_vendor(const char *root)
{
	char path[PATH_MAX], line[256];
	enum cpu_vendor v = CPU_UNKNOWN;
	FILE *f;

	if (root_path(path, sizeof(path), root, "/proc/cpuinfo") < 0)
		return v;
	f = fopen(path, "re");
	if (!f)
		return v;
	while (v == CPU_UNKNOWN && fgets(line, sizeof(line), f)) {
		if (strncmp(line, "vendor_id", 9) != 0)
			continue;
		if (strstr(line, "GenuineIntel"))
			v = CPU_INTEL;
		else if (strstr(line, "AuthenticAMD") || strstr(line, "HygonGenuine"))
			v = CPU_AMD;
	}
	fclose(f);
	return v;
}

/*
 * Does the running kernel have sysfb (the initcall that registers the
 * firmware framebuffer as simpledrm/simplefb)?  From its config, in
 * /lib/modules/RELEASE/config (Fedora) or /boot/config-RELEASE (Debian).
 * Kernels before 5.15 have no CONFIG_SYSFB, but x86 built sysfb_init
 * unconditionally (arch/x86/kernel/sysfb.c): a config without the symbol
 * but with CONFIG_X86=y has it too.  When neither file can be read we say
 * yes: initcall_blacklist= with a name the kernel lacks is ignored, while a
 * missing one leaves the framebuffer on the BARs of the claimed GPU.
 */
static bool kernel_has_sysfb(const char *root)
{
	char release[128], sub[PATH_MAX], path[PATH_MAX], line[256];
	bool seen = false, sysfb = false, x86 = false;
	FILE *f = NULL;

	if (root_read_line(root, "/proc/sys/kernel/osrelease", release, sizeof(release)) < 0)
		return true;
	for (int i = 0; !f && i < 2; i++) {
		if (i == 0)
			snprintf(sub, sizeof(sub), "/lib/modules/%s/config", release);
		else
			snprintf(sub, sizeof(sub), "/boot/config-%s", release);
		if (root_path(path, sizeof(path), root, sub) == 0)
			f = fopen(path, "re");
	}
	if (!f)
		return true;
	while (fgets(line, sizeof(line), f)) {
		line[strcspn(line, "\n")] = '\0';
		if (strncmp(line, "CONFIG_SYSFB=", 13) == 0 ||
		    strcmp(line, "# CONFIG_SYSFB is not set") == 0) {
			seen = true;
			sysfb = strcmp(line, "CONFIG_SYSFB=y") == 0;
		} else if (strcmp(line, "CONFIG_X86=y") == 0) {
			x86 = true;
		}
	}
	fclose(f);
	return seen ? sysfb : x86;
}

/* What the manifest's good lines want, bad lines or not (status shows both). */
static int wanted_kargs(const struct ctl *c, const struct ctl_machine *m, enum kargs_mode mode,
			struct kargs_result *res)
{
	struct kargs_machine mach = { .cpu = cpu_vendor(c->root), .n_functions = m->devs.n,
				      .sysfb = kernel_has_sysfb(c->root) };
	struct pci_addr *addrs = calloc(m->devs.n + 1, sizeof(*addrs));
	struct pci_id *ids = calloc(m->devs.n + 1, sizeof(*ids));
	int r;

	if (!addrs || !ids) {
		free(addrs);
		free(ids);
		return -ENOMEM;
	}
	for (size_t i = 0; i < m->devs.n; i++) {
		const struct pcidev *d = &m->devs.devs[i];
		bool mismatch;

		addrs[i] = d->addr;
		ctl_pci_id(d, &ids[i]);
		if (d->boot_vga == 1 && ctl_manifest_entry(m, d, &mismatch) && !mismatch)
			mach.boot_vga_claimed = true;
	}
	mach.addrs = addrs;
	mach.ids = ids;
	r = kargs_wanted(&m->manifest, &mach, mode, res);
	free(addrs);
	free(ids);
	return r;
}

int ctl_wanted_kargs(const struct ctl *c, const struct ctl_machine *m, enum kargs_mode mode,
		     struct kargs_result *res)
{
	/*
	 * A line earlybind skips is a device the boot configuration would
	 * silently leave out (a typo in an id drops the card from
	 * vfio-pci.ids=): no arguments from half a manifest.
	 */
	if (m->manifest_bad) {
		bool one = m->manifest_bad == 1;

		*res = (struct kargs_result){ 0 };
		ctl_error("refusing: /etc/earlybind.conf has %d bad line%s (above), which "
			  "earlybind skips: arguments from the rest would leave %s device%s out; "
			  "fix %s with 'earlybindctl remove' and 'add', or an editor",
			  m->manifest_bad, one ? "" : "s", one ? "its" : "their", one ? "" : "s",
			  one ? "it" : "them");
		return -EBADMSG;
	}
	return wanted_kargs(c, m, mode, res);
}

static int parse_mode(const char *s, enum kargs_mode *mode)
{
	if (strcmp(s, "address") == 0)
		*mode = KARGS_MODE_ADDRESS;
	else if (strcmp(s, "ids") == 0)
		*mode = KARGS_MODE_IDS;
	else
		return -EINVAL;
	return 0;
}

/* Names the claimed boot VGA function(s): the reason for video=efifb:off. */
static void warn_boot_vga(const struct ctl *c, const struct ctl_machine *m)
{
	for (size_t i = 0; i < m->devs.n; i++) {
		const struct pcidev *d = &m->devs.devs[i];
		bool mismatch;
		char desc[400];

		if (d->boot_vga != 1 || !ctl_manifest_entry(m, d, &mismatch) || mismatch)
			continue;
		ctl_describe(d, desc, sizeof(desc));
		ctl_warn(c, "the manifest claims %s, the boot VGA device: the host will have no "
			 "console on it", desc);
	}
}

int cmd_kargs(struct ctl *c, int argc, char **argv)
{
	static const struct option opts[] = {
		CTL_COMMON_LONG,
		{ "mode", required_argument, NULL, 'm' },
		{ "format", required_argument, NULL, 'F' },
		{ "force", no_argument, NULL, 'f' },
		{ NULL, 0, NULL, 0 },
	};
	enum kargs_mode mode = KARGS_MODE_ADDRESS;
	enum kargs_format format = KARGS_FORMAT_PLAIN;
	bool force = false;
	struct ctl_machine m;
	struct kargs_result res;
	int opt, r;

	while ((opt = getopt_long(argc, argv, CTL_COMMON_SHORT "m:F:f", opts, NULL)) != -1) {
		if (ctl_common_option(c, opt, optarg, kargs_usage))
			continue;
		switch (opt) {
		case 'm':
			if (parse_mode(optarg, &mode) < 0) {
				ctl_error("--mode: '%s' is not address or ids", optarg);
				return CTL_EXIT_USAGE;
			}
			break;
		case 'F':
			if (kargs_format_parse(optarg, &format) < 0) {
				ctl_error("--format: '%s' is not plain, json, rpm-ostree, grubby, "
					  "grub or bootc", optarg);
				return CTL_EXIT_USAGE;
			}
			break;
		case 'f':
			force = true;
			break;
		default:
			fputs(kargs_usage, stderr);
			return CTL_EXIT_USAGE;
		}
	}
	if (optind != argc) {
		fputs(kargs_usage, stderr);
		return CTL_EXIT_USAGE;
	}
	r = ctl_machine_load(c, &m);
	if (r)
		return r;
	r = ctl_wanted_kargs(c, &m, mode, &res);
	if (r < 0) {
		if (r != -EBADMSG) /* that one is said already */
			ctl_error("%s", strerror(-r));
		ctl_machine_free(&m);
		return CTL_EXIT_FAIL;
	}
	r = CTL_EXIT_OK;
	if (res.inexpressible_line) {
		ctl_error("/etc/earlybind.conf line %u cannot be written as an id list (only "
			  "vfio-pci and pci-stub lines with an id can); use --mode address",
			  res.inexpressible_line);
		r = CTL_EXIT_FAIL;
	}
	if (res.n_conflicts && !force) {
		ctl_error("refusing --mode ids: the ids would also take %zu function%s the "
			  "manifest does not claim:", res.n_conflicts,
			  res.n_conflicts == 1 ? "" : "s");
		for (size_t i = 0; i < res.n_conflicts; i++) {
			const struct pcidev *d = pcidev_find(&m.devs, &res.conflicts[i]);
			char desc[400];

			if (d)
				ctl_describe(d, desc, sizeof(desc));
			else
				pci_addr_format(&res.conflicts[i], desc);
			fprintf(stderr, "  %s\n", desc);
		}
		fputs("earlybindctl: --mode address (the default) claims by address; --force "
		      "prints the ids anyway\n", stderr);
		r = CTL_EXIT_FAIL;
	}
	if (r == CTL_EXIT_OK) {
		if (res.args.n && mode == KARGS_MODE_ADDRESS && !m.manifest.n_entries)
			ctl_warn(c, "the manifest claims nothing; these are the IOMMU arguments only");
		if (kargs_has(&res.args, "video=efifb:off"))
			warn_boot_vga(c, &m);
		kargs_print(stdout, &res.args, format, mode);
	}
	kargs_result_free(&res);
	ctl_machine_free(&m);
	return r;
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
	struct json j;
	int opt, r;

	while ((opt = getopt_long(argc, argv, CTL_COMMON_SHORT "jm:", opts, NULL)) != -1) {
		if (ctl_common_option(c, opt, optarg, status_usage))
			continue;
		if (opt == 'j') {
			json = true;
		} else if (opt == 'm' && parse_mode(optarg, &mode) == 0) {
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
	if (r)
		return r;
	r = applied_load(c->root, &a);
	if (r == 0)
		r = applied_manifest_sum(c->root, sum);
	if (r < 0) {
		ctl_error("cannot read %s or /etc/earlybind.conf under %s: %s", APPLIED_PATH,
			  c->root, strerror(-r));
		ctl_machine_free(&m);
		return CTL_EXIT_FAIL;
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
	if (kargs_split(&running, cmdline) < 0 || wanted_kargs(c, &m, mode, &res) < 0) {
		ctl_error("%s", strerror(ENOMEM));
		goto fail;
	}
	for (size_t i = 0; i < res.args.n; i++)
		if (!kargs_has(&running, res.args.v[i]) && !kargs_has(&a.kargs, res.args.v[i]))
			args_unapplied = true;
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
		char a_str[PCI_ADDR_STRLEN] = "*", state[200];
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
			json_object_end(&j);
		} else {
			printf("%s%-6s%s %-14s %-10s %s\n", ctl_color(c, ok ? CTL_GREEN : CTL_YELLOW),
			       ok ? "ok" : "wait", ctl_color(c, CTL_RESET), a_str, e->driver, state);
			/* The name as lspci -nn has it, under the address. */
			if (d)
				printf("%-6s %s\n", "", d->lspci_nn);
		}
	}
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
			       ctl_color(c, CTL_GREEN), "ok", ctl_color(c, CTL_RESET), res.args.v[i]);
		} else {
			printf("%s%-6s%s %s is not on the running kernel's command line; %s\n",
			       ctl_color(c, CTL_YELLOW), "wait", ctl_color(c, CTL_RESET),
			       res.args.v[i], waits);
		}
	}
	if (json) {
		json_array_end(&j);
		json_kv_bool(&j, "pending", pending);
		json_object_end(&j);
		json_finish(&j);
	} else if (m.manifest_bad) {
		printf("%d bad line%s in /etc/earlybind.conf (see above)\n", m.manifest_bad,
		       m.manifest_bad == 1 ? "" : "s");
	}
	kargs_result_free(&res);
	kargs_free(&running);
	applied_free(&a);
	r = m.manifest_bad ? CTL_EXIT_FAIL : pending ? CTL_EXIT_PENDING : CTL_EXIT_OK;
	ctl_machine_free(&m);
	return r;
fail:
	kargs_free(&running);
	applied_free(&a);
	ctl_machine_free(&m);
	return CTL_EXIT_FAIL;
}
