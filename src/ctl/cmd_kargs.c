// SPDX-License-Identifier: GPL-2.0-or-later
/* earlybindctl kargs: the kernel arguments the manifest needs on this machine. */
#include <errno.h>

#include "ctl.h"
#include "kargs.h"

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

struct kargs_opts {
	enum kargs_mode mode;
	enum kargs_format format;
	bool force;
};

/* 0, or -EINVAL after saying why. */
static int parse_opts(struct ctl *c, int argc, char **argv, struct kargs_opts *o)
{
	static const struct option opts[] = {
		CTL_COMMON_LONG,
		{ "mode", required_argument, NULL, 'm' },
		{ "format", required_argument, NULL, 'F' },
		{ "force", no_argument, NULL, 'f' },
		{ NULL, 0, NULL, 0 },
	};
	int opt;

	*o = (struct kargs_opts){ .mode = KARGS_MODE_ADDRESS, .format = KARGS_FORMAT_PLAIN };
	while ((opt = getopt_long(argc, argv, CTL_COMMON_SHORT "m:F:f", opts, NULL)) != -1) {
		if (ctl_common_option(c, opt, optarg, kargs_usage))
			continue;
		if (opt == 'm') {
			if (ctl_parse_mode(optarg, &o->mode) < 0) {
				ctl_error(CTL_MODE_ERROR, optarg);
				return -EINVAL;
			}
		} else if (opt == 'F') {
			if (kargs_format_parse(optarg, &o->format) < 0) {
				ctl_error("--format: '%s' is not plain, json, rpm-ostree, grubby, "
					  "grub or bootc", optarg);
				return -EINVAL;
			}
		} else if (opt == 'f') {
			o->force = true;
		} else {
			return ctl_usage_error(kargs_usage);
		}
	}
	return optind == argc ? 0 : ctl_usage_error(kargs_usage);
}

/*
 * What keeps @res from being printed: a line an id list cannot say, or
 * (unless --force) ids that would take functions the manifest does not
 * claim.  0, or -EPERM after saying why.
 */
static int refusals(const struct ctl_machine *m, const struct kargs_result *res, bool force)
{
	int r = 0;

	if (res->inexpressible_line) {
		ctl_error(CTL_MANIFEST ":%u: cannot be written as an id list (only vfio-pci "
			  "and pci-stub lines with an id can); use --mode address",
			  res->inexpressible_line);
		r = -EPERM;
	}
	if (!res->n_conflicts || force)
		return r;
	ctl_error("refusing --mode ids: the ids would also take %zu function%s the manifest "
		  "does not claim:", res->n_conflicts, res->n_conflicts == 1 ? "" : "s");
	for (size_t i = 0; i < res->n_conflicts; i++) {
		const struct pcidev *d = pcidev_find(&m->devs, &res->conflicts[i]);
		char desc[400];

		if (d)
			ctl_describe(d, desc, sizeof(desc));
		else
			pci_addr_format(&res->conflicts[i], desc);
		ctl_more(NULL, false, "  %s", desc);
	}
	ctl_error("--mode address (the default) claims by address; --force prints the ids "
		  "anyway");
	return -EPERM;
}

int cmd_kargs(struct ctl *c, int argc, char **argv)
{
	struct kargs_opts o;
	struct ctl_machine m;
	struct kargs_result res;
	int r;

	if (parse_opts(c, argc, argv, &o) < 0)
		return CTL_EXIT_USAGE;
	if (ctl_machine_load(c, &m) < 0)
		return CTL_EXIT_FAIL;
	r = ctl_wanted_kargs(c, &m, o.mode, &res);
	if (r < 0) {
		ctl_machine_free(&m);
		return CTL_EXIT_FAIL;
	}
	r = refusals(&m, &res, o.force);
	if (r == 0) {
		if (res.args.n && o.mode == KARGS_MODE_ADDRESS && !m.manifest.n_entries)
			ctl_warn(c, "the manifest claims nothing; these are the IOMMU arguments only");
		warn_boot_vga(c, &m);
		kargs_print(stdout, &res.args, o.format, o.mode);
	}
	kargs_result_free(&res);
	ctl_machine_free(&m);
	return r < 0 ? CTL_EXIT_FAIL : CTL_EXIT_OK;
}
