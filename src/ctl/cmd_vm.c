// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * earlybindctl vm: the functions the manifest holds for vfio-pci, put into
 * a libvirt domain (or printed as the XML to paste into one), with the CPU
 * topology and the features a Windows guest with a GPU wants.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "cpu_topology.h"
#include "ctl.h"
#include "modalias.h"
#include "udiff.h"
#include "vfio_driver.h"
#include "vm_libvirt.h"
#include "vm_xml.h"

static const char vm_usage[] =
	"Usage: earlybindctl vm [DOMAIN] [--connect URI] [--xml] [--dry-run] [--undo]\n"
	"                       [--force] [--cores N [--threads N]]\n"
	"                       [--hide-hypervisor[=VENDOR_ID]]\n\n"
	"Puts every function the manifest holds for vfio-pci (or a vfio variant driver)\n"
	"into the libvirt domain DOMAIN, as <hostdev managed='no'>: the functions of a\n"
	"card in one guest slot behind a pcie-root-port of their own, at their own\n"
	"function numbers.  What the domain has already stays; a second run changes\n"
	"nothing.  Refused: a function the manifest puts on pci-stub (libvirt would hand\n"
	"it back to the host driver when the guest stops), and one whose IOMMU group has\n"
	"a member on a host driver, unless --force.\n\n"
	"  --connect URI     libvirt's URI (default: libvirt's own default)\n"
	"  --xml             print XML, change nothing: without DOMAIN the elements to\n"
	"                    paste into a domain, with DOMAIN the whole new definition\n"
	"  --dry-run         print the change to DOMAIN as a unified diff, change nothing\n"
	"  --undo            take out of DOMAIN what earlybind put in, and nothing else\n"
	"  --force           add a function whose IOMMU group is not viable\n"
	"  --cores N         a host-passthrough CPU of 1 socket with N cores\n"
	"  --threads N       threads per core (default: the host's)\n"
	"  --hide-hypervisor[=VENDOR_ID]\n"
	"                    a Hyper-V vendor_id (default " VM_VENDOR_ID_DEFAULT ", at most 12\n"
	"                    characters) and KVM hidden, for GPU drivers that refuse a VM\n\n"
	"Exit status 0 done or nothing to change, 1 refused or failed, 2 usage error.\n";

/* The fragment's root ports start here, above what a new q35 domain has. */
#define FRAGMENT_FIRST_INDEX 16
/* More vCPUs than any host has. */
#define VCPU_MAX 4096u

struct vm_opts {
	const char *domain, *uri, *vendor_id;
	bool xml, dry_run, undo, force, vendor_id_given;
	unsigned cores, threads;
};

static int parse_count(const char *s, const char *what, unsigned *out)
{
	char *end;
	unsigned long v = strtoul(s, &end, 10);

	if (!s[0] || *end || v < 1 || v > VCPU_MAX || s[0] == '-' || s[0] == '+') {
		ctl_error("%s '%s' is not a number from 1 to %u", what, s, VCPU_MAX);
		return -EINVAL;
	}
	*out = (unsigned)v;
	return 0;
}

/* libvirt's schema: [^,]{0,12}; QEMU takes it as hv-vendor-id=..., so printable. */
static bool vendor_id_ok(const char *s)
{
	size_t n = strlen(s);

	if (n < 1 || n > VM_VENDOR_ID_MAX)
		return false;
	for (; *s; s++)
		if (*s <= ' ' || *s > '~' || *s == ',')
			return false;
	return true;
}

/* One option into @o.  0, or -EINVAL after saying why. */
static int set_opt(struct vm_opts *o, int opt, const char *arg)
{
	switch (opt) {
	case 'c':
		o->uri = arg;
		return 0;
	case 'x':
		o->xml = true;
		return 0;
	case 'n':
		o->dry_run = true;
		return 0;
	case 'u':
		o->undo = true;
		return 0;
	case 'f':
		o->force = true;
		return 0;
	case 'C':
		return parse_count(arg, "--cores", &o->cores);
	case 'T':
		return parse_count(arg, "--threads", &o->threads);
	case 'H':
		o->vendor_id = arg ? arg : VM_VENDOR_ID_DEFAULT;
		o->vendor_id_given = arg != NULL;
		if (vendor_id_ok(o->vendor_id))
			return 0;
		ctl_error("--hide-hypervisor=%s: a vendor id is 1 to %d printable characters, no "
			  "comma or space (libvirt's limit)", o->vendor_id, VM_VENDOR_ID_MAX);
		return -EINVAL;
	default:
		return ctl_usage_error(vm_usage);
	}
}

