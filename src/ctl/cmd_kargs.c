// SPDX-License-Identifier: GPL-2.0-or-later
/* earlybindctl kargs: the kernel arguments the manifest needs on this machine. */
#include <errno.h>
#include <limits.h>
#include <stdlib.h>
#include <string.h>

#include "ctl.h"
#include "host.h"
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
			if (ctl_parse_mode(optarg, &mode) < 0) {
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
	if (r < 0)
		return CTL_EXIT_FAIL;
	r = ctl_wanted_kargs(c, &m, mode, &res);
	if (r < 0) { /* said already */
		ctl_machine_free(&m);
		return CTL_EXIT_FAIL;
	}
	r = CTL_EXIT_OK;
	if (res.inexpressible_line) {
		ctl_error("/etc/earlybind.conf:%u: cannot be written as an id list (only "
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
			fprintf(stderr, "  %s\n", ctl_text(stderr, desc));
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
