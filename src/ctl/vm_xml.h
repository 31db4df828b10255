/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * A libvirt domain's XML, edited with libxml2: the <hostdev>s of the
 * functions earlybind holds, a pcie-root-port per card so that the card
 * keeps its layout in the guest, the CPU topology, and the features that
 * hide the hypervisor.  Every change is written down in the domain's own
 * <metadata>, in earlybind's namespace, so that undo takes out exactly
 * that and nothing the admin added.  libvirt's domain format is
 * https://libvirt.org/formatdomain.html; no libvirt call is made here.
 */
#ifndef EARLYBIND_VM_XML_H
#define EARLYBIND_VM_XML_H

#include <stdbool.h>
#include <stddef.h>

#include "manifest.h"

/* The namespace of earlybind's element in a domain's <metadata>. */
#define VM_XML_NS "urn:earlybind:domain:1"
#define VM_XML_NS_PREFIX "earlybind"

/* libvirt's limit for <vendor_id value=...> (VIR_DOMAIN_HYPERV_VENDOR_ID_MAX). */
#define VM_VENDOR_ID_MAX 12
#define VM_VENDOR_ID_DEFAULT "earlybind"

struct vm_xml;

struct vm_fn {
	struct pci_addr addr;
	const char *name; /* lspci's name, for the comment; may be NULL */
};

struct vm_want {
	const struct vm_fn *fns; /* sorted by address */
	size_t n_fns;
	unsigned cores, threads;   /* cores 0: the CPU is left alone */
	const char *vendor_id;     /* NULL: the features are left alone */
	bool vendor_id_given;      /* replaces a vendor_id the domain has */
	unsigned first_index;      /* lowest index a new root port may take */
	bool record;               /* write the undo record into <metadata> */
};

struct vm_fn_result {
	struct pci_addr host;
	bool added;           /* false: the domain had it, kept as it was */
	bool has_guest;       /* the guest address is known */
	struct pci_addr guest;
	bool own_port;        /* card without function 0: a root port of its own */
};

struct vm_result {
	struct vm_fn_result *fns; /* one per wanted function, in order */
	size_t n_fns;
	unsigned ports[256];      /* indexes of the new root ports */
	size_t n_ports;
	bool cpu, features;       /* the CPU (and vcpu), the features were changed */
	unsigned changes;         /* 0: nothing to change */
};

struct vm_undo_result {
	bool had_record;
	unsigned hostdevs, ports, settings; /* taken out or put back */
	unsigned ports_kept;                /* a device the admin added still uses them */
	unsigned settings_kept;             /* changed since by someone else: left alone */
};

/* A function some domain uses, for status, list and doctor. */
struct vm_hostdev {
	struct pci_addr host;
	bool managed;
};

/*
 * Parses a domain's XML.  0, or -EINVAL with libxml2's reason (or "not a
 * <domain>") in @msg.
 */
int vm_xml_parse(const char *text, struct vm_xml **out, char *msg, size_t size);
/* An empty domain that --xml's fragment is built in.  0 or -ENOMEM. */
int vm_xml_new_fragment(struct vm_xml **out);
void vm_xml_free(struct vm_xml *x);

/* The domain's <name>, or "". */
const char *vm_xml_name(const struct vm_xml *x);

/*
 * Adds what @w asks for and the domain does not have.  0 or -errno, with
 * the reason in @msg: -ENOTSUP for a domain with a PCI (not PCIe) root,
 * -ENOSPC when no controller index is left.  @res->fns is malloc'ed (free
 * it with vm_result_free), also on failure.
 */
int vm_xml_add(struct vm_xml *x, const struct vm_want *w, struct vm_result *res, char *msg,
	       size_t size);
void vm_result_free(struct vm_result *res);

/* Puts a comment first in <devices>, for the fragment.  0 or -ENOMEM. */
int vm_xml_add_comment(struct vm_xml *x, const char *text);
/* Does the domain's <metadata> have earlybind's record? */
bool vm_xml_has_record(const struct vm_xml *x);

/* Takes out what the record in <metadata> says earlybind added.  0 or -ENOMEM. */
int vm_xml_undo(struct vm_xml *x, struct vm_undo_result *res);

/*
 * The document as libxml2 writes it (no XML declaration, two-space
 * indent), malloc'ed into *@out; the fragment: the devices, then <vcpu>,
 * <cpu> and <features>.  0 or -ENOMEM.
 */
int vm_xml_format(const struct vm_xml *x, char **out);
int vm_xml_format_fragment(const struct vm_xml *x, char **out);

/*
 * The host PCI functions a domain's XML passes through (<hostdev> and
 * <interface type='hostdev'>), malloc'ed into *@out.  0, or -EINVAL when
 * it is not XML, -ENOMEM.
 */
int vm_xml_hostdevs(const char *text, struct vm_hostdev **out, size_t *n);

#endif