/* The options that do not go together.  0, or -EINVAL after saying why. */
static int check_opts(const struct vm_opts *o)
{
	const char *why = NULL;

	if (!o->domain && !o->xml)
		why = "name a libvirt DOMAIN, or ask for --xml";
	else if (!o->domain && (o->uri || o->dry_run || o->undo))
		why = "--connect, --dry-run and --undo need a DOMAIN";
	else if (o->xml && o->dry_run)
		why = "--xml or --dry-run, not both";
	else if (o->undo && (o->cores || o->threads || o->vendor_id || o->force))
		why = "--undo takes out all earlybind added; it takes no other option";
	else if (o->threads && !o->cores)
		why = "--threads goes with --cores";
	if (!why)
		return 0;
	ctl_error("vm: %s", why);
	return -EINVAL;
}

/* 0, or -EINVAL after saying why. */
static int parse_opts(struct ctl *c, int argc, char **argv, struct vm_opts *o)
{
	static const struct option opts[] = {
		CTL_COMMON_LONG,
		{ "connect", required_argument, NULL, 'c' },
		{ "xml", no_argument, NULL, 'x' },
		{ "dry-run", no_argument, NULL, 'n' },
		{ "undo", no_argument, NULL, 'u' },
		{ "force", no_argument, NULL, 'f' },
		{ "cores", required_argument, NULL, 'C' },
		{ "threads", required_argument, NULL, 'T' },
		{ "hide-hypervisor", optional_argument, NULL, 'H' },
		{ NULL, 0, NULL, 0 },
	};
	int opt, r;

	*o = (struct vm_opts){ 0 };
	/* No short forms: these are words for scripts and the man page. */
	while ((opt = getopt_long(argc, argv, CTL_COMMON_SHORT, opts, NULL)) != -1) {
		if (ctl_common_option(c, opt, optarg, vm_usage))
			continue;
		r = set_opt(o, opt, optarg);
		if (r < 0)
			return r;
	}
	if (argc - optind > 1)
		return ctl_usage_error(vm_usage);
	o->domain = argc - optind == 1 ? argv[optind] : NULL;
	return check_opts(o);
}

/* libvirt's messages may span lines; earlybindctl says an error in one. */
static void one_line(char *s)
{
	for (; *s; s++)
		if (*s == '\n')
			*s = ' ';
}

static const char *uri_shown(const struct vm_opts *o)
{
	static char buf[300];
	const char *env = getenv("LIBVIRT_DEFAULT_URI");

	if (o->uri)
		return o->uri;
	if (env && *env)
		snprintf(buf, sizeof(buf), "libvirt's default URI (LIBVIRT_DEFAULT_URI=%s)", env);
	else
		snprintf(buf, sizeof(buf), "libvirt's default URI");
	return buf;
}

/* ---- which functions, and whether they may go ----------------------------- */

struct picked {
	struct vm_fn *fns;
	const struct pcidev **devs;
	size_t n;
};

/* A member of @d's group on a host driver that the manifest leaves there, or NULL. */
static const struct pcidev *group_blocker(const struct ctl_machine *m, const struct pcidev *d)
{
	if (d->iommu_group < 0)
		return NULL;
	for (size_t i = 0; i < m->devs.n; i++) {
		const struct pcidev *o = &m->devs.devs[i];

		if (o != d && o->iommu_group == d->iommu_group &&
		    !ctl_member_leaves_group_viable(m, o))
			return o;
	}
	return NULL;
}

static void refuse_stub(const struct ctl_machine *m, const struct pcidev *d, const char *domain)
{
	char desc[400], a[PCI_ADDR_STRLEN], mods[256] = "";

	ctl_describe(d, desc, sizeof(desc));
	pci_addr_format(&d->addr, a);
	if (modalias_lookup(m->kmod, d->modalias, mods, sizeof(mods)) < 0)
		mods[0] = '\0';
	mods[strcspn(mods, " ,")] = '\0';
	ctl_error("refusing %s: the manifest puts it on pci-stub, and libvirt moves it to "
		  "vfio-pci when %s starts and gives it back to %s%s when it stops; on vfio-pci "
		  "from boot it stays there: earlybindctl add %s --driver vfio-pci, then "
		  "earlybindctl apply", desc, domain,
		  mods[0] ? "its host driver " : "the host's driver", mods, a);
}

