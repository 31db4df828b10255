// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * What the manifest wants of the boot configuration on this machine: the
 * kernel arguments kargs prints, status checks and apply puts in.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "ctl.h"
#include "firmware_fb.h"
#include "host.h"
#include "kargs.h"

int ctl_machine_kargs(const struct ctl *c, const struct ctl_machine *m, enum kargs_mode mode,
		      struct kargs_result *res)
{
	struct kargs_machine mach = { .n_functions = m->devs.n,
				      .sysfb = host_kernels_have_sysfb(c->root) };
	struct host_cpu cpu;
	struct pci_addr *addrs = calloc(m->devs.n + 1, sizeof(*addrs));
	struct pci_id *ids = calloc(m->devs.n + 1, sizeof(*ids));
	int r;

	*res = (struct kargs_result){ 0 };
	if (!addrs || !ids) {
		free(addrs);
		free(ids);
		return -ENOMEM;
	}
	/* No /proc/cpuinfo: no intel_iommu=on, which only Intel needs. */
	if (host_cpu_read(c->root, &cpu) == 0)
		mach.cpu = cpu.vendor;
	for (size_t i = 0; i < m->devs.n; i++) {
		const struct pcidev *d = &m->devs.devs[i];
		bool mismatch;

		addrs[i] = d->addr;
		ctl_pci_id(d, &ids[i]);
		/* From 6.0 on vfio-pci removes efifb/simpledrm itself: no arguments. */
		if (d->boot_vga == 1 && ctl_manifest_entry(m, d, &mismatch) && !mismatch)
			mach.boot_vga_claimed = firmware_fb_kept_by_a_kernel(c->root);
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
	size_t system;
	int r;

	r = ctl_machine_kargs(c, m, mode, res);
	if (r < 0) {
		ctl_error("cannot work out the kernel arguments: %s", strerror(-r));
		return r;
	}
	system = ctl_refuse_system_claims(m, res);
	/*
	 * A line earlybind skips is a device the boot configuration would
	 * silently leave out (a typo in an id drops the card from
	 * vfio-pci.ids=): no arguments from half a manifest.
	 */
	if (m->manifest_bad) {
		bool one = m->manifest_bad == 1;

		ctl_error("refusing: /etc/earlybind.conf has %d bad line%s (above), which "
			  "earlybind skips: arguments from the rest would leave %s device%s out; "
			  "fix %s with 'earlybindctl remove' and 'add', or an editor",
			  m->manifest_bad, one ? "" : "s", one ? "its" : "their", one ? "" : "s",
			  one ? "it" : "them");
	}
	if (system || m->manifest_bad) {
		kargs_result_free(res);
		return -EBADMSG;
	}
	return 0;
}

int ctl_parse_mode(const char *s, enum kargs_mode *mode)
{
	if (strcmp(s, "address") == 0)
		*mode = KARGS_MODE_ADDRESS;
	else if (strcmp(s, "ids") == 0)
		*mode = KARGS_MODE_IDS;
	else
		return -EINVAL;
	return 0;
}