/*
 * Why @d, which the manifest puts on pci-stub, does not go into a guest:
 * refused for a domain, left out of a fragment.  0, or -EPERM after saying why.
 */
static int stub_function(const struct ctl *c, const struct ctl_machine *m,
			 const struct vm_opts *o, const struct pcidev *d, const char *desc)
{
	char a[PCI_ADDR_STRLEN];

	if (o->domain) {
		refuse_stub(m, d, o->domain);
		return -EPERM;
	}
	pci_addr_format(&d->addr, a);
	ctl_warn(c, "%s is left out: on pci-stub, a guest cannot have it with managed='no', "
		 "and with managed='yes' libvirt gives it back to the host when the guest "
		 "stops; earlybindctl add %s --driver vfio-pci", desc, a);
	return 0;
}

/* A member of @d's group on a host driver: refused unless --force.  0, or -EPERM. */
static int check_group(const struct ctl *c, const struct ctl_machine *m,
		       const struct vm_opts *o, const struct pcidev *d, const char *desc)
{
	const struct pcidev *b = group_blocker(m, d);
	char bdesc[400];

	if (!b)
		return 0;
	ctl_describe(b, bdesc, sizeof(bdesc));
	if (!o->force) {
		ctl_error("refusing %s: its IOMMU group %d is not viable: %s is on %s (vfio hands "
			  "a group over only when every member is on vfio-pci, pci-stub or no "
			  "driver: claim it too, or --force)", desc, d->iommu_group, bdesc,
			  b->driver);
		return -EPERM;
	}
	ctl_warn(c, "IOMMU group %d of %s is not viable: %s is on %s; the guest will not start "
		 "until it is not", d->iommu_group, desc, bdesc, b->driver);
	return 0;
}

/*
 * Whether @d, claimed by @e, goes into the guest (*@take); what is left
 * out is said why.  0, or -EPERM after saying why.
 */
static int check_function(const struct ctl *c, const struct ctl_machine *m,
			  const struct vm_opts *o, const struct pcidev *d,
			  const struct manifest_entry *e, bool *take)
{
	char desc[400];
	int r;

	*take = false;
	ctl_describe(d, desc, sizeof(desc));
	if (strcmp(e->driver, "pci-stub") == 0)
		return stub_function(c, m, o, d, desc);
	if (!vfio_driver_is(e->driver)) {
		ctl_warn(c, "%s is left out: the manifest puts it on %s, not on a vfio driver",
			 desc, e->driver);
		return 0;
	}
	r = check_group(c, m, o, d, desc);
	if (r < 0)
		return r;
	if (d->iommu_group < 0)
		ctl_warn(c, "%s has no IOMMU group: the IOMMU is off, and no guest can have it "
			 "until it is on", desc);
	else if (strcmp(d->driver, e->driver) != 0)
		ctl_warn(c, "%s is on %s now: earlybind puts it on %s at boot, and the guest can "
			 "start with it after that", desc, d->driver[0] ? d->driver : "no driver",
			 e->driver);
	*take = true;
	return 0;
}

/* The manifest's lines whose function is not here: said, and left out. */
static void warn_absent(const struct ctl *c, const struct ctl_machine *m)
{
	for (size_t i = 0; i < m->manifest.n_entries; i++) {
		const struct manifest_entry *e = &m->manifest.entries[i];
		char a[PCI_ADDR_STRLEN];

		if (e->any_addr || pcidev_find(&m->devs, &e->addr))
			continue;
		pci_addr_format(&e->addr, a);
		ctl_warn(c, CTL_MANIFEST ":%u: no function at %s; left out", e->line, a);
	}
}

/*
 * The manifest's functions for a vfio driver, in address order, each one
 * checked.  0, or -errno after saying why.
 */
static int pick(const struct ctl *c, const struct ctl_machine *m, const struct vm_opts *o,
		struct picked *p)
{
	int r = 0;

	p->fns = calloc(m->devs.n ? m->devs.n : 1, sizeof(*p->fns));
	p->devs = calloc(m->devs.n ? m->devs.n : 1, sizeof(*p->devs));
	p->n = 0;
	if (!p->fns || !p->devs) {
		ctl_error("%s", strerror(ENOMEM));
		return -ENOMEM;
	}
	warn_absent(c, m);
	for (size_t i = 0; i < m->devs.n; i++) {
		const struct pcidev *d = &m->devs.devs[i];
		const struct manifest_entry *e;
		bool mismatch, take;
		int k;

		e = ctl_manifest_entry(m, d, &mismatch);
		if (!e || mismatch)
			continue;
		k = check_function(c, m, o, d, e, &take);
		if (k < 0)
			r = k;
		if (!take)
			continue;
		p->fns[p->n] = (struct vm_fn){ .addr = d->addr, .name = d->desc };
		p->devs[p->n++] = d;
	}
	return r;
}

static void picked_free(struct picked *p)
{
	free(p->fns);
	free(p->devs);
}

/* --cores and --threads against the host.  0, or -errno after saying why. */
static int cpu_wanted(const struct ctl *c, struct vm_opts *o)
{
	struct cpu_topology t;
	int r;

	if (!o->cores)
		return 0;
	r = cpu_topology_read(c->root, &t);
	if (r < 0) {
		ctl_error("cannot read the host's CPU topology under %s (/sys/devices/system/cpu): "
			  "%s", c->root, strerror(-r));
		return r;
	}
	if (!o->threads)
		o->threads = t.threads_per_core;
	if (o->cores * o->threads > t.logical) {
		ctl_error("refusing --cores %u --threads %u: that is %u vCPUs, and the host has %u "
			  "logical CPUs", o->cores, o->threads, o->cores * o->threads, t.logical);
		return -EPERM;
	}
	return 0;
}

/* ---- the fragment --------------------------------------------------------- */

/* 0, or -errno after saying why. */
static int print_fragment(const struct vm_opts *o, const struct picked *p)
{
	struct vm_want w = {
		.fns = p->fns, .n_fns = p->n, .cores = o->cores, .threads = o->threads,
		.vendor_id = o->vendor_id, .vendor_id_given = o->vendor_id_given,
		.first_index = FRAGMENT_FIRST_INDEX,
	};
	struct vm_result res = { 0 };
	struct vm_xml *x = NULL;
	char msg[256], *text = NULL;
	int r;

	msg[0] = '\0';
	r = vm_xml_new_fragment(&x);
	if (r == 0 && p->n)
		r = vm_xml_add_comment(x, "for a q35 domain's <devices>: the root ports take "
				       "controller indexes from 16 up; give them others if the "
				       "domain has those (and the hostdevs' bus with them), or let "
				       "'earlybindctl vm DOMAIN' choose");
	if (r == 0)
		r = vm_xml_add(x, &w, &res, msg, sizeof(msg));
	if (r == 0)
		r = vm_xml_format_fragment(x, &text);
	if (r < 0)
		ctl_error("cannot make the XML: %s", msg[0] ? msg : strerror(-r));
	else
		fputs(text, stdout);
	free(text);
	vm_result_free(&res);
	vm_xml_free(x);
	return r;
}

/* ---- a domain ------------------------------------------------------------- */

struct session {
	const struct ctl *c;
	const struct vm_opts *o;
	struct vm_conn *conn;
	char *orig;       /* the domain's XML as libvirt gave it */
	struct vm_xml *x; /* being edited */
	bool active;
};

/* 0, or -errno after saying why. */
static int open_domain(struct session *s)
{
	char msg[1024];
	int r;

	r = vm_conn_open(s->o->uri, false, &s->conn, msg, sizeof(msg));
	if (r < 0) {
		one_line(msg);
		ctl_error("cannot connect to %s for domain '%s': %s", uri_shown(s->o), s->o->domain,
			  msg);
		return r;
	}
	r = vm_domain_xml(s->conn, s->o->domain, &s->orig, &s->active, msg, sizeof(msg));
	if (r < 0) {
		one_line(msg);
		ctl_error("%s: domain '%s': %s", vm_conn_uri(s->conn), s->o->domain, msg);
		return r;
	}
	r = vm_xml_parse(s->orig, &s->x, msg, sizeof(msg));
	if (r < 0)
		ctl_error("%s: domain '%s': libvirt's XML is %s", vm_conn_uri(s->conn),
			  s->o->domain, msg);
	return r;
}

static void close_domain(struct session *s)
{
	vm_xml_free(s->x);
	free(s->orig);
	vm_conn_close(s->conn);
}

/* --dry-run's unified diff of the definition now against the new one.  0 or -errno. */
static int print_diff(const struct session *s, const char *b)
{
	struct vm_xml *before = NULL;
	char *a = NULL, msg[1024], la[300], lb[300];
	int r;

	/* Both sides through libxml2, so that only the change differs. */
	r = vm_xml_parse(s->orig, &before, msg, sizeof(msg));
	if (r == 0)
		r = vm_xml_format(before, &a);
	snprintf(la, sizeof(la), "%s (defined now)", s->o->domain);
	snprintf(lb, sizeof(lb), "%s (with earlybindctl vm%s)", s->o->domain,
		 s->o->undo ? " --undo" : "");
	if (r == 0)
		r = udiff(stdout, a, b, la, lb);
	vm_xml_free(before);
	free(a);
	return r;
}

/*
 * The change, as --xml, --dry-run or a define asks.  0 when it was shown
 * or defined (*@defined), or -errno after saying why.
 */
static int finish(struct session *s, bool *defined)
{
	char *b = NULL, msg[1024];
	int r;

	*defined = false;
	r = vm_xml_format(s->x, &b);
	if (r == 0 && s->o->dry_run) {
		r = print_diff(s, b);
	} else if (r == 0 && s->o->xml) {
		fputs(b, stdout);
	} else if (r == 0) {
		r = vm_domain_define(s->conn, b, msg, sizeof(msg));
		if (r < 0) {
			one_line(msg);
			ctl_error("%s: domain '%s': libvirt refused the new definition: %s; the "
				  "domain is as it was", vm_conn_uri(s->conn), s->o->domain, msg);
			free(b);
			return r;
		}
		*defined = true;
	}
	if (r < 0)
		ctl_error("domain '%s': %s", s->o->domain, strerror(-r));
	free(b);
	return r;
}

/* After a define: did libvirt keep the record that --undo needs? */
static void check_record(struct session *s, bool want)
{
	struct vm_xml *now = NULL;
	char *xml = NULL, msg[512];
	bool active;

	if (vm_domain_xml(s->conn, s->o->domain, &xml, &active, msg, sizeof(msg)) == 0 &&
	    vm_xml_parse(xml, &now, msg, sizeof(msg)) == 0 && vm_xml_has_record(now) != want)
		ctl_warn(s->c, "domain '%s': libvirt did not keep earlybind's record in "
			 "<metadata>%s", s->o->domain,
			 want ? ": --undo will not know what earlybind added" : "");
	vm_xml_free(now);
	free(xml);
}

static void say_added(const struct session *s, const struct picked *p,
		      const struct vm_result *res)
{
	const struct ctl *c = s->c;
	const char *dom = s->o->domain;

	for (size_t i = 0; i < res->n_fns; i++) {
		const struct vm_fn_result *f = &res->fns[i];
		char desc[400], g[PCI_ADDR_STRLEN];

		ctl_describe(p->devs[i], desc, sizeof(desc));
		pci_addr_format(&f->guest, g);
		if (!f->added)
			ctl_info(c, "%s: %s is in it already; kept as it is", dom, desc);
		else
			ctl_info(c, "%s: added %s at guest address %s%s", dom, desc, g,
				 f->own_port ? " (its card's function 0 is not there: a slot of "
					       "its own)" : "");
	}
	for (size_t i = 0; i < res->n_ports; i++)
		ctl_info(c, "%s: added a pcie-root-port with index %u", dom, res->ports[i]);
	if (res->cpu)
		ctl_info(c, "%s: CPU host-passthrough, 1 socket, %u cores, %u thread%s per core: "
			 "%u vCPUs", dom, s->o->cores, s->o->threads, s->o->threads == 1 ? "" : "s",
			 s->o->cores * s->o->threads);
	if (res->features)
		ctl_info(c, "%s: Hyper-V vendor_id and KVM hidden", dom);
}

static void say_undone(const struct session *s, const struct vm_undo_result *u)
{
	const struct ctl *c = s->c;
	const char *dom = s->o->domain;

	ctl_info(c, "%s: took out %u hostdev%s, %u root port%s and %u setting%s earlybind had "
		 "put in", dom, u->hostdevs, u->hostdevs == 1 ? "" : "s", u->ports,
		 u->ports == 1 ? "" : "s", u->settings, u->settings == 1 ? "" : "s");
	if (u->ports_kept)
		ctl_info(c, "%s: kept %u root port%s that a device added since sits behind", dom,
			 u->ports_kept, u->ports_kept == 1 ? "" : "s");
	if (u->settings_kept)
		ctl_info(c, "%s: left %u setting%s alone that changed since earlybind made them",
			 dom, u->settings_kept, u->settings_kept == 1 ? "" : "s");
}

/*
 * Nothing to change: --xml still prints the definition, in the form a
 * changed one would have; otherwise it is said.  0, or -errno after saying why.
 */
static int unchanged(const struct session *s)
{
	char *text = NULL;
	int r;

	if (!s->o->xml) {
		if (s->o->undo)
			ctl_info(s->c, "%s: earlybind has not changed it; nothing to undo",
				 s->o->domain);
		else
			ctl_info(s->c, "%s: nothing to change; it has every function and setting "
				 "asked for", s->o->domain);
		return 0;
	}
	r = vm_xml_format(s->x, &text);
	if (r == 0)
		fputs(text, stdout);
	else
		ctl_error("domain '%s': %s", s->o->domain, strerror(-r));
	free(text);
	return r;
}

static int run_domain(struct ctl *c, const struct vm_opts *o, const struct picked *p)
{
	struct session s = { .c = c, .o = o };
	struct vm_want w = {
		.fns = p ? p->fns : NULL, .n_fns = p ? p->n : 0, .cores = o->cores,
		.threads = o->threads, .vendor_id = o->vendor_id,
		.vendor_id_given = o->vendor_id_given, .first_index = 1, .record = true,
	};
	struct vm_result res = { 0 };
	struct vm_undo_result u = { 0 };
	char msg[512] = "";
	bool changed, defined;
	int r;

	r = open_domain(&s);
	if (r < 0)
		goto out;
	r = o->undo ? vm_xml_undo(s.x, &u) : vm_xml_add(s.x, &w, &res, msg, sizeof(msg));
	changed = o->undo ? u.had_record : res.changes > 0;
	if (r < 0) {
		ctl_error("%s: domain '%s': %s", vm_conn_uri(s.conn), o->domain,
			  !o->undo && msg[0] ? msg : strerror(-r));
		goto out;
	}
	r = changed ? finish(&s, &defined) : unchanged(&s);
	if (r < 0 || !changed || !defined)
		goto out;
	if (o->undo)
		say_undone(&s, &u);
	else
		say_added(&s, p, &res);
	check_record(&s, !o->undo);
	ctl_info(c, "%s defined at %s%s", o->domain, vm_conn_uri(s.conn),
		 s.active ? "; it runs now: the change takes effect when it next starts" : "");
	if (!o->undo)
		ctl_info(c, "'earlybindctl vm %s --undo' takes out what earlybind put in",
			 o->domain);
out:
	vm_result_free(&res);
	close_domain(&s);
	return r;
}

/* The functions to put in, checked, and the domain or the fragment.  0, or -errno after saying why. */
static int run(struct ctl *c, struct ctl_machine *m, struct vm_opts *o)
{
	struct picked p = { 0 };
	int r;

	if (m->manifest_bad) {
		/* A bad line may be a function meant for the guest: leave none out quietly. */
		ctl_error(CTL_MANIFEST " has %d bad line%s (above): fix %s first", m->manifest_bad,
			  m->manifest_bad == 1 ? "" : "s", m->manifest_bad == 1 ? "it" : "them");
		return -EBADMSG;
	}
	r = cpu_wanted(c, o);
	if (r == 0)
		r = pick(c, m, o, &p);
	if (r == 0 && !p.n && !o->cores && !o->vendor_id) {
		ctl_error("the manifest holds no function for vfio-pci: nothing to put into a "
			  "domain ('earlybindctl list' shows the functions)");
		r = -ENODEV;
	}
	if (r == 0)
		r = o->domain ? run_domain(c, o, &p) : print_fragment(o, &p);
	picked_free(&p);
	return r;
}

int cmd_vm(struct ctl *c, int argc, char **argv)
{
	struct vm_opts o;
	struct ctl_machine m;
	int r;

	if (parse_opts(c, argc, argv, &o) < 0)
		return CTL_EXIT_USAGE;
	if (o.undo)
		return run_domain(c, &o, NULL) < 0 ? CTL_EXIT_FAIL : CTL_EXIT_OK;
	if (ctl_machine_load(c, &m) < 0)
		return CTL_EXIT_FAIL;
	m.kmod = modalias_open(c->root);
	r = run(c, &m, &o);
	ctl_machine_free(&m);
	return r < 0 ? CTL_EXIT_FAIL : CTL_EXIT_OK;
}
